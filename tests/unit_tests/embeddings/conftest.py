"""A scripted ``/v1/embeddings`` served through ``httpx2.MockTransport`` (no sockets)."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from langchain_gradient._settings import ENDPOINT_ENV_VARS, KEY_ENV_VARS
from langchain_gradient.embeddings import GradientEmbeddings


def vector_for(text: str) -> list[float]:
    """The fake server's vector: identifies the text, so order mistakes are visible."""
    return [float(len(text)), float(sum(map(ord, text)) % 997), 1.0]


UNSET = object()


def encoded(vector: list[float]) -> str:
    """``vector`` as the contract's base64 payload: little-endian float32."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


@dataclass
class FakeEmbeddingsServer:
    """Answers like ``POST /v1/embeddings``; records every request body it saw.

    ``status``/``error_body`` turn every answer into an error; ``reverse`` answers
    with the items in reverse order (indices still right); ``drop_last`` answers
    one item short; ``embedding`` replaces every item's embedding value as sent (for
    malformed answers). A request for ``encoding_format="base64"`` is answered in
    little-endian float32 base64, as the contract describes.
    """

    status: int = 200
    error_body: dict[str, Any] = field(default_factory=dict)
    reverse: bool = False
    drop_last: bool = False
    embedding: Any = field(default_factory=lambda: UNSET)
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[httpx2.Headers] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/embeddings"
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(request.headers)
        if self.status != 200:
            return httpx2.Response(self.status, json=self.error_body)
        texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
        encode = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": encoded(vector_for(text)) if encode else vector_for(text),
            }
            for i, text in enumerate(texts)
        ]
        if self.embedding is not UNSET:
            for item in data:
                item["embedding"] = self.embedding
        if self.reverse:
            data.reverse()
        if self.drop_last:
            data.pop()
        return httpx2.Response(
            200,
            json={
                "object": "list",
                "model": body["model"],
                "data": data,
                "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
            },
        )

    async def answer_async(self, request: httpx2.Request) -> httpx2.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            return self.answer(request)
        finally:
            self.in_flight -= 1


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*KEY_ENV_VARS, *ENDPOINT_ENV_VARS):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> FakeEmbeddingsServer:
    return FakeEmbeddingsServer()


@pytest.fixture
def make_embeddings(
    server: FakeEmbeddingsServer,
) -> Callable[..., GradientEmbeddings]:
    """Build GradientEmbeddings wired to ``server`` for both sync and async calls."""

    def build(**kwargs: Any) -> GradientEmbeddings:
        kwargs.setdefault("api_key", "test-key")
        kwargs.setdefault("base_url", "http://127.0.0.1:9")
        kwargs.setdefault("max_retries", 0)
        return GradientEmbeddings(
            http_client=httpx2.Client(transport=httpx2.MockTransport(server.answer)),
            http_async_client=httpx2.AsyncClient(
                transport=httpx2.MockTransport(server.answer_async)
            ),
            **kwargs,
        )

    return build

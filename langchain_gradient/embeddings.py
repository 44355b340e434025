"""GradientEmbeddings: text embeddings from Gradient's ``POST /v1/embeddings``.

Texts are checked before any request (strings, none empty), split into batches of
``chunk_size`` and sent through the shared SDK client of
:class:`~langchain_gradient._connection.GradientConnection`; async batches run
concurrently, at most ``max_concurrency`` at a time. Vectors come back in input order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings
from pydantic import Field

from langchain_gradient._connection import GradientConnection
from langchain_gradient._errors import GradientAPIError, error_message_from_body
from langchain_gradient.callbacks import report_embeddings_usage

if TYPE_CHECKING:
    from openai.types import CreateEmbeddingResponse

DEFAULT_EMBEDDING_MODEL = "qwen3-embedding-0.6b"
MAX_INPUTS_PER_REQUEST = 2048
"""The documented limit of ``/v1/embeddings``: "string or 1-2048 strings"."""


class GradientEmbeddings(GradientConnection, Embeddings):
    """Embeddings from DigitalOcean Gradient serverless inference.

    Uses the same key, endpoint, client, retry and error handling as ``ChatGradient``.

    Example:
        >>> from langchain_gradient import GradientEmbeddings
        >>> embeddings = GradientEmbeddings(model="qwen3-embedding-0.6b")
        >>> vectors = embeddings.embed_documents(["red apples", "green pears"])  # doctest: +SKIP
        >>> query_vector = embeddings.embed_query("apples")  # doctest: +SKIP
    """

    model: str = Field(default=DEFAULT_EMBEDDING_MODEL, alias="model_name", min_length=1)
    """Embedding model id, e.g. ``qwen3-embedding-0.6b``, ``gte-large-en-v1.5``."""
    dimensions: int | None = Field(default=None, gt=0)
    """Output vector size, for models that can shorten their vectors. Sent only when set."""
    chunk_size: int = Field(default=256, gt=0, le=MAX_INPUTS_PER_REQUEST)
    """Texts per request; longer lists are split into several requests (at most 2048)."""
    max_concurrency: int = Field(default=4, gt=0)
    """Async only: how many batch requests may be in flight at once."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed ``texts``, one vector per text, in order. ``[]`` gives ``[]``.

        Example:
            >>> GradientEmbeddings().embed_documents(["a cat", "a dog"])  # doctest: +SKIP
        """
        vectors: list[list[float]] = []
        for batch in self._batches(texts):
            vectors.extend(self._embed_batch(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one query text.

        Example:
            >>> GradientEmbeddings().embed_query("where do cats sleep?")  # doctest: +SKIP
        """
        return self.embed_documents([_check_query(text)])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents`; batches run concurrently, order is kept.

        Example:
            >>> await GradientEmbeddings().aembed_documents(["a cat"])  # doctest: +SKIP
        """
        batches = self._batches(texts)
        if not batches:
            return []
        limit = asyncio.Semaphore(self.max_concurrency)

        async def embed_limited(batch: list[str]) -> list[list[float]]:
            async with limit:
                return await self._aembed_batch(batch)

        tasks = [asyncio.ensure_future(embed_limited(batch)) for batch in batches]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException:
            # One failed batch fails the call; stop the others instead of leaving them running.
            for task in tasks:
                task.cancel()
            raise
        return [vector for batch_vectors in results for vector in batch_vectors]

    async def aembed_query(self, text: str) -> list[float]:
        """Async :meth:`embed_query`.

        Example:
            >>> await GradientEmbeddings().aembed_query("where do cats sleep?")  # doctest: +SKIP
        """
        return (await self.aembed_documents([_check_query(text)]))[0]

    def _batches(self, texts: Sequence[str]) -> list[list[str]]:
        checked = _check_texts(texts)
        size = self.chunk_size
        return [checked[start : start + size] for start in range(0, len(checked), size)]

    def _request(self, batch: list[str]) -> dict[str, Any]:
        request: dict[str, Any] = {"input": batch, "model": self.model, "encoding_format": "float"}
        if self.dimensions is not None:
            request["dimensions"] = self.dimensions
        return request

    def _gradient_error(self, exc: Exception) -> BaseException:
        return self._translate_error(exc, model=self.model, known_models=_embedding_model_ids())

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        try:
            response = self.root_client.embeddings.create(**self._request(batch))
        except Exception as exc:
            raise self._gradient_error(exc) from exc
        report_embeddings_usage(self.model, response.usage)
        return _vectors_in_input_order(response, len(batch), self.model)

    async def _aembed_batch(self, batch: list[str]) -> list[list[float]]:
        try:
            response = await self.root_async_client.embeddings.create(**self._request(batch))
        except Exception as exc:
            raise self._gradient_error(exc) from exc
        report_embeddings_usage(self.model, response.usage)
        return _vectors_in_input_order(response, len(batch), self.model)


def _embedding_model_ids() -> list[str]:
    """Embedding model ids from the bundled catalog, for "did you mean" on a 404."""
    from langchain_gradient.catalog.catalog import ModelCatalog

    try:
        return [info.id for info in ModelCatalog.from_snapshot().models(kind="embedding")]
    except Exception:  # only a hint: a broken snapshot must not hide the service's error
        return []


def _check_texts(texts: Sequence[str]) -> list[str]:
    """Return ``texts`` as a list, or raise naming the first bad item."""
    if isinstance(texts, str):
        raise TypeError(
            "embed_documents takes a list of strings, not a single string; "
            "use embed_query for one text."
        )
    checked = list(texts)
    for index, text in enumerate(checked):
        if not isinstance(text, str):
            raise TypeError(
                f"Text at index {index} is {type(text).__name__}, not str. "
                "Embeddings take strings only; convert or drop that item."
            )
        if not text.strip():
            raise ValueError(
                f"Text at index {index} is empty or whitespace only. "
                "Gradient cannot embed it; drop or fill that item."
            )
    return checked


def _check_query(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"The query is {type(text).__name__}, not str.")
    if not text.strip():
        raise ValueError("The query is empty or whitespace only; there is nothing to embed.")
    return text


def _vectors_in_input_order(
    response: CreateEmbeddingResponse, expected: int, model: str
) -> list[list[float]]:
    if not isinstance(response.data, list):  # e.g. a 200 carrying an error envelope
        body = response.model_dump()
        raise GradientAPIError(
            f"Gradient answered 200 without embeddings for model {model!r}: "
            + error_message_from_body(body, fallback="no data in the response"),
            status_code=200,
            body=body,
        )
    # Each item carries the index of its input; servers need not answer in order.
    items = sorted(response.data, key=lambda item: item.index)
    if [item.index for item in items] != list(range(expected)):
        raise GradientAPIError(
            f"Gradient returned {len(items)} embeddings for {expected} inputs with model "
            f"{model!r} (indices {[item.index for item in items][:10]}); "
            "the response does not match the request.",
            body=None,
        )
    return [list(item.embedding) for item in items]

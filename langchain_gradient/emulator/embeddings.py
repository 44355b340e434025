"""``POST /v1/embeddings``: deterministic vectors where shared words mean closeness.

Each text becomes a hashed bag of words: every lower-cased word (and, at a quarter of
the weight, each of its character trigrams, so "cat" and "cats" stay close) adds
+/-1 to a hashed dimension; the vector is L2-normalised. Texts that share words have a
higher cosine similarity than texts that do not. Vectors have the model's own size
(1,024 for the catalog's embedding models); ``encoding_format="base64"`` (the openai
SDK's default) returns little-endian float32.

The request is checked as DigitalOcean's contract states it (``additionalProperties:
false``; ``input`` a string or 1-2048 strings; ``encoding_format`` ``float`` or
``base64``): any other field, ``dimensions`` included, is a 400 naming it.

Example:
    >>> a, b, c = embed("cats purr", 64), embed("my cats sleep", 64), embed("stock prices", 64)
    >>> sum(x * y for x, y in zip(a, b)) > sum(x * y for x, y in zip(a, c))
    True
"""

from __future__ import annotations

import array
import base64
import hashlib
import math
import re
import struct
import sys
from functools import lru_cache

from aiohttp import web

from langchain_gradient.emulator.errors import bad_request
from langchain_gradient.emulator.http_common import (
    RouteAdder,
    body_of,
    json_response,
    require_model,
)
from langchain_gradient.emulator.tokens import count_tokens

DEFAULT_DIMENSIONS = {"qwen3-embedding-0.6b": 1024, "bge-m3": 1024, "gte-large-en-v1.5": 1024}
MAX_INPUTS = 2048
ACCEPTED_FIELDS = ("model", "input", "user", "encoding_format")
"""The contract's request properties for ``/v1/embeddings``; it rejects any other."""
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _slot(feature: str, dimensions: int) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dimensions, 1.0 if (value >> 63) & 1 else -1.0


def embed(text: str, dimensions: int) -> list[float]:
    """The unit vector for ``text`` (all zeros except one slot for an empty text)."""
    vector = [0.0] * dimensions
    for word in _WORD.findall(text.lower()):
        index, sign = _slot(word, dimensions)
        vector[index] += sign
        padded = f"#{word}#"
        for start in range(len(padded) - 2):
            index, sign = _slot(padded[start : start + 3], dimensions)
            vector[index] += 0.25 * sign
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0:
        vector[0] = 1.0
        return vector
    return [v / norm for v in vector]


@lru_cache(maxsize=4096)
def _packed(text: str, dimensions: int) -> bytes:
    """``embed(text)`` as little-endian float32, cached (4 KiB a text at 1,024 dimensions):
    a vector costs the emulator far more to compute than to send again."""
    return struct.pack(f"<{dimensions}f", *embed(text, dimensions))


def _floats(packed: bytes) -> list[float]:
    values = array.array("f", packed)
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def _inputs(raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(item, str) for item in raw):
        if len(raw) > MAX_INPUTS:
            raise bad_request(f"input accepts at most {MAX_INPUTS} texts.", "input")
        return list(raw)
    raise bad_request(f"input must be a string or a list of 1 to {MAX_INPUTS} strings.", "input")


def _refuse_unknown_fields(body: dict[str, object]) -> None:
    unknown = sorted(set(body) - set(ACCEPTED_FIELDS))
    if unknown:
        raise bad_request(
            f"Unknown field(s) {', '.join(unknown)}: /v1/embeddings accepts only "
            f"{', '.join(ACCEPTED_FIELDS)}.",
            unknown[0],
        )


async def handle_embeddings(request: web.Request) -> web.Response:
    """``POST /v1/embeddings``."""
    body = body_of(request)
    _refuse_unknown_fields(body)
    model = require_model(request, body.get("model"), ("embedding",))
    texts = _inputs(body.get("input"))
    user = body.get("user")
    if user is not None and not isinstance(user, str):
        raise bad_request("user must be a string.", "user")
    dimensions = DEFAULT_DIMENSIONS.get(model.id, 1024)
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise bad_request("encoding_format must be 'float' or 'base64'.", "encoding_format")
    data = []
    for index, text in enumerate(texts):
        packed = _packed(text, dimensions)
        # Both encodings carry the same float32 values, as a float32 model's would.
        value: object = (
            base64.b64encode(packed).decode() if encoding == "base64" else _floats(packed)
        )
        data.append({"object": "embedding", "index": index, "embedding": value})
    tokens = sum(count_tokens(text) for text in texts)
    return json_response(
        {
            "object": "list",
            "data": data,
            "model": model.id,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


def add_routes(add: RouteAdder) -> None:
    add("POST", "/v1/embeddings", handle_embeddings)

"""GradientEmbeddings: text embeddings from Gradient's ``POST /v1/embeddings``.

Texts are checked before any request (strings, none empty), split into batches of
``chunk_size`` (at most 2,048, the contract's limit) and sent through the shared SDK
client of :class:`~langchain_gradient._connection.GradientConnection`; async batches run
concurrently, at most ``max_concurrency`` at a time. Vectors come back in input order.

Vectors are asked for as ``encoding_format="base64"`` (little-endian float32, as the
``openai`` SDK's own default) and decoded with the standard library's ``array``: no
pydantic object per float. The request goes through the SDK client's generic ``post``
(key, retries, errors as usual) and the JSON body is read directly, checked item by item
(:func:`vectors_from_body`). A float list is accepted as well, should a server ignore the
encoding.
"""

from __future__ import annotations

import array
import asyncio
import base64
import binascii
import sys
from collections.abc import Sequence
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.utils.utils import get_pydantic_field_names
from pydantic import Field, field_validator, model_validator

from langchain_gradient._chat_params import chat_request
from langchain_gradient._connection import GradientConnection
from langchain_gradient._errors import GradientAPIError, error_message_from_body
from langchain_gradient._secrets import refuse_key_like_names
from langchain_gradient.callbacks import report_embeddings_usage

DEFAULT_EMBEDDING_MODEL = "qwen3-embedding-0.6b"
MAX_INPUTS_PER_REQUEST = 2048
"""The contract's limit for ``/v1/embeddings``: "a single string or 1-2048 strings"."""
EMBEDDINGS_PATH = "/embeddings"
_REFUSED_FIELDS = {
    "dimensions": (
        "Gradient's /v1/embeddings does not accept `dimensions` (DigitalOcean's API "
        "contract rejects every field but model, input, encoding_format and user), so "
        "vectors come at the model's own size. Leave `dimensions` unset; to shorten "
        "vectors of a Matryoshka-trained model, cut and re-normalise them yourself."
    ),
    "encoding_format": (
        "GradientEmbeddings chooses the encoding itself (base64, decoded to floats); "
        "drop `encoding_format`: the vectors you get are lists of floats either way."
    ),
}


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
    dimensions: None = None
    """Always ``None``: Gradient's contract rejects a ``dimensions`` field, so setting it
    raises at construction (kept so code reading ``embeddings.dimensions`` still works)."""
    chunk_size: int = Field(default=256, gt=0)
    """Texts per request; longer lists are split into several requests (at most 2,048,
    the contract's limit per request)."""
    max_concurrency: int = Field(default=4, gt=0)
    """Async only: how many batch requests may be in flight at once."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_unsupported(cls, values: Any) -> Any:
        """Fields the contract rejects, and unknown arguments, fail here: before any request."""
        if not isinstance(values, dict):
            return values
        for name, reason in _REFUSED_FIELDS.items():
            if values.get(name) is not None:
                raise ValueError(f"{name}={values[name]!r}: {reason}")
        unknown = sorted(set(values) - get_pydantic_field_names(cls))
        refuse_key_like_names(unknown, where="an argument", owner="GradientEmbeddings")
        if unknown:
            raise ValueError(
                f"Unknown GradientEmbeddings argument(s): {', '.join(unknown)}. "
                "Gradient's /v1/embeddings takes only model and input (plus the connection "
                "settings api_key, base_url, timeout, max_retries, default_headers, "
                "http_client, http_async_client, and chunk_size, max_concurrency)."
            )
        return values

    @field_validator("chunk_size")
    @classmethod
    def _at_most_the_contract_limit(cls, value: int) -> int:
        if value > MAX_INPUTS_PER_REQUEST:
            raise ValueError(
                f"chunk_size={value} is over Gradient's limit of {MAX_INPUTS_PER_REQUEST:,} "
                f"inputs per request; use chunk_size<={MAX_INPUTS_PER_REQUEST} (longer "
                "lists are split into several requests for you)."
            )
        return value

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
        """The ``post`` arguments for one batch: every field the contract accepts, no other."""
        body = {"model": self.model, "input": batch, "encoding_format": "base64"}
        return chat_request(body, path=EMBEDDINGS_PATH)

    def _gradient_error(self, exc: Exception) -> BaseException:
        return self._translate_error(exc, model=self.model, known_models=_embedding_model_ids())

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        try:
            response = self.root_client.post(**self._request(batch))
            body = response.json()
        except Exception as exc:
            raise self._gradient_error(exc) from exc
        vectors = vectors_from_body(body, len(batch), self.model)
        report_embeddings_usage(self.model, body.get("usage") if isinstance(body, dict) else None)
        return vectors

    async def _aembed_batch(self, batch: list[str]) -> list[list[float]]:
        try:
            response = await self.root_async_client.post(**self._request(batch))
            body = response.json()
        except Exception as exc:
            raise self._gradient_error(exc) from exc
        vectors = vectors_from_body(body, len(batch), self.model)
        report_embeddings_usage(self.model, body.get("usage") if isinstance(body, dict) else None)
        return vectors


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


def vectors_from_body(body: Any, expected: int, model: str) -> list[list[float]]:
    """The vectors of an embeddings response body, in input order, or a GradientAPIError.

    Each ``data`` item must carry an integer ``index`` (exactly ``0..expected-1``) and
    an ``embedding`` that is a base64 string of little-endian float32 values or a list
    of numbers; every vector must be non-empty and the same length.

    Example:
        >>> vectors_from_body({"data": [{"index": 0, "embedding": "AACAPwAAAMA="}]}, 1, "m")
        [[1.0, -2.0]]
    """
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):  # e.g. a 200 carrying an error envelope
        raise GradientAPIError(
            f"Gradient answered 200 without embeddings for model {model!r}: "
            + error_message_from_body(body, fallback="no data in the response"),
            status_code=200,
            body=body,
        )
    by_index: dict[int, Any] = {}
    for item in data:
        index = item.get("index") if isinstance(item, dict) else None
        if type(index) is not int or index in by_index:
            by_index.clear()
            break
        by_index[index] = item.get("embedding")
    if sorted(by_index) != list(range(expected)):
        indices = [item.get("index") if isinstance(item, dict) else item for item in data]
        raise GradientAPIError(
            f"Gradient returned {len(data)} embeddings for {expected} inputs with model "
            f"{model!r} (indices {indices[:10]}); the response does not match the request.",
            status_code=200,
            body=None,
        )
    # Items carry the index of their input; servers need not answer in order.
    vectors = [_decoded(by_index[index], index, model) for index in range(expected)]
    sizes = {len(vector) for vector in vectors}
    if len(sizes) > 1:
        raise GradientAPIError(
            f"Gradient returned vectors of different lengths {sorted(sizes)} for model "
            f"{model!r} in one response; they cannot be compared with each other.",
            status_code=200,
            body=None,
        )
    return vectors


_LITTLE_ENDIAN = sys.byteorder == "little"


def _decoded(value: Any, index: int, model: str) -> list[float]:
    """One ``embedding`` value as a list of floats (base64 float32 or a number list)."""
    if isinstance(value, str):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b"?"  # not base64: reported below like any other bad payload
        if raw and len(raw) % 4 == 0:
            floats = array.array("f", raw)
            if not _LITTLE_ENDIAN:
                floats.byteswap()
            return floats.tolist()
        problem = f"a string that is not base64 float32 ({value[:20]!r})"
    elif isinstance(value, list) and value:
        if all(type(x) is float or (type(x) is int) for x in value):
            return [float(x) for x in value]
        problem = "a list holding something other than numbers"
    else:
        problem = "an empty list" if value == [] else f"{type(value).__name__}"
    raise GradientAPIError(
        f"Gradient returned an embedding for input {index} with model {model!r} that is "
        f"{problem}, not a vector of numbers; the response cannot be used.",
        status_code=200,
        body=None,
    )

"""Knowledge bases: ``POST /v1/{knowledge_base_uuid}/retrieve`` with hybrid search.

What the sources say (``gradient-api.md`` §13.3; ``gradient`` 3.12.2
``resources/retrieve.py`` and ``types/retrieve_documents_*``): a DigitalOcean API token
as bearer; body ``query`` and ``num_results`` (1-100) required, ``alpha`` (0 = keyword
BM25, 1 = vector, default 1) and ``filters{must, must_not, should}`` of
``{field, operator, value}`` with operators ``eq ne gt gte lt lte in not_in contains``;
answer ``{results: [{text_content, metadata}], total_results}``, no score.

What the emulator adds, because no source says it: how documents are chunked (by
paragraph, up to ``chunk_words`` words), which metadata a chunk carries (its own
metadata plus ``filename`` and ``chunk_index`` for files), the ranking
(``(1 - alpha) * BM25 / max BM25 + alpha * max(cosine, 0)`` over the emulator's
embeddings, :mod:`.embeddings`), and the auth rules: 401 for a token that is not a
DigitalOcean token the emulator knows (the control token or one added with
:meth:`KnowledgeBaseStore.add_token`), 403 when the knowledge base is limited to
other tokens, 404 for an unknown id.

Example:
    >>> kb = KnowledgeBase.from_documents("docs", [{"text": "GPU droplets have H100s."}])
    >>> [hit.text for hit in kb.search("H100 GPUs", 1, alpha=0.0)]
    ['GPU droplets have H100s.']
"""

from __future__ import annotations

import math
import re
import threading
import uuid as uuid_module
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.embeddings import embed
from langchain_gradient.emulator.errors import EmulatorHTTPError, bad_request
from langchain_gradient.emulator.http_common import RouteAdder, body_of, json_response, state_of

RETRIEVE_PATH = re.compile(r"^/v1/[^/]+/retrieve$")
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "contains")
MAX_RESULTS = 100
DIMENSIONS = 256
_WORD = re.compile(r"\w+")
_BM25_K1 = 1.2
_BM25_B = 0.75
DocumentSource = str | Path | Sequence[Mapping[str, Any]]
"""A folder of ``.txt`` / ``.md`` files, or dicts ``{"text", "metadata"}``."""


def parse_knowledge_base_option(value: str) -> tuple[str, str]:
    """``NAME=PATH`` (the CLI's ``--knowledge-base``) as ``(name, path)``; ``ValueError``
    saying what to fix otherwise.

    Example:
        >>> parse_knowledge_base_option("handbook=docs/kb")
        ('handbook', 'docs/kb')
    """
    name, sep, path = value.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise ValueError(f"--knowledge-base takes NAME=PATH (a folder), got {value!r}.")
    if not Path(path).is_dir():
        raise ValueError(f"--knowledge-base {name}: {path!r} is not a folder.")
    return name.strip(), path.strip()


def is_retrieve_path(path: str) -> bool:
    """True for ``/v1/{uuid}/retrieve``: a DigitalOcean-token route, not a model-key one."""
    return RETRIEVE_PATH.match(path) is not None


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of a document."""

    text: str
    metadata: Mapping[str, Any]
    terms: Counter[str]
    vector: tuple[float, ...]


def _terms(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def split_text(text: str, chunk_words: int) -> list[str]:
    """Paragraphs, joined while they fit in ``chunk_words`` words; long ones are cut."""
    pieces: list[str] = []
    current: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        words = paragraph.split()
        while len(words) > chunk_words:
            if current:
                pieces.append(" ".join(current))
                current = []
            pieces.append(" ".join(words[:chunk_words]))
            words = words[chunk_words:]
        if current and len(current) + len(words) > chunk_words:
            pieces.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _load(source: DocumentSource) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(source, (str, Path)):
        folder = Path(source)
        if not folder.is_dir():
            raise ValueError(f"{folder} is not a folder of .txt / .md files.")
        files = sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md") and p.is_file())
        if not files:
            raise ValueError(f"{folder} has no .txt or .md files.")
        return [
            (path.read_text(encoding="utf-8"), {"filename": path.relative_to(folder).as_posix()})
            for path in files
        ]
    documents = []
    for position, item in enumerate(source):
        text = item.get("text", item.get("text_content", item.get("page_content")))
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"document {position} has no 'text'.")
        metadata = item.get("metadata") or {}
        if not isinstance(metadata, Mapping):
            raise ValueError(f"document {position}: metadata must be a dict.")
        documents.append((text, dict(metadata)))
    return documents


@dataclass
class KnowledgeBase:
    """A chunked, indexed knowledge base.

    ``tokens``: the DigitalOcean tokens that may read it (``None``: every known token).
    """

    name: str
    uuid: str
    chunks: list[Chunk]
    tokens: frozenset[str] | None = None
    _document_frequency: Counter[str] = field(default_factory=Counter, repr=False)
    _average_length: float = field(default=1.0, repr=False)

    def __post_init__(self) -> None:
        for chunk in self.chunks:
            self._document_frequency.update(set(chunk.terms))
        lengths = [sum(chunk.terms.values()) for chunk in self.chunks]
        self._average_length = (sum(lengths) / len(lengths)) if lengths else 1.0

    @classmethod
    def from_documents(
        cls,
        name: str,
        source: DocumentSource,
        *,
        uuid: str | None = None,
        chunk_words: int = 120,
        tokens: Iterable[str] | None = None,
    ) -> KnowledgeBase:
        """Chunk and index ``source`` (a folder, or dicts with ``text`` and ``metadata``)."""
        chunks = []
        for text, metadata in _load(source):
            pieces = split_text(text, chunk_words)
            for index, piece in enumerate(pieces):
                chunk_metadata = dict(metadata)
                if "filename" in metadata:
                    chunk_metadata["chunk_index"] = index
                chunks.append(
                    Chunk(
                        piece,
                        chunk_metadata,
                        Counter(_terms(piece)),
                        tuple(embed(piece, DIMENSIONS)),
                    )
                )
        return cls(
            name=name,
            uuid=uuid or str(uuid_module.uuid4()),
            chunks=chunks,
            tokens=frozenset(tokens) if tokens is not None else None,
        )

    def _bm25(self, query_terms: Sequence[str], chunk: Chunk) -> float:
        total = len(self.chunks)
        length = sum(chunk.terms.values())
        score = 0.0
        for term in set(query_terms):
            frequency = chunk.terms.get(term, 0)
            if not frequency:
                continue
            df = self._document_frequency[term]
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            norm = frequency + _BM25_K1 * (1 - _BM25_B + _BM25_B * length / self._average_length)
            score += idf * frequency * (_BM25_K1 + 1) / norm
        return score

    def search(
        self,
        query: str,
        num_results: int,
        *,
        alpha: float = 1.0,
        filters: Mapping[str, Any] | None = None,
    ) -> list[Chunk]:
        """The ``num_results`` best chunks that pass ``filters``, best first."""
        candidates = [c for c in self.chunks if passes(c.metadata, filters or {})]
        if not candidates:
            return []
        query_terms = _terms(query)
        keyword = [self._bm25(query_terms, c) for c in candidates]
        top = max(keyword) or 1.0
        query_vector = embed(query, DIMENSIONS)
        scored = []
        for position, chunk in enumerate(candidates):
            cosine = sum(a * b for a, b in zip(query_vector, chunk.vector, strict=True))
            score = (1 - alpha) * keyword[position] / top + alpha * max(cosine, 0.0)
            scored.append((-score, position, chunk))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [chunk for _, _, chunk in scored[:num_results]]


# ------------------------------------------------------------------------- filters


def _matches(metadata: Mapping[str, Any], condition: Mapping[str, Any]) -> bool:
    op, value = condition["operator"], condition["value"]
    present = condition["field"] in metadata
    actual = metadata.get(condition["field"])
    if op == "eq":
        return present and actual == value
    if op == "ne":
        return not (present and actual == value)
    if op == "in":
        return present and actual in value
    if op == "not_in":
        return not (present and actual in value)
    if op == "contains":
        if isinstance(actual, str) and isinstance(value, str):
            return value in actual
        return isinstance(actual, (list, tuple)) and value in actual
    if not present or isinstance(actual, bool) or isinstance(value, bool):
        return False
    numeric = (int, float)
    if not (
        (isinstance(actual, numeric) and isinstance(value, numeric))
        or (isinstance(actual, str) and isinstance(value, str))
    ):
        return False
    left: Any = actual
    if op == "gt":
        return bool(left > value)
    if op == "gte":
        return bool(left >= value)
    if op == "lt":
        return bool(left < value)
    return bool(left <= value)


def passes(metadata: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """``must`` all hold, no ``must_not`` holds, and one ``should`` holds (if any)."""
    if not all(_matches(metadata, c) for c in filters.get("must") or ()):
        return False
    if any(_matches(metadata, c) for c in filters.get("must_not") or ()):
        return False
    should = filters.get("should") or ()
    return not should or any(_matches(metadata, c) for c in should)


def check_filters(raw: Any, where: str = "filters") -> dict[str, Any]:
    """``raw`` as validated filters; 400 naming the field and the rule otherwise."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise bad_request(f"{where} must be an object with must, must_not, should.", where)
    unknown = sorted(set(raw) - {"must", "must_not", "should"})
    if unknown:
        raise bad_request(
            f"{where} has unknown key(s) {unknown}; use must, must_not, should.", where
        )
    for group, conditions in raw.items():
        if not isinstance(conditions, list):
            raise bad_request(f"{where}.{group} must be a list.", f"{where}.{group}")
        for index, condition in enumerate(conditions):
            check_condition(condition, f"{where}.{group}[{index}]")
    return raw


def check_condition(condition: Any, where: str) -> None:
    """400 unless ``condition`` is ``{field, operator, value}`` with a known operator."""
    if not isinstance(condition, dict) or not {"field", "operator", "value"} <= set(condition):
        raise bad_request(f"{where} must be an object with field, operator and value.", where)
    if not isinstance(condition["field"], str) or not condition["field"]:
        raise bad_request(f"{where}.field must be a non-empty string.", f"{where}.field")
    if condition["operator"] not in OPERATORS:
        raise bad_request(
            f"{where}.operator must be one of {', '.join(OPERATORS)}.", f"{where}.operator"
        )
    value = condition["value"]
    valid = isinstance(value, (str, int, float, bool)) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )
    if not valid:
        raise bad_request(
            f"{where}.value must be a string, number, boolean or list of strings.",
            f"{where}.value",
        )


# --------------------------------------------------------------------------- store


class KnowledgeBaseStore:
    """The emulator's knowledge bases (by uuid) and the extra DigitalOcean tokens it accepts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bases: dict[str, KnowledgeBase] = {}
        self._tokens: set[str] = set()

    def add(self, knowledge_base: KnowledgeBase) -> KnowledgeBase:
        with self._lock:
            self._bases[knowledge_base.uuid] = knowledge_base
        return knowledge_base

    def get(self, uuid: str) -> KnowledgeBase | None:
        return self._bases.get(uuid)

    def by_name(self, name: str) -> KnowledgeBase | None:
        return next((kb for kb in self._bases.values() if kb.name == name), None)

    def add_token(self, token: str) -> None:
        """Accept ``token`` as a DigitalOcean API token (besides the control token)."""
        with self._lock:
            self._tokens.add(token)

    def knows_token(self, token: str | None, control_token: str) -> bool:
        return bool(token) and (token == control_token or token in self._tokens)

    def __iter__(self) -> Any:
        return iter(list(self._bases.values()))


def store_of(request: web.Request) -> KnowledgeBaseStore:
    store: KnowledgeBaseStore = state_of(request).knowledge_bases
    return store


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() or None if header[:7].lower() == "bearer " else None


def _int_in_range(body: Mapping[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"{name} is required and must be an integer from {low} to {high}.", name)
    return value


async def handle_retrieve(request: web.Request) -> web.Response:
    """``POST /v1/{knowledge_base_uuid}/retrieve``."""
    state = state_of(request)
    store = store_of(request)
    token = _bearer(request)
    if not store.knows_token(token, state.control_token):
        raise EmulatorHTTPError(401, "Unable to authenticate you.")
    kb_uuid = request.match_info["kb_uuid"]
    knowledge_base = store.get(kb_uuid)
    if knowledge_base is None:
        raise EmulatorHTTPError(404, f"Knowledge base '{kb_uuid}' not found.")
    if knowledge_base.tokens is not None and token not in knowledge_base.tokens:
        raise EmulatorHTTPError(403, "You are not authorized to access this knowledge base.")
    body = body_of(request)
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise bad_request("query is required and must be a non-empty string.", "query")
    num_results = _int_in_range(body, "num_results", 1, MAX_RESULTS)
    alpha = body.get("alpha", 1.0)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= 1:
        raise bad_request("alpha must be a number from 0 to 1.", "alpha")
    filters = check_filters(body.get("filters"))
    hits = knowledge_base.search(query, num_results, alpha=float(alpha), filters=filters)
    results = [{"text_content": hit.text, "metadata": dict(hit.metadata)} for hit in hits]
    return json_response({"results": results, "total_results": len(results)})


def add_routes(add: RouteAdder) -> None:
    add("POST", "/v1/{kb_uuid}/retrieve", handle_retrieve)

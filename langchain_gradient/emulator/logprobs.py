"""Chat ``logprobs``, filled when a request asks (``logprobs: true``, ``top_logprobs: n``).

The shape is the contract's ``choices[].logprobs``: ``{"content": [{token, logprob, bytes,
top_logprobs: [{token, logprob, bytes}]}], "refusal": null}``, one entry per token of the
answer. Values are deterministic (the chosen token is the most likely).

Example:
    >>> entry = chat_logprobs("Hi", 1)["content"][0]
    >>> entry["token"], entry["top_logprobs"][0]["token"]
    ('Hi', 'Hi')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_gradient.emulator.tokens import split_tokens

_ALTERNATIVES = (" the", " a", ".", ",", " and", " of", " to", " in", "!", " it")


def wants_logprobs(body: Mapping[str, Any]) -> tuple[bool, int]:
    """(asked, top n) from a chat request body."""
    top = body.get("top_logprobs")
    return body.get("logprobs") is True, top if isinstance(top, int) and top > 0 else 0


def _entry(token: str, logprob: float) -> dict[str, Any]:
    return {"token": token, "logprob": logprob, "bytes": list(token.encode())}


def token_logprobs(tokens: list[str], start: int, top: int) -> list[dict[str, Any]]:
    """Entries for ``tokens`` (``start``: the index of the first token in the answer)."""
    entries = []
    for offset, token in enumerate(tokens):
        logprob = -round(0.02 * ((start + offset) % 9), 4)
        alternatives = [_entry(token, logprob)]
        for rank, other in enumerate(a for a in _ALTERNATIVES if a != token):
            if len(alternatives) >= top:
                break
            alternatives.append(_entry(other, round(logprob - 1.5 - rank, 4)))
        entries.append({**_entry(token, logprob), "top_logprobs": alternatives[:top]})
    return entries


def chat_logprobs(text: str | None, top: int) -> dict[str, Any]:
    """The ``logprobs`` object of a whole answer."""
    return {"content": token_logprobs(split_tokens(text or ""), 0, top), "refusal": None}

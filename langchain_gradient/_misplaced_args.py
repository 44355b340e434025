"""Arguments that belong to another class: refused with a pointer to it.

Without this check an argument like ``ChatGradient(use_responses_api=True)`` would be
moved to ``model_kwargs`` and sent in every request body (langchain-openai's rule for
unknown arguments), where the service ignores or rejects it. These names are not
unknown: they are another class's, so the error says which one to use.

Example:
    >>> refuse_misplaced({"use_responses_api": True}, "ChatGradient")
    Traceback (most recent call last):
    ...
    ValueError: use_responses_api belongs to GradientResponses, not ChatGradient: ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_RESPONSES = "GradientResponses (from langchain_gradient import GradientResponses)"
_CHAT = "ChatGradient (from langchain_gradient import ChatGradient)"
_EMBEDDINGS = "GradientEmbeddings (from langchain_gradient import GradientEmbeddings)"

_OWNERS: dict[str, dict[str, str]] = {
    "ChatGradient": {
        "use_responses_api": _RESPONSES,
        "use_previous_response_id": _RESPONSES,
        "previous_response_id": _RESPONSES,
        "max_output_tokens": _RESPONSES,
        "truncation": _RESPONSES,
        "instructions": _RESPONSES,
        "dimensions": _EMBEDDINGS,
        "chunk_size": _EMBEDDINGS,
        "embedding_ctx_length": _EMBEDDINGS,
    },
    "GradientResponses": {
        "use_responses_api": "nothing: GradientResponses always uses /v1/responses",
        "n": _CHAT,
        "logit_bias": _CHAT,
        "stream_options": _CHAT,
        "frequency_penalty": _CHAT,
        "presence_penalty": _CHAT,
        "dimensions": _EMBEDDINGS,
        "chunk_size": _EMBEDDINGS,
    },
}


def refuse_misplaced(values: Mapping[str, Any], owner: str) -> None:
    """Raise ``ValueError`` naming the right class for any argument ``owner`` lacks."""
    for name, target in _OWNERS.get(owner, {}).items():
        if name in values:
            hint = (
                f"use {target}"
                if not target.startswith("nothing")
                else f"drop it ({target.removeprefix('nothing: ')})"
            )
            raise ValueError(
                f"{name} belongs to {target.split(' (')[0]}, not {owner}: {hint}."
                if not target.startswith("nothing")
                else f"{name} is not a {owner} argument: {hint}."
            )

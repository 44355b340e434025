"""Reading ``langchain-gradient batch submit`` input files, checked before any upload.

A JSONL file holds, one per line, either prompts (a JSON string, or an object with a
``"prompt"`` string) or ready Batch API request lines in the provider's own format
(``gradient-api.md`` §13.2): OpenAI ``{custom_id, method, url, body}`` or Anthropic
Message Batches ``{custom_id, params}``. One file holds one kind. Any problem is a
:class:`BatchInputError` naming the line to fix.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "in.jsonl"
    >>> _ = path.write_text('"Is this spam?"\\n{"prompt": "And this?"}\\n')
    >>> read_batch_input(path).prompts
    ['Is this spam?', 'And this?']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_gradient.batch.client import ENDPOINTS
from langchain_gradient.batch.lines import provider_of


class BatchInputError(ValueError):
    """The input file cannot be submitted; the message says which line and why."""


@dataclass
class BatchInput:
    """What a submit file holds: ``prompts``, or ready ``lines`` for one provider."""

    prompts: list[str] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)
    provider: str | None = None
    endpoint: str | None = None
    models: set[str] = field(default_factory=set)


def read_batch_input(path: Path) -> BatchInput:
    """Parse and check every line of ``path`` (see the module docstring)."""
    if not path.is_file():
        raise BatchInputError(f"{path}: no such file (give a JSONL file of prompts or lines).")
    found = BatchInput()
    seen: set[str] = set()
    with path.open("rb") as source:
        for number, raw in enumerate(source, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "msg", None) or str(exc)
                raise BatchInputError(
                    f"{path}, line {number}: not valid JSON ({reason})."
                ) from None
            _take(found, value, f"{path}, line {number}", seen)
    if not found.prompts and not found.lines:
        raise BatchInputError(f"{path}: the file has no lines to submit.")
    return found


def _take(found: BatchInput, value: Any, where: str, seen: set[str]) -> None:
    prompt = value.get("prompt") if isinstance(value, dict) and "custom_id" not in value else value
    if isinstance(prompt, str):
        if found.lines:
            raise BatchInputError(f"{where}: a prompt in a file of request lines; use one kind.")
        if not prompt.strip():
            raise BatchInputError(f"{where}: the prompt is empty.")
        found.prompts.append(prompt)
        return
    if not isinstance(value, dict) or "custom_id" not in value:
        raise BatchInputError(
            f'{where}: expected a prompt ("text" or {{"prompt": "text"}}) or a request line '
            '({"custom_id", "method", "url", "body"} or {"custom_id", "params"}).'
        )
    if found.prompts:
        raise BatchInputError(f"{where}: a request line in a file of prompts; use one kind.")
    custom_id = value["custom_id"]
    if not isinstance(custom_id, str) or not custom_id:
        raise BatchInputError(f"{where}: custom_id must be a non-empty string.")
    if custom_id in seen:
        raise BatchInputError(f"{where}: custom_id {custom_id!r} is used twice.")
    seen.add(custom_id)
    provider, endpoint, model = _line_kind(value, where)
    if found.provider not in (None, provider) or found.endpoint not in (None, endpoint):
        raise BatchInputError(
            f"{where}: every line must use the same provider and endpoint "
            f"(earlier lines: {found.provider} {found.endpoint or ''})."
        )
    found.provider, found.endpoint = provider, endpoint
    found.models.add(model)
    found.lines.append(json.dumps(value, separators=(",", ":")).encode() + b"\n")


def _line_kind(value: dict[str, Any], where: str) -> tuple[str, str | None, str]:
    if "params" in value:
        request, endpoint = value["params"], None
        extra = set(value) - {"custom_id", "params"}
    else:
        if value.get("method") != "POST" or value.get("url") not in ENDPOINTS:
            raise BatchInputError(
                f"{where}: an OpenAI line needs method 'POST' and url in {list(ENDPOINTS)}."
            )
        request, endpoint = value.get("body"), value["url"]
        extra = set(value) - {"custom_id", "method", "url", "body"}
    if extra:
        raise BatchInputError(f"{where}: unknown field(s) {sorted(extra)}.")
    if not isinstance(request, dict) or not isinstance(request.get("model"), str):
        raise BatchInputError(f"{where}: the request needs an object with a 'model'.")
    model = request["model"]
    provider = provider_of(model)
    if provider is None or (provider == "anthropic") != (endpoint is None):
        raise BatchInputError(
            f"{where}: model {model!r} does not fit this line format (Anthropic models use "
            "{custom_id, params}; OpenAI models {custom_id, method, url, body})."
        )
    return provider, endpoint, model

"""Token and cost estimates for one request, before it is sent.

Two token figures are computed from the same walk over the messages:

* :func:`estimate_input_tokens` is the *typical* count used to rank models: one token
  per 4 characters of text (rounded up per part), 4 tokens of chat-template overhead
  per message plus 3 to prime the reply, 765 tokens per image (an OpenAI-style
  1024 x 1024 high-detail image), and the JSON of any tool schemas at 4 characters
  per token. It is deterministic and tokenizer-free, and typically within about 25% of
  real counts for English text; it undercounts code and non-Latin scripts.
* :func:`max_input_tokens` is an *upper bound* used for budgets: one token per UTF-8
  byte (byte-level BPE tokenizers never emit more tokens than bytes), 8 tokens of
  overhead per message plus 16, and 1,600 tokens per image (the largest image cost
  documented by OpenAI and Anthropic for their default image sizes).

The cost of a request is priced from a ``UsageMetadata`` built from those counts, by
:func:`usage_cost`, so a planned request and a finished one go through the same
formula.

Example:
    >>> estimate_input_tokens([("user", "What is 2 + 2?")])
    11
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, convert_to_messages
from langchain_core.messages.ai import InputTokenDetails, UsageMetadata
from langchain_core.prompt_values import PromptValue

from langchain_gradient.catalog.models import ModelInfo, Pricing
from langchain_gradient.catalog.pricing import estimate_cost

CHARS_PER_TOKEN = 4
TYPICAL_MESSAGE_OVERHEAD = 4
TYPICAL_REPLY_PRIMING = 3
TYPICAL_IMAGE_TOKENS = 765
MAX_MESSAGE_OVERHEAD = 8
MAX_REQUEST_OVERHEAD = 16
MAX_IMAGE_TOKENS = 1600

_IMAGE_PART_TYPES = frozenset({"image_url", "image", "input_image"})


@dataclass(frozen=True)
class InputSize:
    """The measurements of a prompt that both token figures are computed from."""

    text_tokens: int
    """Sum over text parts of ``ceil(characters / 4)``."""
    utf8_bytes: int
    messages: int
    images: int

    @property
    def typical_tokens(self) -> int:
        return (
            self.text_tokens
            + TYPICAL_MESSAGE_OVERHEAD * self.messages
            + TYPICAL_REPLY_PRIMING
            + TYPICAL_IMAGE_TOKENS * self.images
        )

    @property
    def max_tokens(self) -> int:
        return (
            self.utf8_bytes
            + MAX_MESSAGE_OVERHEAD * self.messages
            + MAX_REQUEST_OVERHEAD
            + MAX_IMAGE_TOKENS * self.images
        )


def to_messages(messages: LanguageModelInput) -> list[BaseMessage]:
    """Normalise anything a chat model accepts (str, PromptValue, message list)."""
    if isinstance(messages, PromptValue):
        return messages.to_messages()
    if isinstance(messages, str):
        return convert_to_messages([("human", messages)])
    return convert_to_messages(messages)


def measure_input(
    messages: LanguageModelInput,
    tools: Sequence[Any] | None = None,
    *,
    count_text: Callable[[str], int] | None = None,
) -> InputSize:
    """Measure a prompt (and tool schemas) once; see the module docstring for the rules.

    ``count_text`` replaces the ``ceil(characters / 4)`` text rule (a real tokenizer's
    count, for :mod:`langchain_gradient._token_count`); the overheads stay as documented.
    """
    counter = _Counter(count_text)
    parsed = to_messages(messages)
    for message in parsed:
        counter.add_content(message.content)
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                counter.add_text(call["name"])
                counter.add_text(json.dumps(call["args"], sort_keys=True))
    for tool in tools or ():
        counter.add_text(json.dumps(_tool_schema(tool), sort_keys=True, default=str))
    return InputSize(
        text_tokens=counter.text_tokens,
        utf8_bytes=counter.utf8_bytes,
        messages=len(parsed),
        images=counter.images,
    )


def estimate_input_tokens(messages: LanguageModelInput, tools: Sequence[Any] | None = None) -> int:
    """Typical input-token count of a prompt: deterministic, no tokenizer needed."""
    return measure_input(messages, tools).typical_tokens


def max_input_tokens(messages: LanguageModelInput, tools: Sequence[Any] | None = None) -> int:
    """Upper bound on the input tokens of a prompt, for worst-case budget checks."""
    return measure_input(messages, tools).max_tokens


def planned_usage(
    input_tokens: int,
    output_tokens: int,
    *,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
) -> UsageMetadata:
    """The ``UsageMetadata`` a request of this size would report.

    ``input_tokens`` is the total input, cached tokens included (the package-wide
    convention of :mod:`langchain_gradient._usage`).
    """
    if cache_read_tokens + cache_write_tokens > input_tokens:
        raise ValueError(
            "cache_read_tokens + cache_write_tokens cannot exceed input_tokens "
            f"({cache_read_tokens} + {cache_write_tokens} > {input_tokens})"
        )
    usage = UsageMetadata(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )
    details: InputTokenDetails = {}
    if cache_read_tokens:
        details["cache_read"] = cache_read_tokens
    if cache_write_tokens:
        details["cache_creation"] = cache_write_tokens
    if details:
        usage["input_token_details"] = details
    return usage


def usage_cost(model: ModelInfo, usage: UsageMetadata) -> float | None:
    """USD cost of ``usage`` on ``model``; ``None`` when a needed price is unknown.

    The formula is the package's one cost formula,
    :func:`~langchain_gradient.catalog.pricing.estimate_cost` (cache reads and writes at
    the cache prices, or at the input price when the model has none). It is linear in
    the token counts, so its per-token rates are derived once per price list
    (:func:`token_rates`) and reused: ``select_model`` prices every model per call.
    """
    return priced(token_counts(usage), token_rates(model.pricing))


def token_counts(usage: UsageMetadata) -> tuple[int, int, int, int]:
    """(uncached input, cache read, cache write, output) tokens of ``usage``."""
    details = usage.get("input_token_details") or {}
    cache_read = int(details.get("cache_read") or 0)
    cache_write = int(details.get("cache_creation") or 0)
    uncached = max(usage["input_tokens"] - cache_read - cache_write, 0)
    return uncached, cache_read, cache_write, usage["output_tokens"]


def priced(counts: tuple[int, int, int, int], rates: tuple[float | None, ...]) -> float | None:
    """Dot product of token counts and per-token rates; ``None`` if a needed rate is."""
    total = 0.0
    for count, rate in zip(counts, rates, strict=True):
        if count:
            if rate is None:
                return None
            total += count * rate
    return total


_RATE_PROBES: tuple[UsageMetadata, ...] = (
    UsageMetadata(input_tokens=1_000_000, output_tokens=0, total_tokens=1_000_000),
    UsageMetadata(
        input_tokens=1_000_000,
        output_tokens=0,
        total_tokens=1_000_000,
        input_token_details={"cache_read": 1_000_000},
    ),
    UsageMetadata(
        input_tokens=1_000_000,
        output_tokens=0,
        total_tokens=1_000_000,
        input_token_details={"cache_creation": 1_000_000},
    ),
    UsageMetadata(input_tokens=0, output_tokens=1_000_000, total_tokens=1_000_000),
)


@functools.lru_cache(maxsize=1024)
def token_rates(pricing: Pricing) -> tuple[float | None, ...]:
    """USD per token for (uncached input, cache read, cache write, output), or ``None``.

    Each rate is :func:`estimate_cost` of one million tokens of that kind, divided by a
    million.
    """
    probe = ModelInfo(id="rate-probe", kind="chat", pricing=pricing)
    rates: list[float | None] = []
    for usage in _RATE_PROBES:
        total = estimate_cost(probe, usage).total_usd
        rates.append(None if total is None else total / 1_000_000)
    return tuple(rates)


class _Counter:
    __slots__ = ("count_text", "images", "text_tokens", "utf8_bytes")

    def __init__(self, count_text: Callable[[str], int] | None = None) -> None:
        self.count_text = count_text
        self.text_tokens = 0
        self.utf8_bytes = 0
        self.images = 0

    def add_text(self, text: str) -> None:
        if text:
            if self.count_text is None:
                self.text_tokens += math.ceil(len(text) / CHARS_PER_TOKEN)
            else:
                self.text_tokens += self.count_text(text)
            self.utf8_bytes += len(text.encode("utf-8"))

    def add_content(self, content: str | list[str | dict[str, Any]]) -> None:
        if isinstance(content, str):
            self.add_text(content)
            return
        for part in content:
            if isinstance(part, str):
                self.add_text(part)
            elif part.get("type") in _IMAGE_PART_TYPES:
                self.images += 1
            elif isinstance(part.get("text"), str):
                self.add_text(part["text"])


def _tool_schema(tool: Any) -> Any:
    if isinstance(tool, dict):
        return tool
    from langchain_core.utils.function_calling import convert_to_openai_tool

    return convert_to_openai_tool(tool)

"""Token counts without ``transformers``: exact where a tokenizer for the family is
installed, a documented approximation everywhere else.

langchain-core's default ``get_num_tokens`` loads GPT-2 from ``transformers``, which a
base install does not have, and which is not the tokenizer of any Gradient model. Here:

* **OpenAI models** (``openai-*`` ids: GPT-4o, GPT-4.1, GPT-5, o-series, gpt-oss) use
  ``o200k_base``. The count is **exact** when that encoding loads from ``tiktoken`` (it
  needs its encoding file cached, or network on first use) or else from ``bpe-openai``
  (which ships the file); :attr:`TokenCounting.exact` says which happened.
* **Every other family** (Anthropic, Llama, Mistral, Qwen, DeepSeek, Gemma, Kimi, GLM,
  Nemotron, ...) has no tokenizer that installs from a package here, so the count is
  **approximate**: ``ceil(characters / 4)`` per text part, the rule
  :mod:`langchain_gradient.selection.estimate` uses. Measured against ``o200k_base``
  and ``cl100k_base`` over the 271 paragraphs of 200+ characters in this package's
  ``docs/`` (English prose, code, tables): 0.94x the exact total; 90 % of paragraphs
  within 0.77x-1.16x; worst 0.43x (symbol-dense tables). It undercounts code and
  non-Latin scripts. Against the other families' own tokenizers it is unmeasured.

Messages add the per-message overheads of :mod:`langchain_gradient.selection.estimate`
(4 per message, 3 to prime the reply, 765 per image, tool schemas as JSON); those are
approximate for every family, so :meth:`TokenCounting.count_messages` is never called
exact.

Example:
    >>> counting = token_counting("anthropic-claude-4.5-haiku")
    >>> counting.exact, counting.count("Hello there, how are you?")
    (False, 7)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.messages import BaseMessage

__all__ = ["TokenCounting", "token_counting"]

APPROXIMATE_CHARS_PER_TOKEN = 4
OPENAI_ENCODING = "o200k_base"


class _Encoding(Protocol):
    def encode(self, text: str) -> Sequence[int]: ...


@dataclass(frozen=True)
class TokenCounting:
    """How a model's tokens are counted here: exactly (a named tokenizer) or not.

    Example:
        >>> token_counting("llama3.3-70b-instruct").method
        'approximate: ceil(characters / 4)'
    """

    model: str
    family: str
    """``"openai"`` or the id's first word (``"anthropic"``, ``"llama3.3"``, ...)."""
    encoding: str | None = None
    """The BPE encoding used for an exact count, ``None`` for the approximation."""
    tokenizer: str | None = None
    """The package that provided it: ``"tiktoken"`` or ``"bpe-openai"``."""

    @property
    def exact(self) -> bool:
        """True only when text is counted with the family's own tokenizer."""
        return self.encoding is not None

    @property
    def method(self) -> str:
        if self.exact:
            return f"exact: {self.encoding} ({self.tokenizer})"
        return f"approximate: ceil(characters / {APPROXIMATE_CHARS_PER_TOKEN})"

    def token_ids(self, text: str) -> list[int]:
        """The token ids of ``text``; only with an exact tokenizer (ids cannot be guessed)."""
        encoding = _load(self.encoding) if self.encoding else None
        if encoding is None:
            raise NotImplementedError(
                f"No tokenizer for {self.model!r} is installed, so there are no token ids; "
                "get_num_tokens() gives an approximate count (ceil(characters / 4))."
            )
        return list(encoding.encode(text))

    def count(self, text: str) -> int:
        """Tokens in ``text``: exact if :attr:`exact`, else ``ceil(len(text) / 4)``."""
        encoding = _load(self.encoding) if self.encoding else None
        if encoding is not None:
            return len(encoding.encode(text))
        return math.ceil(len(text) / APPROXIMATE_CHARS_PER_TOKEN)

    def count_messages(
        self, messages: Sequence[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Input tokens of a chat request: text as :meth:`count`, plus the documented
        overheads of :mod:`langchain_gradient.selection.estimate` (always approximate)."""
        from langchain_gradient.selection.estimate import measure_input

        count_text = self.count if self.exact else None
        return measure_input(list(messages), tools, count_text=count_text).typical_tokens


def token_counting(model: str) -> TokenCounting:
    """How ``model``'s tokens are counted (see the module docstring).

    Example:
        >>> token_counting("openai-gpt-4o").family
        'openai'
    """
    lowered = model.lower()
    if lowered.startswith("openai-") or lowered.startswith(("gpt-", "o1", "o3", "o4")):
        found = _loader(OPENAI_ENCODING)
        if found is not None:
            return TokenCounting(model, "openai", OPENAI_ENCODING, found)
        return TokenCounting(model, "openai")
    family = lowered.split("-", 1)[0] or lowered
    return TokenCounting(model, family)


@functools.lru_cache(maxsize=8)
def _loader(name: str) -> str | None:
    """Which installed package can load encoding ``name`` (tried once per process)."""
    try:
        import tiktoken  # type: ignore[import-not-found,unused-ignore]

        tiktoken.get_encoding(name)
        return "tiktoken"
    except Exception:  # not installed, or its file cannot be fetched: try the next
        pass
    try:
        import bpe_openai  # type: ignore[import-not-found,import-untyped,unused-ignore]

        bpe_openai.get_encoding(name)
        return "bpe-openai"
    except Exception:
        return None


@functools.lru_cache(maxsize=8)
def _load(name: str) -> _Encoding | None:
    package = _loader(name)
    if package == "tiktoken":
        import tiktoken  # type: ignore[import-not-found,unused-ignore]

        return tiktoken.get_encoding(name)
    if package == "bpe-openai":
        import bpe_openai  # type: ignore[import-not-found,import-untyped,unused-ignore]

        encoding: _Encoding = bpe_openai.get_encoding(name)
        return encoding
    return None

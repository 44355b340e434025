"""What ChatGradient and GradientResponses share as LangChain chat models.

Serialization (the key travels as the ``MODEL_ACCESS_KEY`` secret, never as a value),
the identifying params, the model profile from the catalog, the one exit for SDK
errors, and ``with_structured_output``: with the parsers from :mod:`._structured_output`
it binds a forced tool or a chat-style ``response_format``, which each
model spells for its own endpoint (chat completions as is; Responses as ``text.format``).

Example:
    >>> from langchain_gradient import ChatGradient, GradientResponses
    >>> ChatGradient(api_key="k").lc_secrets == GradientResponses(api_key="k").lc_secrets
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from langchain_core.language_models import BaseChatModel, LanguageModelInput, ModelProfile
from langchain_core.language_models.chat_models import _ChatModelBinding
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, ConfigDict, Field

from langchain_gradient._connection import GradientConnection
from langchain_gradient._secrets import refuse_key_like_names

if TYPE_CHECKING:  # the parsers load with the first with_structured_output (import time)
    from langchain_gradient._structured_output import StructuredOutputMethod
    from langchain_gradient._token_count import TokenCounting


class GradientChatModelBase(GradientConnection, BaseChatModel):
    """Base of the Gradient chat models; subclasses set ``model_name`` and ``_default_params``."""

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    model_name: str = Field(alias="model")
    """Model id."""

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "MODEL_ACCESS_KEY"}

    @property
    def _default_params(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, **self._default_params}

    def _get_invocation_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        # langchain-core calls this before any callback sees the call, so a per-call key
        # is refused before it can reach a trace's invocation_params or a request body.
        refuse_per_call_keys(kwargs, owner=type(self).__name__)
        return super()._get_invocation_params(stop=stop, **kwargs)

    def bind(self, **kwargs: Any) -> _ChatModelBinding:
        """Bind per-call arguments; a credential among them is refused at once.

        Example:
            >>> from langchain_gradient import ChatGradient
            >>> ChatGradient(api_key="k").bind(temperature=0).kwargs
            {'temperature': 0}
        """
        refuse_per_call_keys(kwargs, owner=type(self).__name__, where="a bind() argument")
        return super().bind(**kwargs)

    @property
    def token_counting(self) -> TokenCounting:
        """How :meth:`get_num_tokens` counts for this model: ``.exact`` is ``True`` only
        with the family's own tokenizer installed (OpenAI models with ``tiktoken`` or
        ``bpe-openai``); else a documented approximation (``ceil(characters / 4)``,
        within 0.77x-1.16x of OpenAI's count for 90 % of English doc paragraphs).

        Example:
            >>> from langchain_gradient import ChatGradient
            >>> ChatGradient(model="llama3.3-70b-instruct", api_key="k").token_counting.exact
            False
        """
        from langchain_gradient._token_count import token_counting

        return token_counting(self.model_name)

    def get_token_ids(self, text: str) -> list[int]:
        """Token ids of ``text``: needs the model family's tokenizer (or
        ``custom_get_token_ids``); raises ``NotImplementedError`` when only an
        approximate count is possible. Never loads ``transformers``."""
        if self.custom_get_token_ids is not None:
            return self.custom_get_token_ids(text)
        return self.token_counting.token_ids(text)

    def get_num_tokens(self, text: str) -> int:
        """Tokens in ``text``, without ``transformers``: exact or approximate as
        :attr:`token_counting` says.

        Example:
            >>> from langchain_gradient import ChatGradient
            >>> ChatGradient(model="llama3.3-70b-instruct", api_key="k").get_num_tokens("abcdefgh")
            2
        """
        if self.custom_get_token_ids is not None:
            return len(self.custom_get_token_ids(text))
        return self.token_counting.count(text)

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Input tokens of a chat request (so ``trim_messages(token_counter=llm)`` works):
        text as :meth:`get_num_tokens`, plus 4 per message, 3 for the reply, 765 per
        image and the tool schemas as JSON (always approximate).

        Example:
            >>> from langchain_core.messages import HumanMessage
            >>> from langchain_gradient import ChatGradient
            >>> llm = ChatGradient(model="llama3.3-70b-instruct", api_key="k")
            >>> llm.get_num_tokens_from_messages([HumanMessage("abcdefgh")])
            9
        """
        if self.custom_get_token_ids is not None:
            return super().get_num_tokens_from_messages(messages, tools)
        return self.token_counting.count_messages(messages, tools)

    def _resolve_model_profile(self) -> ModelProfile | None:
        """``.profile`` from the model catalog (limits, tools, vision, reasoning)."""
        from langchain_gradient.catalog.profiles import model_profile

        return model_profile(self.model_name)

    def _known_model_ids(self) -> Iterable[str] | None:
        """Ids to suggest from when the service answers 404 for a model (None: no hints)."""
        return None

    def _raise_translated(self, exc: Exception, model: str) -> NoReturn:
        """The one exit for SDK errors: sync, async and both stream paths."""
        translated = self._translate_error(exc, model=model, known_models=self._known_model_ids())
        if translated is exc:
            raise exc
        raise translated from exc

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: StructuredOutputMethod | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """Return a runnable that answers as ``schema`` (Pydantic, TypedDict or JSON schema).

        ``method``: ``"function_calling"`` (a forced tool call), ``"json_schema"`` (the
        schema as the JSON-schema response format, for models that honour it) or
        ``"json_mode"`` (any JSON object; describe it in the prompt). Default: the
        catalog's choice for this model, the one ``select_model`` reports
        (``Candidate.structured_output_method``): ``"function_calling"`` for every model
        that can call a named tool or that the catalog does not know, ``"json_schema"``
        for a model with native JSON-schema output but no tool calling.

        Example:
            >>> from pydantic import BaseModel
            >>> from langchain_gradient import ChatGradient
            >>> class Answer(BaseModel):
            ...     city: str
            >>> chain = ChatGradient(api_key="...").with_structured_output(Answer)
        """
        from langchain_gradient._structured_output import (
            check_method,
            default_method,
            json_schema_format,
            output_parser,
            with_parser,
        )
        from langchain_gradient.catalog.catalog import ModelCatalog

        if kwargs:
            raise TypeError(f"Unexpected arguments: {', '.join(sorted(kwargs))}.")
        if method is None:
            known = ModelCatalog.from_snapshot().get(self.model_name)
            method = default_method(known) or "function_calling"
        check_method(method, schema)
        trace = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
        llm: Runnable[LanguageModelInput, BaseMessage]
        if method == "function_calling":
            tool = convert_to_openai_tool(schema, strict=strict)  # type: ignore[arg-type]
            llm = self.bind_tools(
                [tool],
                tool_choice=tool["function"]["name"],
                strict=strict,
                ls_structured_output_format=trace,
            )
        elif method == "json_schema":
            response_format = {
                "type": "json_schema",
                "json_schema": json_schema_format(schema, strict),
            }
            llm = self.bind(response_format=response_format, ls_structured_output_format=trace)
        else:
            llm = self.bind(
                response_format={"type": "json_object"}, ls_structured_output_format=trace
            )
        return with_parser(llm, output_parser(schema, method), include_raw=include_raw)


def refuse_per_call_keys(
    kwargs: dict[str, Any], *, owner: str, where: str = "a per-call argument"
) -> None:
    """Refuse a credential passed per call, directly or inside ``model_kwargs``,
    ``extra_body`` or ``extra_headers`` (each would be sent and traced as is)."""
    refuse_key_like_names(kwargs, where=where, owner=owner)
    for container in ("model_kwargs", "extra_body", "extra_headers"):
        inner = kwargs.get(container)
        if isinstance(inner, dict):
            refuse_key_like_names(inner, where=f"{where} ({container})", owner=owner)

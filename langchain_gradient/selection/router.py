"""``GradientRouter``: answer with the cheapest model, check, escalate while the budget allows.

The router holds a *ladder* of models, cheapest first: an explicit list, or the Pareto
front of :func:`~langchain_gradient.selection.selector.select_model` (cheapest fitting
model up). For each request it:

1. optionally asks a triage model how hard the request is and starts at that rung
   (:mod:`~langchain_gradient.selection.triage`);
2. prices the rung's **worst case**: the input upper bound
   (:func:`~langchain_gradient.selection.estimate.max_input_tokens`) at the input price
   plus the rung's output cap at the output price. If that does not fit the remaining
   per-request limit or :class:`~langchain_gradient.selection.budget.RunBudget`, the
   first rung raises :class:`~langchain_gradient.selection.budget.BudgetExceededError`
   before anything is sent, and a later rung is not tried (the last answer is returned,
   marked not accepted);
3. calls the rung, prices the actual usage, and runs the free checks
   (:mod:`~langchain_gradient.selection.checks`), then the optional judge;
4. returns the first answer that passes, or escalates to the next rung.

The whole decision is in ``response_metadata["gradient_routing"]`` of the returned
message, and every model call is a child run named ``gradient_router:<purpose>:<model>``
with ``gradient_router`` tags and metadata, so LangSmith shows each step.

Example:
    >>> router = GradientRouter(  # doctest: +SKIP
    ...     models=["llama3-8b-instruct", "llama3.3-70b-instruct"],
    ...     max_cost_per_request=0.01,
    ... )
    >>> reply = router.invoke("What is the capital of France?")  # doctest: +SKIP
    >>> reply.response_metadata["gradient_routing"]["answered_by"]  # doctest: +SKIP
    'llama3-8b-instruct'
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    AsyncCallbackManagerForLLMRun,
    CallbackManager,
    CallbackManagerForChainRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel, LangSmithParams, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig, RunnableSerializable
from langchain_core.runnables.config import patch_config
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, PrivateAttr, SecretStr, ValidationError, field_validator

from langchain_gradient._connection import without_key_inputs
from langchain_gradient.catalog.models import ModelInfo
from langchain_gradient.selection.budget import BudgetExceededError, Reservation, RunBudget
from langchain_gradient.selection.checks import (
    Answer,
    AnswerCheck,
    CheckResult,
    JudgeCheck,
    JudgeVerdict,
    as_check,
    default_checks,
    run_checks,
)
from langchain_gradient.selection.estimate import (
    max_input_tokens,
    measure_input,
    planned_usage,
    to_messages,
    usage_cost,
)
from langchain_gradient.selection.selector import (
    DEFAULT_EXPECTED_OUTPUT_TOKENS,
    Requirements,
    SelectionDecision,
    select_model,
)
from langchain_gradient.selection.triage import Difficulty, DifficultyTriage

DEFAULT_MAX_OUTPUT_TOKENS = 1024
DEFAULT_MAX_RUNGS = 3
_KEY_ARGUMENTS = frozenset({"api_key", "model_access_key"})
"""Keys in ``chat_model_kwargs`` that hold the access key."""
Purpose = Literal["rung", "triage", "judge"]


@dataclass(frozen=True)
class Rung:
    """One step of the ladder: a chat model, its catalog record, and its output cap."""

    model: Any
    info: ModelInfo
    max_output_tokens: int | None

    @property
    def id(self) -> str:
        return self.info.id


@dataclass
class _Call:
    """A model call the routing plan asks its driver (sync or async) to make."""

    purpose: Purpose
    runnable: Runnable[Any, Any]
    input: list[BaseMessage]
    model_id: str
    metadata: dict[str, Any]
    step: str = ""
    """The child run's step name: ``rung`` (first attempt) or ``escalate``; else the purpose."""
    live: bool = False
    """Streamed to the caller as it arrives: no later rung can replace this answer."""


@dataclass
class _Outcome:
    message: AIMessage
    parsed: Any
    parsing_error: BaseException | None


@dataclass
class _Ledger:
    """Per-request spending, plus the shared run budget. Reserve before, settle after."""

    request_limit: float | None
    budget: RunBudget | None
    spent: float = 0.0
    held: float = 0.0
    by_model: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def fits(self, amount: float) -> bool:
        """Whether ``amount`` could be reserved now (nothing is held)."""
        committed = self.spent + self.held + amount
        if self.request_limit is not None and committed > self.request_limit:
            return False
        return self.budget is None or amount <= self.budget.remaining_usd

    def reserve(self, amount: float, model: str) -> tuple[float, Reservation | None]:
        if self.request_limit is not None and self.spent + self.held + amount > self.request_limit:
            raise BudgetExceededError(
                scope="request",
                limit_usd=self.request_limit,
                spent_usd=self.spent + self.held,
                needed_usd=amount,
                model=model,
            )
        hold = self.budget.reserve(amount, model=model) if self.budget is not None else None
        self.held += amount
        return amount, hold

    def state(self) -> dict[str, Any]:
        """The budget state before a call, for its child run's metadata."""
        request_left = (
            None
            if self.request_limit is None
            else max(self.request_limit - self.spent - self.held, 0.0)
        )
        return {
            "request_spent_usd": self.spent,
            "request_remaining_usd": request_left,
            "run_budget_remaining_usd": None if self.budget is None else self.budget.remaining_usd,
        }

    def settle(self, reserved: tuple[float, Reservation | None], actual: float, model: str) -> None:
        amount, hold = reserved
        self.held -= amount
        self.spent += actual
        self.by_model[model] = self.by_model.get(model, 0.0) + actual
        if hold is not None and self.budget is not None:
            self.budget.settle(hold, actual)


@dataclass(frozen=True)
class _Structured:
    schema: Any
    include_raw: bool
    kwargs: Mapping[str, Any]


class GradientRouter(BaseChatModel):
    """A cost-aware cascade over Gradient (or any LangChain) chat models, as a chat model.

    It is a ``BaseChatModel``: it drives ``create_agent`` and ``create_react_agent``,
    supports ``bind_tools`` (the tools reach every rung and their arguments are checked),
    ``with_structured_output``, ``stream``/``astream``, ``ainvoke`` and callbacks. Each
    model call is a child run of the router's own run, named
    ``gradient_router:rung:<model>`` for the first attempt and
    ``gradient_router:escalate:<model>`` for an escalation, with the failed check and
    the budget left in its metadata.

    **Streaming.** Checks need the whole answer, so a rung that could still be replaced
    (every rung but the last) is buffered: its chunks reach the caller only after its
    checks pass. The last rung of the ladder streams live, since its answer is returned
    whatever the checks say. A late escalation therefore never shows the caller tokens
    of an answer that is then thrown away; it only delays the first token.

    **Usage.** The returned message has no ``usage_metadata`` of its own: every rung,
    triage and judge call reports its usage on its own child run (so
    ``get_gradient_callback`` and other token counters count each call once). The
    answering call's usage is in ``response_metadata["gradient_routing"]["usage"]``
    and each attempt's in ``["attempts"][i]["usage"]``.

    Args:
        models: the ladder, cheapest first: Gradient model ids (built as ``ChatGradient``
            with ``chat_model_kwargs``) or chat model objects. Empty: built from
            ``select_model(**selection)``'s Pareto front, at most ``max_rungs`` rungs.
        catalog: where prices and capabilities come from (default: bundled catalog).
        vouched_models: ``ModelInfo`` records that take precedence over the catalog
            (for ``router:<name>`` ids, custom models, or test doubles).
        checks: the free checks, in order (default :func:`default_checks`); a plain
            ``callable(AIMessage) -> bool`` is accepted.
        judge: an optional :class:`JudgeCheck`, run after the free checks pass.
        triage: an optional :class:`DifficultyTriage` choosing the starting rung.
        max_cost_per_request: USD limit for one call of the router (all rungs, triage
            and judge included).
        budget: a :class:`RunBudget` shared across calls.
        expected_output_tokens: the typical answer length, for the recorded estimate
            (``estimated_cost`` of each attempt) and for ``select_model``.
        max_output_tokens: the output cap given to models built from ids, and used
            for their worst-case price.
        selection: keyword arguments for ``select_model`` when ``models`` is empty.

    Example:
        >>> from langchain_gradient.selection import RunBudget
        >>> router = GradientRouter(  # doctest: +SKIP
        ...     models=["llama3-8b-instruct", "openai-gpt-oss-120b"],
        ...     budget=RunBudget(max_usd=1.00),
        ... )
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, hide_input_in_errors=True)

    models: list[Any] = []
    catalog: Any = None
    vouched_models: list[ModelInfo] = []
    checks: list[Any] | None = None
    judge: JudgeCheck | None = None
    triage: DifficultyTriage | None = None
    max_cost_per_request: float | None = None
    budget: RunBudget | None = None
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS
    expected_output_tokens: int = DEFAULT_EXPECTED_OUTPUT_TOKENS
    max_rungs: int = DEFAULT_MAX_RUNGS
    selection: dict[str, Any] = {}
    chat_model_kwargs: dict[str, Any] = {}
    tools: list[Any] = []
    tool_kwargs: dict[str, Any] = {}
    name: str | None = "GradientRouter"

    _rungs: list[Rung] = PrivateAttr(default_factory=list)
    _checks: list[AnswerCheck] = PrivateAttr(default_factory=list)
    _selection_decision: SelectionDecision | None = PrivateAttr(default=None)
    _tool_dicts: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _lookup_cache: dict[str, ModelInfo] | None = PrivateAttr(default=None)
    _helpers: dict[str, Rung] = PrivateAttr(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:  # its input holds chat_model_kwargs, key included
            raise without_key_inputs(exc) from None

    @field_validator("chat_model_kwargs")
    @classmethod
    def _hide_keys(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        # A key given for the rungs is held as a SecretStr, so repr, dumps and callback
        # payloads mask it as they do on ChatGradient itself.
        return {
            name: SecretStr(value) if name in _KEY_ARGUMENTS and isinstance(value, str) else value
            for name, value in kwargs.items()
        }

    def __getstate__(self) -> dict[Any, Any]:
        # Not pickled, like the rungs' own keys: they are read from the environment again.
        state = super().__getstate__()
        kwargs = {k: v for k, v in self.chat_model_kwargs.items() if k not in _KEY_ARGUMENTS}
        state["__dict__"] = {**state["__dict__"], "chat_model_kwargs": kwargs}
        return state

    def model_post_init(self, context: Any, /) -> None:
        if self.max_cost_per_request is not None and self.max_cost_per_request < 0:
            raise ValueError("max_cost_per_request must be >= 0")
        if self.max_rungs < 1:
            raise ValueError(f"max_rungs must be >= 1, got {self.max_rungs}")
        if self.max_output_tokens < 1:
            raise ValueError(f"max_output_tokens must be >= 1, got {self.max_output_tokens}")
        if self.expected_output_tokens < 0:
            raise ValueError(
                f"expected_output_tokens must be >= 0, got {self.expected_output_tokens}"
            )
        self._checks = [as_check(check) for check in (self.checks or default_checks())]
        self._tool_dicts = [convert_to_openai_tool(tool) for tool in self.tools]
        specs: list[Any] = list(self.models)
        if not specs:
            specs = self._ladder_from_selection()
        self._rungs = [self._resolve_rung(spec) for spec in specs]
        if not self._rungs:
            raise ValueError("GradientRouter needs at least one model in its ladder.")
        for role, helper in (("triage", self.triage), ("judge", self.judge)):
            if helper is not None:
                self._helpers[role] = self._resolve_model(
                    helper.model, helper.max_output_tokens, role
                )
        if self._has_limits():
            for rung in self._rungs:
                if rung.max_output_tokens is None:
                    raise ValueError(
                        f"Rung {rung.id!r} has no output cap, so its worst-case cost is "
                        "unbounded: set max_tokens on the model or max_output_tokens on "
                        "its ModelInfo."
                    )

    @property
    def ladder(self) -> list[str]:
        """The model ids of the ladder, cheapest first."""
        return [rung.id for rung in self._rungs]

    @property
    def rungs(self) -> list[Rung]:
        return list(self._rungs)

    # -- building ------------------------------------------------------------------

    def _has_limits(self) -> bool:
        return self.max_cost_per_request is not None or self.budget is not None

    def _ladder_from_selection(self) -> list[Any]:
        options: dict[str, Any] = {
            "input_tokens": 1000,
            "expected_output_tokens": self.expected_output_tokens,
        }
        options.update(self.selection)
        options.setdefault("catalog", self.catalog)
        options.setdefault("vouched_models", self.vouched_models)
        if self.tools:  # bound tools make tool calling a requirement of every rung
            options["require"] = replace(options.get("require") or Requirements(), tools=True)
        decision = select_model(**options)
        self._selection_decision = decision
        if not decision.pareto:
            raise ValueError(
                "select_model found no model for the router's ladder: "
                + "; ".join(f"{k}: {v}" for k, v in sorted(decision.rejected.items())[:8])
            )
        front = list(decision.pareto)
        if len(front) > self.max_rungs:
            # Keep the cheapest and the strongest, and spread the rest evenly between.
            last = len(front) - 1
            steps = max(self.max_rungs - 1, 1)
            picks = sorted({round(i * last / steps) for i in range(self.max_rungs)})
            front = [front[i] for i in picks[: self.max_rungs]]
        # The decision already holds each rung's record: no second catalog lookup.
        self._lookup_cache = {info.id: info for info in self.vouched_models}
        self._lookup_cache.update((candidate.id, candidate.model) for candidate in front)
        return [candidate.id for candidate in front]

    def _lookup(self, model_id: str) -> ModelInfo | None:
        if self._lookup_cache is None:
            self._lookup_cache = {info.id: info for info in self.vouched_models}
        if model_id in self._lookup_cache:
            return self._lookup_cache[model_id]
        catalog = self.catalog
        if catalog is None:
            from langchain_gradient.selection.selector import _default_catalog

            catalog = self.catalog = _default_catalog()
        if hasattr(catalog, "get"):
            found: ModelInfo | None = catalog.get(model_id)
            return found
        models = catalog.models() if hasattr(catalog, "models") else catalog
        return next((info for info in models if info.id == model_id), None)

    def _resolve_rung(self, spec: Any) -> Rung:
        return self._resolve_model(spec, self.max_output_tokens, "rung")

    def _resolve_model(self, spec: Any, default_cap: int, role: str) -> Rung:
        model_id = spec if isinstance(spec, str) else _model_id_of(spec)
        info = self._lookup(model_id) if model_id else None
        if info is None or not info.pricing.has_token_prices:
            what = "is not in the catalog" if info is None else "has no known token prices"
            raise ValueError(
                f"{role} model {model_id!r} {what}, so its cost cannot be checked. Pass a "
                "ModelInfo with its prices in `vouched_models`."
            )
        if isinstance(spec, str):
            cap = min(default_cap, info.max_output_tokens or default_cap)
            return Rung(_build_chat_model(spec, cap, self.chat_model_kwargs), info, cap)
        configured = _configured_output_cap(spec)
        return Rung(spec, info, configured or info.max_output_tokens)

    # -- LCEL ----------------------------------------------------------------------

    def bind_tools(
        self, tools: Sequence[Any], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """A copy of the router whose every rung is called with these tools bound
        (wrapped in a ``RunnableBinding``, as chat models return; its attributes, such as
        ``ladder``, are the copy's).

        Tool-call arguments are then validated against the tool schemas before an
        answer is accepted.
        """
        routed = self.__class__(**{**self._fields(), "tools": list(tools), "tool_kwargs": kwargs})
        return routed.bind()

    def with_structured_output(
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        """Route, asking every rung for ``schema``; an unparsable answer escalates.

        Returns the parsed object, or ``{"raw", "parsed", "parsing_error"}`` with
        ``include_raw=True`` (``raw`` carries ``gradient_routing``).
        """
        return _StructuredRouter(router=self, structured=_Structured(schema, include_raw, kwargs))

    def _fields(self) -> dict[str, Any]:
        # A ladder built by select_model is built again (new tools can change the fit).
        return {name: getattr(self, name) for name in type(self).model_fields}

    # -- BaseChatModel ------------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "gradient-router"

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "gradient"
        model = kwargs.get("model")  # a per-call override names the model of the call
        params["ls_model_name"] = model if isinstance(model, str) else self.ls_model_name
        return params

    @property
    def ls_model_name(self) -> str:
        """The name tracing shows for the router's own run: ``router(<ladder>)``."""
        return "router(" + ",".join(self.ladder) + ")"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"ladder": self.ladder, "max_cost_per_request": self.max_cost_per_request}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        outcome = self._drive(messages, run_manager, {}, None, _call_options(stop, kwargs))
        return _chat_result(outcome)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        options = _call_options(stop, kwargs)
        outcome = await self._adrive(messages, run_manager, {}, None, options)
        return _chat_result(outcome)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        options = _call_options(stop, kwargs)
        plan = self._plan(messages, None)
        step = _advance(plan, None, None)
        answer: list[AIMessageChunk] = []
        answer_live = False
        while isinstance(step, _Call):
            config = _child_config({}, run_manager, step)
            try:
                if step.purpose != "rung":
                    reply = step.runnable.invoke(step.input, config)
                else:
                    answer, answer_live = [], step.live
                    for chunk in step.runnable.stream(step.input, config, **options):
                        if _empty(chunk):
                            continue
                        answer.append(chunk)
                        if step.live:
                            yield _emit(chunk)
                    reply = _joined(answer)
            except Exception as exc:
                step = _advance(plan, None, exc)
                continue
            step = _advance(plan, reply, None)
        if not answer_live:
            for chunk in answer:
                yield _emit(chunk)
        yield _closing_chunk(step)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        options = _call_options(stop, kwargs)
        plan = self._plan(messages, None)
        step = _advance(plan, None, None)
        answer: list[AIMessageChunk] = []
        answer_live = False
        while isinstance(step, _Call):
            config = _child_config({}, run_manager, step)
            try:
                if step.purpose != "rung":
                    reply = await step.runnable.ainvoke(step.input, config)
                else:
                    answer, answer_live = [], step.live
                    async for chunk in step.runnable.astream(step.input, config, **options):
                        if _empty(chunk):
                            continue
                        answer.append(chunk)
                        if step.live:
                            yield _emit(chunk)
                    reply = _joined(answer)
            except Exception as exc:
                step = _advance(plan, None, exc)
                continue
            step = _advance(plan, reply, None)
        if not answer_live:
            for chunk in answer:
                yield _emit(chunk)
        yield _closing_chunk(step)

    # -- drivers: the same plan, run sync or async --------------------------------------

    def _drive(
        self,
        value: LanguageModelInput,
        run_manager: _RunManager | None,
        config: RunnableConfig,
        structured: _Structured | None,
        options: Mapping[str, Any] | None = None,
    ) -> _Outcome:
        plan = self._plan(to_messages(value), structured)
        step = _advance(plan, None, None)
        while isinstance(step, _Call):
            child = _child_config(config, run_manager, step)
            extra = options if options and step.purpose == "rung" else {}
            try:
                reply = step.runnable.invoke(step.input, child, **extra)
            except Exception as exc:
                step = _advance(plan, None, exc)
                continue
            step = _advance(plan, reply, None)
        return step

    async def _adrive(
        self,
        value: LanguageModelInput,
        run_manager: _RunManager | None,
        config: RunnableConfig,
        structured: _Structured | None,
        options: Mapping[str, Any] | None = None,
    ) -> _Outcome:
        plan = self._plan(to_messages(value), structured)
        step = _advance(plan, None, None)
        while isinstance(step, _Call):
            child = _child_config(config, run_manager, step)
            extra = options if options and step.purpose == "rung" else {}
            try:
                reply = await step.runnable.ainvoke(step.input, child, **extra)
            except Exception as exc:
                step = _advance(plan, None, exc)
                continue
            step = _advance(plan, reply, None)
        return step

    # -- the plan ----------------------------------------------------------------------

    def _plan(
        self, messages: list[BaseMessage], structured: _Structured | None
    ) -> Generator[_Call, Any, _Outcome]:
        ledger = _Ledger(self.max_cost_per_request, self.budget)
        measured_tools: list[Any] = [*self._tool_dicts]
        if structured is not None:
            measured_tools.append(structured.schema)
        size = measure_input(messages, measured_tools)
        prompt_bound = size.max_tokens
        record: dict[str, Any] = {
            "ladder": self.ladder,
            "limits": {
                "max_cost_per_request": self.max_cost_per_request,
                "run_budget_max_usd": self.budget.max_usd if self.budget else None,
            },
            "input_tokens_estimate": size.typical_tokens,
            "input_tokens_upper_bound": prompt_bound,
            "attempts": [],
            "escalations": [],
        }
        if self._selection_decision is not None:
            record["selection"] = self._selection_decision.as_dict()

        worst_cases = [
            _worst_case_cost(rung.info, prompt_bound, rung.max_output_tokens) or 0.0
            for rung in self._rungs
        ]
        start = 0
        # Triage only if the cheapest rung can still be afforded after it; if not even
        # that rung fits, the loop below raises before anything is spent.
        if self.triage is not None and ledger.fits(worst_cases[0]):
            wanted = yield from self._triage_step(messages, ledger, record, worst_cases[0])
            start = max(i for i in range(wanted + 1) if i == 0 or ledger.fits(worst_cases[i]))
            if start < wanted:
                ledger.notes.append(
                    f"triage chose rung {wanted}; rung {start} is the highest the budget covers"
                )

        last: _Outcome | None = None
        accepted = False
        stop_reason = "top of the ladder reached"
        for index in range(start, len(self._rungs)):
            rung = self._rungs[index]
            worst = worst_cases[index]
            state: dict[str, Any] = {"rung": index, **ledger.state(), "reserved_usd": worst}
            try:
                held = ledger.reserve(worst or 0.0, rung.id)
            except BudgetExceededError as exc:
                if last is None:
                    raise
                stop_reason = f"budget: {exc}"
                break
            runnable = self._rung_runnable(rung, structured)
            escalated = index > start
            if escalated and record["escalations"]:
                state["escalated_because"] = record["escalations"][-1]["reason"]
            call = _Call(
                "rung",
                runnable,
                messages,
                rung.id,
                state,
                step="escalate" if escalated else "rung",
                live=index == len(self._rungs) - 1,
            )
            try:
                reply = yield call
            except BaseException:
                ledger.settle(held, 0.0, rung.id)
                raise
            last = _outcome_of(reply, structured)
            answered = self._answering_model(rung, last.message)
            actual = _actual_cost(answered, last.message)
            ledger.settle(held, _charge(actual, worst), answered.id)
            answer = Answer(
                last.message,
                request=messages,
                tools=self._tool_dicts,
                parsed=last.parsed,
                parsing_error=last.parsing_error,
                schema=structured.schema if structured else None,
            )
            results = run_checks(self._checks, answer)
            if all(result.passed for result in results) and self.judge is not None:
                results.append((yield from self._judge_step(answer, ledger, record)))
            passed = all(result.passed for result in results)
            record["attempts"].append(
                {
                    "rung": index,
                    "model": rung.id,
                    **({"answered_by": answered.id} if answered.id != rung.id else {}),
                    "estimated_cost": _estimated_cost(
                        rung, size.typical_tokens, self.expected_output_tokens
                    ),
                    "worst_case_cost": worst,
                    "actual_cost": actual,
                    "usage": dict(last.message.usage_metadata or {}),
                    "checks": [result.as_dict() for result in results],
                    "passed": passed,
                }
            )
            if passed:
                accepted = True
                stop_reason = "answer passed its checks"
                break
            if index + 1 < len(self._rungs):
                failed = next(result for result in results if not result.passed)
                record["escalations"].append(
                    {
                        "from": rung.id,
                        "to": self._rungs[index + 1].id,
                        "reason": f"{failed.name}: {failed.reason}",
                    }
                )
        assert last is not None  # the first rung either ran or raised
        record.update(
            answered_by=record["attempts"][-1]["model"],
            usage=record["attempts"][-1]["usage"],
            accepted=accepted,
            stop_reason=stop_reason,
            estimated_worst_case_cost=sum(a["worst_case_cost"] or 0.0 for a in record["attempts"]),
            actual_cost=ledger.spent,
            cost_by_model=dict(ledger.by_model),
            run_budget_spent_usd=self.budget.spent_usd if self.budget else None,
            notes=list(ledger.notes),
        )
        metadata = {**last.message.response_metadata, "gradient_routing": record}
        last.message = last.message.model_copy(update={"response_metadata": metadata})
        return last

    def _answering_model(self, rung: Rung, message: AIMessage) -> ModelInfo:
        """Whose prices the answer is charged at: for a ``router:<name>`` rung, the model
        DigitalOcean's Inference Router picked (``model_name``) when the catalog prices
        it; otherwise the rung's own record."""
        picked = message.response_metadata.get("model_name")
        if not rung.id.startswith("router:") or not isinstance(picked, str) or picked == rung.id:
            return rung.info
        info = self._lookup(picked)
        return info if info is not None and info.pricing.has_token_prices else rung.info

    def _rung_runnable(self, rung: Rung, structured: _Structured | None) -> Runnable[Any, Any]:
        model = rung.model
        if self.tools:
            model = model.bind_tools(self.tools, **self.tool_kwargs)
        if structured is not None:
            model = model.with_structured_output(
                structured.schema, include_raw=True, **structured.kwargs
            )
        return model  # type: ignore[no-any-return]

    def _triage_step(
        self,
        messages: list[BaseMessage],
        ledger: _Ledger,
        record: dict[str, Any],
        keep_for_first_rung: float,
    ) -> Generator[_Call, Any, int]:
        triage = self.triage
        assert triage is not None
        output = yield from self._helper_call(
            "triage", triage.prompt(messages), Difficulty, ledger, keep=keep_for_first_rung
        )
        if output is None:
            return 0
        rating = triage.score_of(output)
        start = triage.rung_for(rating.score, len(self._rungs)) if rating else 0
        record["triage"] = {
            "model": self._helpers["triage"].id,
            "score": rating.score if rating else None,
            "reason": rating.reason if rating else "the rating did not parse; starting at rung 0",
            "chosen_rung": start,
        }
        return start

    def _judge_step(
        self, answer: Answer, ledger: _Ledger, record: dict[str, Any]
    ) -> Generator[_Call, Any, CheckResult]:
        judge = self.judge
        assert judge is not None
        output = yield from self._helper_call("judge", judge.prompt(answer), JudgeVerdict, ledger)
        if output is None:
            return CheckResult(judge.name, True, "skipped: the budget does not cover the judge")
        return judge.verdict(output)

    def _helper_call(
        self,
        role: Purpose,
        prompt: list[BaseMessage],
        schema: type[Any],
        ledger: _Ledger,
        keep: float = 0.0,
    ) -> Generator[_Call, Any, Mapping[str, Any] | None]:
        """A priced structured-output call to the triage or judge model.

        ``None`` (and a note in the ledger) when its worst case, plus ``keep`` USD set
        aside for what must follow, does not fit the budget.
        """
        helper = self._helpers[role]
        worst = _worst_case_cost(helper.info, max_input_tokens(prompt), helper.max_output_tokens)
        if not ledger.fits((worst or 0.0) + keep):
            ledger.notes.append(
                f"{role} skipped: its worst case ${worst or 0.0:.6f} does not fit the budget"
                + (f" with ${keep:.6f} kept for the first rung" if keep else "")
            )
            return None
        try:
            held = ledger.reserve(worst or 0.0, helper.id)
        except BudgetExceededError as exc:  # another call took the run budget meanwhile
            ledger.notes.append(f"{role} skipped: {exc}")
            return None
        runnable = helper.model.with_structured_output(schema, include_raw=True)
        try:
            output = yield _Call(role, runnable, prompt, helper.id, {})
        except BaseException:
            ledger.settle(held, 0.0, helper.id)
            raise
        output = output if isinstance(output, Mapping) else {}
        raw = output.get("raw")
        actual = _actual_cost(helper.info, raw) if isinstance(raw, AIMessage) else None
        ledger.settle(held, _charge(actual, worst), helper.id)
        return output


class _StructuredRouter(RunnableSerializable[LanguageModelInput, Any]):
    """``GradientRouter.with_structured_output``: same plan, parsed output."""

    model_config = ConfigDict(arbitrary_types_allowed=True, hide_input_in_errors=True)

    router: GradientRouter
    structured: _Structured
    name: str | None = "GradientRouter"

    def _result(self, outcome: _Outcome) -> Any:
        if self.structured.include_raw:
            return {
                "raw": outcome.message,
                "parsed": outcome.parsed,
                "parsing_error": outcome.parsing_error,
            }
        if outcome.parsing_error is not None:
            raise outcome.parsing_error
        return outcome.parsed

    def invoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any:
        return _run(self, self.router, self.structured, input, config, self._result)

    async def ainvoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any:
        return await _arun(self, self.router, self.structured, input, config, self._result)


def _run(
    runnable: Runnable[Any, Any],
    router: GradientRouter,
    structured: _Structured | None,
    value: LanguageModelInput,
    config: RunnableConfig | None,
    finish: Callable[[_Outcome], Any],
) -> Any:
    """Run the plan as ``runnable``'s traced chain run; ``finish`` shapes the output."""

    def route(
        value: LanguageModelInput, run_manager: CallbackManagerForChainRun, config: RunnableConfig
    ) -> Any:
        return finish(router._drive(value, run_manager, config, structured))

    return runnable._call_with_config(route, value, config, run_type="chain")


async def _arun(
    runnable: Runnable[Any, Any],
    router: GradientRouter,
    structured: _Structured | None,
    value: LanguageModelInput,
    config: RunnableConfig | None,
    finish: Callable[[_Outcome], Any],
) -> Any:
    """The async twin of :func:`_run`."""

    async def route(
        value: LanguageModelInput,
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
    ) -> Any:
        return finish(await router._adrive(value, run_manager, config, structured))

    return await runnable._acall_with_config(route, value, config, run_type="chain")


def _advance(
    plan: Generator[_Call, Any, _Outcome], reply: Any, error: Exception | None
) -> _Call | _Outcome:
    """Resume the plan with a call's reply (or its error); the next call, or the outcome."""
    try:
        return plan.throw(error) if error is not None else plan.send(reply)
    except StopIteration as done:
        outcome: _Outcome = done.value
        return outcome


_RunManager = (
    CallbackManagerForChainRun
    | AsyncCallbackManagerForChainRun
    | CallbackManagerForLLMRun
    | AsyncCallbackManagerForLLMRun
)


def _child_callbacks(run_manager: _RunManager | None, tag: str) -> CallbackManager | None:
    """A callback manager for a child of ``run_manager`` (a chain run or the router's own
    chat-model run: langchain-core gives only the former ``get_child``)."""
    if run_manager is None:
        return None
    manager = CallbackManager(handlers=[], parent_run_id=run_manager.run_id)
    manager.set_handlers(run_manager.inheritable_handlers)
    manager.add_tags(run_manager.inheritable_tags)
    manager.add_metadata(run_manager.inheritable_metadata)
    manager.add_tags([tag], inherit=False)
    return manager


def _call_options(stop: list[str] | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Per-call options passed on to every rung (``stop`` and bound keyword arguments)."""
    return {**kwargs, **({"stop": stop} if stop else {})}


def _public(message: AIMessage) -> AIMessage:
    """The answer as the router returns it: usage stays on the rung's own run."""
    return message.model_copy(update={"usage_metadata": None})


def _chat_result(outcome: _Outcome) -> ChatResult:
    message = _public(outcome.message)
    if isinstance(message, AIMessageChunk):
        from langchain_core.messages import message_chunk_to_message

        message = message_chunk_to_message(message)  # type: ignore[assignment]
    routing = message.response_metadata.get("gradient_routing", {})
    return ChatResult(
        generations=[ChatGeneration(message=message)],
        llm_output={"gradient_routing_answered_by": routing.get("answered_by")},
    )


def _joined(chunks: Sequence[AIMessageChunk]) -> AIMessageChunk:
    if not chunks:
        raise ValueError("A rung's stream ended without a message chunk")
    joined = chunks[0]
    for chunk in chunks[1:]:
        joined = joined + chunk
    return joined


def _forwarded(chunk: AIMessageChunk) -> AIMessageChunk:
    """A rung's chunk as the router streams it: no usage, and not the stream's end."""
    return chunk.model_copy(update={"usage_metadata": None, "chunk_position": None})


def _emit(chunk: AIMessageChunk) -> ChatGenerationChunk:
    # BaseChatModel.stream reports each chunk to the router's run (on_llm_new_token).
    return ChatGenerationChunk(message=_forwarded(chunk))


def _closing_chunk(outcome: _Outcome) -> ChatGenerationChunk:
    """The last streamed chunk: the routing decision, once the answer was accepted."""
    routing = outcome.message.response_metadata["gradient_routing"]
    message = AIMessageChunk(
        content="", response_metadata={"gradient_routing": routing}, chunk_position="last"
    )
    return ChatGenerationChunk(message=message)


def _empty(chunk: AIMessageChunk) -> bool:
    """A chunk that carries nothing but the end of a rung's stream."""
    return not (
        chunk.content
        or chunk.tool_call_chunks
        or chunk.response_metadata
        or chunk.additional_kwargs
        or chunk.usage_metadata
    )


def _child_config(
    config: RunnableConfig,
    run_manager: _RunManager | None,
    call: _Call,
) -> RunnableConfig:
    child = patch_config(
        config,
        callbacks=_child_callbacks(run_manager, f"gradient_router:{call.purpose}"),
        run_name=f"gradient_router:{call.step or call.purpose}:{call.model_id}",
    )
    child["tags"] = [*child.get("tags", []), "gradient_router", f"gradient_router:{call.purpose}"]
    child["metadata"] = {
        **child.get("metadata", {}),
        "gradient_router_purpose": call.purpose,
        "gradient_router_model": call.model_id,
        **{f"gradient_router_{key}": value for key, value in call.metadata.items()},
    }
    return child


def _outcome_of(reply: Any, structured: _Structured | None) -> _Outcome:
    if structured is None:
        if not isinstance(reply, AIMessage):
            raise TypeError(f"A rung returned {type(reply).__name__}, expected an AIMessage")
        return _Outcome(reply, None, None)
    raw = reply.get("raw") if isinstance(reply, Mapping) else None
    if not isinstance(raw, AIMessage):
        raise TypeError("A rung's structured output did not include the raw AIMessage")
    return _Outcome(raw, reply.get("parsed"), reply.get("parsing_error"))


def _worst_case_cost(info: ModelInfo, input_bound: int, output_cap: int | None) -> float | None:
    """Price ``input_bound`` input tokens (as cache writes if those cost more) + the cap."""
    if output_cap is None:
        return None
    pricing = info.pricing
    write = pricing.cache_write_per_1m
    as_writes = write is not None and write > (pricing.input_per_1m or 0.0)
    usage = planned_usage(
        input_bound, output_cap, cache_write_tokens=input_bound if as_writes else 0
    )
    return usage_cost(info, usage)


def _estimated_cost(rung: Rung, input_tokens: int, expected_output: int) -> float | None:
    """The typical cost (input estimate, expected output within the cap), as select_model."""
    output = min(expected_output, rung.max_output_tokens or expected_output)
    return usage_cost(rung.info, planned_usage(input_tokens, output))


def _charge(actual: float | None, worst: float | None) -> float:
    """What to book: the actual cost, or the worst case when usage was not reported."""
    if actual is not None:
        return actual
    return worst or 0.0


def _actual_cost(info: ModelInfo, message: AIMessage) -> float | None:
    usage = message.usage_metadata
    return usage_cost(info, usage) if usage else None


def _model_id_of(model: Any) -> str:
    for attribute in ("model_name", "model", "model_id"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return ""


def _configured_output_cap(model: Any) -> int | None:
    for attribute in ("max_completion_tokens", "max_tokens"):
        value = getattr(model, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _build_chat_model(model_id: str, max_output_tokens: int, kwargs: Mapping[str, Any]) -> Any:
    import importlib

    chat_models = importlib.import_module("langchain_gradient.chat_models")
    factory: Callable[..., Any] = chat_models.ChatGradient
    return factory(model=model_id, max_tokens=max_output_tokens, **kwargs)

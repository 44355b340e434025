"""Gradient on Ray Data: embeddings and chat over a ``ray.data.Dataset`` in one rate budget.

Needs the ``[ray]`` extra (``pip install 'langchain-gradient[ray]'``).

* :class:`RateBudget`: ONE budget per key shared by every worker: a small Ray actor
  holding token buckets for requests and tokens per minute. Every HTTP attempt a worker
  sends (the SDK's retries included) first reserves its slot there; every response's
  ``ratelimit-*`` / ``x-ratelimit-*`` headers tune it (a lower published limit lowers
  it, a spent quota pauses it until its reset).
* :func:`embed_dataset` / :func:`chat_dataset` add result and error columns to every
  row (no row dropped; a failed request leaves its rows' result empty and its error
  set); :func:`embed_batches` / :func:`chat_batches` are the ``map_batches`` callables
  they use.
* :meth:`RateBudget.usage`: tokens and cost from every worker, one total on the driver.

The key is never pickled (our classes drop it when pickled): each worker reads it from
its environment, e.g. ``ray.init(runtime_env={"env_vars": {"MODEL_ACCESS_KEY": ...}})``.

Example:
    >>> import ray  # doctest: +SKIP
    >>> budget = RateBudget(requests_per_minute=600)  # doctest: +SKIP
    >>> out = embed_dataset(ds, GradientEmbeddings(), text_column="text", budget=budget)
    ... # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from langchain_gradient._ratelimit import RateLimitInfo, use_budget
from langchain_gradient.callbacks import ModelUsageTotals, get_gradient_callback

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.runnables import Runnable

__all__ = [
    "RateBudget",
    "UsageTotals",
    "chat_batches",
    "chat_dataset",
    "embed_batches",
    "embed_dataset",
]

EXTRA_MESSAGE = "langchain_gradient.ray needs Ray Data: pip install 'langchain-gradient[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise ImportError(EXTRA_MESSAGE) from error
    return ray


class _Buckets:
    """Two GCRA token buckets (requests, tokens) handing out send times: reservations.

    Each reservation books a slot, so callers that sleep until their slot never send
    more than ``rate * t + burst`` in any ``t`` seconds, whatever their number.
    """

    def __init__(
        self, requests_per_minute: float | None, tokens_per_minute: float | None, burst: float
    ) -> None:
        self.limits = {"requests": requests_per_minute, "tokens": tokens_per_minute}
        self.burst = burst
        self.tat = {"requests": 0.0, "tokens": 0.0}
        self.paused_until = 0.0
        self.usage: dict[str, ModelUsageTotals] = {}
        self.reservations = 0

    def reserve(self, tokens: int) -> float:
        """Book one request of ``tokens``; seconds the caller waits before sending."""
        now = time.time()
        need = {"requests": 1.0, "tokens": float(tokens)}
        start = max(now, self.paused_until)
        for name, limit in self.limits.items():
            if limit:
                interval = 60.0 / limit
                tau = (self.burst - 1.0) * interval * _unit(name, limit)
                start = max(start, self.tat[name] - tau)
        for name, limit in self.limits.items():
            if limit:
                self.tat[name] = max(self.tat[name], start) + need[name] * 60.0 / limit
        self.reservations += 1
        return start - now

    def observe(self, info: RateLimitInfo) -> None:
        """Tune to what the service said: lower limits, pause on a spent quota."""
        for name, key in (("requests", "requests"), ("tokens", "tokens_per_minute")):
            window: dict[str, Any] = dict(info.get(key) or {})  # type: ignore[call-overload]
            limit = window.get("limit")
            current = self.limits[name]
            if isinstance(limit, int) and limit > 0 and (current is None or limit < current):
                self.limits[name] = float(limit)
            if window.get("remaining") == 0 and "reset_at" in window:
                self.paused_until = max(self.paused_until, float(window["reset_at"]))
        if "retry_after" in info:
            self.paused_until = max(self.paused_until, time.time() + info["retry_after"])

    def add_usage(self, per_model: Mapping[str, ModelUsageTotals]) -> None:
        for model, totals in per_model.items():
            self.usage[model] = _merge(self.usage.get(model), totals)

    def state(self) -> dict[str, Any]:
        return {
            "limits": dict(self.limits),
            "paused_until": self.paused_until,
            "reservations": self.reservations,
            "usage": dict(self.usage),
        }


def _unit(name: str, limit: float) -> float:
    # the burst is counted in requests; for tokens, the same share of a minute's tokens
    return 1.0 if name == "requests" else max(1.0, limit / 60.0)


def _merge(a: ModelUsageTotals | None, b: ModelUsageTotals) -> ModelUsageTotals:
    if a is None:
        return b
    values: dict[str, Any] = {}
    for field in dataclasses.fields(ModelUsageTotals):
        left, right = getattr(a, field.name), getattr(b, field.name)
        values[field.name] = (left and right) if isinstance(left, bool) else left + right
    return ModelUsageTotals(**values)


@dataclasses.dataclass(frozen=True)
class UsageTotals:
    """Usage and cost summed over every worker (like ``get_gradient_callback()``'s handler)."""

    per_model: dict[str, ModelUsageTotals]

    def _total(self, name: str) -> Any:
        return sum(getattr(totals, name) for totals in self.per_model.values())

    @property
    def total_cost_usd(self) -> float:
        return float(self._total("cost_usd"))

    @property
    def cost_known(self) -> bool:
        return all(t.cost_known for t in self.per_model.values())

    @property
    def successful_requests(self) -> int:
        return int(self._total("requests"))

    @property
    def total_tokens(self) -> int:
        return int(self._total("total_tokens"))


class RateBudget:
    """One rate budget for one key, shared by every Ray worker (a named Ray actor).

    Args:
        requests_per_minute: requests per minute for all workers together (``None``:
            only what the service's headers say).
        tokens_per_minute: estimated request tokens (body bytes / 4) per minute.
        burst: how many requests may go at once after a quiet spell (default 1: even
            spacing).
        name: the actor's name; budgets with the same name share one actor.

    Picklable: workers get the actor handle, never a key.

    Example:
        >>> budget = RateBudget(requests_per_minute=3000)  # doctest: +SKIP
        >>> budget.usage().total_cost_usd  # doctest: +SKIP
        0.0
    """

    def __init__(
        self,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        *,
        burst: float = 1.0,
        name: str | None = None,
    ) -> None:
        for label, value in (
            ("requests_per_minute", requests_per_minute),
            ("tokens_per_minute", tokens_per_minute),
        ):
            if value is not None and value <= 0:
                raise ValueError(f"{label} must be positive (or None for no limit of ours).")
        if burst < 1:
            raise ValueError("burst must be at least 1 request.")
        ray = _ray()
        actor = ray.remote(num_cpus=0)(_Buckets)
        if name is not None:
            actor = actor.options(name=name, get_if_exists=True)
        self._actor = actor.remote(requests_per_minute, tokens_per_minute, burst)

    def acquire(self, tokens: int = 1) -> None:
        """Block until this request's slot (sync clients call it before each attempt)."""
        wait = _ray().get(self._actor.reserve.remote(tokens))
        if wait > 0:
            time.sleep(wait)

    async def aacquire(self, tokens: int = 1) -> None:
        """Wait for this request's slot without blocking the event loop."""
        wait = await self._actor.reserve.remote(tokens)
        if wait > 0:
            await asyncio.sleep(wait)

    def observe(self, info: RateLimitInfo) -> None:
        """Tell the budget what a response's rate-limit headers said (no waiting)."""
        self._actor.observe.remote(dict(info))

    def add_usage(self, per_model: Mapping[str, ModelUsageTotals]) -> None:
        _ray().get(self._actor.add_usage.remote(dict(per_model)))

    def state(self) -> dict[str, Any]:
        """Current limits, pause and reservation count (for tests and dashboards)."""
        return _ray().get(self._actor.state.remote())  # type: ignore[no-any-return]

    def usage(self) -> UsageTotals:
        """Tokens and cost reported by every worker so far, one total.

        Example:
            >>> budget.usage().per_model["llama3.3-70b-instruct"].requests  # doctest: +SKIP
            1000
        """
        return UsageTotals(per_model=self.state()["usage"])


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _run(coroutine_factory: Callable[[], Any], budget: RateBudget | None) -> Any:
    """Run one batch's coroutine under the budget, counting its usage into the budget."""

    async def run() -> Any:
        with use_budget(budget), get_gradient_callback() as callback:
            result = await coroutine_factory()
        return result, callback.per_model

    result, per_model = asyncio.run(run())
    if budget is not None and per_model:
        budget.add_usage(per_model)
    return result


def embed_batches(
    embeddings: Embeddings,
    *,
    text_column: str = "text",
    output_column: str = "embedding",
    error_column: str = "error",
    budget: RateBudget | None = None,
    chunk_size: int = 100,
) -> Callable[[Any], Any]:
    """A ``map_batches`` callable (pandas batches): one vector or one error per row.

    Texts go in requests of ``chunk_size``; a request that fails (after the client's
    retries) leaves its rows' vectors ``None`` and their error set.
    """

    def embed(batch: Any) -> Any:
        texts = [str(text) for text in batch[text_column].tolist()]
        chunks = [texts[i : i + chunk_size] for i in range(0, len(texts), chunk_size)]

        async def all_chunks() -> list[Any]:
            calls = [embeddings.aembed_documents(chunk) for chunk in chunks]
            return await asyncio.gather(*calls, return_exceptions=True)

        vectors: list[Any] = []
        errors: list[str | None] = []
        for chunk, result in zip(chunks, _run(all_chunks, budget), strict=True):
            if isinstance(result, BaseException):
                vectors += [None] * len(chunk)
                errors += [_error_text(result)] * len(chunk)
            else:
                vectors += result
                errors += [None] * len(chunk)
        out = batch.copy()
        out[output_column] = vectors
        out[error_column] = errors
        return out

    return embed


def chat_batches(
    model: Runnable[Any, Any],
    *,
    prompt: str | Callable[[Mapping[str, Any]], Any] = "prompt",
    output_column: str = "answer",
    error_column: str = "error",
    budget: RateBudget | None = None,
    max_concurrency: int = 8,
) -> Callable[[Any], Any]:
    """A ``map_batches`` callable (pandas batches): one answer or one error per row.

    ``model`` is any chat runnable: ``ChatGradient``, ``GradientResponses``, or one with
    ``with_structured_output`` / ``bind_tools`` applied. It runs as ``abatch`` does
    (``return_exceptions=True``). ``prompt`` names the input column, or builds the
    model's input from a row dict. A message answer is stored as its text, with tool
    calls or structured output stored as they come (dicts, or pydantic ``model_dump``).
    """

    def answer(batch: Any) -> Any:
        rows = batch.to_dict("records")
        inputs = [prompt(row) if callable(prompt) else str(row[prompt]) for row in rows]

        async def all_rows() -> list[Any]:
            config = {"max_concurrency": max_concurrency}
            return await model.abatch(inputs, config, return_exceptions=True)  # type: ignore[arg-type]

        answers: list[Any] = []
        errors: list[str | None] = []
        for result in _run(all_rows, budget):
            if isinstance(result, BaseException):
                answers.append(None)
                errors.append(_error_text(result))
            else:
                answers.append(_plain(result))
                errors.append(None)
        out = batch.copy()
        out[output_column] = answers
        out[error_column] = errors
        return out

    return answer


def _plain(result: Any) -> Any:
    """A column value: message text (or its tool calls), a dict, or the value itself."""
    from langchain_core.messages import AIMessage

    if isinstance(result, AIMessage):
        if result.tool_calls:
            return [dict(call) for call in result.tool_calls]
        return result.text
    if hasattr(result, "model_dump"):
        return result.model_dump()
    return result


def _map(ds: Any, fn: Callable[[Any], Any], batch_size: int, workers: int | None) -> Any:
    """``ds.map_batches`` as both helpers run it: pandas batches, Ray tasks (at most
    ``workers`` at once), one output row per input row."""
    return ds.map_batches(
        fn,
        batch_size=batch_size,
        batch_format="pandas",
        compute=_ray().data.TaskPoolStrategy(size=workers),
        udf_modifying_row_count=False,
    )


def embed_dataset(
    ds: Any,
    embeddings: Embeddings,
    *,
    text_column: str = "text",
    output_column: str = "embedding",
    error_column: str = "error",
    budget: RateBudget | None = None,
    batch_size: int = 500,
    workers: int | None = None,
    chunk_size: int = 100,
) -> Any:
    """``ds`` with an ``embedding`` column (list of floats or None) and an ``error`` column.

    Lazy like every Ray Data transform: it runs when the result is consumed.

    Example:
        >>> out = embed_dataset(ray.data.from_items([{"text": "a cat"}]),  # doctest: +SKIP
        ...                     GradientEmbeddings(), budget=RateBudget(600))
        >>> out.take_all()[0]["error"] is None  # doctest: +SKIP
        True
    """
    fn = embed_batches(
        embeddings,
        text_column=text_column,
        output_column=output_column,
        error_column=error_column,
        budget=budget,
        chunk_size=chunk_size,
    )
    return _map(ds, fn, batch_size, workers)


def chat_dataset(
    ds: Any,
    model: Runnable[Any, Any],
    *,
    prompt: str | Callable[[Mapping[str, Any]], Any] = "prompt",
    output_column: str = "answer",
    error_column: str = "error",
    budget: RateBudget | None = None,
    batch_size: int = 100,
    workers: int | None = None,
    max_concurrency: int = 8,
) -> Any:
    """``ds`` with an ``answer`` column and an ``error`` column (see :func:`chat_batches`).

    Example:
        >>> out = chat_dataset(ray.data.from_items([{"prompt": "Hi"}]),  # doctest: +SKIP
        ...                    ChatGradient(), budget=RateBudget(600))
    """
    fn = chat_batches(
        model,
        prompt=prompt,
        output_column=output_column,
        error_column=error_column,
        budget=budget,
        max_concurrency=max_concurrency,
    )
    return _map(ds, fn, batch_size, workers)

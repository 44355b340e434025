"""``langchain-gradient chat``: one prompt, streamed, then usage and cost.

Chat Completions through :class:`~langchain_gradient.ChatGradient` by default, the
Responses API through :class:`~langchain_gradient.GradientResponses` with
``--responses-api``. ``--cache`` turns on prompt caching the way each model family
does it (see :func:`cache_options`).

Example::

    langchain-gradient chat --prompt "Explain serverless inference in one paragraph."
    echo "Summarize: ..." | langchain-gradient chat --prompt - --responses-api --cache
"""

from __future__ import annotations

import sys
from typing import Any

import click

from langchain_gradient.cli._cost import total_cost, track_cost
from langchain_gradient.cli._options import model_option
from langchain_gradient.cli._session import Session, gradient_command

DEFAULT_CHAT_MODEL = "openai-gpt-oss-120b"


def read_prompt(prompt: str) -> str:
    """``-`` means standard input; an empty prompt is a usage error."""
    text = sys.stdin.read() if prompt == "-" else prompt
    if not text.strip():
        raise click.BadParameter("the prompt is empty", param_hint="--prompt")
    return text


def cache_options(model: str, *, responses_api: bool) -> dict[str, Any]:
    """Constructor arguments that turn prompt caching on for ``model``.

    The catalog says which models cache. Anthropic models cache what carries
    ``cache_control`` breakpoints (``prompt_cache="5m"``); OpenAI models cache long
    prompts on their own and ``prompt_cache_retention="24h"`` keeps them longer. The
    Responses API also gets ``store=True`` (the seed skill's switch: the service keeps
    the context). For models that do not cache, only ``store`` changes anything.

    Example:
        >>> cache_options("openai-gpt-4o", responses_api=True)
        {'store': True, 'prompt_cache_retention': '24h'}
        >>> cache_options("anthropic-claude-4.6-sonnet", responses_api=False)
        {'prompt_cache': '5m'}
        >>> cache_options("llama3.3-70b-instruct", responses_api=False)
        {}
    """
    from langchain_gradient.catalog.catalog import ModelCatalog

    options: dict[str, Any] = {"store": True} if responses_api else {}
    info = ModelCatalog.from_snapshot().get(model)
    if info is None or not info.capabilities.prompt_caching:
        return options
    if info.is_anthropic:
        if not responses_api:
            options["prompt_cache"] = "5m"
    else:
        options["prompt_cache_retention"] = "24h"
    return options


def build_model(
    session: Session,
    *,
    model: str,
    responses_api: bool,
    cache: bool,
    temperature: float | None,
    max_tokens: int | None,
) -> Any:
    """The chat model object for these options (ChatGradient or GradientResponses)."""
    options: dict[str, Any] = {"model": model, **session.connection()}
    if temperature is not None:
        options["temperature"] = temperature
    if max_tokens is not None:
        options["max_tokens"] = max_tokens
    if cache:
        options.update(cache_options(model, responses_api=responses_api))
    if responses_api:
        from langchain_gradient.responses import GradientResponses

        return GradientResponses(**options)
    from langchain_gradient.chat_models import ChatGradient

    return ChatGradient(**options)


@click.command()
@click.option("--prompt", "-p", required=True, help="The user message; '-' reads stdin.")
@model_option(default=DEFAULT_CHAT_MODEL, help="Chat model id.")
@click.option("--system", "-s", help="System prompt.")
@click.option("--responses-api", is_flag=True, help="Use /v1/responses instead of chat.")
@click.option("--cache", is_flag=True, help="Turn on prompt caching for this model family.")
@click.option("--temperature", type=click.FloatRange(0, 2), help="Sampling temperature 0-2.")
@click.option("--max-tokens", type=click.IntRange(min=1), help="Most tokens to generate.")
@click.option("--no-stream", is_flag=True, help="Wait for the whole answer instead.")
@gradient_command
def chat(
    session: Session,
    prompt: str,
    model: str,
    system: str | None,
    responses_api: bool,
    cache: bool,
    temperature: float | None,
    max_tokens: int | None,
    no_stream: bool,
) -> None:
    """Send one prompt; stream the answer; print usage and cost."""
    from langchain_core.messages import HumanMessage, SystemMessage

    text = read_prompt(prompt)
    llm = build_model(
        session,
        model=model,
        responses_api=responses_api,
        cache=cache,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    messages = [*([SystemMessage(system)] if system else []), HumanMessage(text)]
    out = session.out
    message: Any = None
    # a ticking line on a terminal until the first token (nothing in a pipe)
    waiting = out.live(f"  waiting for {model}", announce=False)
    with track_cost() as tracker, waiting:
        if no_stream or out.json_mode:
            message = llm.invoke(messages)
        else:
            for chunk in llm.stream(messages):
                waiting.finish(show=False)
                out.write(chunk.text)
                message = chunk if message is None else message + chunk
            out.line()
    usage = dict(message.usage_metadata) if getattr(message, "usage_metadata", None) else None
    cost = total_cost(tracker)
    answer = message.text if message is not None else ""
    result = {
        "model": model,
        "api": "responses" if responses_api else "chat.completions",
        "content": answer,
        "usage": usage,
        "cost_usd": cost,
        "response_id": (getattr(message, "response_metadata", None) or {}).get("id"),
    }
    if out.json_mode:
        out.json(result)
        return
    if no_stream:
        out.line(answer)
    out.progress(_usage_line(usage, cost))


def _usage_line(usage: dict[str, Any] | None, cost: float | None) -> str:
    from langchain_gradient.cli._output import format_usd

    if not usage:
        return "usage: not reported by the service"
    details = usage.get("input_token_details") or {}
    cached = details.get("cache_read")
    parts = [
        f"input {usage.get('input_tokens', 0)}",
        f"output {usage.get('output_tokens', 0)}",
        f"total {usage.get('total_tokens', 0)} tokens",
    ]
    if cached:
        parts.append(f"{cached} read from cache")
    return "usage: " + ", ".join(parts) + f"; cost {format_usd(cost)}"

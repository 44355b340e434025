"""``langchain-gradient demo``: the whole package, end to end, in one run.

With no key it starts the Gradient emulator inside this process (no network, no
cost) and says so; with ``MODEL_ACCESS_KEY`` set it runs against the real service.

The steps, each a small function below (read them in order, they are the tour):

1. ``models``     what this key can call (``/v1/models`` + the catalog)
2. ``agent``      a LangGraph agent calls a tool (``model_price``, backed by the catalog)
3. ``streaming``  the same agent answers token by token
4. ``structured`` a typed answer with ``with_structured_output``
5. ``image``      the agent draws a picture with ``GradientImageTool``
6. ``fal``        a fal job with a live QUEUED / IN_PROGRESS / COMPLETED line
7. ``routing``    ``GradientRouter`` answers with the cheapest model that passes its checks

Everything runs inside ``get_gradient_callback()``, so the run ends with a cost table.
A step whose piece is missing from this build is left out (and says so), never faked;
a step that fails prints why and the others still run (the exit code is then 1).
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel, Field

from langchain_gradient.cli._cost import track_cost
from langchain_gradient.cli._options import model_option
from langchain_gradient.cli._output import Column, Output, format_usd
from langchain_gradient.cli._session import Session, gradient_command

DEMO_MODEL = "llama3.3-70b-instruct"
ROUTER_LADDER = ["openai-gpt-oss-20b", "openai-gpt-oss-120b"]
FAL_MODEL = "fal-ai/flux/schnell"


@dataclass
class Demo:
    """What every step needs: where to print, how to connect, which model to use."""

    out: Output
    connection: dict[str, Any]
    """``base_url`` and ``api_key`` for every Gradient object (empty: the environment)."""
    model: str
    media_dir: Path
    summary: dict[str, Any] = field(default_factory=dict)

    def chat_model(self, **options: Any) -> Any:
        from langchain_gradient.chat_models import ChatGradient

        return ChatGradient(model=self.model, **self.connection, **options)


# ---------------------------------------------------------------------------- the tools


def model_price(model_id: str) -> str:
    """Look up the price of a Gradient model (USD per 1M input and output tokens)."""
    from langchain_gradient.catalog.catalog import ModelCatalog

    info = ModelCatalog.from_snapshot().get(model_id)
    if info is None or not info.pricing.has_token_prices:
        return f"No token price is known for {model_id!r}."
    return (
        f"{info.id}: {format_usd(info.pricing.input_per_1m)} per 1M input tokens, "
        f"{format_usd(info.pricing.output_per_1m)} per 1M output tokens."
    )


class ModelAdvice(BaseModel):
    """Which Gradient model to use for a job, and why."""

    model_id: str = Field(description="The Gradient model id to use.")
    reason: str = Field(description="One sentence on why it fits.")
    needs_tools: bool = Field(description="Whether the job needs tool calling.")


def build_agent(llm: Any, tools: list[Any]) -> Any:
    """The classic LangGraph agent loop: the model, then its tool calls, until it answers."""
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.prebuilt import ToolNode, tools_condition

    model = llm.bind_tools(tools)

    def agent(state: MessagesState) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)
    graph.add_edge("tools", "agent")
    return graph.compile()


def ask_agent(demo: Demo, agent: Any, question: str) -> None:
    """Run the agent on one question, printing each tool call, tool result and answer."""
    demo.out.say(f"  user: {question}")
    for update in agent.stream({"messages": [("user", question)]}, stream_mode="updates"):
        for node in update.values():
            for message in node["messages"]:
                for call in getattr(message, "tool_calls", None) or []:
                    demo.out.say(f"  -> calls {call['name']}({call['args']})")
                if message.type == "tool":
                    demo.out.say(f"  <- {message.name}: {message.content}")
                elif message.type == "ai" and message.text:
                    demo.out.say(f"  answer: {message.text}")


# ---------------------------------------------------------------------------- the steps


def step_models(demo: Demo) -> None:
    from langchain_gradient.cli.models import list_live_models

    listed = list_live_models(demo.connection)
    ids = sorted(str(m["id"]) for m in listed)
    demo.out.say(f"  this key can call {len(ids)} models, e.g. {', '.join(ids[:4])} ...")
    if demo.model not in ids:
        demo.out.say(f"  (the demo model {demo.model} is not among them; expect a 403/404)")
    demo.summary["models"] = len(ids)


def step_agent(demo: Demo) -> None:
    agent = build_agent(demo.chat_model(), [_tool(model_price)])
    ask_agent(demo, agent, f"What is the price of the model '{demo.model}'?")


def step_streaming(demo: Demo) -> None:
    agent = build_agent(demo.chat_model(), [_tool(model_price)])
    question = "In two sentences: why is serverless inference handy for a small team?"
    demo.out.say(f"  user: {question}")
    if not demo.out.json_mode:
        demo.out.write("  answer, as it streams: ")
    chunks = 0
    for chunk, meta in agent.stream({"messages": [("user", question)]}, stream_mode="messages"):
        if meta.get("langgraph_node") == "agent" and chunk.text:
            if not demo.out.json_mode:
                demo.out.write(chunk.text)
            chunks += 1
    demo.out.say(f"\n  ({chunks} chunks)")


def step_structured(demo: Demo) -> None:
    llm = demo.chat_model().with_structured_output(ModelAdvice)
    question = (
        "Which model should summarise support tickets cheaply: 'openai-gpt-oss-20b' or "
        "'llama3.3-70b-instruct'? Say why."
    )
    demo.out.say(f"  user: {question}")
    advice = llm.invoke(question)
    demo.out.say(f"  -> a {type(advice).__name__} object: {advice.model_dump()}")
    demo.summary["structured"] = advice.model_dump()


def step_image(demo: Demo) -> None:
    from langchain_gradient.tools import GradientImageTool

    tool = GradientImageTool(output_dir=demo.media_dir, **demo.connection)
    agent = build_agent(demo.chat_model(), [tool])
    before = set(demo.media_dir.iterdir())
    ask_agent(demo, agent, "Draw 'a lighthouse at dusk' with the image tool, size '1024x1024'.")
    saved = sorted(str(path) for path in set(demo.media_dir.iterdir()) - before)
    if not saved:
        raise RuntimeError("the agent did not call the image tool (no image was saved)")
    demo.summary["images"] = saved


def step_fal(demo: Demo) -> None:
    from langchain_gradient.cli.fal import progress_handler
    from langchain_gradient.tools import GradientFalTool

    tool = GradientFalTool(
        model_id=FAL_MODEL, output_dir=demo.media_dir, handle_tool_error=False, **demo.connection
    )
    prompt = "A futuristic city at sunset"
    demo.out.say(f"  {FAL_MODEL}: {prompt!r}")
    with demo.out.live(f"  {FAL_MODEL}: submitting", announce=False) as line:
        message = tool.invoke(
            {"type": "tool_call", "id": "demo-fal", "name": tool.name, "args": {"prompt": prompt}},
            config={"callbacks": [progress_handler(line)]},
        )
    demo.out.say(f"  {message.content}")
    demo.summary["fal"] = [f.get("path") or f.get("url") for f in message.artifact["files"]]


def step_routing(demo: Demo) -> None:
    from langchain_gradient.selection import GradientRouter

    router = GradientRouter(
        models=ROUTER_LADDER, chat_model_kwargs=demo.connection, max_cost_per_request=0.01
    )
    question = "What is the capital of France?"
    demo.out.say(f"  ladder: {' -> '.join(router.ladder)}; user: {question}")
    reply = router.invoke(question)
    routing = reply.response_metadata.get("gradient_routing", {})
    demo.out.say(f"  answer: {reply.text}")
    for attempt in routing.get("attempts", []):
        verdict = "passed its checks" if attempt["passed"] else "failed a check, escalating"
        demo.out.say(
            f"  rung {attempt['rung']}: {attempt['model']} {verdict} "
            f"(cost {format_usd(attempt['actual_cost'])}, worst case "
            f"{format_usd(attempt['worst_case_cost'])})"
        )
    demo.out.say(f"  answered by {routing.get('answered_by')}: {routing.get('stop_reason')}")
    demo.summary["routing"] = routing


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    run: Callable[[Demo], None]
    needs: tuple[str, ...]
    """Modules the step uses; when one is missing from this build the step is left out."""


CHAT = "langchain_gradient.chat_models"
STEPS = (
    Step("models", "Models this key can call", step_models, ("langchain_gradient.catalog",)),
    Step("agent", "LangGraph agent with a tool call", step_agent, (CHAT, "langgraph")),
    Step("streaming", "Streaming tokens from the agent", step_streaming, (CHAT, "langgraph")),
    Step("structured", "Structured output", step_structured, (CHAT,)),
    Step(
        "image",
        "An image through GradientImageTool",
        step_image,
        (CHAT, "langgraph", "langchain_gradient.tools.images"),
    ),
    Step("fal", "A fal job with live progress", step_fal, ("langchain_gradient.tools.fal",)),
    Step(
        "routing",
        "A routed question (GradientRouter)",
        step_routing,
        (CHAT, "langchain_gradient.selection.router"),
    ),
)


# ---------------------------------------------------------------------------- running it


def missing_modules(step: Step) -> list[str]:
    return [name for name in step.needs if importlib.util.find_spec(name) is None]


def run_step(demo: Demo, number: int, step: Step) -> str:
    """Run one step; ``ok``, ``skipped`` (piece not in this build) or ``failed``."""
    demo.out.heading(f"[{number}/{len(STEPS)}] {step.title}")
    missing = missing_modules(step)
    if missing:
        demo.out.say(f"  skipped: {', '.join(missing)} is not part of this build yet")
        return "skipped"
    try:
        # ticks below the step's narration while it waits; its time when it ends
        with demo.out.live(f"  {step.name}: running", announce=False) as line:
            step.run(demo)
            line.finish(f"  {step.name}: done in")
    except Exception as exc:
        demo.out.say(f"  FAILED: {type(exc).__name__}: {exc}")
        return "failed"
    return "ok"


@contextmanager
def inference_backend(session: Session, offline: bool) -> Iterator[tuple[dict[str, Any], str]]:
    """The live service when a key is set (and not ``offline``), else an in-process emulator."""
    from langchain_gradient._errors import MissingAPIKeyError
    from langchain_gradient._settings import resolve_api_key, resolve_base_url

    out = session.out
    if not offline:
        try:
            source = resolve_api_key(None).source
        except MissingAPIKeyError:
            source = None
        if source is not None:
            base_url = resolve_base_url(session.base_url)
            out.say(f"Key found in {source}: running LIVE against {base_url} (small real costs).")
            yield session.connection(), "live"
            return
    if importlib.util.find_spec("langchain_gradient.emulator.runtime") is None:
        raise click.ClickException(
            "No MODEL_ACCESS_KEY is set and this build has no emulator to run offline."
        )
    from langchain_gradient.emulator import GradientEmulator

    with GradientEmulator(stream_event_delay=0.01, clock_speed=2.0) as emulator:
        out.say(
            "No MODEL_ACCESS_KEY set: started the Gradient emulator in this process at "
            f"{emulator.base_url} (no network, no cost; answers are scripted)."
        )
        yield {"base_url": emulator.base_url, "api_key": emulator.api_key}, "emulator"


MEDIA_UNITS = {
    "images": "img",
    "megapixels": "MP",
    "seconds": "s",
    "characters": "chars",
    "videos": "videos",
}
"""Media units the cost table shows, with the short form it uses at any width (the
``--json`` form spells them out)."""


def short_media(media: str | None) -> str | None:
    """``media`` as the cost table shows it: ``"0.786432 megapixels"`` -> ``"0.786432 MP"``.

    Example:
        >>> short_media("2 images, 1.5 megapixels")
        '2 img, 1.5 MP'
    """
    if not media:
        return media
    for unit, short in MEDIA_UNITS.items():
        media = media.replace(f" {unit}", f" {short}")
    return media


def render_costs(out: Output, handler: Any) -> list[dict[str, Any]]:
    """The final table: every model the demo called, with tokens, media and USD."""
    rows = []
    for model, totals in sorted(handler.per_model.items()):
        media = ", ".join(
            f"{value:g} {unit}" for unit in MEDIA_UNITS if (value := getattr(totals, unit))
        )
        rows.append(
            {
                "model": model,
                "requests": totals.requests,
                "input_tokens": totals.input_tokens,
                "output_tokens": totals.output_tokens,
                "cache_read_tokens": totals.cache_read_tokens,
                "media": media or None,
                "cost_usd": totals.cost_usd if totals.cost_known else None,
            }
        )
    known = handler.cost_known
    total = format_usd(handler.total_cost_usd) + ("" if known else " + unknown")
    out.heading("Cost")
    if not out.json_mode:
        out.table(
            [
                "model",
                "calls",
                "input",
                "output",
                "cached",
                Column("media", kind="text"),
                "cost",
            ],
            (
                [
                    r["model"],
                    r["requests"],
                    r["input_tokens"],
                    r["output_tokens"],
                    r["cache_read_tokens"],
                    short_media(r["media"]),
                    format_usd(r["cost_usd"]),
                ]
                for r in rows
            ),
            title="What this demo cost (get_gradient_callback), tokens and USD",
            caption=f"total {total}; prices from the bundled catalog",
        )
    return rows


@click.command()
@model_option(default=DEMO_MODEL, help="Chat model to use.")
@click.option("--offline", is_flag=True, help="Use the emulator even when a key is set.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where generated media go (default: a new temporary directory).",
)
@click.option(
    "--only",
    multiple=True,
    type=click.Choice([s.name for s in STEPS]),
    help="Run only these steps (repeatable).",
)
@gradient_command
def demo(
    session: Session, model: str, offline: bool, output_dir: Path | None, only: tuple[str, ...]
) -> None:
    """Run the whole package end to end: offline with no key, live with MODEL_ACCESS_KEY."""
    out = session.out
    media_dir = output_dir or Path(tempfile.mkdtemp(prefix="gradient-demo-"))
    media_dir.mkdir(parents=True, exist_ok=True)
    with inference_backend(session, offline) as (connection, mode):
        state = Demo(out=out, connection=connection, model=model, media_dir=media_dir)
        results: dict[str, str] = {}
        with track_cost() as handler:
            for number, step in enumerate(STEPS, start=1):
                if not only or step.name in only:
                    results[step.name] = run_step(state, number, step)
        costs = render_costs(out, handler)
    failed = [name for name, result in results.items() if result == "failed"]
    out.say(f"Media written to {media_dir}")
    out.say(
        f"Done: {sum(r == 'ok' for r in results.values())} step(s) ok, "
        f"{sum(r == 'skipped' for r in results.values())} skipped, {len(failed)} failed."
    )
    if out.json_mode:
        out.json(
            {
                "mode": mode,
                "steps": results,
                "costs": costs,
                "total_cost_usd": handler.total_cost_usd if handler.cost_known else None,
                "media_dir": str(media_dir),
                "details": state.summary,
            }
        )
    if failed:
        raise click.ClickException(f"demo step(s) failed: {', '.join(failed)}")


# ---------------------------------------------------------------------------- small helpers


def _tool(function: Callable[..., Any]) -> Any:
    from langchain_core.tools import tool

    return tool(function)

"""``langchain-gradient select``: which model for this request, and why not the others.

Wraps :func:`~langchain_gradient.selection.select_model`: hard requirements reject
models (each with its reason), the rest are priced for the request and ranked.

Example::

    langchain-gradient select --prompt "Summarize this contract" --tools --max-cost 0.001
    langchain-gradient select --input-tokens 20000 --min-context 32000 --live --json
"""

from __future__ import annotations

import warnings
from typing import Any

import click

from langchain_gradient.cli._output import Column, format_usd
from langchain_gradient.cli._session import Session, gradient_command


@click.command()
@click.option("--prompt", "-p", help="The request to route ('-' reads stdin).")
@click.option("--input-tokens", type=click.IntRange(min=0), help="Input size instead of a prompt.")
@click.option(
    "--output-tokens",
    type=click.IntRange(min=0),
    default=500,
    show_default=True,
    help="Expected answer length.",
)
@click.option("--tools", "need_tools", is_flag=True, help="Needs tool calling.")
@click.option(
    "--structured-output",
    is_flag=True,
    help="Needs with_structured_output (tool calling or JSON schema); shows the method.",
)
@click.option("--vision", is_flag=True, help="Needs image input.")
@click.option("--reasoning", is_flag=True, help="Needs a reasoning model.")
@click.option("--min-context", type=click.IntRange(min=1), help="Smallest context window.")
@click.option("--max-cost", type=click.FloatRange(min=0), help="Most USD per request.")
@click.option(
    "--tier",
    type=click.Choice(["small", "medium", "large", "frontier"]),
    help="Prefer this quality tier.",
)
@click.option("--min-quality", type=click.FloatRange(0, 1), help="Least quality prior (0-1).")
@click.option("--allow", multiple=True, metavar="ID", help="Only these ids (repeatable).")
@click.option("--deny", multiple=True, metavar="ID", help="Never these ids (repeatable).")
@click.option("--live", is_flag=True, help="Only models /v1/models lists for this key.")
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Candidates to show."
)
@gradient_command
def select(
    session: Session,
    prompt: str | None,
    input_tokens: int | None,
    output_tokens: int,
    need_tools: bool,
    structured_output: bool,
    vision: bool,
    reasoning: bool,
    min_context: int | None,
    max_cost: float | None,
    tier: str | None,
    min_quality: float | None,
    allow: tuple[str, ...],
    deny: tuple[str, ...],
    live: bool,
    top: int,
) -> None:
    """Rank models for a request by estimated cost, with every rejection reason."""
    from langchain_gradient.cli.chat import read_prompt
    from langchain_gradient.selection import Requirements, select_model

    if (prompt is None) == (input_tokens is None):
        raise click.UsageError("Give exactly one of --prompt TEXT or --input-tokens N.")
    catalog: Any = None
    if live:
        from langchain_gradient.cli.models import merged_models

        catalog = merged_models(session.connection())
    require = Requirements(
        tools=need_tools,
        structured_output=structured_output,
        vision=vision,
        reasoning=reasoning,
        min_context=min_context,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        decision = select_model(
            read_prompt(prompt) if prompt is not None else None,
            input_tokens=input_tokens,
            expected_output_tokens=output_tokens,
            require=require,
            max_cost_per_request=max_cost,
            preferred_tier=tier,
            min_quality=min_quality,
            allow=allow or None,
            deny=deny,
            live_only=live,
            catalog=catalog,
        )
    # A warning that is also a decision note (stale prices) is shown once.
    notes = list(dict.fromkeys([*decision.notes, *(str(w.message) for w in caught)]))
    payload = decision.as_dict(top=top)
    payload["notes"] = notes
    out = session.out

    def render() -> None:
        # With --structured-output: the with_structured_output method each model gets.
        method: list[str | Column] = [Column("method")] if structured_output else []
        out.table(
            [
                "#",
                "model",
                "est. cost",
                *method,
                Column("quality", kind="text"),
                Column("tier", drop=1),
                Column("why", kind="text", drop=2),
            ],
            (
                [
                    rank,
                    c.id + (" (chosen)" if c.id == decision.chosen else ""),
                    format_usd(c.estimated_cost),
                    *([c.structured_output_method] if structured_output else []),
                    f"{c.quality:.2f} ({c.quality_source})",
                    c.model.tier,
                    "; ".join(c.reasons[1:]),
                ]
                for rank, c in enumerate(decision.ranked[:top], start=1)
            ),
            title=(
                f"{len(decision.ranked)} model(s) fit {decision.input_tokens} input + "
                f"{decision.output_tokens} output tokens"
            ),
        )
        out.table(
            ["model", Column("rejected because", kind="text")],
            sorted(decision.rejected.items()),
            title=f"{len(decision.rejected)} model(s) rejected",
        )
        for note in notes:
            out.warn(note)
        if decision.chosen is None:
            out.warn("no model fits; relax a requirement (see the reasons above).")

    out.result(payload, render)

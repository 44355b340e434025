"""``langchain-gradient emulator``: the local Gradient server, in the foreground.

The base URL is the first line on stdout (scripts read it); how to point clients
at it goes to stderr. Stop it with Ctrl-C.

Example::

    $ langchain-gradient emulator --port 8080 --log --stream-delay 0.03
    http://127.0.0.1:8080/v1
    $ MODEL_ACCESS_KEY=emulator-key langchain-gradient --base-url http://127.0.0.1:8080 models
"""

from __future__ import annotations

import json
from typing import Any

import click

from langchain_gradient.cli._output import Output
from langchain_gradient.cli._session import Session, gradient_command


def setup_lines(base_url: str, key: str) -> list[str]:
    """Shell lines that point clients at the emulator, one ``export`` each.

    Example:
        >>> setup_lines("http://127.0.0.1:8080/v1", "emulator-key")[1]
        'export MODEL_ACCESS_KEY=emulator-key'
    """
    import shlex

    origin = base_url.removesuffix("/v1")
    pairs = (
        ("INFERENCE_ENDPOINT", base_url),
        ("MODEL_ACCESS_KEY", key),
        ("DIGITALOCEAN_API_BASE", origin),
        ("DIGITALOCEAN_TOKEN", "emulator-control-token"),
    )
    return [f"export {name}={shlex.quote(value)}" for name, value in pairs]


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="TCP port; 0 picks a free one.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="KEY",
    help="Accepted model access key (repeatable; default 'emulator-key').",
)
@click.option(
    "--clock-speed",
    type=click.FloatRange(min=0.01),
    default=1.0,
    show_default=True,
    help="Emulated seconds per real second (fal jobs, cache TTLs).",
)
@click.option("--quirks", is_flag=True, help="Reproduce the docs' quirks (empty id and role).")
@click.option(
    "--error-format",
    type=click.Choice(["gradient", "openai"]),
    default="gradient",
    show_default=True,
    help="Error body envelope.",
)
@click.option(
    "--responses-stream",
    type=click.Choice(["events", "chunk"]),
    default="chunk",
    show_default=True,
    help="Responses streaming format.",
)
@click.option(
    "--stream-delay",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Pause between streamed events, so streaming looks like the service's.",
)
@click.option(
    "--log",
    "log_requests",
    is_flag=True,
    help="Print one line per request on stderr: method, path, model, status, ms (never the key).",
)
@click.option(
    "--knowledge-base",
    "knowledge_bases",
    multiple=True,
    metavar="NAME=PATH",
    help="Serve a knowledge base built from a folder of .txt/.md files (repeatable).",
)
@gradient_command
def emulator(
    session: Session,
    port: int,
    host: str,
    keys: tuple[str, ...],
    clock_speed: float,
    quirks: bool,
    error_format: str,
    responses_stream: str,
    stream_delay: float = 0.0,
    log_requests: bool = False,
    knowledge_bases: tuple[str, ...] = (),
) -> None:
    """Run the Gradient emulator until Ctrl-C (no key, no network)."""
    from langchain_gradient.emulator import KeyPolicy, serve
    from langchain_gradient.emulator.knowledge_bases import parse_knowledge_base_option

    try:
        bases = dict(parse_knowledge_base_option(value) for value in knowledge_bases)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--knowledge-base") from None
    out = session.out
    accepted = {key: KeyPolicy() for key in keys} if keys else None

    def announce(base_url: str) -> None:
        origin = base_url.removesuffix("/v1")
        key = keys[0] if keys else "emulator-key"
        info: dict[str, Any] = {
            "base_url": base_url,
            "control_plane": origin,
            "control_token": "emulator-control-token",
        }
        # One line either way, so a script can read it before the server stops.
        out.line(json.dumps(info) if out.json_mode else base_url)
        out.progress(f"Gradient emulator listening on {base_url} (Ctrl-C stops it). In a shell:")
        # One export per line, never wrapped: each line pastes as a whole command.
        out.copyable(setup_lines(base_url, key))
        if bases:
            out.progress(f"Knowledge bases {', '.join(sorted(bases))} (their names are their ids):")
            out.copyable(
                [
                    f"export GRADIENT_KBASS_ENDPOINT={origin}",
                    "export DIGITALOCEAN_API_TOKEN=emulator-control-token",
                ]
            )
        out.flush()

    serve(
        port,
        host,
        keys=accepted,
        announce=announce,
        clock_speed=clock_speed,
        quirks=quirks,
        error_format=error_format,
        responses_stream_format=responses_stream,
        knowledge_bases=bases,
        stream_event_delay=stream_delay,
        on_request=_request_printer(out) if log_requests else None,
    )


def _request_printer(out: Output) -> Any:
    """``--log``: each answered request as one line on stderr (no header or body: no key)."""
    from langchain_gradient.emulator.request_log import log_line

    def show(record: Any, seconds: float) -> None:
        out.log(log_line(record, seconds))

    return show

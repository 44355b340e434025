"""One option vocabulary for every command: ``-m/--model`` and the global options.

Two pieces, both shared by every command so a new one gets them without code:

- :func:`model_option` gives a command ``-m/--model``; older spellings (fal's
  ``--model-id``) stay accepted as hidden aliases that fill the same ``model`` value.
- :func:`with_global_options` adds the top-level group's options (``--base-url``,
  ``--debug``) to a subcommand (and to every command of a subcommand group), so
  ``langchain-gradient models --base-url X`` works as ``langchain-gradient --base-url X
  models``. The top-level group calls it for each command it loads; a value given after
  the subcommand wins over one given before it.

Example:
    >>> import click
    >>> @click.command()
    ... @model_option(default="llama3.3-70b-instruct", aliases=("--model-id",))
    ... def run(model: str) -> None:
    ...     click.echo(model)
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(run, ["--model-id", "openai-gpt-oss-20b"]).output
    'openai-gpt-oss-20b\\n'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from langchain_gradient.cli._session import current_session

F = TypeVar("F", bound=Callable[..., Any])

BASE_URL_HELP = (
    "Inference endpoint (default: INFERENCE_ENDPOINT or https://inference.do-ai.run/v1)."
)
DEBUG_HELP = "Show the (redacted) traceback on errors."


def model_option(
    *,
    default: str | None = None,
    help: str = "Model id.",
    metavar: str = "ID",
    aliases: Sequence[str] = (),
) -> Callable[[F], F]:
    """``-m/--model`` (value ``model``), plus hidden ``aliases`` for older spellings.

    An alias fills ``model`` as if ``--model`` had been given; giving both with
    different values is a usage error naming both.
    """

    def decorate(function: F) -> F:
        model = click.option(
            "--model",
            "-m",
            default=default,
            show_default=default is not None,
            metavar=metavar,
            help=help,
        )
        if not aliases:
            return model(function)

        @functools.wraps(function)
        def merged(*args: Any, model_alias: str | None = None, **options: Any) -> Any:
            if model_alias is not None:
                ctx = click.get_current_context()
                given = ctx.get_parameter_source("model") == click.core.ParameterSource.COMMANDLINE
                if given and options.get("model") != model_alias:
                    raise click.UsageError(
                        f"--model {options.get('model')!r} and {aliases[0]} {model_alias!r} "
                        "name different models; give one (--model is the current spelling)."
                    )
                options["model"] = model_alias
            return function(*args, **options)

        command: Any = merged
        command = click.option(
            *aliases, "model_alias", metavar=metavar, hidden=True, help=f"Same as --model ({help})"
        )(command)
        return model(command)  # type: ignore[no-any-return]

    return decorate


def timeout_option(default: float) -> Callable[[F], F]:
    """``--timeout SECONDS`` for a command that waits on a server-side job (value
    ``timeout``): giving up leaves the job running, and the help says so."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=1),
        default=default,
        show_default=True,
        help="Seconds to wait before giving up (the job keeps running).",
    )


def _set_base_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        current_session(ctx).base_url = value


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        current_session(ctx).debug = True


def global_options() -> list[click.Option]:
    """Fresh copies of the top-level options, for one subcommand (they set the session)."""
    return [
        click.Option(
            ["--base-url"],
            metavar="URL",
            expose_value=False,
            callback=_set_base_url,
            help=BASE_URL_HELP,
        ),
        click.Option(
            ["--debug"],
            is_flag=True,
            expose_value=False,
            callback=_set_debug,
            help=DEBUG_HELP,
        ),
    ]


def with_global_options(command: click.Command) -> click.Command:
    """``command`` (and every command of it, for a group) accepting the global options.

    An option the command already defines under the same name is left as it is.
    Calling it twice on the same command adds nothing the second time.
    """
    taken = {opt for param in command.params for opt in getattr(param, "opts", ())}
    for option in global_options():
        if not set(option.opts) & taken:
            command.params.append(option)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_global_options(sub)
    return command

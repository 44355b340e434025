"""The ``langchain-gradient`` command-line tool.

Run ``langchain-gradient --help``; the guide is ``docs/cli.md``. One module per
command group (``models``, ``chat``, ``image``, ``pricing``, ``fal``, ``select``,
``keys``, ``emulator``, ``demo``); the shared pieces are :mod:`._output` (Rich for
people, ``--json`` for machines, secrets redacted) and :mod:`._session`.

This package imports click, so only the console script imports it:
``import langchain_gradient`` never does. Heavy libraries (openai, rich, langgraph)
are imported inside the command that needs them.

Example:
    >>> from click.testing import CliRunner
    >>> from langchain_gradient.cli import main
    >>> CliRunner().invoke(main, ["--help"]).exit_code
    0
"""

from __future__ import annotations

import importlib
from typing import Any

from langchain_gradient._extras import exit_without_extra

try:
    import click
    import rich  # noqa: F401  (every command prints through it)
except ModuleNotFoundError:  # without the [cli] extra: one line naming the fix, exit 1
    exit_without_extra("cli", "The langchain-gradient command", "click", "rich")
    raise

from langchain_gradient.cli._session import Session, current_session

# command name -> module under langchain_gradient.cli defining a click command of that name
_COMMANDS: dict[str, str] = {
    "models": "models",
    "chat": "chat",
    "image": "image",
    "pricing": "pricing",
    "fal": "fal",
    "select": "select",
    "keys": "keys",
    "emulator": "emulator",
    "demo": "demo",
    "batch": "batch",
}


class GradientCLI(click.Group):
    """The top-level group: loads commands on demand and turns failures into exit code 1.

    Every exception a command raises (other than click's own usage errors) is
    printed as one ``Error: ...`` line on stderr, redacted, and the process exits
    with 1; ``--debug`` adds the redacted traceback.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in _COMMANDS if self.get_command(ctx, name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        qualified = f"langchain_gradient.cli.{module_name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:  # a command not built yet
                return None
            raise
        command = getattr(module, module_name, None)
        if not isinstance(command, click.Command):
            return None
        # --base-url / --debug after the subcommand too (cli/_options.py), for every command
        from langchain_gradient.cli._options import with_global_options

        return with_global_options(command)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            session = current_session(ctx)
            session.out.error(exc)
            ctx.exit(1)


@click.group(cls=GradientCLI, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--base-url",
    metavar="URL",
    help="Inference endpoint (default: INFERENCE_ENDPOINT or https://inference.do-ai.run/v1).",
)
@click.option("--debug", is_flag=True, help="Show redacted tracebacks on errors.")
@click.version_option(package_name="langchain-gradient", prog_name="langchain-gradient")
@click.pass_context
def main(ctx: click.Context, base_url: str | None, debug: bool) -> None:
    """LangChain + DigitalOcean Gradient: models, chat, images, fal jobs, prices, keys.

    The model access key comes from MODEL_ACCESS_KEY (or GRADIENT_MODEL_ACCESS_KEY,
    DIGITALOCEAN_INFERENCE_KEY, GRADIENT_API_KEY); `keys` uses DIGITALOCEAN_TOKEN.
    Every command takes --json. Try `langchain-gradient demo` (no key needed).
    """
    session = current_session(ctx)
    session.base_url = base_url
    session.debug = debug


__all__ = ["Session", "main"]

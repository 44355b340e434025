"""One option vocabulary: ``-m/--model`` wherever a model is named, global options anywhere."""

from __future__ import annotations

import json
import sys
import types
from typing import Any

import click
import pytest

from langchain_gradient.cli import _COMMANDS, main
from langchain_gradient.cli._session import Session, gradient_command
from tests.unit_tests.cli.conftest import Run

FLUX = "fal-ai/flux/schnell"
# Commands whose options name a model (a model id or, for pricing, a model filter).
MODEL_COMMANDS = ("chat", "image", "fal", "demo", "pricing")
DEAD_ENDPOINT = "http://127.0.0.1:9/v1"  # nothing listens on the discard port


def every_command() -> list[tuple[str, click.Command]]:
    """(path, command) for every command and subcommand the CLI has."""
    ctx = click.Context(main)
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(f"{prefix} {name}".strip(), sub)

    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        walk(name, command)
    return found


def visible_options(command: click.Command) -> set[str]:
    return {
        opt
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for opt in param.opts
    }


@pytest.mark.parametrize("name", MODEL_COMMANDS)
def test_help_lists_short_and_long_model_option(run: Run, name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert "-m, --model" in result.stdout


def test_no_command_shows_another_spelling_for_a_model() -> None:
    for path, command in every_command():
        options = visible_options(command)
        model_like = {o for o in options if "model" in o}
        if model_like:
            assert model_like == {"--model"} and "-m" in options, (path, model_like)


def test_fal_model_id_is_a_hidden_alias(run: Run, emulator: Any) -> None:
    assert "--model-id" not in run("fal", "--help").stdout
    new = run("fal", "-m", FLUX, "--prompt", "A boat", "--no-wait", "--json")
    old = run("fal", "--model-id", FLUX, "--prompt", "A boat", "--no-wait", "--json")
    assert new.exit_code == old.exit_code == 0, new.output + old.output
    assert json.loads(new.stdout)["model_id"] == json.loads(old.stdout)["model_id"] == FLUX


def test_fal_model_and_alias_disagreeing_is_a_usage_error(run: Run, emulator: Any) -> None:
    result = run("fal", "-m", FLUX, "--model-id", "fal-ai/other", "--prompt", "x")
    assert result.exit_code == 2
    assert "--model-id" in result.output and "--model" in result.output


def test_pricing_filter_takes_the_short_spelling(run: Run) -> None:
    short = json.loads(run("pricing", "-m", "llama3.3", "--json").stdout)
    long = json.loads(run("pricing", "--model", "llama3.3", "--json").stdout)
    assert short["models"] == long["models"] and short["models"]
    assert all("llama3.3" in m["id"] for m in short["models"])


def test_every_command_accepts_the_global_options() -> None:
    for path, command in every_command():
        assert {"--base-url", "--debug"} <= visible_options(command), path


@pytest.mark.parametrize(
    "args",
    [
        ["models", "--base-url", "{url}", "--json"],
        ["--base-url", "{url}", "models", "--json"],
        # after the subcommand wins over before it
        ["--base-url", DEAD_ENDPOINT, "models", "--base-url", "{url}", "--json"],
    ],
)
def test_base_url_after_the_subcommand(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("INFERENCE_ENDPOINT", DEAD_ENDPOINT)
    emulator.reset()
    result = run(*(a.format(url=emulator.base_url) for a in args))
    assert result.exit_code == 0, result.output
    assert any(m["available"] for m in json.loads(result.stdout))
    assert [r.path for r in emulator.request_log] == ["/v1/models"]


def test_without_base_url_the_dead_endpoint_is_used(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: the option, not the environment, made it work."""
    monkeypatch.setenv("INFERENCE_ENDPOINT", DEAD_ENDPOINT)
    assert run("models", "--available", "--json").exit_code == 1


def test_a_new_command_gets_the_global_options_for_free(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command module added to the group (as ``batch`` will be) needs no option code."""

    @click.command()
    @gradient_command
    def newcmd(session: Session) -> None:
        click.echo(f"{session.base_url} {session.debug}")

    module = types.ModuleType("langchain_gradient.cli.newcmd")
    module.newcmd = newcmd  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(_COMMANDS, "newcmd", "newcmd")
    assert run("newcmd", "--base-url", "http://x/v1").stdout == "http://x/v1 False\n"
    assert run("--base-url", "http://y/v1", "newcmd").stdout == "http://y/v1 False\n"
    assert run("newcmd", "--debug").stdout == "None True\n"

"""``langchain-gradient keys``: manage model access keys (control-plane API).

Uses a personal access token from ``DIGITALOCEAN_TOKEN``; ``--api-base`` (or
``DIGITALOCEAN_API_BASE``) points it at another server, such as the emulator.
A secret is printed only when the API returns one, on ``regenerate``, and only then:
copy it, it is not shown again. DigitalOcean retired key creation through the API
(``POST /v2/gen-ai/models/api_keys`` answers 410 Gone); ``create`` says where to make
a key instead.

Example::

    langchain-gradient keys list --json
    langchain-gradient keys regenerate 11efb7d6-... --yes
"""

from __future__ import annotations

from typing import Any

import click

from langchain_gradient.cli._keys_api import ModelKeysClient, resolve_token, without_secret
from langchain_gradient.cli._output import Column, Output
from langchain_gradient.cli._session import Session, gradient_command

_COLUMNS = ("uuid", "name", "created_at", "created_by")
_API_BASE = "langchain_gradient.keys.api_base"


def _remember_api_base(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[_API_BASE] = value


_api_base_option = click.option(
    "--api-base",
    metavar="URL",
    callback=_remember_api_base,
    expose_value=False,
    help="Control-plane API base (default https://api.digitalocean.com, or DIGITALOCEAN_API_BASE).",
)


@click.group()
@_api_base_option
def keys() -> None:
    """Manage model access keys (needs DIGITALOCEAN_TOKEN)."""


def _client() -> ModelKeysClient:
    token, source = resolve_token()
    api_base = click.get_current_context().meta.get(_API_BASE)
    return ModelKeysClient(token=token, token_source=source, api_base=api_base)


def _confirm(client: ModelKeysClient, uuid: str, question: str) -> None:
    """Ask on stderr, naming the key; no (or no terminal) aborts with exit code 1."""
    name = repr(client.find_key(uuid).get("name"))
    click.confirm(question.format(name=name, uuid=uuid), abort=True, err=True)


def _show_key(out: Output, info: dict[str, Any], title: str) -> None:
    out.key_values(((name, info.get(name)) for name in _COLUMNS), title=title)


def _show_secret(out: Output, info: dict[str, Any], title: str) -> None:
    """Print a freshly issued secret: the one time it is ever shown."""
    out.result(info, lambda: _render_secret(out, info, title))


def _render_secret(out: Output, info: dict[str, Any], title: str) -> None:
    _show_key(out, without_secret(info), title)
    secret = info.get("secret_key")
    if secret:
        out.line(f"secret_key: {secret}")
        out.progress("Store the secret now (e.g. in MODEL_ACCESS_KEY); it is not shown again.")
    else:
        out.warn("the API returned no secret for this key.")


@keys.command("list")
@_api_base_option
@gradient_command
def list_keys(session: Session) -> None:
    """List model access keys (never their secrets)."""
    with _client() as client:
        infos = client.list_keys()
    out = session.out
    out.result(
        infos,
        lambda: out.table(
            ["uuid", Column("name", kind="elide"), "created_at", Column("created_by", kind="text")],
            ([info.get(name) for name in _COLUMNS] for info in infos),
            title=f"{len(infos)} model access key(s)",
        ),
    )


CONTROL_PANEL_KEYS_URL = "https://cloud.digitalocean.com/gen-ai/model-access-keys"
"""Where DigitalOcean's how-to page sends users to create model access keys."""
RETIRED_CREATE = (
    "DigitalOcean creates model access keys only in the control panel now: "
    "POST /v2/gen-ai/models/api_keys answers 410 Gone. Create the key at "
    f"{CONTROL_PANEL_KEYS_URL}, then manage it here with list, rename, regenerate and delete."
)


@keys.command("create")
@click.argument("name", required=False)
@_api_base_option
@gradient_command
def create_key(session: Session, name: str | None) -> None:
    """Retired by DigitalOcean: says where to create a key (exit 1, nothing is sent)."""
    raise click.ClickException(RETIRED_CREATE)


@keys.command("rename")
@click.argument("uuid")
@click.argument("name")
@_api_base_option
@gradient_command
def rename_key(session: Session, uuid: str, name: str) -> None:
    """Rename key UUID to NAME."""
    if not name.strip():
        raise click.BadParameter("the new name must not be empty", param_hint="NAME")
    with _client() as client:
        info = client.rename_key(uuid, name)
    session.out.result(info, lambda: _show_key(session.out, info, "Renamed model access key"))


@keys.command("regenerate")
@click.argument("uuid")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@_api_base_option
@gradient_command
def regenerate_key(session: Session, uuid: str, yes: bool) -> None:
    """Issue a new secret for key UUID; the old secret stops working at once."""
    with _client() as client:
        if not yes:
            _confirm(
                client,
                uuid,
                "Regenerate key {name} ({uuid})? Apps using its current "
                "secret lose access immediately.",
            )
        info = client.regenerate_key(uuid)
    _show_secret(session.out, info, "Regenerated model access key")


@keys.command("delete")
@click.argument("uuid")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@_api_base_option
@gradient_command
def delete_key(session: Session, uuid: str, yes: bool) -> None:
    """Delete key UUID permanently."""
    with _client() as client:
        if not yes:
            _confirm(
                client, uuid, "Delete key {name} ({uuid}) permanently? Apps using it lose access."
            )
        info = client.delete_key(uuid)
    session.out.result(
        info or {"uuid": uuid},
        lambda: session.out.line(f"Deleted model access key {uuid}."),
    )

"""Key and endpoint resolution: the one place that reads the environment.

Keys are looked up, in this order, in the argument and then in these variables
(read when a model or tool is created, never at import):

1. ``MODEL_ACCESS_KEY`` (DigitalOcean's documented name)
2. ``GRADIENT_MODEL_ACCESS_KEY`` (the ``gradient`` SDK)
3. ``DIGITALOCEAN_INFERENCE_KEY`` (DigitalOcean's ``langchain-gradient`` 1.0.0)
4. ``GRADIENT_API_KEY`` (the community skill)

The endpoint comes from the ``base_url`` argument, else ``INFERENCE_ENDPOINT``, else
``GRADIENT_INFERENCE_ENDPOINT``, else :data:`DEFAULT_BASE_URL`. An endpoint given
with or without the ``/v1`` suffix works, and so does plain ``http://`` for local
servers such as the emulator.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from langchain_gradient._errors import MissingAPIKeyError

DEFAULT_BASE_URL = "https://inference.do-ai.run/v1"
KEY_ENV_VARS: tuple[str, ...] = (
    "MODEL_ACCESS_KEY",
    "GRADIENT_MODEL_ACCESS_KEY",
    "DIGITALOCEAN_INFERENCE_KEY",
    "GRADIENT_API_KEY",
)
ENDPOINT_ENV_VARS: tuple[str, ...] = ("INFERENCE_ENDPOINT", "GRADIENT_INFERENCE_ENDPOINT")
ARGUMENT_SOURCE = "the api_key argument"


@dataclass(frozen=True)
class ResolvedKey:
    """A key and where it came from (an env var name or the argument)."""

    secret: SecretStr
    source: str


def resolve_api_key(explicit: SecretStr | str | None) -> ResolvedKey:
    """Return the key from ``explicit`` or the first set variable in :data:`KEY_ENV_VARS`.

    Raises :class:`MissingAPIKeyError` naming every variable when none is set.

    Example:
        >>> import os
        >>> os.environ["MODEL_ACCESS_KEY"] = "k"
        >>> resolve_api_key(None).source
        'MODEL_ACCESS_KEY'
    """
    if explicit is not None:
        raw = explicit.get_secret_value() if isinstance(explicit, SecretStr) else explicit
        value = raw.strip()  # a key read from a file often ends with a line break
        if value:
            return ResolvedKey(_checked_key(value, ARGUMENT_SOURCE), ARGUMENT_SOURCE)
        raise MissingAPIKeyError("The api_key argument is empty. " + _where_keys_come_from())
    for name in KEY_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            return ResolvedKey(_checked_key(value, name), name)
    raise MissingAPIKeyError("No Gradient model access key found. " + _where_keys_come_from())


def _checked_key(value: str, source: str) -> SecretStr:
    """The key as a SecretStr, or an error if it cannot go in an HTTP header.

    Sent as is, such a key fails inside the HTTP library with an error that quotes the
    whole ``Authorization`` header, key included; this error never shows the key.
    """
    for position, char in enumerate(value):
        if not "!" <= char <= "~":  # printable ASCII without spaces, as keys are
            raise MissingAPIKeyError(
                f"The key from {source} has a space, line break or non-ASCII character "
                f"at position {position}, which an HTTP header cannot carry. Copy the "
                "key again from the DigitalOcean console."
            )
    return SecretStr(value)


def _where_keys_come_from() -> str:
    names = ", ".join(KEY_ENV_VARS)
    return (
        f"Pass api_key=... or set one of {names} (checked in that order). "
        "Create a key in the DigitalOcean console under Serverless Inference > "
        "Model Access Keys."
    )


def normalize_base_url(url: str) -> str:
    """Return ``url`` with a ``/v1`` path, no trailing slash; reject what is not http(s).

    Example:
        >>> normalize_base_url("http://127.0.0.1:8080")
        'http://127.0.0.1:8080/v1'
        >>> normalize_base_url("https://inference.do-ai.run/v1/")
        'https://inference.do-ai.run/v1'
    """
    cleaned = url.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"base_url {url!r} is not an http(s) URL. Use e.g. "
            f"'{DEFAULT_BASE_URL}' or 'http://127.0.0.1:8080'."
        )
    if not parts.path.endswith("/v1"):
        cleaned += "/v1"
    return cleaned


def resolve_base_url(explicit: str | None) -> str:
    """Return the endpoint from ``explicit``, the endpoint variables, or the default."""
    if explicit:
        return normalize_base_url(explicit)
    for name in ENDPOINT_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            return normalize_base_url(value)
    return DEFAULT_BASE_URL


# ------------------------------------------------ DigitalOcean API token, agent keys

DO_TOKEN_ENV_VARS: tuple[str, ...] = (
    "DIGITALOCEAN_API_TOKEN",
    "DIGITALOCEAN_ACCESS_TOKEN",
    "DIGITALOCEAN_TOKEN",
)
"""Where a DigitalOcean API token is looked up, in this order: the name DigitalOcean's
knowledge-base template reads, the ``gradient`` SDK's, then doctl's and pydo's."""
AGENT_KEY_ENV_VARS: tuple[str, ...] = ("GRADIENT_AGENT_ACCESS_KEY",)
"""The agent access key's variable (the ``gradient`` SDK's name)."""


def resolve_secret(
    explicit: SecretStr | str | None,
    env_vars: tuple[str, ...],
    *,
    argument: str,
    what: str,
    how_to_get: str,
) -> ResolvedKey:
    """A secret from ``explicit`` or the first set variable of ``env_vars``, with its source.

    ``argument`` names the argument (for messages); ``what`` and ``how_to_get`` describe
    the secret when none is found. The value goes through the same header check as
    model access keys.

    Example:
        >>> import os
        >>> os.environ["DIGITALOCEAN_TOKEN"] = "dop_v1_x"
        >>> resolve_secret(None, DO_TOKEN_ENV_VARS, argument="api_token",
        ...                what="DigitalOcean API token", how_to_get="").source
        'DIGITALOCEAN_TOKEN'
    """
    names = ", ".join(env_vars)
    where = f"Pass {argument}=... or set {names} (checked in that order). {how_to_get}".strip()
    if explicit is not None:
        raw = explicit.get_secret_value() if isinstance(explicit, SecretStr) else explicit
        value = raw.strip()
        if value:
            source = f"the {argument} argument"
            return ResolvedKey(_checked_key(value, source), source)
        raise MissingAPIKeyError(f"The {argument} argument is empty. {where}")
    for name in env_vars:
        value = os.environ.get(name, "").strip()
        if value:
            return ResolvedKey(_checked_key(value, name), name)
    raise MissingAPIKeyError(f"No {what} found. {where}")


def resolve_do_token(explicit: SecretStr | str | None) -> ResolvedKey:
    """The DigitalOcean API token from ``explicit`` or :data:`DO_TOKEN_ENV_VARS`."""
    return resolve_secret(
        explicit,
        DO_TOKEN_ENV_VARS,
        argument="api_token",
        what="DigitalOcean API token",
        how_to_get="Create a personal access token in the DigitalOcean control panel "
        "under API > Tokens.",
    )


def resolve_agent_key(explicit: SecretStr | str | None) -> ResolvedKey:
    """The agent access key from ``explicit`` or ``GRADIENT_AGENT_ACCESS_KEY``."""
    return resolve_secret(
        explicit,
        AGENT_KEY_ENV_VARS,
        argument="agent_access_key",
        what="agent access key",
        how_to_get="Create an endpoint access key on the agent's page in the "
        "DigitalOcean control panel.",
    )


def http_origin(url: str, *, what: str, example: str) -> str:
    """``url`` (a host, or an http(s) URL) as ``scheme://host[:port][/path]``, no trailing
    slash; a bare host gets ``https://``.

    Example:
        >>> http_origin("abc.agents.do-ai.run", what="agent_endpoint", example="x")
        'https://abc.agents.do-ai.run'
    """
    cleaned = url.strip().rstrip("/")
    if "://" not in cleaned:
        cleaned = "https://" + cleaned
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} {url!r} is not a host or an http(s) URL. Use e.g. {example!r}.")
    return cleaned

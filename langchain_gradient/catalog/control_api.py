"""Catalog figures and Inference Router presets from DigitalOcean's control-plane API.

With a DigitalOcean API token (an argument, or ``DIGITALOCEAN_API_TOKEN`` /
``DIGITALOCEAN_ACCESS_TOKEN`` / ``DIGITALOCEAN_TOKEN``, first one set; not a model
access key), :class:`~langchain_gradient.catalog.catalog.ModelCatalog` reads
``GET /v2/gen-ai/models/catalog`` (per model pricing, ``context_window``,
``max_output_tokens``; ``gradient-api.md`` §13.1 and DigitalOcean's OpenAPI contract)
before it tries the pricing page, and :func:`load_router_presets` reads
``/v2/gen-ai/models/routers`` and ``/routers/presets``. The API base is
``https://api.digitalocean.com`` unless ``DIGITALOCEAN_API_BASE`` or an argument says
otherwise (the emulator serves these routes too).

The token is a ``SecretStr``; it is sent only in the ``Authorization`` header and is
never part of an error message.

Example:
    >>> resolve_do_token("dop_v1_example")
    SecretStr('**********')
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from langchain_gradient._settings import DO_TOKEN_ENV_VARS

if TYPE_CHECKING:
    import httpx2

TOKEN_ENV_VARS = DO_TOKEN_ENV_VARS
DEFAULT_API_BASE = "https://api.digitalocean.com"
API_BASE_ENV_VAR = "DIGITALOCEAN_API_BASE"
CATALOG_PATH = "/v2/gen-ai/models/catalog"
ROUTERS_PATH = "/v2/gen-ai/models/routers"
API_CATALOG_SOURCE = "do_catalog_api_live"
_PRICE_NAMES = {
    "input_price_per_million": "input_per_1m",
    "output_price_per_million": "output_per_1m",
    "cache_read_input_price_per_million": "cache_read_per_1m",
    "cache_write_5m_input_price_per_million": "cache_write_per_1m",
    "price_per_image": "per_image",
    "price_per_megapixel": "per_megapixel",
    "price_per_second": "per_second",
    "price_per_thousand_characters": "per_1k_characters",
    "price_per_video": "per_video",
}
"""The contract's pricing fields -> ``Pricing`` fields. Token-priced models leave the
per-unit prices at 0 (the contract's description), so zeros are not taken as prices."""


class ControlAPIError(RuntimeError):
    """The DigitalOcean API could not be read (the message never holds the token)."""


def resolve_do_token(explicit: SecretStr | str | None = None) -> SecretStr | None:
    """The DigitalOcean API token: ``explicit``, else the first of :data:`TOKEN_ENV_VARS`."""
    if isinstance(explicit, SecretStr):
        value = explicit.get_secret_value()
    elif explicit is not None:
        value = str(explicit)
    else:
        value = next((os.environ[n] for n in TOKEN_ENV_VARS if os.environ.get(n)), "")
    value = value.strip()
    return SecretStr(value) if value else None


def require_do_token(explicit: SecretStr | str | None, what: str, argument: str) -> SecretStr:
    """:func:`resolve_do_token`, or a :class:`ControlAPIError` saying how to give one."""
    secret = resolve_do_token(explicit)
    if secret is None:
        raise ControlAPIError(
            f"{what} needs a DigitalOcean API token: pass {argument}= or set "
            + " / ".join(TOKEN_ENV_VARS)
            + " (a model access key does not authorize /v2)."
        )
    return secret


def resolve_api_base(explicit: str | None = None) -> str:
    return (explicit or os.environ.get(API_BASE_ENV_VAR) or DEFAULT_API_BASE).rstrip("/")


def _get(
    url: str,
    token: SecretStr,
    params: Mapping[str, Any],
    timeout: float,
    http_client: httpx2.Client | None,
) -> Any:
    import httpx2

    headers = {
        "Authorization": f"Bearer {token.get_secret_value()}",
        "User-Agent": "langchain-gradient",
    }
    try:
        if http_client is not None:
            response = http_client.get(url, headers=headers, params=dict(params), timeout=timeout)
        else:
            with httpx2.Client(timeout=timeout) as client:
                response = client.get(url, headers=headers, params=dict(params))
    except Exception as exc:
        raise ControlAPIError(f"Could not reach {url}: {type(exc).__name__}") from None
    if response.status_code != 200:
        hint = " (check the DigitalOcean API token)" if response.status_code == 401 else ""
        raise ControlAPIError(f"{url} answered {response.status_code}{hint}")
    try:
        return response.json()
    except ValueError:
        raise ControlAPIError(f"{url} did not answer JSON") from None


def _pages(
    url: str,
    key: str,
    token: SecretStr,
    timeout: float,
    http_client: httpx2.Client | None,
    size_param: str,
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = _get(url, token, {"page": page, size_param: 100}, timeout, http_client)
        chunk = body.get(key) if isinstance(body, Mapping) else None
        if not isinstance(chunk, list):
            raise ControlAPIError(f"{url} answered without a {key!r} list")
        items.extend(item for item in chunk if isinstance(item, dict))
        meta = body.get("meta") or {}
        pages = meta.get("pages") if isinstance(meta, Mapping) else None
        if not chunk or not isinstance(pages, int) or page >= pages:
            return items
        page += 1


def _int(value: Any) -> int | None:
    try:
        number = int(value)  # int64 figures arrive as strings
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def fetch_api_catalog(
    token: SecretStr,
    api_base: str,
    timeout: float = 10.0,
    http_client: httpx2.Client | None = None,
) -> dict[str, Any]:
    """``{"fetched_at", "url", "prices": {id: {field: USD}}, "limits": {id: {...}}}``."""
    url = f"{api_base}{CATALOG_PATH}"
    entries = _pages(url, "data", token, timeout, http_client, "limit")
    prices: dict[str, dict[str, float]] = {}
    limits: dict[str, dict[str, int]] = {}
    for entry in entries:
        model_id = entry.get("model_id")
        if not isinstance(model_id, str) or not model_id:
            continue
        raw = entry.get("pricing")
        pricing: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        found = {
            ours: float(pricing[theirs])
            for theirs, ours in _PRICE_NAMES.items()
            if isinstance(pricing.get(theirs), (int, float)) and pricing[theirs] > 0
        }
        if found:
            prices[model_id] = found
        figures = {
            name: number
            for name in ("context_window", "max_output_tokens")
            if (number := _int(entry.get(name))) is not None
        }
        if figures:
            limits[model_id] = figures
    if not prices:
        raise ControlAPIError(f"{url} listed no model prices")
    return {
        "fetched_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "url": url,
        "prices": prices,
        "limits": limits,
    }


@dataclass(frozen=True)
class RouterPreset:
    """An Inference Router definition or preset: ``router:<name>`` and its task routes.

    ``routes`` maps each task slug to the models DigitalOcean may pick for it; the
    router's answer comes from one of ``models`` (``fallback_models`` included).

    Example:
        >>> preset = RouterPreset("support", {"triage": ("llama3.3-70b-instruct",)})
        >>> preset.model_id, preset.models
        ('router:support', ('llama3.3-70b-instruct',))
    """

    name: str
    routes: Mapping[str, tuple[str, ...]]
    fallback_models: tuple[str, ...] = ()
    kind: str = "router"
    """``"router"`` (one of your routers) or ``"preset"`` (DigitalOcean's preset)."""
    description: str = ""

    @property
    def model_id(self) -> str:
        return f"router:{self.name}"

    @property
    def models(self) -> tuple[str, ...]:
        seen = [m for models in self.routes.values() for m in models] + list(self.fallback_models)
        return tuple(dict.fromkeys(seen))


def _preset(name: Any, config: Any, kind: str, description: str = "") -> RouterPreset | None:
    if not isinstance(name, str) or not name or not isinstance(config, Mapping):
        return None
    routes: dict[str, tuple[str, ...]] = {}
    for policy in config.get("policies") or ():
        if not isinstance(policy, Mapping):
            continue
        slug = policy.get("task_slug") or (policy.get("custom_task") or {}).get("name")
        models = tuple(m for m in policy.get("models") or () if isinstance(m, str))
        if isinstance(slug, str) and models:
            routes[slug] = models
    fallback = tuple(m for m in config.get("fallback_models") or () if isinstance(m, str))
    return RouterPreset(name, routes, fallback, kind, description)


def load_router_presets(
    token: SecretStr | str | None = None,
    *,
    api_base: str | None = None,
    timeout: float = 10.0,
    http_client: httpx2.Client | None = None,
) -> list[RouterPreset]:
    """Your Inference Routers and DigitalOcean's presets (``GET /v2/gen-ai/models/routers``
    and ``/routers/presets``). Raises :class:`ControlAPIError` without a token.

    Example:
        >>> load_router_presets(api_base="http://127.0.0.1:8080")  # doctest: +SKIP
        [RouterPreset(name='default', ...), ...]
    """
    secret = require_do_token(token, "Reading Inference Routers", "token")
    base = resolve_api_base(api_base)
    found: list[RouterPreset] = []
    url = f"{base}{ROUTERS_PATH}"
    for item in _pages(url, "model_routers", secret, timeout, http_client, "per_page"):
        preset = _preset(item.get("name"), item.get("config"), "router")
        if preset is not None:
            found.append(preset)
    url = f"{base}{ROUTERS_PATH}/presets"
    for item in _pages(url, "presets", secret, timeout, http_client, "per_page"):
        description = str(item.get("short_description") or "")
        preset = _preset(item.get("slug"), item.get("config"), "preset", description)
        if preset is not None:
            found.append(preset)
    return found

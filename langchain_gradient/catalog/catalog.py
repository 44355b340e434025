"""``ModelCatalog``: the bundled snapshot, optionally merged with live ids and live prices.

Sources, in the order they are tried:

1. the live service: ``GET /v1/models`` (the ids *this key* may use) and DigitalOcean's
   public pricing page (see :mod:`~langchain_gradient.catalog.pricing_page`);
2. the cache of the last successful fetch (24 h; see :mod:`~langchain_gradient.catalog.cache`);
3. the bundled snapshot (:mod:`~langchain_gradient.catalog.snapshot`).

A fresh cache entry is used without a request unless ``refresh=True``. When a fetch
fails, the catalog falls back to the cache (even a stale one), then to the snapshot, and
warns with :class:`StaleFiguresWarning` saying how old the figures it uses are.

A failed fetch is remembered for :data:`FAILED_FETCH_RETRY_SECONDS` (one hour) in a small
cache entry next to the data (``<name>-failed.json``: the error and its time, written
atomically like every cache file). Until then a load does not try again and does not warn
again: it falls back at once, quietly, and says why in :attr:`ModelCatalog.live_failure`.
So an offline machine warns once an hour, not on every run. ``refresh=True`` always tries.

Example:
    >>> catalog = ModelCatalog.load()  # the bundled snapshot, no network
    >>> catalog.get("llama3.3-70b-instruct").pricing.input_per_1m
    0.65
    >>> live = ModelCatalog.load(live=True)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from langchain_gradient._settings import resolve_api_key, resolve_base_url
from langchain_gradient.catalog.cache import (
    CACHE_MAX_AGE_SECONDS,
    cache_dir,
    read_cache,
    warn_corrupt_cache,
    write_cache,
)
from langchain_gradient.catalog.control_api import (
    API_CATALOG_SOURCE,
    RouterPreset,
    fetch_api_catalog,
    load_router_presets,
    resolve_api_base,
    resolve_do_token,
)
from langchain_gradient.catalog.models import FigureSource, ModelInfo, ModelKind, Pricing
from langchain_gradient.catalog.pricing_page import PricingPageError, parse_pricing_page
from langchain_gradient.catalog.snapshot import load_snapshot

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "DEFAULT_PRICING_URLS",
    "FAILED_FETCH_RETRY_SECONDS",
    "ModelCatalog",
    "StaleFiguresWarning",
    "guess_kind",
]

DEFAULT_PRICING_URLS: tuple[str, ...] = (
    "https://docs.digitalocean.com/products/gradient-ai-platform/details/pricing/index.html.md",
    "https://docs.digitalocean.com/products/gradient-ai-platform/details/pricing/",
)
"""Tried in order: the markdown form of the pricing docs page, then its HTML form."""
CACHE_FORMAT = 1
FAILED_FETCH_RETRY_SECONDS = 3600.0
"""How long a failed live fetch is remembered: no new attempt (and no new warning) before
this many seconds, unless ``refresh=True``."""
FAILED_SUFFIX = "-failed"
LIVE_PRICING_SOURCE = "do_pricing_page_live"
LIVE_MODELS_SOURCE = "live_v1_models"


class StaleFiguresWarning(UserWarning):
    """Live figures could not be fetched; older cached or bundled figures are used.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():  # doctest: +SKIP
        ...     warnings.simplefilter("error", StaleFiguresWarning)
        ...     ModelCatalog.load(live=True)  # raises instead of using older figures
    """


def guess_kind(model_id: str) -> ModelKind:
    """Guess what a model id not in the snapshot does, from its name.

    Example:
        >>> guess_kind("fal-ai/flux/dev")
        'fal_image'
    """
    lowered = model_id.lower()
    if lowered.startswith("fal-ai/"):
        if "video" in lowered:
            return "fal_video"
        if "tts" in lowered or "speech" in lowered:
            return "fal_speech"
        if "audio" in lowered:
            return "fal_audio"
        return "fal_image"
    if "rerank" in lowered:
        return "rerank"
    if "embed" in lowered:
        return "embedding"
    if "tts" in lowered:
        return "speech"
    if any(word in lowered for word in ("image", "diffusion", "flux", "sdxl")):
        return "image"
    return "chat"


class ModelCatalog:
    """Models by id, with prices, limits and capabilities, and how old those figures are.

    Example:
        >>> catalog = ModelCatalog.load()
        >>> [m.id for m in catalog.models(kind="fal_image")][:1]
        ['fal-ai/fast-sdxl']
    """

    def __init__(
        self,
        models: Mapping[str, ModelInfo],
        *,
        figures_date: str | None,
        origin: str = "snapshot",
        pricing_problems: tuple[Mapping[str, Any], ...] = (),
    ) -> None:
        self._models = dict(models)
        self._lower = {model_id.lower(): model_id for model_id in self._models}
        self.figures_date = figures_date
        """ISO date of the newest price figure in use (the fetch date for live prices)."""
        self.origin = origin
        """Where the prices come from: ``"live"``, ``"cache"`` or ``"snapshot"``."""
        self.pricing_problems = pricing_problems
        """Pricing-page rows that mapped to no single id (reported, not guessed)."""
        self.router_presets: list[RouterPreset] = []
        """Inference Routers and presets read from ``/v2/gen-ai/models/routers*`` (with a
        DigitalOcean API token); see :meth:`router_info`."""
        self.live_failure: str | None = None
        """Why live prices are not in use although ``live=True`` asked for them: the error
        of a fetch remembered from a recent failed attempt (not tried again, not warned
        about again; ``refresh=True`` tries), else ``None``."""

    # ------------------------------------------------------------ construction

    @classmethod
    def from_snapshot(cls) -> ModelCatalog:
        """The bundled snapshot alone (shared, built once per process)."""
        return _snapshot_catalog()

    @classmethod
    def load(
        cls,
        *,
        live: bool = False,
        refresh: bool = False,
        list_models: bool = True,
        api_key: SecretStr | str | None = None,
        base_url: str | None = None,
        pricing_url: str | None = None,
        timeout: float = 10.0,
        http_client: httpx2.Client | None = None,
        max_age_seconds: float = CACHE_MAX_AGE_SECONDS,
        do_token: SecretStr | str | None = None,
        api_base: str | None = None,
    ) -> ModelCatalog:
        """Build a catalog: the snapshot, plus live ids and prices when ``live=True``.

        Prices come, first to last, from ``GET /v2/gen-ai/models/catalog`` when a
        DigitalOcean API token is set (``do_token`` or ``DIGITALOCEAN_API_TOKEN`` /
        ``DIGITALOCEAN_ACCESS_TOKEN`` / ``DIGITALOCEAN_TOKEN``; also fills context
        windows and output limits, and reads the Inference Router presets into
        :attr:`router_presets`), then the pricing page, then the cache, then the
        snapshot; :attr:`figures_date` and each figure's source say which was used.

        Args:
            live: fetch ``/v1/models`` (needs a key) and the pricing page, or use their
                cache when it is fresher than ``max_age_seconds``.
            refresh: skip the cache and fetch (falls back to the cache if that fails).
            list_models: with ``live``, also fetch ``/v1/models``; ``False`` refreshes
                prices only, which needs no key (``ModelInfo.live`` stays ``None``).
            api_key, base_url: as for ``ChatGradient``; read from the environment if unset.
            pricing_url: a pricing page URL (markdown or HTML form); default
                :data:`DEFAULT_PRICING_URLS`, tried in order.
            timeout: seconds per request.
            http_client: an ``httpx2.Client`` to send the requests with (proxies, tests).
            do_token, api_base: the DigitalOcean API token (a ``SecretStr``; never
                logged) and API base (default ``DIGITALOCEAN_API_BASE`` or
                ``https://api.digitalocean.com``) for the control-plane catalog.

        Example:
            >>> ModelCatalog.load(live=True, refresh=True)  # doctest: +SKIP
        """
        if not live:
            return cls.from_snapshot()
        # Raises MissingAPIKeyError (or ValueError for a bad URL) before any request.
        key = resolve_api_key(api_key).secret if list_models else None
        base_url = resolve_base_url(base_url)
        snapshot = load_snapshot()
        models = dict(snapshot.models)
        urls = (pricing_url,) if pricing_url else DEFAULT_PRICING_URLS
        token = resolve_do_token(do_token)
        presets: list[RouterPreset] = []
        if token is not None:
            api = _api_catalog(token, api_base, timeout, http_client, refresh, max_age_seconds)
            if api is not None:
                date = api["fetched_at"][:10]
                _apply_prices(models, api["prices"], date, api["url"], API_CATALOG_SOURCE)
                _apply_limits(models, api.get("limits") or {}, date, api["url"])
                presets = _presets_or_warn(token, api_base, timeout, http_client)
                catalog = cls(models, figures_date=date, origin="live_api")
                catalog.router_presets = presets
                if key is not None:
                    listing = _model_listing(
                        key, base_url, timeout, http_client, refresh, max_age_seconds
                    )
                    if listing is not None:
                        listed = catalog.with_listing(
                            listing["models"], date=listing["fetched_at"][:10]
                        )
                        listed.router_presets = presets
                        return listed
                return catalog
        pricing, origin, failure = _live_or_cached(
            name=_cache_name("pricing", "\n".join(urls)),
            fetch=lambda: _fetch_pricing(urls, timeout, http_client, models),
            refresh=refresh,
            max_age_seconds=max_age_seconds,
            what="Gradient prices",
            required=("fetched_at", "url", "prices"),
            without_cache=(
                f"using the bundled snapshot's figures {_describe_age(snapshot.figures_date)}"
            ),
        )
        listing = (
            _model_listing(key, base_url, timeout, http_client, refresh, max_age_seconds)
            if key is not None
            else None
        )
        figures_date = snapshot.figures_date
        problems: tuple[Mapping[str, Any], ...] = ()
        if pricing is not None:
            figures_date = pricing["fetched_at"][:10]
            _apply_prices(models, pricing["prices"], figures_date, pricing["url"])
            problems = tuple(pricing.get("problems", ()))
        catalog = cls(models, figures_date=figures_date, origin=origin, pricing_problems=problems)
        if listing is not None:
            catalog = catalog.with_listing(listing["models"], date=listing["fetched_at"][:10])
        catalog.live_failure = failure
        return catalog

    def with_listing(
        self, listed: Iterable[str | Mapping[str, Any]], *, date: str | None = None
    ) -> ModelCatalog:
        """A new catalog marked with which models a key can call (this one is unchanged).

        ``listed`` is what ``GET /v1/models`` returned for the key: ids, or entries
        with an ``"id"`` and optionally an ``"owned_by"``. Every catalog model gets
        ``live=True`` if listed, else ``False``; listed ids the catalog lacks are added
        with ``live=True``, a kind guessed from the id (:func:`guess_kind`) and unknown
        prices. ``date`` (ISO, default today in UTC) is recorded as the source date of
        the added ids.

        Example:
            >>> catalog = ModelCatalog.from_snapshot().with_listing(
            ...     ["llama3.3-70b-instruct", {"id": "brand-new-model", "owned_by": "acme"}]
            ... )
            >>> catalog["llama3.3-70b-instruct"].live, catalog["openai-gpt-5"].live
            (True, False)
            >>> new = catalog["brand-new-model"]
            >>> new.live, new.kind, new.owned_by, new.pricing.input_per_1m
            (True, 'chat', 'acme', None)
        """
        owners = _listed_owners(listed)
        date = date or _today().isoformat()
        models = {
            model_id: replace(info, live=model_id in owners)
            for model_id, info in self._models.items()
        }
        for model_id, owner in owners.items():
            if model_id not in models:
                models[model_id] = ModelInfo(
                    id=model_id,
                    kind=guess_kind(model_id),
                    owned_by=owner,
                    status="active",
                    live=True,
                    sources={
                        "id": FigureSource(LIVE_MODELS_SOURCE, date, "not in the snapshot"),
                        "kind": FigureSource("guessed from the id", None),
                    },
                )
        listed_catalog = ModelCatalog(
            models,
            figures_date=self.figures_date,
            origin=self.origin,
            pricing_problems=self.pricing_problems,
        )
        listed_catalog.live_failure = self.live_failure
        return listed_catalog

    # ------------------------------------------------------------ queries

    def get(self, model_id: str) -> ModelInfo | None:
        """The model with this id (case-insensitive fallback), or ``None``."""
        found = self._models.get(model_id)
        if found is None:
            exact = self._lower.get(model_id.lower())
            found = self._models.get(exact) if exact else None
        return found

    def __getitem__(self, model_id: str) -> ModelInfo:
        found = self.get(model_id)
        if found is None:
            close = difflib.get_close_matches(model_id, list(self._models), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"Unknown Gradient model id {model_id!r}.{hint}")
        return found

    def __contains__(self, model_id: object) -> bool:
        return isinstance(model_id, str) and self.get(model_id) is not None

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self.models())

    def __len__(self) -> int:
        return len(self._models)

    def models(self, kind: ModelKind | None = None, *, live_only: bool = False) -> list[ModelInfo]:
        """Models sorted by id; only one ``kind`` and/or only those live for this key."""
        return [
            info
            for _, info in sorted(self._models.items())
            if (kind is None or info.kind == kind) and (not live_only or info.live)
        ]

    def known_ids(self) -> frozenset[str]:
        """Every id in the catalog."""
        return frozenset(self._models)

    @property
    def age(self) -> dt.timedelta | None:
        """How old :attr:`figures_date` is, or ``None`` if unknown."""
        return _age(self.figures_date)

    def __repr__(self) -> str:
        return (
            f"ModelCatalog({len(self)} models, origin={self.origin!r}, "
            f"figures_date={self.figures_date!r})"
        )


@lru_cache(maxsize=1)
def _snapshot_catalog() -> ModelCatalog:
    snapshot = load_snapshot()
    return ModelCatalog(snapshot.models, figures_date=snapshot.figures_date)


# ---------------------------------------------------------------- live data + cache


def _cache_name(kind: str, key: str) -> str:
    return f"{kind}-v{CACHE_FORMAT}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _age(date: str | None) -> dt.timedelta | None:
    if not date:
        return None
    try:
        return _today() - dt.date.fromisoformat(date[:10])
    except ValueError:
        return None


def _describe_age(date: str | None) -> str:
    age = _age(date)
    if age is None:
        return "of unknown date"
    return f"dated {date} ({age.days} day{'' if age.days == 1 else 's'} old)"


def _live_or_cached(
    *,
    name: str,
    fetch: Callable[[], dict[str, Any]],
    refresh: bool,
    max_age_seconds: float,
    what: str,
    without_cache: str,
    required: tuple[str, ...],
) -> tuple[dict[str, Any] | None, str, str | None]:
    """Fresh cache, else fetch (and cache), else stale cache, else ``None`` (snapshot).

    Returns ``(data, origin, remembered failure)``. A fetch that failed less than
    :data:`FAILED_FETCH_RETRY_SECONDS` ago is not tried again (unless ``refresh``): the
    fallback is returned at once, without a warning (one was given when it failed), and
    the third item says what failed and when.
    """
    cached = read_cache(name)
    if cached is not None and not all(key in cached.data for key in required):
        cached = None  # written by another version: ignore it
    if cached is not None and not _cache_shape_ok(cached.data):
        warn_corrupt_cache(cache_dir() / f"{name}.json", "its fields have the wrong types")
        cached = None
    if cached is not None and not refresh and cached.is_fresh(max_age_seconds):
        return cached.data, "cache", None
    if not refresh:
        remembered = _remembered_failure(name, cached.saved_at if cached else None)
        if remembered is not None:
            return (cached.data, "cache", remembered) if cached else (None, "snapshot", remembered)
    try:
        data = fetch()
    except Exception as exc:  # any failure falls back; the warning says why
        reason = f"{type(exc).__name__}: {exc}"
        _remember_failure(name, reason)
        if cached is not None:
            warnings.warn(
                f"Could not refresh {what} ({reason}); using cached figures "
                f"{_describe_age(cached.data.get('fetched_at'))}.",
                StaleFiguresWarning,
                stacklevel=4,
            )
            return cached.data, "cache", None
        warnings.warn(
            f"Could not refresh {what} ({reason}) and nothing is cached; {without_cache}.",
            StaleFiguresWarning,
            stacklevel=4,
        )
        return None, "snapshot", None
    try:
        write_cache(name, data)
    except OSError as exc:
        warnings.warn(f"Could not write the catalog cache: {exc}", stacklevel=4)
    (cache_dir() / f"{name}{FAILED_SUFFIX}.json").unlink(missing_ok=True)
    return data, "live", None


def _remember_failure(name: str, reason: str) -> None:
    """Record a failed fetch (atomically, in the cache dir); a cache that cannot be
    written only means the next run tries again."""
    with contextlib.suppress(OSError):
        write_cache(name + FAILED_SUFFIX, {"error": reason[:2000]})


def _remembered_failure(name: str, data_saved_at: float | None) -> str | None:
    """``"<error> (<n> min ago)"`` for a failure newer than the data and younger than
    :data:`FAILED_FETCH_RETRY_SECONDS`, else ``None`` (try again)."""
    entry = read_cache(name + FAILED_SUFFIX)
    if entry is None or not isinstance(entry.data.get("error"), str):
        return None
    if not entry.is_fresh(FAILED_FETCH_RETRY_SECONDS):
        return None
    if data_saved_at is not None and entry.saved_at < data_saved_at:
        return None  # a later fetch succeeded
    minutes = int(entry.age_seconds // 60)
    return f"{entry.data['error']} ({minutes} min ago)"


def _cache_shape_ok(data: Mapping[str, Any]) -> bool:
    """Whether cached pricing or listing data has the types the catalog reads.

    A hand-edited or hostile cache file must fall back, never crash the catalog.
    """
    if not isinstance(data.get("fetched_at"), str):
        return False
    if "url" in data and not isinstance(data["url"], str):
        return False
    if "prices" in data:
        prices = data["prices"]
        if not isinstance(prices, dict):
            return False
        for fields in prices.values():
            if not isinstance(fields, dict):
                return False
            for value in fields.values():
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    return False
                if not math.isfinite(value) or value < 0:
                    return False
        if not isinstance(data.get("problems", []), list):
            return False
    if "models" in data:
        models = data["models"]
        if not isinstance(models, list):
            return False
        for entry in models:
            ident = entry.get("id") if isinstance(entry, dict) else entry
            if not isinstance(ident, str):
                return False
    return True


def _http_get(url: str, timeout: float, http_client: httpx2.Client | None) -> str:
    import httpx2

    headers = {"User-Agent": "langchain-gradient"}
    if http_client is not None:
        response = http_client.get(url, headers=headers, timeout=timeout, follow_redirects=True)
    else:
        with httpx2.Client(timeout=timeout, follow_redirects=True) as client:
            response = client.get(url, headers=headers)
    response.raise_for_status()
    return response.text


def _fetch_pricing(
    urls: tuple[str, ...],
    timeout: float,
    http_client: httpx2.Client | None,
    models: Mapping[str, ModelInfo],
) -> dict[str, Any]:
    errors: list[str] = []
    for url in urls:
        try:
            page = parse_pricing_page(_http_get(url, timeout, http_client), models.values())
        except Exception as exc:
            errors.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        return {
            "fetched_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "url": url,
            "prices": {
                model_id: {k: v for k, v in vars(pricing).items() if v is not None}
                for model_id, pricing in page.prices().items()
            },
            "problems": [
                {
                    "section": r.section,
                    "provider": r.provider,
                    "name": r.display_name,
                    "price_text": r.price_text,
                    "problem": r.problem,
                }
                for r in page.problems
            ],
        }
    raise PricingPageError("; ".join(errors))


def _model_listing(
    api_key: SecretStr,
    base_url: str,
    timeout: float,
    http_client: httpx2.Client | None,
    refresh: bool,
    max_age_seconds: float,
) -> dict[str, Any] | None:
    from langchain_gradient._connection import GradientConnection

    connection = GradientConnection(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=1, http_client=http_client
    )
    assert connection.api_key is not None and connection.base_url is not None
    key_hash = hashlib.sha256(connection.api_key.get_secret_value().encode()).hexdigest()

    def fetch() -> dict[str, Any]:
        try:
            page = connection.root_client.models.list()
        except Exception as exc:
            raise connection._translate_error(exc) from exc
        return {
            "fetched_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "models": sorted(
                ({"id": m.id, "owned_by": getattr(m, "owned_by", None)} for m in page.data),
                key=lambda m: str(m["id"]),
            ),
        }

    data, _, _ = _live_or_cached(
        name=_cache_name("models", f"{connection.base_url}\n{key_hash}"),
        fetch=fetch,
        refresh=refresh,
        max_age_seconds=max_age_seconds,
        what=f"the model list from {connection.base_url}/models",
        required=("fetched_at", "models"),
        without_cache="which models this key can use is unknown (ModelInfo.live is None)",
    )
    return data


def _apply_prices(
    models: dict[str, ModelInfo],
    prices: Mapping[str, Mapping[str, float]],
    date: str,
    url: str,
    source: str = LIVE_PRICING_SOURCE,
) -> None:
    """Overlay live page prices (DO-sourced and newest, so they win) and keep the old ones."""
    for model_id, fields in prices.items():
        info = models.get(model_id)
        if info is None:
            continue
        sources = dict(info.sources)
        conflicts = list(info.conflicts)
        known = {k: float(v) for k, v in fields.items() if k in vars(Pricing()) and v is not None}
        for name, value in known.items():
            old_value = getattr(info.pricing, name)
            old_source = sources.get(f"pricing.{name}")
            if old_value is not None and old_value != value:
                conflicts.append(
                    {
                        "figure": f"pricing.{name}",
                        "value": old_value,
                        "source": old_source.source if old_source else None,
                        "date": old_source.date if old_source else None,
                    }
                )
            sources[f"pricing.{name}"] = FigureSource(source, date, url)
        if known:
            sources["pricing"] = FigureSource(source, date, url)
        models[model_id] = replace(
            info,
            pricing=replace(info.pricing, **known),
            sources=sources,
            conflicts=tuple(conflicts),
        )


def _listed_owners(listed: Iterable[str | Mapping[str, Any]]) -> dict[str, str | None]:
    """``{id: owned_by}`` from ids or ``/v1/models`` entries; malformed input raises."""
    if isinstance(listed, (str, Mapping)):
        raise TypeError(
            "with_listing() takes a list of model ids or /v1/models entries, "
            f"not a single {type(listed).__name__}."
        )
    owners: dict[str, str | None] = {}
    for entry in listed:
        if isinstance(entry, str):
            owners[entry] = None
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            owner = entry.get("owned_by")
            owners[entry["id"]] = str(owner) if owner is not None else None
        else:
            raise TypeError(
                "Each listed model must be an id string or a mapping with a string 'id', "
                f"got {entry!r}."
            )
    return owners


def _api_catalog(
    token: SecretStr,
    api_base: str | None,
    timeout: float,
    http_client: httpx2.Client | None,
    refresh: bool,
    max_age_seconds: float,
) -> dict[str, Any] | None:
    """``/v2/gen-ai/models/catalog`` figures (or their cache), ``None`` to fall back."""
    base = resolve_api_base(api_base)
    token_hash = hashlib.sha256(token.get_secret_value().encode()).hexdigest()
    data, _, _ = _live_or_cached(
        name=_cache_name("api_catalog", f"{base}\n{token_hash}"),
        fetch=lambda: fetch_api_catalog(token, base, timeout, http_client),
        refresh=refresh,
        max_age_seconds=max_age_seconds,
        what=f"prices from {base}/v2/gen-ai/models/catalog",
        required=("fetched_at", "url", "prices"),
        without_cache="trying the pricing page next",
    )
    return data


def _presets_or_warn(
    token: SecretStr, api_base: str | None, timeout: float, http_client: httpx2.Client | None
) -> list[RouterPreset]:
    try:
        return load_router_presets(
            token, api_base=api_base, timeout=timeout, http_client=http_client
        )
    except Exception as exc:  # the catalog stands without them; say why they are missing
        warnings.warn(
            f"Could not read Inference Router presets ({exc}); ModelCatalog.router_presets "
            "is empty.",
            StaleFiguresWarning,
            stacklevel=4,
        )
        return []


def _apply_limits(
    models: dict[str, ModelInfo], limits: Mapping[str, Mapping[str, int]], date: str, url: str
) -> None:
    """Overlay ``context_window`` / ``max_output_tokens`` from the control-plane catalog."""
    for model_id, figures in limits.items():
        info = models.get(model_id)
        if info is None:
            continue
        sources = dict(info.sources)
        for name in figures:
            sources[name] = FigureSource(API_CATALOG_SOURCE, date, url)
        models[model_id] = replace(info, **dict(figures), sources=sources)  # type: ignore[arg-type]

"""A small client for model access keys on the DigitalOcean control-plane API.

Routes (``https://api.digitalocean.com`` by default; ``DIGITALOCEAN_API_BASE`` or
``--api-base`` point it elsewhere, e.g. at the emulator)::

    GET    /v2/gen-ai/models/api_keys                   -> {"api_key_infos": [...], "meta", "links"}
    (POST  /v2/gen-ai/models/api_keys: retired, 410 Gone; keys are made in the control panel)
    PUT    /v2/gen-ai/models/api_keys/{uuid}            -> {"api_key_info": {...}}
    PUT    /v2/gen-ai/models/api_keys/{uuid}/regenerate -> {"api_key_info": {... "secret_key"}}
    DELETE /v2/gen-ai/models/api_keys/{uuid}            -> {"api_key_info": {...}}

Authentication is a personal access token (``DIGITALOCEAN_TOKEN``), not a model
access key. The token is sent only in the ``Authorization`` header and never
appears in an error message.

Example:
    >>> client = ModelKeysClient(token="dop_v1_...", api_base="http://127.0.0.1:8080")
    >>> client.url
    'http://127.0.0.1:8080/v2/gen-ai/models/api_keys'
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlsplit

from langchain_gradient._errors import (
    GradientAPIError,
    GradientAuthenticationError,
    GradientConnectionError,
    GradientNotFoundError,
    GradientPermissionDeniedError,
    GradientTimeoutError,
    MissingAPIKeyError,
    error_message_from_body,
)
from langchain_gradient.cli._output import TOKEN_ENV_VARS

DEFAULT_API_BASE = "https://api.digitalocean.com"
API_BASE_ENV_VAR = "DIGITALOCEAN_API_BASE"
KEYS_PATH = "/v2/gen-ai/models/api_keys"
_PAGE_SIZE = 100


def resolve_token() -> tuple[str, str]:
    """Return ``(token, env var name)`` from :data:`TOKEN_ENV_VARS`, or raise."""
    for name in TOKEN_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            return value, name
    raise MissingAPIKeyError(
        "No DigitalOcean personal access token found. Set DIGITALOCEAN_API_TOKEN (or "
        "DIGITALOCEAN_ACCESS_TOKEN or DIGITALOCEAN_TOKEN) to a token with GenAI read/write "
        "scopes; create one "
        "under API > Tokens in the DigitalOcean control panel. (A model access key "
        "from MODEL_ACCESS_KEY cannot manage keys.)"
    )


def resolve_api_base(explicit: str | None) -> str:
    """The control-plane base URL without a trailing ``/`` or ``/v2``."""
    base = (explicit or os.environ.get(API_BASE_ENV_VAR, "") or DEFAULT_API_BASE).strip()
    base = base.rstrip("/")
    if base.endswith("/v2"):
        base = base[: -len("/v2")]
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"API base {base!r} is not an http(s) URL; use e.g. {DEFAULT_API_BASE!r} "
            "or 'http://127.0.0.1:8080'."
        )
    return base


class ModelKeysClient:
    """List, rename, regenerate and delete model access keys."""

    def __init__(
        self,
        *,
        token: str,
        api_base: str | None = None,
        token_source: str = "DIGITALOCEAN_TOKEN",
        timeout: float = 30.0,
    ) -> None:
        import httpx2

        self.url = resolve_api_base(api_base) + KEYS_PATH
        self._token_source = token_source
        self._http = httpx2.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"ModelKeysClient(url={self.url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ModelKeysClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations --------------------------------------------------------------------------

    def list_keys(self) -> list[dict[str, Any]]:
        """Every key (all pages), without secrets."""
        keys: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self._request("GET", "", params={"page": page, "per_page": _PAGE_SIZE})
            batch = body.get("api_key_infos") or []
            keys.extend(without_secret(info) for info in batch)
            pages = (body.get("meta") or {}).get("pages")
            has_next = bool(((body.get("links") or {}).get("pages") or {}).get("next"))
            if (
                not batch
                or (pages is not None and page >= int(pages))
                or (pages is None and not has_next)
            ):
                return keys
            page += 1

    def rename_key(self, uuid: str, name: str) -> dict[str, Any]:
        body = self._request("PUT", f"/{quote(uuid)}", json={"api_key_uuid": uuid, "name": name})
        return without_secret(self._key_info(body))

    def regenerate_key(self, uuid: str) -> dict[str, Any]:
        """New secret for ``uuid``; the old one stops working at once."""
        return self._key_info(self._request("PUT", f"/{quote(uuid)}/regenerate"))

    def delete_key(self, uuid: str) -> dict[str, Any]:
        return without_secret(self._key_info(self._request("DELETE", f"/{quote(uuid)}")))

    def find_key(self, uuid: str) -> dict[str, Any]:
        """The listed key with this uuid, or :class:`GradientNotFoundError`."""
        for info in self.list_keys():
            if info.get("uuid") == uuid:
                return info
        raise GradientNotFoundError(
            f"No model access key with uuid {uuid!r}. List them with "
            "`langchain-gradient keys list`.",
            status_code=404,
        )

    # -- transport ---------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        import httpx2

        url = self.url + path
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx2.TimeoutException as exc:
            raise GradientTimeoutError(
                f"The DigitalOcean API at {self.url} did not answer in time."
            ) from exc
        except httpx2.TransportError as exc:
            raise GradientConnectionError(
                f"Could not reach the DigitalOcean API at {self.url}: {exc}. Check "
                f"--api-base / {API_BASE_ENV_VAR} and your network."
            ) from exc
        try:
            body: Any = response.json() if response.content else {}
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            raise self._error(response.status_code, body, method, path)
        return body if isinstance(body, dict) else {}

    def _error(self, status: int, body: object, method: str, path: str) -> GradientAPIError:
        detail = error_message_from_body(body, fallback="no details")
        kwargs: dict[str, Any] = {"status_code": status, "body": body}
        if status == 401:
            return GradientAuthenticationError(
                f"The DigitalOcean API rejected the token from {self._token_source} "
                f"(401: {detail}). Use a current personal access token with GenAI scopes.",
                **kwargs,
            )
        if status == 403:
            return GradientPermissionDeniedError(
                f"The token from {self._token_source} may not manage model access keys "
                f"(403: {detail}). Give it the GenAI read/write scopes.",
                **kwargs,
            )
        if status == 404:
            return GradientNotFoundError(
                f"Not found: {method} {KEYS_PATH}{path} (404: {detail}). Check the key "
                "uuid with `langchain-gradient keys list`.",
                **kwargs,
            )
        return GradientAPIError(
            f"The DigitalOcean API answered {status} to {method} {KEYS_PATH}{path}: {detail}",
            **kwargs,
        )

    @staticmethod
    def _key_info(body: dict[str, Any]) -> dict[str, Any]:
        info = body.get("api_key_info")
        return dict(info) if isinstance(info, dict) else {}


def without_secret(info: dict[str, Any]) -> dict[str, Any]:
    """The key record with any ``secret_key`` removed."""
    return {name: value for name, value in info.items() if name != "secret_key"}

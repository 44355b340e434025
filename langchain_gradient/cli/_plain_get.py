"""One ``GET`` on the inference endpoint without importing the ``openai`` SDK.

A one-request CLI command (``langchain-gradient models``) spends most of its time
importing ``openai`` (and ``httpx2``) for a single ``GET``. :func:`get_json` makes that
request with the standard library's ``urllib`` and returns the parsed body on a 200;
on anything else (an error status, an unreachable endpoint, a body that is not JSON) it
returns ``None`` and the caller makes the request again through the SDK, so retries,
``Retry-After`` and the error messages stay those of every other command.

Example:
    >>> from langchain_gradient._connection import GradientConnection
    >>> get_json(GradientConnection(api_key="k", base_url="http://127.0.0.1:9"), "/models")
"""

from __future__ import annotations

import json
from typing import Any

from langchain_gradient._client import USER_AGENT, _package_version
from langchain_gradient._connection import GradientConnection

DEFAULT_TIMEOUT_S = 60.0


def get_json(connection: GradientConnection, path: str) -> Any | None:
    """``GET {base_url}{path}`` with the connection's key and headers: the JSON body on
    a 200, else ``None`` (the caller falls back to the SDK)."""
    import urllib.error
    import urllib.request

    config = connection._client_config
    headers = {
        "User-Agent": f"{USER_AGENT}/{_package_version()}",
        "Accept": "application/json",
        **dict(config.default_headers),
        "Authorization": f"Bearer {config.api_key}",
    }
    request = urllib.request.Request(config.base_url.rstrip("/") + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=config.timeout or DEFAULT_TIMEOUT_S) as reply:
            if reply.status != 200:
                return None
            return json.loads(reply.read())
    except (OSError, ValueError):  # URLError/HTTPError are OSErrors; ValueError: not JSON
        return None

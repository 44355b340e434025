"""Request building for ChatGradient: fields -> payload, per-call overrides, SDK kwargs.

One function, :func:`build_chat_payload`, serves invoke, stream and their async twins,
so every path sends the same request. Keys the ``openai`` SDK's ``create()`` does not
declare (``reasoning``, anything from ``model_kwargs`` or a per-call override) travel
in ``extra_body`` instead of being refused by the SDK or silently lost.
:func:`chat_request` turns that payload into the arguments of the SDK client's generic
``post`` (the JSON body ``create()`` would send, without its per-call transformation).

Example:
    >>> payload = build_chat_payload({"model": "m", "max_tokens": 500}, [], stream=False)
    >>> payload["max_completion_tokens"]
    500
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Mapping
from typing import Any

from langchain_gradient._secrets import refuse_key_like_names

# Renamed on the way out: LangChain names -> wire names.
_RENAMES = {"max_tokens": "max_completion_tokens", "stop_sequences": "stop", "model_name": "model"}
# DigitalOcean's contract gives ``max_completion_tokens`` ``minimum: 256`` and the
# deprecated ``max_tokens`` ``minimum: 0`` (gradient-api.md §13.1): a smaller limit is
# only valid on the wire as ``max_tokens``.
MIN_MAX_COMPLETION_TOKENS = 256
# Per-call options that shape the request but are not request fields.
_LOCAL_OPTIONS = ("stream", "stream_usage", "prompt_cache")


@functools.lru_cache(maxsize=1)
def sdk_create_params() -> frozenset[str]:
    """Names ``openai``'s ``chat.completions.create`` accepts as keyword arguments."""
    from openai.resources.chat.completions import Completions

    return frozenset(inspect.signature(Completions.create).parameters) - {"self"}


def build_chat_payload(
    params: Mapping[str, Any],
    messages: list[dict[str, Any]],
    *,
    stream: bool,
    stream_usage: bool = True,
    stream_options: Mapping[str, Any] | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the keyword arguments for ``client.chat.completions.create``.

    ``params`` holds the model's defaults already merged with per-call overrides;
    ``None`` values are dropped. ``stream_options`` is only sent when streaming
    (the service answers 400 otherwise), with ``include_usage`` when ``stream_usage``.
    """
    payload: dict[str, Any] = {}
    for key, value in params.items():
        if value is not None:
            payload[_RENAMES.get(key, key)] = value
    limit = payload.get("max_completion_tokens")
    if isinstance(limit, int) and limit < MIN_MAX_COMPLETION_TOKENS:
        payload["max_tokens"] = payload.pop("max_completion_tokens")
    payload["messages"] = messages
    for key in _LOCAL_OPTIONS:
        payload.pop(key, None)
    options = {**(stream_options or {}), **(payload.pop("stream_options", None) or {})}
    if stream:
        payload["stream"] = True
        if stream_usage:
            options.setdefault("include_usage", True)
        if options:
            payload["stream_options"] = options

    body = {**(extra_body or {}), **(payload.pop("extra_body", None) or {})}
    known = sdk_create_params()
    for key in [k for k in payload if k not in known]:
        body[key] = payload.pop(key)
    if body:
        payload["extra_body"] = body
    return payload


AFFINITY_HEADER = "X-Model-Affinity"
"""DigitalOcean's Inference Router header that keeps a conversation on one model
(``gradient-api.md`` §13.5)."""


def with_affinity(payload: dict[str, Any], affinity: Any) -> dict[str, Any]:
    """Add ``X-Model-Affinity: <affinity>`` to the request's headers (``None``: unchanged).

    Example:
        >>> with_affinity({"model": "router:r"}, "s1")["extra_headers"]
        {'X-Model-Affinity': 's1'}
    """
    if affinity is None:
        return payload
    if not isinstance(affinity, str) or not affinity.strip() or not affinity.isprintable():
        raise ValueError(
            f"router_affinity must be a non-empty printable string (a session key), "
            f"got {affinity!r}."
        )
    headers = {**(payload.get("extra_headers") or {}), AFFINITY_HEADER: affinity}
    return {**payload, "extra_headers": headers}


CHAT_PATH = "/chat/completions"


def chat_request(
    payload: Mapping[str, Any], *, stream_cls: Any = None, path: str = CHAT_PATH
) -> dict[str, Any]:
    """Keyword arguments for the SDK client's generic ``post`` carrying ``payload``.

    One request shape for invoke, stream and their async twins. ``extra_body`` is
    merged into the body as ``create()`` merges it (its keys win), so the JSON sent is
    the same; ``post`` still applies the client's bearer key, default headers, timeout
    and retries, and raises the SDK's errors, but skips ``create()``'s parameter
    transformation, which does nothing for a JSON-ready dict. Without ``stream_cls``
    the answer is the ``httpx2.Response`` (JSON body and headers); with it, a stream of
    that class (``Stream[object]``: each event the parsed JSON dict). ``path`` serves
    the other JSON routes (``/embeddings``) with the same request shape.

    Example:
        >>> request = chat_request({"model": "m", "messages": [], "extra_body": {"x": 1}})
        >>> request["path"], request["body"]
        ('/chat/completions', {'model': 'm', 'messages': [], 'x': 1})
    """
    import httpx2

    body = dict(payload)
    body.update(body.pop("extra_body", None) or {})
    request: dict[str, Any] = {"path": path, "body": body}
    options = _request_options(body)
    if options:
        request["options"] = options
    if stream_cls is None:
        return request | {"cast_to": httpx2.Response}
    # cast_to=httpx2.Response would hand back the unparsed response even when streaming
    return request | {"cast_to": object, "stream": True, "stream_cls": stream_cls}


def _request_options(body: dict[str, Any]) -> dict[str, Any]:
    """Take ``create()``'s transport arguments (``extra_headers``, ``extra_query``,
    ``timeout``) out of ``body`` as ``post`` options, where ``create()`` put them."""
    options: dict[str, Any] = {}
    if "extra_headers" in body:
        options["headers"] = body.pop("extra_headers")
    if "extra_query" in body:
        options["params"] = body.pop("extra_query")
    if "timeout" in body:
        options["timeout"] = body.pop("timeout")
    return options


def move_unknown_to_model_kwargs(
    values: dict[str, Any], field_names: set[str], owner: str = "ChatGradient"
) -> dict[str, Any]:
    """Move constructor arguments that are not fields into ``model_kwargs``, with a warning.

    This is langchain-openai's convention: an unknown argument is sent with every
    request rather than silently dropped. Declared fields inside ``model_kwargs`` are
    refused, because they would shadow the field.

    Credentials under any other name (``openai_api_key``, ``apikey``, ``Authorization``,
    in ``model_kwargs`` or ``extra_body`` too) are refused rather than moved, since the
    value would be sent in every request body and shown by repr, dumps and callbacks.
    """
    extra = dict(values.get("model_kwargs") or {})
    unknown = [name for name in values if name not in field_names]
    refuse_key_like_names(unknown, where="an argument", owner=owner)
    refuse_key_like_names(extra, where="a model_kwargs entry", owner=owner)
    if isinstance(values.get("extra_body"), Mapping):
        refuse_key_like_names(values["extra_body"], where="an extra_body entry", owner=owner)
    for name in unknown:
        if name in extra:
            raise ValueError(f"{name!r} was passed both as an argument and in model_kwargs.")
        warnings.warn(
            f"{name!r} is not a {owner} parameter; it was moved to model_kwargs and "
            "will be sent in every request body. Pass it in model_kwargs to silence this.",
            UserWarning,
            stacklevel=4,
        )
        extra[name] = values.pop(name)
    shadowed = sorted(set(extra) & field_names)
    if shadowed:
        raise ValueError(
            f"{', '.join(shadowed)} should be passed as {owner} arguments, not in model_kwargs."
        )
    values["model_kwargs"] = extra
    return values

"""Keeping credentials out of request bodies, traces, reprs and tracebacks.

Two jobs, one module:

* **Names.** :func:`is_key_like` tells argument, field and header names that hold a
  credential (``apikey``, ``openai_api_key``, ``digitalocean_inference_key``,
  ``Authorization``, ``X-Api-Key``, ``bearer_token`` ...) from ordinary request fields
  (``max_tokens``, ``top_k``, ``prompt_cache_key``). :func:`refuse_key_like_names`
  raises :class:`KeyInWrongPlaceError` naming the argument and saying where a key
  goes, for every place a value would otherwise travel in the JSON body or show in a
  trace: constructor arguments, ``model_kwargs``, ``extra_body``, per-call and
  ``bind`` arguments, ``default_headers``.
* **Exceptions.** :func:`scrub_exception_chain` removes a key a server echoed into
  its error text from an exception *and* every exception chained to it
  (``__cause__``, ``__context__``), so ``traceback.format_exception`` and
  ``logger.exception`` print nothing secret.

Example:
    >>> [is_key_like(n) for n in ("apiKey", "X-Api-Key", "max_tokens", "prompt_cache_key")]
    [True, True, False, False]
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from langchain_gradient._errors import GradientError

REDACTED = "**********"

_KEY_LIKE = re.compile(
    r"^(key|token|secret|auth|bearer|password|passwd|passphrase|credentials?|authorization)$"
    r"|(^|_)(api_?key|access_?key|secret_?key|private_?key|inference_?key|auth_?key"
    r"|access_?token|auth_?token|bearer_?token|id_?token|session_?token|refresh_?token"
    r"|token|secret|password|passwd|credentials?|authorization)$"
    r"|^(bearer|authorization|x_api_key|api_key|apikey)"
)
"""Matched against the name lower-cased, with ``-`` and spaces as ``_`` and camelCase
split (``apiKey`` -> ``api_key``). ``token`` is matched as a whole word only, so
``max_tokens`` and ``tokenizer`` are not caught, and a bare ``_key`` suffix is not
enough (``prompt_cache_key``, ``idempotency_key`` are ordinary fields)."""

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[-\s.]+")


class KeyInWrongPlaceError(GradientError, ValueError):
    """A credential was passed somewhere it would be sent in the request body or shown
    in a trace (an unknown argument, ``model_kwargs``, ``extra_body``, a per-call or
    ``bind`` argument, a header). The message names the argument, never its value.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> llm = ChatGradient(api_key="sk-do-...")
        >>> try:
        ...     llm.bind(openai_api_key="sk-...")
        ... except KeyInWrongPlaceError as err:
        ...     print(str(err).split(";")[0])
        'openai_api_key' looks like a credential
    """


def normalize_name(name: str) -> str:
    """``name`` as matched: camelCase split, lower case, ``-``/spaces as ``_``.

    Example:
        >>> normalize_name("X-Api-Key"), normalize_name("inferenceKey")
        ('x_api_key', 'inference_key')
    """
    return _SEPARATORS.sub("_", _CAMEL.sub("_", name)).lower()


def is_key_like(name: object) -> bool:
    """Whether an argument, field or header called ``name`` would hold a credential."""
    return isinstance(name, str) and bool(_KEY_LIKE.search(normalize_name(name)))


def refuse_key_like_names(
    names: Iterable[object], *, where: str, owner: str = "ChatGradient"
) -> None:
    """Raise :class:`KeyInWrongPlaceError` for the first key-like name in ``names``.

    ``where`` says how the value came in (``"an argument"``, ``"model_kwargs"``,
    ``"a per-call or bind() argument"`` ...).
    """
    for name in names:
        if is_key_like(name):
            raise KeyInWrongPlaceError(
                f"{name!r} looks like a credential; it was given as {where} of {owner}, "
                "where it would be sent in the request body (or headers) and shown in "
                "traces. Pass the model access key as api_key=... when you create the "
                f"{owner}, or set MODEL_ACCESS_KEY; nothing was sent."
            )


def refuse_key_like_headers(headers: Mapping[str, Any] | None, *, owner: str) -> None:
    """``default_headers`` may not carry the key (it would show in repr and dumps)."""
    refuse_key_like_names(headers or {}, where="a default_headers entry", owner=owner)


# ---------------------------------------------------------------------------- exceptions


def scrub_exception_chain(error: BaseException, secret: str) -> None:
    """Remove ``secret`` from ``error`` and every exception chained to it.

    Walks ``__cause__`` and ``__context__`` (cycles are stopped), rewriting each
    exception's ``args`` and string, dict and list attributes (message, body, notes).
    Objects an exception keeps (an HTTP response) are not printed by
    ``traceback.format_exception``; their body text is dropped when it holds the key.

    Example:
        >>> try:
        ...     try:
        ...         raise RuntimeError("bad key sk-1")
        ...     except RuntimeError as inner:
        ...         raise ValueError("failed") from inner
        ... except ValueError as outer:
        ...     scrub_exception_chain(outer, "sk-1")
        ...     str(outer.__cause__)
        'bad key **********'
    """
    if not secret:
        return
    seen: set[int] = set()
    current: BaseException | None = error
    pending: list[BaseException] = []
    while current is not None or pending:
        if current is None:
            current = pending.pop()
        if id(current) in seen:
            current = None
            continue
        seen.add(id(current))
        _scrub_one(current, secret)
        if current.__context__ is not None and current.__context__ is not current.__cause__:
            pending.append(current.__context__)
        current = current.__cause__


def _scrub_one(error: BaseException, secret: str) -> None:
    error.args = tuple(scrub(arg, secret) for arg in error.args)
    for name, value in list(vars(error).items()):
        if name in ("__cause__", "__context__", "__traceback__"):
            continue
        if isinstance(value, (str, dict, list, tuple)):
            cleaned = scrub(value, secret)
            if cleaned is not value:
                with contextlib.suppress(AttributeError, TypeError):
                    setattr(error, name, cleaned)
        elif name == "response":
            _scrub_response(value, secret)


def _scrub_response(response: Any, secret: str) -> None:
    """An ``httpx`` response kept on an SDK error: blank its body if it holds the key."""
    content = getattr(response, "_content", None)
    if isinstance(content, bytes) and secret.encode() in content:
        response._content = content.replace(secret.encode(), REDACTED.encode())
        vars(response).pop("_text", None)  # decoded lazily again from the clean bytes
    headers = getattr(response, "headers", None)
    if headers is not None:
        try:
            for name, value in list(headers.items()):
                if isinstance(value, str) and secret in value:
                    headers[name] = value.replace(secret, REDACTED)
        except Exception:  # an immutable headers object: nothing of it is printed anyway
            pass


def scrub(value: Any, secret: str) -> Any:
    """``value`` with ``secret`` replaced in every string inside it (dicts, lists, tuples).

    Returns ``value`` itself when nothing changed.
    """
    if isinstance(value, str):
        return value.replace(secret, REDACTED) if secret in value else value
    if isinstance(value, dict):
        if secret not in repr(value):
            return value
        return {k: scrub(v, secret) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if secret not in repr(value):
            return value
        return type(value)(scrub(v, secret) for v in value)
    return value

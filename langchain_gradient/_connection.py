"""The connection settings shared by every Gradient class (chat, responses, embeddings, tools).

:class:`GradientConnection` is a pydantic mixin holding the key, endpoint, timeout,
retries and HTTP clients, resolving them once at construction, and handing out the
cached SDK clients from :mod:`langchain_gradient._client`. Errors from the SDK are
translated in one place, :meth:`GradientConnection._translate_error`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    model_validator,
)

from langchain_gradient._client import ClientConfig, get_async_client, get_sync_client
from langchain_gradient._errors import MissingAPIKeyError, translate_error
from langchain_gradient._secrets import (
    KeyInWrongPlaceError,
    refuse_key_like_headers,
    refuse_key_like_names,
    scrub_exception_chain,
)
from langchain_gradient._settings import ResolvedKey, resolve_api_key, resolve_base_url

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI


class GradientConnection(BaseModel):
    """Key, endpoint and transport settings, resolved once when the object is created.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> llm = ChatGradient(api_key="...", base_url="http://127.0.0.1:8080")
        >>> llm.base_url
        'http://127.0.0.1:8080/v1'
    """

    # hide_input_in_errors: a ValidationError would otherwise print the constructor's
    # arguments, the key among them, as ``input_value={'api_key': 'sk-...', ...}``.
    model_config = ConfigDict(
        populate_by_name=True, arbitrary_types_allowed=True, hide_input_in_errors=True
    )

    api_key: SecretStr | None = Field(default=None, alias="model_access_key", repr=False)
    """Model access key. Default: ``MODEL_ACCESS_KEY``, ``GRADIENT_MODEL_ACCESS_KEY``,
    ``DIGITALOCEAN_INFERENCE_KEY`` or ``GRADIENT_API_KEY``, first one set."""
    base_url: str | None = Field(default=None, alias="inference_endpoint")
    """Endpoint, with or without ``/v1``. Default: ``INFERENCE_ENDPOINT``,
    ``GRADIENT_INFERENCE_ENDPOINT`` or ``https://inference.do-ai.run/v1``."""
    timeout: float | None = Field(default=None, alias="request_timeout", gt=0)
    """Seconds to wait for a response; ``None`` keeps the SDK default (600 s)."""
    max_retries: int = Field(default=2, ge=0)
    """Retries on connection errors, 408, 409, 429 and 5xx, with backoff honouring
    ``Retry-After``. Done by the openai SDK."""
    default_headers: dict[str, str] | None = None
    """Extra headers sent with every request."""
    http_client: Any | None = Field(default=None, exclude=True)
    """Optional ``httpx2.Client`` for sync calls (proxies, custom transports)."""
    http_async_client: Any | None = Field(default=None, exclude=True)
    """Optional ``httpx2.AsyncClient`` for async calls."""

    _key_source: str = PrivateAttr(default="")

    def __init__(self, *args: Any, **data: Any) -> None:
        try:
            super().__init__(*args, **data)
        except ValidationError as exc:
            raise_documented_error(exc)

    @model_validator(mode="before")
    @classmethod
    def _refuse_keys_under_other_names(cls, values: Any) -> Any:
        """A credential under a name that is not ``api_key`` (``apikey``, ``inference_key``,
        ``Authorization`` in ``default_headers``...) is refused, never stored or sent."""
        if isinstance(values, dict):
            known = set(cls.model_fields) | {
                field.alias for field in cls.model_fields.values() if field.alias
            }
            refuse_key_like_names(
                (name for name in values if name not in known),
                where="an argument",
                owner=cls.__name__,
            )
            headers = values.get("default_headers")
            if isinstance(headers, dict):
                refuse_key_like_headers(headers, owner=cls.__name__)
        return values

    @model_validator(mode="after")
    def _resolve_connection(self) -> GradientConnection:
        resolved = resolve_api_key(self.api_key)
        self.api_key = resolved.secret
        self._key_source = resolved.source
        self.base_url = resolve_base_url(self.base_url)
        return self

    def __getstate__(self) -> dict[Any, Any]:
        # The key is not pickled (as in dumpd, which writes a reference to
        # MODEL_ACCESS_KEY): the unpickled object reads it from the environment again.
        return without_secret(super().__getstate__(), "api_key")

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        # Without a key in the environment, _client_config raises, saying where to put it.
        reload_secret(self, "api_key", "_key_source", self._environment_key)

    @staticmethod
    def _environment_key() -> ResolvedKey:
        """The key from the environment (subclasses with other variables override this)."""
        return resolve_api_key(None)

    @property
    def key_source(self) -> str:
        """Where the key came from: an environment variable name or the argument."""
        return self._key_source

    @property
    def _client_config(self) -> ClientConfig:
        if self.api_key is None:  # only after unpickling without a key in the environment
            resolve_api_key(None)  # raises MissingAPIKeyError saying where keys come from
        assert self.api_key is not None and self.base_url is not None
        return ClientConfig(
            api_key=self.api_key.get_secret_value(),
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
            default_headers=tuple(sorted((self.default_headers or {}).items())),
        )

    @property
    def root_client(self) -> OpenAI:
        """The shared ``openai.OpenAI`` client for this configuration."""
        return get_sync_client(self._client_config, self.http_client)

    @property
    def root_async_client(self) -> AsyncOpenAI:
        """The shared ``openai.AsyncOpenAI`` client for this configuration and event loop."""
        return get_async_client(self._client_config, self.http_async_client)

    def _translate_error(
        self,
        exc: BaseException,
        *,
        model: str | None = None,
        known_models: Iterable[str] | None = None,
    ) -> BaseException:
        translated = translate_error(
            exc, model=model, key_source=self._key_source, known_models=known_models
        )
        if self.api_key is not None:
            # The SDK error becomes the translated one's __cause__: scrub both, and what
            # they chain to, so tracebacks and logger.exception stay clean too.
            secret = self.api_key.get_secret_value()
            scrub_exception_chain(exc, secret)
            scrub_exception_chain(translated, secret)
        return translated


def raise_documented_error(exc: ValidationError) -> NoReturn:
    """Re-raise a constructor's ``ValidationError``: the validator's own error
    (:class:`MissingAPIKeyError`, :class:`KeyInWrongPlaceError`) when pydantic wrapped
    one (so ``except MissingAPIKeyError`` works), else the error without key inputs."""
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, (MissingAPIKeyError, KeyInWrongPlaceError)):
            raise cause from None
    raise without_key_inputs(exc) from None


def reload_secret(
    obj: Any, field: str, source_attr: str, resolve: Callable[[], ResolvedKey]
) -> None:
    """After unpickling: put the secret from the environment back in ``field`` (and its
    source in ``source_attr``), or leave it empty when the environment has none."""
    try:
        resolved = resolve()
    except MissingAPIKeyError:
        setattr(obj, source_attr, "")
        return
    obj.__dict__[field] = resolved.secret
    setattr(obj, source_attr, resolved.source)


def without_secret(state: dict[Any, Any], field: str) -> dict[Any, Any]:
    """A pickle state with the secret ``field`` emptied (read from the environment again)."""
    state["__dict__"] = {**state["__dict__"], field: None}
    return state


_REDACTED = "**********"
_KEY_FIELDS = frozenset({"api_key", "model_access_key", "chat_model_kwargs"})


def without_key_inputs(exc: ValidationError) -> ValidationError:
    """``exc`` with the input of model-level and key-field errors hidden.

    A model validator's input is every constructor argument, the key among them, and
    ``errors()`` / ``json()`` show it even with ``hide_input_in_errors``.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:
        ...     ChatGradient(api_key="sk-do-secret", base_url="nonsense")
        ... except ValidationError as err:
        ...     "sk-do-secret" in err.json()
        False
    """
    details: list[Any] = []
    for error in exc.errors():
        hidden = not error["loc"] or error["loc"][0] in _KEY_FIELDS
        detail = {"type": error["type"], "loc": error["loc"], "input": error["input"]}
        if hidden:
            detail["input"] = "[hidden: may hold the access key]"
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        details.append(detail)
    try:
        return ValidationError.from_exception_data(exc.title, details, hide_input=True)
    except Exception:  # an error type pydantic cannot rebuild: keep the original
        return exc

"""The access key never shows, for every public class that holds or passes one.

Checked per class: repr, str, model_dump(+json), dumpd/dumps, pickle, every callback
payload (sync and async), 401 and 403 error messages (from a server that echoes the
key back), DEBUG logs of a real request (root logger: openai, httpx2, httpcore,
langchain_gradient), the emulator's request log and warnings. Requests go to the
emulator on loopback or to an ``httpx2.MockTransport``.
"""

from __future__ import annotations

import json
import logging
import pickle
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumpd, dumps
from pydantic import SecretStr, ValidationError

from langchain_gradient import (
    ChatGradient,
    FalJobClient,
    FalPollPolicy,
    GradientAuthenticationError,
    GradientEmbeddings,
    GradientFalTool,
    GradientImageTool,
    GradientPermissionDeniedError,
    GradientResponses,
    GradientRouter,
    KeyInWrongPlaceError,
    MissingAPIKeyError,
    ModelCatalog,
)
from langchain_gradient.emulator import GradientEmulator, KeyPolicy
from tests.unit_tests.fake_gradient import (
    TEST_KEY,
    FakeGradient,
    completion,
    error_reply,
    json_reply,
)

GOOD_KEY = "sk-do-good-secret-7d1e"
WRONG_KEY = "sk-do-wrong-secret-91ab"
SCOPED_KEY = "sk-do-scoped-secret-c0de"
ALL_KEYS = (GOOD_KEY, WRONG_KEY, SCOPED_KEY)
FAST_POLLS = FalPollPolicy(initial_interval=0.01, max_interval=0.02, timeout=20)


# -- ChatGradient in detail ------------------------------------------------------------


def test_key_is_a_secret_str() -> None:
    llm = ChatGradient(api_key=TEST_KEY)
    assert isinstance(llm.api_key, SecretStr)
    assert llm.api_key.get_secret_value() == TEST_KEY


def test_key_absent_from_repr_and_str() -> None:
    llm = ChatGradient(api_key=TEST_KEY)
    assert TEST_KEY not in repr(llm)
    assert TEST_KEY not in str(llm)
    assert TEST_KEY not in repr(llm._client_config)


def test_key_absent_from_model_dump() -> None:
    llm = ChatGradient(api_key=TEST_KEY)
    assert TEST_KEY not in str(llm.model_dump())
    assert TEST_KEY not in llm.model_dump_json()
    assert TEST_KEY not in str(llm.asdict())


def test_key_absent_from_dumpd_and_dumps() -> None:
    llm = ChatGradient(api_key=TEST_KEY)
    assert TEST_KEY not in str(dumpd(llm))
    assert TEST_KEY not in dumps(llm)


def test_key_from_the_alias_is_hidden_too(monkeypatch: pytest.MonkeyPatch) -> None:
    llm = ChatGradient(model_access_key=TEST_KEY)
    assert TEST_KEY not in repr(llm) + dumps(llm)


def test_chat_key_from_the_environment_is_hidden_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_ACCESS_KEY", TEST_KEY)
    llm = ChatGradient()
    assert TEST_KEY not in repr(llm) + dumps(llm) + str(llm.model_dump())


class _Capture(BaseCallbackHandler):
    def __init__(self) -> None:
        self.payloads: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.payloads.append((serialized, kwargs))

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.payloads.append((response, kwargs))

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.payloads.append((str(error), kwargs))


def test_key_absent_from_what_callbacks_receive() -> None:
    capture = _Capture()
    llm = FakeGradient().chat(callbacks=[capture])
    llm.invoke("hi")
    list(llm.stream("hi"))
    assert len(capture.payloads) == 4
    text = json.dumps(capture.payloads, default=repr)
    assert TEST_KEY not in text
    assert "gradient" in text  # the payload is really there


@pytest.mark.parametrize(
    ("status", "error"), [(401, GradientAuthenticationError), (403, GradientPermissionDeniedError)]
)
def test_key_absent_from_401_and_403_messages(status: int, error: type[Exception]) -> None:
    # Even a server that echoes the key back in its error body must not leak it.
    fake = FakeGradient(error_reply(status, f"key {TEST_KEY} rejected"))
    with pytest.raises(error) as info:
        fake.chat(max_retries=0).invoke("hi")
    assert TEST_KEY not in str(info.value)
    assert TEST_KEY not in repr(info.value)
    assert TEST_KEY not in repr(getattr(info.value, "body", ""))
    assert "rejected" in str(info.value)


def test_chat_key_absent_from_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeGradient(json_reply(completion("x")), error_reply(401, "x"))
    llm = fake.chat(max_retries=0, default_headers={"X-Trace": "1"})
    with (
        caplog.at_level(logging.DEBUG, logger="openai"),
        caplog.at_level(logging.DEBUG, logger="httpx2"),
        caplog.at_level(logging.DEBUG, logger="langchain_gradient"),
    ):
        llm.invoke("hi")
        with pytest.raises(GradientAuthenticationError):
            llm.invoke("hi")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "chat/completions" in logged  # the SDK really logged the requests
    assert TEST_KEY not in logged
    assert fake.requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"


# -- every class that holds or passes a key ----------------------------------------------


def _tool_call(args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_call", "id": "call-1", "name": "tool", "args": args}


@dataclass(frozen=True)
class Case:
    """How to build one class with a key and make it send one request."""

    name: str
    build: Callable[..., Any]
    call: Callable[[Any], Any]
    acall: Callable[[Any], Awaitable[Any]]
    pydantic: bool = True


def _router(**kw: Any) -> GradientRouter:
    return GradientRouter(models=["llama3.3-70b-instruct"], chat_model_kwargs=kw)


CASES = [
    Case(
        "ChatGradient",
        lambda **kw: ChatGradient(model="llama3.3-70b-instruct", **kw),
        lambda obj: obj.invoke("hi"),
        lambda obj: obj.ainvoke("hi"),
    ),
    Case(
        "GradientResponses",
        lambda **kw: GradientResponses(model="openai-gpt-oss-120b", **kw),
        lambda obj: obj.invoke("hi"),
        lambda obj: obj.ainvoke("hi"),
    ),
    Case(
        "GradientEmbeddings",
        lambda **kw: GradientEmbeddings(**kw),
        lambda obj: obj.embed_query("hi"),
        lambda obj: obj.aembed_query("hi"),
    ),
    Case(
        "GradientImageTool",
        lambda **kw: GradientImageTool(**kw),
        lambda obj: obj.invoke(_tool_call({"prompt": "a cat"})),
        lambda obj: obj.ainvoke(_tool_call({"prompt": "a cat"})),
    ),
    Case(
        "GradientFalTool",
        lambda **kw: GradientFalTool(model_id="fal-ai/flux/schnell", poll_policy=FAST_POLLS, **kw),
        lambda obj: obj.invoke(_tool_call({"prompt": "a cat"})),
        lambda obj: obj.ainvoke(_tool_call({"prompt": "a cat"})),
    ),
    Case(
        "FalJobClient",
        lambda **kw: FalJobClient(poll_policy=FAST_POLLS, **kw),
        lambda obj: obj.submit("fal-ai/flux/schnell", {"prompt": "a cat"}),
        lambda obj: obj.asubmit("fal-ai/flux/schnell", {"prompt": "a cat"}),
    ),
    Case(
        "GradientRouter",
        _router,
        lambda obj: obj.invoke("hi"),
        lambda obj: obj.ainvoke("hi"),
    ),
]
IDS = [case.name for case in CASES]
RUNNABLES = [c for c in CASES if c.name not in ("GradientEmbeddings", "FalJobClient")]
"""The classes that run callbacks (embeddings and the job client emit none)."""


def _no_key(text: str, *keys: str) -> None:
    for key in keys or ALL_KEYS:
        assert key not in text


@pytest.fixture(scope="module")
def emulator() -> Iterator[GradientEmulator]:
    keys = {
        GOOD_KEY: KeyPolicy(),
        SCOPED_KEY: KeyPolicy(models=["no-such-model"], name="scoped"),
    }
    with GradientEmulator(keys=keys, clock_speed=1000.0) as emu:
        yield emu


def _connect(emulator: GradientEmulator, key: str, **extra: Any) -> dict[str, Any]:
    return {"api_key": key, "base_url": emulator.base_url, "max_retries": 0, **extra}


# -- the object itself --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_absent_from_repr_str_and_dumps(case: Case) -> None:
    obj = case.build(api_key=GOOD_KEY, base_url="http://127.0.0.1:9/v1")
    _no_key(repr(obj))
    _no_key(str(obj))
    _no_key(json.dumps(dumpd(obj), default=repr))
    _no_key(dumps(obj))
    if case.pydantic:
        _no_key(repr(obj.model_dump()))
        _no_key(obj.model_dump_json(fallback=repr))  # tools hold a schema class


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_absent_from_pickle(case: Case) -> None:
    obj = case.build(api_key=GOOD_KEY, base_url="http://127.0.0.1:9/v1")
    try:
        data = pickle.dumps(obj)
    except (TypeError, AttributeError, pickle.PicklingError):
        pytest.skip(f"{case.name} is not picklable")
    assert GOOD_KEY.encode() not in data


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_from_the_environment_is_hidden_too(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODEL_ACCESS_KEY", GOOD_KEY)
    obj = case.build(base_url="http://127.0.0.1:9/v1")
    _no_key(repr(obj) + str(obj) + dumps(obj))


# -- callback payloads ----------------------------------------------------------------------


class _RecordEverything(BaseCallbackHandler):
    """Records the arguments of every ``on_*`` call, whatever the event."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, Any]] = []

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            calls = object.__getattribute__(self, "calls")
            return lambda *args, **kwargs: calls.append((name, args, kwargs))
        return object.__getattribute__(self, name)

    def text(self) -> str:
        return json.dumps(self.calls, default=repr)


@pytest.mark.parametrize("case", RUNNABLES, ids=[c.name for c in RUNNABLES])
def test_key_absent_from_callback_payloads(
    case: Case, emulator: GradientEmulator, tmp_path: Path
) -> None:
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    obj = case.build(**_connect(emulator, GOOD_KEY, **extra))
    recorder = _RecordEverything()
    obj.invoke(*_invoke_args(case), config={"callbacks": [recorder]})
    names = {name for name, _, _ in recorder.calls}
    assert names & {"on_chat_model_start", "on_tool_start", "on_chain_start"}
    _no_key(recorder.text())


def _invoke_args(case: Case) -> tuple[Any, ...]:
    if "Tool" in case.name:
        return (_tool_call({"prompt": "a cat"}),)
    return ("hi",)


@pytest.mark.parametrize("case", [c for c in CASES if "Chat" in c.name or "Resp" in c.name])
def test_key_absent_from_error_callbacks_and_stream(case: Case, emulator: GradientEmulator) -> None:
    obj = case.build(**_connect(emulator, WRONG_KEY))
    recorder = _RecordEverything()
    with pytest.raises(GradientAuthenticationError):
        list(obj.stream("hi", config={"callbacks": [recorder]}))
    assert any(name == "on_llm_error" for name, _, _ in recorder.calls)
    _no_key(recorder.text())


# -- errors: 401 and 403 -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize(
    ("key", "error"),
    [(WRONG_KEY, GradientAuthenticationError), (SCOPED_KEY, GradientPermissionDeniedError)],
    ids=["401", "403"],
)
def test_key_absent_from_emulator_401_and_403(
    case: Case, key: str, error: type[Exception], emulator: GradientEmulator, tmp_path: Path
) -> None:
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    obj = case.build(**_connect(emulator, key, **extra))
    with pytest.raises(error) as caught:
        case.call(obj)
    _assert_error_clean(caught.value, key)


def _assert_error_clean(exc: BaseException, key: str) -> None:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in chain[:1]:  # what the user sees: the raised error itself
        _no_key(str(item), key)
        _no_key(repr(item), key)
        _no_key(repr(getattr(item, "body", "")), key)
        _no_key(repr(vars(item)), key)


def _echoing_transport(status: int) -> tuple[httpx2.MockTransport, httpx2.MockTransport]:
    """A server that echoes the request's Authorization header in its error body."""

    def reply(request: httpx2.Request) -> httpx2.Response:
        auth = request.headers.get("authorization", "")
        body = {"id": "unauthorized", "message": f"bad key: {auth}", "request_id": "r-1"}
        return httpx2.Response(status, json=body, headers={"x-echo": auth})

    async def areply(request: httpx2.Request) -> httpx2.Response:
        return reply(request)

    return httpx2.MockTransport(reply), httpx2.MockTransport(areply)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize(
    ("status", "error"),
    [(401, GradientAuthenticationError), (403, GradientPermissionDeniedError)],
)
async def test_key_absent_from_errors_of_a_server_that_echoes_it(
    case: Case, status: int, error: type[Exception], tmp_path: Path
) -> None:
    sync_transport, async_transport = _echoing_transport(status)
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    obj = case.build(
        api_key=GOOD_KEY,
        base_url="http://127.0.0.1:9/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=sync_transport),
        http_async_client=httpx2.AsyncClient(transport=async_transport),
        **extra,
    )
    with pytest.raises(error) as caught:
        case.call(obj)
    _assert_error_clean(caught.value, GOOD_KEY)
    assert "bad key" in str(caught.value)  # the server's message is kept
    with pytest.raises(error) as acaught:
        await case.acall(obj)
    _assert_error_clean(acaught.value, GOOD_KEY)


# -- logs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_absent_from_debug_logs(
    case: Case, emulator: GradientEmulator, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    good = case.build(**_connect(emulator, GOOD_KEY, default_headers={"X-Trace": "1"}, **extra))
    wrong = case.build(**_connect(emulator, WRONG_KEY, **extra))
    with caplog.at_level(logging.DEBUG):  # root: openai, httpx2, httpcore, ours
        for name in ("openai", "httpx2", "httpcore", "langchain_gradient"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            case.call(good)
            with pytest.raises(GradientAuthenticationError):
                case.call(wrong)
        finally:
            for name in ("openai", "httpx2", "httpcore", "langchain_gradient"):
                logging.getLogger(name).setLevel(logging.NOTSET)
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records
    )
    assert "Request options" in logged or "HTTP Request" in logged  # the SDK really logged
    _no_key(logged)


def test_emulator_request_log_redacts_the_authorization_header(
    emulator: GradientEmulator,
) -> None:
    emulator.request_log.clear()
    ChatGradient(**_connect(emulator, GOOD_KEY)).invoke("hi")
    with pytest.raises(GradientAuthenticationError):
        ChatGradient(**_connect(emulator, WRONG_KEY)).invoke("hi")
    records = emulator.request_log.records()
    assert len(records) == 2
    for record in records:
        assert record.headers["authorization"] == "[redacted]"
        _no_key(repr(record) + repr(record.headers) + repr(record.body))


# -- the catalog passes a key to /v1/models ----------------------------------------------


def test_model_catalog_live_listing_hides_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("LANGCHAIN_GRADIENT_CACHE_DIR", str(tmp_path))
    sync_transport, _ = _echoing_transport(401)
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            catalog = ModelCatalog.load(
                live=True,
                refresh=True,
                api_key=GOOD_KEY,
                base_url="http://127.0.0.1:9/v1",
                pricing_url="http://127.0.0.1:9/pricing",
                http_client=httpx2.Client(transport=sync_transport),
            )
        except Exception as exc:  # a failure is fine; a leaking one is not
            _assert_error_clean(exc, GOOD_KEY)
        else:
            _no_key(repr(catalog))
    _no_key("\n".join(str(w.message) for w in caught))
    _no_key("\n".join(record.getMessage() for record in caplog.records))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_unpickled_object_reads_the_key_from_the_environment_again(
    case: Case, emulator: GradientEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    obj = case.build(**_connect(emulator, GOOD_KEY, **extra))
    data = pickle.dumps(obj)
    monkeypatch.setenv("MODEL_ACCESS_KEY", GOOD_KEY)
    case.call(pickle.loads(data))  # works: the emulator accepted the key from the env
    monkeypatch.delenv("MODEL_ACCESS_KEY")
    for name in ("GRADIENT_MODEL_ACCESS_KEY", "DIGITALOCEAN_INFERENCE_KEY", "GRADIENT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(MissingAPIKeyError, match="MODEL_ACCESS_KEY"):
        case.call(pickle.loads(data))


# -- the command line, against a server that echoes the key -----------------------------


@pytest.fixture(scope="module")
def echoing_server() -> Iterator[str]:
    """A loopback HTTP server answering every request 401 with the Authorization echoed."""
    import http.server
    import threading

    class Echo(http.server.BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            auth = self.headers.get("authorization", "")
            body = json.dumps({"id": "unauthorized", "message": f"bad key: {auth}"}).encode()
            self.send_response(401)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.mark.parametrize(
    "command",
    [
        ["chat", "-p", "hi"],
        ["image", "-p", "a cat"],
        ["fal", "--model-id", "fal-ai/flux/schnell", "--prompt", "a cat"],
        ["models", "--available"],
    ],
    ids=lambda command: command[0],
)
def test_key_absent_from_cli_output_with_debug(
    command: list[str],
    echoing_server: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from click.testing import CliRunner

    from langchain_gradient.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANGCHAIN_GRADIENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MODEL_ACCESS_KEY", WRONG_KEY)
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(
            main, ["--base-url", echoing_server, "--debug", *command], catch_exceptions=True
        )
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code != 0, output
    _no_key(output + repr(result.exception))
    _no_key("\n".join(record.getMessage() for record in caplog.records))


# -- media downloads: the key goes to Gradient's own origin only ---------------------------


def test_download_redirected_to_another_origin_does_not_carry_the_key(tmp_path: Path) -> None:
    from langchain_gradient._connection import GradientConnection
    from langchain_gradient.tools._download import fetch_to_dir

    seen: list[tuple[str, str | None]] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        seen.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "127.0.0.1":
            return httpx2.Response(302, headers={"location": "http://cdn.example.com/a.png"})
        return httpx2.Response(
            200, content=b"\x89PNG\r\n\x1a\n", headers={"content-type": "image/png"}
        )

    connection = GradientConnection(
        api_key=GOOD_KEY,
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(reply)),
    )
    fetch_to_dir(connection, "http://127.0.0.1:9/v1/files/a.png", tmp_path, stem="a")
    fetch_to_dir(connection, "http://cdn.example.com/b.png", tmp_path, stem="b")
    assert seen == [
        ("127.0.0.1", f"Bearer {GOOD_KEY}"),  # Gradient's own origin: authenticated
        ("cdn.example.com", None),  # the redirect target: no key
        ("cdn.example.com", None),  # a third-party URL: no key
    ]


# -- construction errors and malformed keys ------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_absent_from_validation_errors(case: Case) -> None:
    # pydantic prints a model validator's input (every argument) unless told not to.
    with pytest.raises(ValidationError) as caught:
        if case.name == "GradientRouter":
            GradientRouter(max_rungs=0, models=["m"], chat_model_kwargs={"api_key": GOOD_KEY})
        else:
            case.build(api_key=GOOD_KEY, base_url="nonsense")
    _no_key(str(caught.value) + repr(caught.value))
    _no_key(caught.value.json() + repr(caught.value.errors()))  # what apps log or return
    assert "nonsense" in str(caught.value) or "max_rungs" in str(caught.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_key_with_surrounding_whitespace_is_trimmed_and_works(
    case: Case, emulator: GradientEmulator, tmp_path: Path
) -> None:
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    obj = case.build(**_connect(emulator, f"  {GOOD_KEY}\n", **extra))  # as read from a file
    case.call(obj)  # the emulator accepted the trimmed key


@pytest.mark.parametrize(
    "key",
    [f"{GOOD_KEY}\r\nX-Injected: 1", f"sk-do-{GOOD_KEY[6:]}\u00e9", "sk-do good"],
    ids=["line-break", "non-ascii", "space"],
)
@pytest.mark.parametrize("source", ["argument", "environment"])
def test_key_that_cannot_be_a_header_is_refused_without_showing_it(
    key: str, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sent as is, the HTTP library would fail quoting the whole Authorization header.
    if source == "environment":
        monkeypatch.setenv("MODEL_ACCESS_KEY", key)
    with pytest.raises(MissingAPIKeyError, match="HTTP header") as caught:
        ChatGradient(**({"api_key": key} if source == "argument" else {}))
    assert key.strip() not in str(caught.value)
    assert "MODEL_ACCESS_KEY" in str(caught.value) or source == "argument"


def test_field_errors_keep_their_input_for_the_user() -> None:
    # Only model-level and key-field inputs are hidden; the bad value itself still shows.
    with pytest.raises(ValidationError) as caught:
        ChatGradient(api_key=GOOD_KEY, temperature=-3)
    assert [error["input"] for error in caught.value.errors()] == [-3]


@pytest.mark.parametrize("cls", [ChatGradient, GradientResponses])
@pytest.mark.parametrize(
    "name", ["openai_api_key", "do_api_key", "access_key", "digitalocean_token", "token"]
)
def test_a_key_under_another_name_is_refused_not_sent_in_the_body(
    cls: type[Any], name: str
) -> None:
    # Unknown arguments go to model_kwargs (sent in every body, shown by repr and dumps);
    # a credential passed under ChatOpenAI's or another library's name must not.
    with pytest.raises(KeyInWrongPlaceError, match="api_key=") as caught:
        cls(api_key=GOOD_KEY, **{name: SCOPED_KEY})
    _no_key(str(caught.value) + repr(caught.value))


def test_ordinary_unknown_arguments_still_go_to_model_kwargs() -> None:
    with pytest.warns(UserWarning, match="model_kwargs"):
        llm = ChatGradient(api_key=GOOD_KEY, prompt_cache_key="tenant-1", guardrail="strict")
    assert llm.model_kwargs == {"prompt_cache_key": "tenant-1", "guardrail": "strict"}


# -- the catalog passes a DigitalOcean API token to /v2/gen-ai/models/catalog ------------------


def test_model_catalog_hides_the_digitalocean_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from langchain_gradient.catalog.control_api import load_router_presets, resolve_do_token

    monkeypatch.setenv("LANGCHAIN_GRADIENT_CACHE_DIR", str(tmp_path))
    token = resolve_do_token(GOOD_KEY)
    assert isinstance(token, SecretStr) and GOOD_KEY not in repr(token)
    sync_transport, _ = _echoing_transport(401)
    client = httpx2.Client(transport=sync_transport)
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        catalog = ModelCatalog.load(
            live=True,
            refresh=True,
            list_models=False,
            do_token=GOOD_KEY,
            api_base="http://127.0.0.1:9",
            pricing_url="http://127.0.0.1:9/pricing",
            http_client=client,
        )
        _no_key(repr(catalog) + repr(catalog.router_presets))
        with pytest.raises(Exception) as refused:
            load_router_presets(GOOD_KEY, api_base="http://127.0.0.1:9", http_client=client)
        _assert_error_clean(refused.value, GOOD_KEY)
    _no_key("\n".join(str(w.message) for w in caught))
    _no_key("\n".join(record.getMessage() for record in caplog.records))
    _no_key("\n".join(str(path.read_bytes()) for path in tmp_path.rglob("*") if path.is_file()))


# -- the DigitalOcean API token (retriever) and the agent access key ----------------------

DO_TOKEN = "dop_v1_do-token-secret-3c7e"
AGENT_SECRET = "agent-key-secret-b41d"


@pytest.fixture(scope="module")
def rag_emulator() -> Iterator[GradientEmulator]:
    with GradientEmulator() as emu:
        kb = emu.add_knowledge_base("kb", [{"text": "Refunds within 30 days."}], uuid="kb-1")
        emu.add_do_token(DO_TOKEN)
        emu.add_agent("support", access_key=AGENT_SECRET, knowledge_bases=[kb])
        yield emu


def _rag_objects(emu: GradientEmulator, token: str, key: str) -> list[Any]:
    from langchain_gradient import ChatGradientAgent, GradientKnowledgeBaseRetriever

    return [
        GradientKnowledgeBaseRetriever(
            knowledge_base_id="kb-1", api_token=token, endpoint=emu.kbaas_endpoint, max_retries=0
        ),
        ChatGradientAgent(agent_access_key=key, agent_endpoint=emu.agent_endpoint, max_retries=0),
    ]


class _Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.payloads: list[str] = []

    def _keep(self, *args: Any, **kwargs: Any) -> None:
        self.payloads.append(repr((args, kwargs)))

    on_chat_model_start = on_llm_start = on_llm_end = on_llm_new_token = _keep
    on_retriever_start = on_retriever_end = on_chain_start = on_chain_end = _keep


def test_do_token_and_agent_key_absent_from_repr_dumps_pickle(
    rag_emulator: GradientEmulator,
) -> None:
    for obj in _rag_objects(rag_emulator, DO_TOKEN, AGENT_SECRET):
        text = repr(obj) + str(obj) + json.dumps(obj.model_dump(mode="json"), default=str)
        text += dumps(obj) + repr(dumpd(obj)) + repr(pickle.dumps(obj))
        _no_key(text, DO_TOKEN, AGENT_SECRET)


def test_do_token_and_agent_key_absent_from_callbacks_and_logs(
    rag_emulator: GradientEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = _Recorder()
    retriever, agent = _rag_objects(rag_emulator, DO_TOKEN, AGENT_SECRET)
    with caplog.at_level(logging.DEBUG):
        assert retriever.invoke("refunds", config={"callbacks": [recorder]})
        assert agent.invoke("refunds", config={"callbacks": [recorder]}).content
        list(agent.stream("refunds", config={"callbacks": [recorder]}))
    assert recorder.payloads
    _no_key("\n".join(recorder.payloads) + caplog.text, DO_TOKEN, AGENT_SECRET)
    logged = repr([r.headers for r in rag_emulator.request_log])
    _no_key(logged, DO_TOKEN, AGENT_SECRET)


def test_wrong_do_token_and_agent_key_absent_from_errors_and_traces(
    rag_emulator: GradientEmulator,
) -> None:
    import traceback

    wrong_token, wrong_key = "dop_v1_wrong-secret-00ff", "agent-wrong-secret-11ee"
    for obj in _rag_objects(rag_emulator, wrong_token, wrong_key):
        with pytest.raises(GradientAuthenticationError) as caught:
            obj.invoke("refunds")
        trace = "".join(traceback.format_exception(caught.value))
        _no_key(trace + repr(vars(caught.value)), wrong_token, wrong_key)


def test_do_token_and_agent_key_absent_from_validation_errors() -> None:
    from langchain_gradient import ChatGradientAgent, GradientKnowledgeBaseRetriever

    with pytest.raises(ValidationError) as caught:
        GradientKnowledgeBaseRetriever(knowledge_base_id="kb", api_token=DO_TOKEN, k=0)
    _no_key(str(caught.value) + caught.value.json(), DO_TOKEN)
    with pytest.raises(ValidationError) as caught:
        ChatGradientAgent(agent_access_key=AGENT_SECRET, agent_endpoint="h", temperature=9)
    _no_key(str(caught.value) + caught.value.json(), AGENT_SECRET)

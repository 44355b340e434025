"""GradientEmbeddings: batching, order, parameters, input checks, errors, key hygiene."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import Callable

import httpx2
import openai
import pytest
from langchain_core.exceptions import ContextOverflowError, ModelNotFoundError
from pydantic import ValidationError

from langchain_gradient import (
    GradientAPIError,
    GradientAuthenticationError,
    GradientContextOverflowError,
    GradientEmbeddings,
    GradientNotFoundError,
    GradientServerError,
)

from .conftest import FakeEmbeddingsServer, encoded, vector_for

Build = Callable[..., GradientEmbeddings]
TEXTS = [f"text number {i}" for i in range(7)]


# --- requests and batching ---------------------------------------------------------


def test_embed_documents_batches_by_chunk_size_and_keeps_order(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    vectors = make_embeddings(chunk_size=3).embed_documents(TEXTS)
    assert vectors == [vector_for(t) for t in TEXTS]
    assert [r["input"] for r in server.requests] == [TEXTS[0:3], TEXTS[3:6], TEXTS[6:7]]


async def test_aembed_documents_batches_by_chunk_size_and_keeps_order(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.delay = 0.01
    vectors = await make_embeddings(chunk_size=2).aembed_documents(TEXTS)
    assert vectors == [vector_for(t) for t in TEXTS]
    sent = sorted(text for r in server.requests for text in r["input"])
    assert sent == sorted(TEXTS)
    assert all(len(r["input"]) <= 2 for r in server.requests)


async def test_async_batches_run_concurrently_within_max_concurrency(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.delay = 0.05  # long enough that three requests overlap even on a busy machine
    texts = [f"t{i}" for i in range(12)]
    vectors = await make_embeddings(chunk_size=1, max_concurrency=3).aembed_documents(texts)
    assert vectors == [vector_for(t) for t in texts]
    assert server.max_in_flight == 3


def test_vectors_follow_response_indices_not_response_order(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.reverse = True
    assert make_embeddings().embed_documents(TEXTS) == [vector_for(t) for t in TEXTS]


def test_request_asks_for_base64_and_carries_only_contract_fields(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    vector = make_embeddings(model="bge-m3").embed_query("hello")
    (request,) = server.requests
    assert request == {"model": "bge-m3", "input": ["hello"], "encoding_format": "base64"}
    assert server.headers[0]["authorization"] == "Bearer test-key"
    assert vector == vector_for("hello")
    assert all(type(x) is float for x in vector)


async def test_aembed_query_sends_one_input(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    assert await make_embeddings().aembed_query("hi") == vector_for("hi")
    assert server.requests == [
        {"model": "qwen3-embedding-0.6b", "input": ["hi"], "encoding_format": "base64"}
    ]


def test_a_float_list_answer_is_accepted_too(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.embedding = [1, 0.5, -2]  # a server that ignores encoding_format
    assert make_embeddings().embed_documents(["a", "b"]) == [[1.0, 0.5, -2.0]] * 2


@pytest.mark.parametrize(
    ("embedding", "problem"),
    [
        (None, "NoneType"),
        ("not base64 !", "not base64 float32"),
        ("AAAAAAA=", "not base64 float32"),  # 5 bytes: not whole float32 values
        ([], "an empty list"),
        (["0.1", "0.2"], "something other than numbers"),
        ([True, False], "something other than numbers"),
        ({"values": [0.1]}, "dict"),
    ],
)
def test_malformed_vectors_raise_our_error_naming_the_input(
    server: FakeEmbeddingsServer, make_embeddings: Build, embedding: object, problem: str
) -> None:
    server.embedding = embedding
    with pytest.raises(GradientAPIError, match=f"input 0 .*{problem}"):
        make_embeddings().embed_documents(["a", "b"])


async def test_async_malformed_vector_raises_our_error(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.embedding = None
    with pytest.raises(GradientAPIError, match="not a vector of numbers"):
        await make_embeddings().aembed_query("a")


def test_vectors_of_different_lengths_in_one_answer_raise(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        data = [
            {"object": "embedding", "index": 0, "embedding": [0.1, 0.2]},
            {"object": "embedding", "index": 1, "embedding": encoded([0.1, 0.2, 0.3])},
        ]
        return httpx2.Response(200, json={"object": "list", "data": data, "model": "m"})

    server.answer = answer  # type: ignore[method-assign]
    with pytest.raises(GradientAPIError, match=r"different lengths \[2, 3\]"):
        make_embeddings().embed_documents(["a", "b"])


@pytest.mark.parametrize(
    "data",
    [
        [{"index": 0, "embedding": [0.1]}, {"index": 0, "embedding": [0.1]}],  # duplicate
        [{"index": "0", "embedding": [0.1]}, {"index": 1, "embedding": [0.1]}],  # str index
        [{"index": 0, "embedding": [0.1]}, "junk"],
        [{"index": 0, "embedding": [0.1]}, {"index": 2, "embedding": [0.1]}],
    ],
)
def test_indices_that_do_not_match_the_inputs_raise(
    server: FakeEmbeddingsServer, make_embeddings: Build, data: list[object]
) -> None:
    server.answer = lambda request: httpx2.Response(  # type: ignore[method-assign]
        200, json={"object": "list", "data": data, "model": "m"}
    )
    with pytest.raises(GradientAPIError, match="2 embeddings for 2 inputs"):
        make_embeddings().embed_documents(["a", "b"])


def test_short_response_is_an_error_not_misaligned_vectors(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.drop_last = True
    with pytest.raises(GradientAPIError, match="2 embeddings for 3 inputs"):
        make_embeddings().embed_documents(["a", "b", "c"])


# --- configuration -----------------------------------------------------------------


def test_defaults_and_model_name_alias() -> None:
    default = GradientEmbeddings(api_key="k")
    assert default.model == "qwen3-embedding-0.6b"
    assert default.dimensions is None
    assert GradientEmbeddings(api_key="k", model_name="gte-large-en-v1.5").model == (
        "gte-large-en-v1.5"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("chunk_size", 0), ("chunk_size", 2049), ("max_concurrency", 0)],
)
def test_invalid_settings_are_rejected_at_construction(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        GradientEmbeddings(api_key="k", **{field: value})


def test_chunk_size_up_to_the_documented_2048_is_accepted() -> None:
    assert GradientEmbeddings(api_key="k", chunk_size=2048).chunk_size == 2048


def test_chunk_size_over_2048_says_the_limit_and_the_fix() -> None:
    with pytest.raises(ValidationError, match=r"limit of 2,048 inputs per request.*<=2048"):
        GradientEmbeddings(api_key="k", chunk_size=5000)


@pytest.mark.parametrize("value", [256, 0])
def test_dimensions_is_refused_before_any_request(
    server: FakeEmbeddingsServer, make_embeddings: Build, value: int
) -> None:
    with pytest.raises(ValidationError, match=r"does not accept `dimensions`.*Leave `dimensions`"):
        make_embeddings(dimensions=value)
    assert server.requests == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"encoding_format": "float"}, "chooses the encoding itself"),
        ({"user": "u-1"}, "Unknown GradientEmbeddings argument.*user"),
        ({"dimension": 64}, "Unknown GradientEmbeddings argument.*dimension"),
    ],
)
def test_other_unsupported_arguments_are_refused(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        GradientEmbeddings(api_key="k", **kwargs)


def test_2048_texts_go_in_one_request_and_2049_in_two(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    texts = [f"t{i}" for i in range(2049)]
    vectors = make_embeddings(chunk_size=2048).embed_documents(texts)
    assert [len(r["input"]) for r in server.requests] == [2048, 1]
    assert vectors[2048] == vector_for("t2048")


# --- input checks, before any request ---------------------------------------------


def test_empty_list_gives_empty_list_without_a_request(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    assert make_embeddings().embed_documents([]) == []
    assert server.requests == []


async def test_async_empty_list_gives_empty_list_without_a_request(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    assert await make_embeddings().aembed_documents([]) == []
    assert server.requests == []


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_blank_text_names_its_index_before_any_request(
    server: FakeEmbeddingsServer, make_embeddings: Build, blank: str
) -> None:
    with pytest.raises(ValueError, match="index 4 is empty"):
        make_embeddings(chunk_size=2).embed_documents([*TEXTS[:4], blank])
    assert server.requests == []


async def test_async_blank_text_names_its_index_before_any_request(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    with pytest.raises(ValueError, match="index 1 is empty"):
        await make_embeddings().aembed_documents(["ok", ""])
    assert server.requests == []


def test_blank_query_is_rejected(server: FakeEmbeddingsServer, make_embeddings: Build) -> None:
    with pytest.raises(ValueError, match="query is empty"):
        make_embeddings().embed_query(" ")
    assert server.requests == []


async def test_async_blank_query_is_rejected(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    with pytest.raises(ValueError, match="query is empty"):
        await make_embeddings().aembed_query("")
    assert server.requests == []


def test_non_string_item_is_a_type_error_naming_index_and_type(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    with pytest.raises(TypeError, match="index 1 is int, not str"):
        make_embeddings().embed_documents(["a", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="query is NoneType"):
        make_embeddings().embed_query(None)  # type: ignore[arg-type]
    assert server.requests == []


def test_a_bare_string_is_not_split_into_characters(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    with pytest.raises(TypeError, match="use embed_query"):
        make_embeddings().embed_documents("hello")  # type: ignore[arg-type]
    assert server.requests == []


# --- errors ------------------------------------------------------------------------

SECRET = "sk-do-very-secret-key-123"


def test_401_names_the_env_var_the_key_came_from_never_the_key(
    server: FakeEmbeddingsServer, make_embeddings: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGITALOCEAN_INFERENCE_KEY", SECRET)
    server.status, server.error_body = 401, {"id": "unauthorized", "message": "bad key"}
    embeddings = make_embeddings(api_key=None)
    with pytest.raises(GradientAuthenticationError) as info:
        embeddings.embed_documents(["a"])
    message = str(info.value)
    assert "DIGITALOCEAN_INFERENCE_KEY" in message
    assert SECRET not in message
    assert SECRET not in repr(info.value.body)
    assert isinstance(info.value.__cause__, openai.AuthenticationError)


async def test_async_401_is_translated_too(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.status, server.error_body = 401, {"message": "bad key"}
    with pytest.raises(GradientAuthenticationError, match="the api_key argument") as info:
        await make_embeddings(api_key=SECRET).aembed_query("a")
    assert SECRET not in str(info.value)
    assert isinstance(info.value.__cause__, openai.AuthenticationError)


def test_404_unknown_model_names_the_model(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.status = 404
    server.error_body = {"id": "not_found", "message": "model not found", "request_id": "r-1"}
    with pytest.raises(GradientNotFoundError, match="'no-such-embedder'") as info:
        make_embeddings(model="no-such-embedder").embed_documents(["a"])
    assert isinstance(info.value, ModelNotFoundError)
    assert info.value.status_code == 404
    assert info.value.request_id == "r-1"
    assert isinstance(info.value.__cause__, openai.NotFoundError)


async def test_async_failed_batch_fails_the_call(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.status, server.error_body = 503, {"message": "overloaded"}
    with pytest.raises(GradientServerError, match="overloaded"):
        await make_embeddings(chunk_size=1).aembed_documents(TEXTS)


def test_over_long_input_rejected_by_the_service_is_a_context_overflow(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.status = 400
    server.error_body = {"error": {"message": "input is too long: 9000 tokens > 8192"}}
    with pytest.raises(GradientContextOverflowError) as info:
        make_embeddings().embed_documents(["word " * 9000])
    assert isinstance(info.value, ContextOverflowError)


# --- the key stays secret ------------------------------------------------------------


def test_key_never_appears_in_repr_str_or_dumps() -> None:
    embeddings = GradientEmbeddings(api_key=SECRET)
    for text in (
        repr(embeddings),
        str(embeddings),
        str(embeddings.model_dump()),
        embeddings.model_dump_json(),
        str(embeddings.model_dump(by_alias=True)),
    ):
        assert SECRET not in text
    assert embeddings.api_key is not None
    assert embeddings.api_key.get_secret_value() == SECRET


async def test_async_failure_stops_the_batches_still_waiting(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.status, server.error_body = 500, {"message": "boom"}
    server.delay = 0.01
    with pytest.raises(GradientServerError):
        await make_embeddings(chunk_size=1, max_concurrency=1).aembed_documents(TEXTS)
    await asyncio.sleep(0.05)  # give stray tasks the chance to send, were they left running
    assert len(server.requests) == 1


def test_importing_gradient_embeddings_does_not_import_openai() -> None:
    code = (
        "import sys; from langchain_gradient import GradientEmbeddings; "
        "assert 'openai' not in sys.modules, 'openai imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_404_suggests_close_embedding_model_ids(
    server: FakeEmbeddingsServer, make_embeddings: Build
) -> None:
    server.status, server.error_body = 404, {"message": "model not found"}
    with pytest.raises(GradientNotFoundError, match=r"Did you mean: qwen3-embedding-0\.6b"):
        await make_embeddings(model="qwen3-embeding-0.6b").aembed_query("a")


def test_key_never_appears_in_debug_logs(
    server: FakeEmbeddingsServer, make_embeddings: Build, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        embeddings = make_embeddings(api_key=SECRET)
        embeddings.embed_documents(["a", "b"])
        server.status, server.error_body = 401, {"message": "bad key"}
        with pytest.raises(GradientAuthenticationError):
            embeddings.embed_query("a")
    assert caplog.records, "DEBUG logging captured nothing; the test would prove nothing"
    assert SECRET not in caplog.text

"""GradientEmbeddings end to end over HTTP: the emulator, the live service, or cassettes.

langchain-tests' ``EmbeddingsIntegrationTests``, plus what a RAG app relies on: a query
lands nearest the document that shares its words, batches reach the server asking for
base64 (decoded to the same vectors as the float encoding), and service errors arrive as
our error types.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests

from integration_tests._modes import active_mode, models_for
from langchain_gradient import (
    GradientAuthenticationError,
    GradientEmbeddings,
    GradientNotFoundError,
)

if TYPE_CHECKING:
    from integration_tests._modes import GradientTarget
    from langchain_gradient.emulator.runtime import GradientEmulator

DOCUMENTS = [
    "Cats purr and sleep in warm sunny windows.",
    "The stock market closed higher as bond yields fell.",
    "Sourdough bread needs flour, water, salt and a starter.",
    "Mount Everest is the highest mountain above sea level.",
]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def connect(target: GradientTarget | GradientEmulator, **kwargs: Any) -> GradientEmbeddings:
    return GradientEmbeddings(base_url=target.base_url, api_key=target.api_key, **kwargs)


class TestGradientEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[GradientEmbeddings]:
        return GradientEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": models_for(active_mode())["embeddings"]}

    @pytest.fixture
    def model(self, gradient_target: GradientTarget) -> GradientEmbeddings:
        return connect(gradient_target, **self.embedding_model_params)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Why do cats purr?", 0),
        ("Did the stock market close higher?", 1),
        ("How much salt goes in sourdough bread?", 2),
        ("Which mountain is the highest?", 3),
    ],
)
def test_query_is_closest_to_the_document_sharing_its_words(
    gradient_target: GradientTarget, query: str, expected: int
) -> None:
    embeddings = connect(gradient_target)
    documents = embeddings.embed_documents(DOCUMENTS)
    query_vector = embeddings.embed_query(query)
    scores = [cosine(query_vector, document) for document in documents]
    assert scores.index(max(scores)) == expected


async def test_async_similarity_matches_sync(gradient_target: GradientTarget) -> None:
    embeddings = connect(gradient_target, chunk_size=1)
    assert await embeddings.aembed_documents(DOCUMENTS) == embeddings.embed_documents(DOCUMENTS)
    assert await embeddings.aembed_query("cats") == embeddings.embed_query("cats")


@pytest.mark.emulator_only  # reads the emulator's request log
def test_batches_reach_the_server_asking_for_base64(gradient_emulator: GradientEmulator) -> None:
    vectors = connect(gradient_emulator, chunk_size=3).embed_documents([*DOCUMENTS, "one more"])
    assert len(vectors) == 5
    assert {len(vector) for vector in vectors} == {1024}
    sent = gradient_emulator.request_log.records("/v1/embeddings")
    assert [len(record.body["input"]) for record in sent] == [3, 2]
    assert all(
        set(record.body) == {"model", "input", "encoding_format"}
        and record.body["encoding_format"] == "base64"
        for record in sent
    )


def test_vectors_equal_the_float_encoding_within_float32_rounding(
    gradient_target: GradientTarget,
) -> None:
    from openai import OpenAI

    model = models_for(active_mode())["embeddings"]
    ours = connect(gradient_target, model=model).embed_documents(DOCUMENTS)
    client = OpenAI(base_url=gradient_target.base_url, api_key=gradient_target.api_key)
    floats = client.embeddings.create(model=model, input=DOCUMENTS, encoding_format="float")
    for vector, item in zip(ours, floats.data, strict=True):
        assert len(vector) == len(item.embedding)
        assert vector == pytest.approx(item.embedding, rel=1e-6, abs=1e-7)


def test_unknown_model_is_not_found(gradient_target: GradientTarget) -> None:
    with pytest.raises(GradientNotFoundError, match="no-such-embedder"):
        connect(gradient_target, model="no-such-embedder").embed_query("hello")


async def test_rejected_key_names_its_source_not_the_key(
    gradient_target: GradientTarget,
) -> None:
    embeddings = GradientEmbeddings(base_url=gradient_target.base_url, api_key="wrong-key-xyz")
    with pytest.raises(GradientAuthenticationError) as info:
        await embeddings.aembed_query("hello")
    assert "the api_key argument" in str(info.value)
    assert "wrong-key-xyz" not in str(info.value)

"""GradientKnowledgeBaseRetriever over the emulator's knowledge bases (emulator-only).

Every request parameter, every filter operator, the 401/403/404 errors, ``alpha``
changing the ranking, and langchain-tests' retriever standard suite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from langchain_gradient import (
    FilterCondition,
    GradientAuthenticationError,
    GradientKnowledgeBaseRetriever,
    GradientNotFoundError,
    GradientPermissionDeniedError,
)
from langchain_gradient.emulator import GradientEmulator

pytestmark = pytest.mark.emulator_only
CORPUS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "knowledge_base"
RECORDS = [
    {
        "text": "Alpha report on GPUs.",
        "metadata": {
            "id": "a",
            "year": 2022,
            "team": "infra",
            "tags": ["gpu", "ai"],
            "public": True,
        },
    },
    {
        "text": "Beta report on storage.",
        "metadata": {"id": "b", "year": 2023, "team": "storage", "tags": ["disk"], "public": False},
    },
    {
        "text": "Gamma report on GPUs and networks.",
        "metadata": {
            "id": "c",
            "year": 2024,
            "team": "infra",
            "tags": ["gpu", "net"],
            "public": True,
        },
    },
    {
        "text": "Delta report on billing.",
        "metadata": {"id": "d", "year": 2025, "team": "billing", "tags": [], "public": False},
    },
]
WINTER = [
    {
        "text": "The aurora borealis glows green over Tromso on winter nights when solar "
        "wind is strong and skies stay clear above the fjords.",
        "metadata": {"id": "aurora"},
    },
    {"text": "Winter tyres help on icy roads.", "metadata": {"id": "tyres"}},
    {"text": "Winter coats and winter boots for winter.", "metadata": {"id": "clothes"}},
    {"text": "Winter sports include skiing.", "metadata": {"id": "sports"}},
    {"text": "Winter is cold.", "metadata": {"id": "cold"}},
]


@pytest.fixture(scope="module")
def emu() -> Iterator[GradientEmulator]:
    with GradientEmulator() as emulator:
        emulator.add_knowledge_base("handbook", CORPUS, uuid="kb-handbook")
        emulator.add_knowledge_base("records", RECORDS, uuid="kb-records")
        emulator.add_knowledge_base("winter", WINTER, uuid="kb-winter")
        emulator.add_do_token("dop_v1_reader")
        emulator.add_knowledge_base("private", RECORDS, uuid="kb-private", tokens=["dop_v1_owner"])
        emulator.add_do_token("dop_v1_owner")
        yield emulator


def retriever(
    emu: GradientEmulator, kb: str = "kb-records", **kwargs: Any
) -> GradientKnowledgeBaseRetriever:
    kwargs.setdefault("api_token", emu.control_token)
    return GradientKnowledgeBaseRetriever(
        knowledge_base_id=kb, endpoint=emu.kbaas_endpoint, max_retries=0, **kwargs
    )


def ids(docs: list[Any]) -> list[str]:
    return [doc.metadata["id"] for doc in docs]


def test_folder_knowledge_base_answers_with_file_metadata(emu: GradientEmulator) -> None:
    docs = retriever(emu, "kb-handbook", k=1).invoke("How long do refunds of prepaid credit take?")
    assert docs[0].metadata["filename"] == "refunds.md"
    assert "30 days" in docs[0].page_content
    assert docs[0].metadata["knowledge_base_id"] == "kb-handbook"
    assert docs[0].metadata["rank"] == 1
    body = emu.request_log.last("/v1/kb-handbook/retrieve").body
    assert body == {"query": "How long do refunds of prepaid credit take?", "num_results": 1}


@pytest.mark.parametrize("k", [1, 2, 4])
def test_num_results_is_honoured(emu: GradientEmulator, k: int) -> None:
    assert len(retriever(emu, k=k).invoke("report")) == k


def test_alpha_changes_the_ranking(emu: GradientEmulator) -> None:
    winter = retriever(emu, "kb-winter", k=5)
    keyword = winter.invoke("aurora winter", alpha=0.0)
    vector = winter.invoke("aurora winter", alpha=1.0)
    assert ids(keyword)[0] == "aurora"  # BM25: the rare word wins
    assert ids(vector)[0] == "clothes"  # embeddings: the text most like the query wins
    assert ids(winter.invoke("aurora winter"))[0] == "clothes"  # the default is alpha=1


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (FilterCondition.eq("team", "infra"), {"a", "c"}),
        (FilterCondition.ne("team", "infra"), {"b", "d"}),
        (FilterCondition.gt("year", 2023), {"c", "d"}),
        (FilterCondition.gte("year", 2023), {"b", "c", "d"}),
        (FilterCondition.lt("year", 2023), {"a"}),
        (FilterCondition.lte("year", 2023), {"a", "b"}),
        (FilterCondition.is_in("team", ["storage", "billing"]), {"b", "d"}),
        (FilterCondition.not_in("team", ["storage", "billing"]), {"a", "c"}),
        (FilterCondition.contains("tags", "gpu"), {"a", "c"}),
        (FilterCondition.eq("public", True), {"a", "c"}),
    ],
)
def test_every_filter_operator(
    emu: GradientEmulator, condition: FilterCondition, expected: set[str]
) -> None:
    docs = retriever(emu, k=10).invoke("report", filters={"must": [condition]})
    assert set(ids(docs)) == expected


def test_must_not_and_should(emu: GradientEmulator) -> None:
    r = retriever(emu, k=10)
    docs = r.invoke(
        "report",
        filters={
            "must_not": [FilterCondition.eq("team", "billing")],
            "should": [
                FilterCondition.eq("id", "a"),
                FilterCondition.eq("id", "d"),
                FilterCondition.gte("year", 2024),
            ],
        },
    )
    assert set(ids(docs)) == {"a", "c"}


def test_async_and_run_config_overrides(emu: GradientEmulator) -> None:
    docs = asyncio.run(retriever(emu, k=4).ainvoke("report", config={"configurable": {"k": 2}}))
    assert len(docs) == 2


def test_401_for_an_unknown_token(emu: GradientEmulator) -> None:
    with pytest.raises(GradientAuthenticationError, match="the api_token argument"):
        retriever(emu, api_token="dop_v1_wrong").invoke("report")


def test_a_model_access_key_is_not_a_do_token(emu: GradientEmulator) -> None:
    with pytest.raises(GradientAuthenticationError):
        retriever(emu, api_token=emu.api_key).invoke("report")


def test_403_for_a_token_the_knowledge_base_does_not_allow(emu: GradientEmulator) -> None:
    with pytest.raises(GradientPermissionDeniedError, match="kb-private"):
        retriever(emu, "kb-private", api_token="dop_v1_reader").invoke("report")
    assert retriever(emu, "kb-private", api_token="dop_v1_owner").invoke("report")


def test_404_for_an_unknown_knowledge_base(emu: GradientEmulator) -> None:
    with pytest.raises(GradientNotFoundError, match="Unknown knowledge base id 'kb-nope'"):
        retriever(emu, "kb-nope").invoke("report")


def test_emulator_400_names_the_field(emu: GradientEmulator) -> None:
    import openai

    client = openai.OpenAI(
        api_key=emu.control_token, base_url=emu.kbaas_endpoint + "/v1", max_retries=0
    )
    bad = {"must": [{"field": "x", "operator": "like", "value": 1}]}
    with pytest.raises(openai.BadRequestError, match=r"filters.must\[0\].operator"):
        client.post(
            "/kb-records/retrieve",
            body={"query": "q", "num_results": 1, "filters": bad},
            cast_to=object,
        )
    with pytest.raises(openai.BadRequestError, match="num_results"):
        client.post("/kb-records/retrieve", body={"query": "q", "num_results": 101}, cast_to=object)


def test_gradient_sdk_reads_the_emulator(emu: GradientEmulator) -> None:
    gradient = pytest.importorskip("gradient")
    client = gradient.Gradient(access_token=emu.control_token, base_url=emu.kbaas_endpoint + "/v1")
    answer = client.retrieve.documents(
        "kb-records",
        num_results=2,
        query="GPU report",
        alpha=0.5,
        filters={"must": [{"field": "team", "operator": "eq", "value": "infra"}]},
    )
    assert answer.total_results == 2
    assert {r.metadata["id"] for r in answer.results} == {"a", "c"}


class TestKnowledgeBaseRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _emulator(self, emu: GradientEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DIGITALOCEAN_API_TOKEN", emu.control_token)
        monkeypatch.setenv("GRADIENT_KBASS_ENDPOINT", emu.kbaas_endpoint)

    @property
    def retriever_constructor(self) -> type[GradientKnowledgeBaseRetriever]:
        return GradientKnowledgeBaseRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"knowledge_base_id": "kb-records"}

    @property
    def retriever_query_example(self) -> str:
        return "report on GPUs"

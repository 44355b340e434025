"""GradientKnowledgeBaseRetriever against the documented request and response shapes.

Shapes: ``gradient-api.md`` §13.3 and ``gradient`` 3.12.2 ``types/retrieve_documents_*``:
``POST /v1/{kb}/retrieve`` with ``{query, num_results, alpha?, filters?}``, answer
``{results: [{text_content, metadata}], total_results}``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from langchain_core.documents import Document
from pydantic import ValidationError

from langchain_gradient import (
    FilterCondition,
    GradientAPIError,
    GradientAuthenticationError,
    GradientKnowledgeBaseRetriever,
    GradientNotFoundError,
    GradientPermissionDeniedError,
    KnowledgeBaseFilters,
    MissingAPIKeyError,
)
from langchain_gradient._settings import DO_TOKEN_ENV_VARS

TOKEN = "dop_v1_unit-secret-5be2"
KB = "8f1c6f0e-1111-2222-3333-444455556666"
ANSWER = {
    "results": [
        {
            "text_content": "Droplets resize in the control panel.",
            "metadata": {"item_name": "a.md", "page": 2},
        },
        {"text_content": "Resizing needs a power-off.", "metadata": {}},
    ],
    "total_results": 2,
}


class Recorder:
    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.status, self.body = status, ANSWER if body is None else body
        self.requests: list[httpx2.Request] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return httpx2.Response(self.status, json=self.body)

    async def ahandle(self, request: httpx2.Request) -> httpx2.Response:
        return self.handle(request)

    def retriever(self, **kwargs: Any) -> GradientKnowledgeBaseRetriever:
        kwargs.setdefault("api_token", TOKEN)
        kwargs.setdefault("knowledge_base_id", KB)
        return GradientKnowledgeBaseRetriever(
            http_client=httpx2.Client(transport=httpx2.MockTransport(self.handle)),
            http_async_client=httpx2.AsyncClient(transport=httpx2.MockTransport(self.ahandle)),
            max_retries=0,
            **kwargs,
        )

    @property
    def sent(self) -> dict[str, Any]:
        return json.loads(self.requests[-1].content)  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*DO_TOKEN_ENV_VARS, "GRADIENT_KBASS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


def test_request_path_auth_and_body() -> None:
    fake = Recorder()
    fake.retriever(k=7, alpha=0.6).invoke("resize a droplet")
    request = fake.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"https://kbaas.do-ai.run/v1/{KB}/retrieve"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert fake.sent == {"query": "resize a droplet", "num_results": 7, "alpha": 0.6}


def test_alpha_and_filters_are_left_out_unless_set() -> None:
    fake = Recorder()
    fake.retriever().invoke("q")
    assert fake.sent == {"query": "q", "num_results": 4}


def test_documents_keep_metadata_whole_and_add_kb_id_and_rank() -> None:
    docs = Recorder().retriever().invoke("q")
    assert docs == [
        Document(
            page_content="Droplets resize in the control panel.",
            metadata={"item_name": "a.md", "page": 2, "knowledge_base_id": KB, "rank": 1},
        ),
        Document(
            page_content="Resizing needs a power-off.",
            metadata={"knowledge_base_id": KB, "rank": 2},
        ),
    ]
    assert all("score" not in doc.metadata for doc in docs)


async def test_async_sends_the_same_request() -> None:
    fake = Recorder()
    docs = await fake.retriever(k=2).ainvoke("q", alpha=0.0)
    assert fake.sent == {"query": "q", "num_results": 2, "alpha": 0.0}
    assert [d.metadata["rank"] for d in docs] == [1, 2]


def test_filters_are_sent_in_the_documented_shape() -> None:
    fake = Recorder()
    filters = KnowledgeBaseFilters(
        must=[FilterCondition.eq("lang", "en"), FilterCondition.gte("year", 2024)],
        must_not=[FilterCondition.not_in("status", ["draft"])],
        should=[FilterCondition.contains("tags", "gpu"), FilterCondition.is_in("team", ["a", "b"])],
    )
    fake.retriever(filters=filters).invoke("q")
    assert fake.sent["filters"] == {
        "must": [
            {"field": "lang", "operator": "eq", "value": "en"},
            {"field": "year", "operator": "gte", "value": 2024},
        ],
        "must_not": [{"field": "status", "operator": "not_in", "value": ["draft"]}],
        "should": [
            {"field": "tags", "operator": "contains", "value": "gpu"},
            {"field": "team", "operator": "in", "value": ["a", "b"]},
        ],
    }


@pytest.mark.parametrize(
    ("builder", "wire"),
    [
        (FilterCondition.eq("f", "x"), "eq"),
        (FilterCondition.ne("f", 1), "ne"),
        (FilterCondition.gt("f", 1.5), "gt"),
        (FilterCondition.gte("f", "2024-01-01"), "gte"),
        (FilterCondition.lt("f", 3), "lt"),
        (FilterCondition.lte("f", 3), "lte"),
        (FilterCondition.is_in("f", ["a"]), "in"),
        (FilterCondition.not_in("f", ["a"]), "not_in"),
        (FilterCondition.contains("f", "a"), "contains"),
    ],
)
def test_every_operator_has_a_builder(builder: FilterCondition, wire: str) -> None:
    assert builder.to_wire()["operator"] == wire


def test_per_call_overrides_by_kwargs_and_by_run_config() -> None:
    fake = Recorder()
    retriever = fake.retriever(k=4, alpha=0.5)
    retriever.invoke("q", k=2, filters={"must": [{"field": "a", "operator": "eq", "value": True}]})
    assert fake.sent["num_results"] == 2
    assert fake.sent["filters"] == {"must": [{"field": "a", "operator": "eq", "value": True}]}
    retriever.invoke("q", config={"configurable": {"k": 9, "alpha": 0.1}})
    assert (fake.sent["num_results"], fake.sent["alpha"]) == (9, 0.1)


@pytest.mark.parametrize(
    "overrides",
    [
        {"k": 0},
        {"k": 101},
        {"k": True},
        {"alpha": 1.5},
        {"alpha": -0.1},
        {"filters": {"must": [{"field": "a", "operator": "like", "value": "x"}]}},
        {"filters": {"must": [{"field": "a", "operator": "in", "value": "x"}]}},
        {"filters": {"must": [{"field": "a", "operator": "eq", "value": ["x"]}]}},
        {"filters": {"must": [{"field": "a", "operator": "gt", "value": True}]}},
        {"filters": {"maybe": []}},
        {"top_k": 3},
    ],
)
def test_bad_values_are_refused_before_any_request(overrides: dict[str, Any]) -> None:
    fake = Recorder()
    with pytest.raises(ValueError) as caught:
        fake.retriever().invoke("q", **overrides)
    assert fake.requests == []
    assert str(caught.value)


@pytest.mark.parametrize(
    "params",
    [
        {"k": 0},
        {"alpha": 2},
        {"filters": {"should": [{"field": "", "operator": "eq", "value": 1}]}},
    ],
)
def test_bad_constructor_values_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        GradientKnowledgeBaseRetriever(knowledge_base_id=KB, api_token=TOKEN, **params)


def test_token_environment_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in reversed(DO_TOKEN_ENV_VARS):
        monkeypatch.setenv(name, f"token-from-{name}")
        retriever = GradientKnowledgeBaseRetriever(knowledge_base_id=KB)
        assert retriever.token_source == name
        assert retriever.api_token is not None
        assert retriever.api_token.get_secret_value() == f"token-from-{name}"
    assert DO_TOKEN_ENV_VARS == (
        "DIGITALOCEAN_API_TOKEN",
        "DIGITALOCEAN_ACCESS_TOKEN",
        "DIGITALOCEAN_TOKEN",
    )


def test_missing_token_names_every_variable() -> None:
    with pytest.raises(MissingAPIKeyError) as caught:
        GradientKnowledgeBaseRetriever(knowledge_base_id=KB)
    for name in DO_TOKEN_ENV_VARS:
        assert name in str(caught.value)


def test_endpoint_from_argument_environment_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert GradientKnowledgeBaseRetriever(knowledge_base_id=KB, api_token=TOKEN).endpoint == (
        "https://kbaas.do-ai.run"
    )
    monkeypatch.setenv("GRADIENT_KBASS_ENDPOINT", "http://127.0.0.1:8080/")
    assert GradientKnowledgeBaseRetriever(knowledge_base_id=KB, api_token=TOKEN).endpoint == (
        "http://127.0.0.1:8080"
    )
    with_v1 = GradientKnowledgeBaseRetriever(
        knowledge_base_id=KB, api_token=TOKEN, endpoint="https://kbaas.do-ai.run/v1"
    )
    assert with_v1.endpoint == "https://kbaas.do-ai.run"
    explicit = GradientKnowledgeBaseRetriever(
        knowledge_base_id=KB, api_token=TOKEN, endpoint="kb.example.test"
    )
    assert explicit.endpoint == "https://kb.example.test"


def test_401_names_the_token_source_and_never_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITALOCEAN_ACCESS_TOKEN", TOKEN)
    fake = Recorder(401, {"id": "unauthorized", "message": f"bad token {TOKEN}"})
    with pytest.raises(GradientAuthenticationError) as caught:
        fake.retriever(api_token=None).invoke("q")
    assert "DIGITALOCEAN_ACCESS_TOKEN" in str(caught.value)
    assert TOKEN not in str(caught.value) + repr(caught.value.body)
    assert caught.value.status_code == 401


def test_403_and_404_speak_of_the_knowledge_base() -> None:
    with pytest.raises(GradientPermissionDeniedError, match=KB):
        Recorder(403, {"id": "forbidden", "message": "no"}).retriever().invoke("q")
    with pytest.raises(GradientNotFoundError, match=f"Unknown knowledge base id '{KB}'"):
        Recorder(404, {"id": "not_found", "message": "nope"}).retriever().invoke("q")


@pytest.mark.parametrize("body", [{"results": "x"}, {"results": [{"metadata": {}}]}, ["x"]])
def test_a_200_without_results_raises_instead_of_returning_nothing(body: Any) -> None:
    with pytest.raises(GradientAPIError, match="without a list of results"):
        Recorder(200, body).retriever().invoke("q")


def test_empty_results_are_an_empty_list() -> None:
    assert Recorder(200, {"results": [], "total_results": 0}).retriever().invoke("q") == []


def test_works_with_create_retriever_tool() -> None:
    from langchain_core.tools import create_retriever_tool

    fake = Recorder()
    tool = create_retriever_tool(fake.retriever(), "search_docs", "Search the product docs.")
    text = tool.invoke({"query": "resize"})
    assert "Droplets resize in the control panel." in text
    assert fake.sent["query"] == "resize"


def test_unpickled_retriever_reads_the_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pickle

    retriever = GradientKnowledgeBaseRetriever(knowledge_base_id=KB, api_token=TOKEN)
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", "token-from-env")
    restored = pickle.loads(pickle.dumps(retriever))
    assert restored.api_token is not None
    assert restored.api_token.get_secret_value() == "token-from-env"
    assert restored.token_source == "DIGITALOCEAN_TOKEN"

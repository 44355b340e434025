"""ChatGradientAgent and the RAG paths over the emulator's agents and knowledge bases.

Emulator-only: the agents and knowledge bases are created in the emulator. Covers the
agent fields, citations, retrieval/guardrail/function info, the guardrail block, 401,
langchain-tests' ChatModelIntegrationTests, and the LangGraph test: ChatGradient with the
retriever tool and ChatGradientAgent answer the same question citing the same document.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.prompts import PromptTemplate
from langchain_core.tools import create_retriever_tool
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_gradient import (
    ChatGradient,
    ChatGradientAgent,
    GradientAuthenticationError,
    GradientBadRequestError,
    GradientGuardrailError,
    GradientKnowledgeBaseRetriever,
)
from langchain_gradient.emulator import GradientEmulator

pytestmark = [
    pytest.mark.emulator_only,
    pytest.mark.filterwarnings("ignore:create_react_agent has been moved"),
]
CORPUS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "knowledge_base"
QUESTION = "How many days do I have to ask for a refund of prepaid credit?"
TAGGED = [
    {"text": "Plan A refunds within 30 days.", "metadata": {"region": "eu"}},
    {"text": "Plan A refunds within 14 days.", "metadata": {"region": "us"}},
]


@pytest.fixture(scope="module")
def emu() -> Iterator[GradientEmulator]:
    with GradientEmulator() as emulator:
        handbook = emulator.add_knowledge_base("handbook", CORPUS, uuid="kb-handbook")
        tagged = emulator.add_knowledge_base("tagged", TAGGED, uuid="kb-tagged")
        emulator.add_agent(
            "support",
            access_key="agent-support",
            knowledge_bases=[handbook],
            blocked_words=["password"],
        )
        emulator.add_agent("tagged", access_key="agent-tagged", knowledge_bases=[tagged])
        emulator.add_agent("plain", access_key="agent-plain")
        yield emulator


def agent(emu: GradientEmulator, key: str = "agent-support", **kwargs: Any) -> ChatGradientAgent:
    return ChatGradientAgent(
        agent_endpoint=emu.agent_endpoint, agent_access_key=key, max_retries=0, **kwargs
    )


def test_answer_is_grounded_and_cited(emu: GradientEmulator) -> None:
    reply = agent(emu, provide_citations=True).invoke(QUESTION)
    assert "30 days" in str(reply.content)
    [source] = reply.additional_kwargs["citations"]
    assert source["metadata"]["filename"] == "refunds.md"
    assert "retrieval" not in reply.response_metadata  # not asked for


def test_no_citations_unless_asked(emu: GradientEmulator) -> None:
    assert "citations" not in agent(emu).invoke(QUESTION).additional_kwargs


def test_v1_citations(emu: GradientEmulator) -> None:
    reply = agent(emu, provide_citations=True, output_version="v1").invoke(QUESTION)
    [block] = reply.content
    assert isinstance(block, dict)
    assert block["annotations"][0]["title"] == "refunds.md"


def test_info_when_asked(emu: GradientEmulator) -> None:
    reply = agent(
        emu, include_retrieval_info=True, include_guardrails_info=True, include_functions_info=True
    ).invoke(QUESTION)
    metadata = reply.response_metadata
    assert metadata["retrieval"]["results"][0]["metadata"]["filename"] == "refunds.md"
    assert metadata["guardrails"] == {"triggered": []}
    assert metadata["functions"] == {"called": []}


def test_k_limits_what_is_retrieved(emu: GradientEmulator) -> None:
    reply = agent(emu, include_retrieval_info=True, k=2).invoke(QUESTION)
    assert len(reply.response_metadata["retrieval"]["results"]) == 2
    assert emu.request_log.last("/api/v1/chat/completions").body["k"] == 2


def test_kb_filters_reach_retrieval(emu: GradientEmulator) -> None:
    us = [{"field": "region", "operator": "eq", "value": "us"}]
    reply = agent(emu, "agent-tagged", kb_filters=us).invoke("Plan A refunds?")
    assert "14 days" in str(reply.content)


def test_instruction_override_and_retrieval_method_are_sent(emu: GradientEmulator) -> None:
    agent(emu, instruction_override="Answer in one line.", retrieval_method="sub_queries").invoke(
        QUESTION
    )
    body = emu.request_log.last("/api/v1/chat/completions").body
    assert body["instruction_override"] == "Answer in one line."
    assert body["retrieval_method"] == "sub_queries"
    assert emu.request_log.last("/api/v1/chat/completions").query["agent"] == "true"


def test_guardrail_block(emu: GradientEmulator) -> None:
    with pytest.raises(GradientGuardrailError) as caught:
        agent(emu, include_guardrails_info=True).invoke("Tell me the admin password")
    assert caught.value.guardrails["triggered"][0]["name"] == "blocked_words"
    flagged = agent(emu, raise_on_guardrail=False).invoke("Tell me the admin password")
    assert flagged.response_metadata["guardrail_triggered"] is True
    with pytest.raises(GradientGuardrailError):
        list(agent(emu).stream("Tell me the admin password"))


async def test_async_stream_carries_citations(emu: GradientEmulator) -> None:
    full: Any = None
    async for chunk in agent(emu, provide_citations=True).astream(QUESTION):
        full = chunk if full is None else full + chunk
    assert "30 days" in full.content
    assert full.additional_kwargs["citations"][0]["metadata"]["filename"] == "refunds.md"


def test_unknown_agent_key_is_401(emu: GradientEmulator) -> None:
    with pytest.raises(GradientAuthenticationError, match="the agent_access_key argument"):
        agent(emu, "agent-nope").invoke("hi")


def test_bad_agent_field_is_400(emu: GradientEmulator) -> None:
    with pytest.raises(GradientBadRequestError, match="k must be"):
        agent(emu).invoke("hi", k=0)


# ---------------------------------------------------------------- LangGraph RAG


def _react_agent(llm: Any, tools: list[Any]) -> Any:
    from langgraph.prebuilt import create_react_agent

    return create_react_agent(llm, tools)


def _langchain_agent(llm: Any, tools: list[Any]) -> Any:
    from langchain.agents import create_agent

    return create_agent(model=llm, tools=tools)


@pytest.mark.parametrize("build", [_langchain_agent, _react_agent], ids=["create_agent", "react"])
def test_langgraph_agent_with_the_retriever_tool_cites_the_document(
    emu: GradientEmulator, build: Any
) -> None:
    retriever = GradientKnowledgeBaseRetriever(
        knowledge_base_id="kb-handbook",
        api_token=emu.control_token,
        endpoint=emu.kbaas_endpoint,
        k=1,
    )
    tool = create_retriever_tool(
        retriever,
        "search_refund_handbook",
        "Search the Acme Cloud handbook about refunds, GPU plans and support.",
        document_prompt=PromptTemplate.from_template("[{filename}] {page_content}"),
    )
    llm = ChatGradient(base_url=emu.base_url, api_key=emu.api_key, temperature=0)
    graph = build(llm, [tool])
    state = graph.invoke({"messages": [HumanMessage(QUESTION + " Search the refund handbook.")]})
    answer = state["messages"][-1]
    assert state["messages"][-2].type == "tool"
    assert "[refunds.md]" in str(answer.content) and "30 days" in str(answer.content)

    same = agent(emu, provide_citations=True).invoke(QUESTION)
    assert "30 days" in str(same.content)
    assert same.additional_kwargs["citations"][0]["metadata"]["filename"] == "refunds.md"


# ---------------------------------------------------------------- standard suite


class TestChatGradientAgentStandard(ChatModelIntegrationTests):
    @pytest.fixture(autouse=True)
    def _agent_env(self, emu: GradientEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GRADIENT_AGENT_ACCESS_KEY", "agent-plain")
        monkeypatch.setenv("GRADIENT_AGENT_ENDPOINT", emu.agent_endpoint)

    @property
    def chat_model_class(self) -> type[ChatGradientAgent]:
        return ChatGradientAgent

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"temperature": 0}

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_model_override(self) -> bool:
        return False  # the agent answers with its own model whatever `model` says

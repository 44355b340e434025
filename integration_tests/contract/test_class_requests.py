"""Every request our classes send follows DigitalOcean's contract.

Each test drives a class against the emulator, reads the requests back from the
emulator's request log and checks each body *strictly*: a field neither the contract nor
the extras list (``emulator/contract/extras.py``) names is a failure. Hypothesis walks
the parameters a user can set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool

from integration_tests.contract._keys import seed_key
from integration_tests.tools_helpers import connection, fal_tool
from langchain_gradient import (
    ChatGradient,
    GradientEmbeddings,
    GradientImageTool,
    GradientResponses,
)
from langchain_gradient.emulator import GradientEmulator
from langchain_gradient.emulator.contract import check_request, route_key

pytestmark = pytest.mark.emulator_only
PROPERTY = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@tool
def get_weather(city: str) -> str:
    """Weather for a city."""
    return "sunny"


def assert_sent_conforming(emulator: GradientEmulator, *paths: str) -> int:
    """Check every logged request on ``paths``; return how many were checked."""
    checked = 0
    for record in emulator.request_log:
        if record.path not in paths or route_key(record.method, record.path) is None:
            continue
        if record.method in ("GET", "DELETE"):
            continue
        violation = check_request(record.method, record.path, record.body, strict=True)
        assert violation is None, f"{record.method} {record.path} sent {record.body}: {violation}"
        checked += 1
    assert checked, f"no request on {paths} was logged"
    emulator.request_log.clear()
    return checked


def run_once(llm: Any, history: list[Any], stream: bool) -> None:
    """Invoke ``llm`` on ``history``, or stream it to the end."""
    if stream:
        for _ in llm.stream(history):
            pass
    else:
        llm.invoke(history)


CHAT_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "temperature": st.floats(0, 2),
        "top_p": st.floats(0, 1),
        "max_tokens": st.integers(256, 4096),
        "stop": st.lists(st.text("abc", min_size=1, max_size=3), max_size=4),
        "frequency_penalty": st.floats(-2, 2),
        "presence_penalty": st.floats(-2, 2),
        "seed": st.integers(0, 2**31),
        "n": st.just(1),
        "reasoning_effort": st.sampled_from(["low", "medium", "high"]),
        "logprobs": st.booleans(),
        "stream_usage": st.booleans(),
    },
)


@PROPERTY
@given(params=CHAT_PARAMS, stream=st.booleans(), tools=st.booleans())
def test_chat_gradient_requests(
    gradient_emulator: GradientEmulator, params: dict[str, Any], stream: bool, tools: bool
) -> None:
    llm: Any = ChatGradient(
        model="llama3.3-70b-instruct", **connection(gradient_emulator), **params
    )
    if tools:
        llm = llm.bind_tools([get_weather], tool_choice="auto")
    history = [
        SystemMessage("Be brief."),
        HumanMessage("Weather in Paris?"),
        AIMessage("", tool_calls=[{"id": "c1", "name": "get_weather", "args": {"city": "P"}}]),
        ToolMessage("sunny", tool_call_id="c1"),
        HumanMessage([{"type": "text", "text": "And now?"}]),
    ]
    run_once(llm, history, stream)
    assert_sent_conforming(gradient_emulator, "/v1/chat/completions")


def test_chat_gradient_prompt_cache_and_structured_output(
    gradient_emulator: GradientEmulator,
) -> None:
    from pydantic import BaseModel

    class City(BaseModel):
        name: str

    anthropic = ChatGradient(
        model="anthropic-claude-4.5-sonnet", prompt_cache="5m", **connection(gradient_emulator)
    )
    anthropic.invoke([SystemMessage("x " * 600), HumanMessage("Hi")])
    llm = ChatGradient(model="llama3.3-70b-instruct", **connection(gradient_emulator))
    for method in ("function_calling", "json_mode", "json_schema"):
        structured = llm.with_structured_output(City, method=method, include_raw=True)  # type: ignore[arg-type]
        structured.invoke("Paris")
    assert assert_sent_conforming(gradient_emulator, "/v1/chat/completions") == 4


def test_chat_gradient_small_token_limit(gradient_emulator: GradientEmulator) -> None:
    ChatGradient(
        model="llama3.3-70b-instruct", max_tokens=50, **connection(gradient_emulator)
    ).invoke("Hi")
    assert_sent_conforming(gradient_emulator, "/v1/chat/completions")


RESPONSES_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "temperature": st.floats(0, 2),
        "top_p": st.floats(0, 1),
        "max_tokens": st.integers(1, 4096),
        "reasoning": st.builds(dict, effort=st.sampled_from(["low", "medium", "high"])),
    },
)


@PROPERTY
@given(params=RESPONSES_PARAMS, stream=st.booleans(), tools=st.booleans())
def test_gradient_responses_requests(
    gradient_emulator: GradientEmulator, params: dict[str, Any], stream: bool, tools: bool
) -> None:
    llm: Any = GradientResponses(
        model="openai-gpt-oss-120b", **connection(gradient_emulator), **params
    )
    if tools:
        llm = llm.bind_tools([get_weather], tool_choice="get_weather")
    history = [
        HumanMessage("Weather in Paris?"),
        AIMessage("", tool_calls=[{"id": "c1", "name": "get_weather", "args": {"city": "P"}}]),
        ToolMessage("sunny", tool_call_id="c1"),
        HumanMessage("Thanks"),
    ]
    run_once(llm, history, stream)
    assert_sent_conforming(gradient_emulator, "/v1/responses")


@PROPERTY
@given(texts=st.lists(st.text(min_size=1, max_size=20).filter(str.strip), min_size=1, max_size=40))
def test_gradient_embeddings_requests(
    gradient_emulator: GradientEmulator, texts: list[str]
) -> None:
    embeddings = GradientEmbeddings(**connection(gradient_emulator))
    embeddings.embed_documents(texts)
    embeddings.embed_query(texts[0])
    assert_sent_conforming(gradient_emulator, "/v1/embeddings")


def test_image_tool_requests(gradient_emulator: GradientEmulator, tmp_path: Path) -> None:
    tool_ = GradientImageTool(
        model="openai-gpt-image-1", output_dir=tmp_path, **connection(gradient_emulator)
    )
    tool_.invoke({"type": "tool_call", "id": "1", "name": tool_.name, "args": {"prompt": "otter"}})
    assert_sent_conforming(gradient_emulator, "/v1/images/generations")


def test_fal_tool_requests(gradient_emulator: GradientEmulator, tmp_path: Path) -> None:
    fal = fal_tool(gradient_emulator, output_dir=tmp_path)
    fal.invoke({"type": "tool_call", "id": "1", "name": fal.name, "args": {"prompt": "a city"}})
    assert_sent_conforming(gradient_emulator, "/v1/async-invoke")


def test_keys_cli_requests(
    gradient_emulator: GradientEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from langchain_gradient.cli import main

    monkeypatch.setenv("DIGITALOCEAN_TOKEN", gradient_emulator.control_token)
    monkeypatch.setenv("DIGITALOCEAN_API_BASE", gradient_emulator.origin)
    runner = CliRunner()
    key_uuid = seed_key(gradient_emulator, "ci")
    for args in (["list"], ["rename", key_uuid, "ci-2"], ["regenerate", key_uuid, "--yes"]):
        result = runner.invoke(main, ["keys", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    base = "/v2/gen-ai/models/api_keys"
    paths = (base, f"{base}/{key_uuid}", f"{base}/{key_uuid}/regenerate")
    assert assert_sent_conforming(gradient_emulator, *paths) == 2  # rename, regenerate


AGENT_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "max_tokens": st.integers(1, 4096),
        "k": st.integers(1, 10),
        "retrieval_method": st.sampled_from(["rewrite", "step_back", "sub_queries", "none"]),
        "kb_filters": st.just([{"filename": "refunds.md"}]),
        "filter_kb_content_by_query_metadata": st.booleans(),
        "instruction_override": st.text("abc ", min_size=1, max_size=10),
        "include_functions_info": st.booleans(),
        "include_retrieval_info": st.booleans(),
        "include_guardrails_info": st.booleans(),
        "provide_citations": st.booleans(),
    },
)


@PROPERTY
@given(params=AGENT_PARAMS, stream=st.booleans(), tools=st.booleans())
def test_chat_gradient_agent_requests(
    gradient_emulator: GradientEmulator, params: dict[str, Any], stream: bool, tools: bool
) -> None:
    """ChatGradientAgent sends only the contract's fields and the agent extras (§13.4)."""
    from langchain_gradient import ChatGradientAgent

    kb = gradient_emulator.add_knowledge_base(
        "handbook", [{"text": "Refunds take 30 days.", "metadata": {"filename": "refunds.md"}}]
    )
    agent = gradient_emulator.add_agent("support", knowledge_bases=[kb])
    llm: Any = ChatGradientAgent(
        agent_endpoint=gradient_emulator.agent_endpoint,
        agent_access_key=agent.access_key,
        max_retries=0,
        **params,
    )
    if tools:
        llm = llm.bind_tools([get_weather], tool_choice="auto")
    history = [SystemMessage("Be brief."), HumanMessage("How long do refunds take?")]
    run_once(llm, history, stream)
    assert_sent_conforming(gradient_emulator, "/api/v1/chat/completions")


def test_chat_gradient_agent_structured_output_requests(
    gradient_emulator: GradientEmulator,
) -> None:
    from pydantic import BaseModel

    from langchain_gradient import ChatGradientAgent

    class Answer(BaseModel):
        days: int

    agent = gradient_emulator.add_agent("plain")
    llm = ChatGradientAgent(
        agent_endpoint=gradient_emulator.agent_endpoint, agent_access_key=agent.access_key
    )
    for method in ("function_calling", "json_mode", "json_schema"):
        llm.with_structured_output(Answer, method=method, include_raw=True).invoke("30")  # type: ignore[arg-type]
    assert assert_sent_conforming(gradient_emulator, "/api/v1/chat/completions") == 3

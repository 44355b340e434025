"""Media-tool failures an agent can act on reach its model; the rest still raise (issue 15).

Under LangGraph's ``ToolNode`` defaults (which only handle argument errors themselves),
a FAILED fal job, a timed-out job, a refused image request and an impossible size come
back as ``ToolMessage(status="error")`` with a one-line reason; a rejected key and
polling that keeps failing raise. The agent test: a fal job fails, the model is told why,
calls the tool again and succeeds, under LangGraph's ``create_react_agent`` and under
langchain's ``create_agent``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from integration_tests.tools_helpers import FLUX, connection, fal_tool
from langchain_gradient import GradientAuthenticationError
from langchain_gradient.chat_models import ChatGradient
from langchain_gradient.emulator import Fault, GradientEmulator
from langchain_gradient.tools import FalJobPollingError, GradientImageTool

pytestmark = [
    pytest.mark.filterwarnings("ignore:create_react_agent has been moved"),
    pytest.mark.emulator_only,  # plans job outcomes and faults
]


def _tool_node_call(tool: Any, args: dict[str, Any]) -> ToolMessage:
    """Run ``tool`` once through LangGraph's ToolNode with its default settings."""
    from langgraph.graph import END, START, MessagesState, StateGraph
    from langgraph.prebuilt import ToolNode

    graph = StateGraph(MessagesState)
    graph.add_node("tools", ToolNode([tool]))
    graph.add_edge(START, "tools")
    graph.add_edge("tools", END)
    call = {"name": tool.name, "args": args, "id": "call-1", "type": "tool_call"}
    out = graph.compile().invoke({"messages": [AIMessage("", tool_calls=[call])]})
    out = {"messages": out["messages"][1:]}
    [message] = out["messages"]
    assert isinstance(message, ToolMessage)
    return message


def _one_line_error(message: ToolMessage, *fragments: str) -> None:
    assert message.status == "error"
    text = str(message.content)
    assert text.startswith("Error: ") and "\n" not in text and len(text) <= 420
    for fragment in fragments:
        assert fragment in text, text


def test_a_failed_fal_job_reaches_the_model_with_its_reason(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.plan_jobs("FAILED", error="NSFW content detected by the safety checker")
    message = _tool_node_call(fal_tool(gradient_emulator, output_dir=tmp_path), {"prompt": "x"})
    _one_line_error(message, "NSFW content detected", "failed")


def test_a_timed_out_fal_job_reaches_the_model_with_its_request_id(
    gradient_emulator: GradientEmulator,
) -> None:
    gradient_emulator.plan_jobs("NEVER")
    tool = fal_tool(gradient_emulator, policy={"timeout": 0.3})
    message = _tool_node_call(tool, {"prompt": "a long symphony"})
    polls = [
        record.path
        for record in gradient_emulator.request_log.records()
        if record.path.startswith("/v1/async-invoke/")
    ]
    request_id = polls[-1].split("/")[3]
    _one_line_error(message, "still", request_id)


def test_a_refused_image_prompt_reaches_the_model(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.inject(
        Fault.status(400, message="Your request was rejected by the content policy."),
        times=1,
        path="/v1/images/generations",
    )
    tool = GradientImageTool(**connection(gradient_emulator), output_dir=tmp_path)
    message = _tool_node_call(tool, {"prompt": "something refused"})
    _one_line_error(message, "content policy", "Change the prompt")
    assert list(tmp_path.iterdir()) == []


def test_an_impossible_size_reaches_the_model(gradient_emulator: GradientEmulator) -> None:
    tool = GradientImageTool(**connection(gradient_emulator))
    message = _tool_node_call(tool, {"prompt": "a cat", "size": "9999x3"})
    _one_line_error(message, "9999x3", "1024x1024")


def test_a_rejected_key_still_raises(gradient_emulator: GradientEmulator) -> None:
    tool = GradientImageTool(**{**connection(gradient_emulator), "api_key": "sk-do-wrong"})
    with pytest.raises(GradientAuthenticationError):
        _tool_node_call(tool, {"prompt": "a cat"})


def test_polling_that_keeps_failing_still_raises(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.inject(Fault.status(503), times=None, method="GET")
    tool = fal_tool(gradient_emulator, policy={"max_consecutive_errors": 1})
    with pytest.raises(FalJobPollingError):
        _tool_node_call(tool, {"prompt": "a cat"})


def test_raising_is_configurable_per_tool(gradient_emulator: GradientEmulator) -> None:
    from langchain_gradient.tools import FalJobFailedError

    gradient_emulator.plan_jobs("FAILED", error="bad input")
    tool = fal_tool(gradient_emulator, handle_tool_error=False)
    with pytest.raises(FalJobFailedError, match="bad input"):
        _tool_node_call(tool, {"prompt": "x"})


def _react_agent(model: Any, tools: list[Any]) -> Any:
    from langgraph.prebuilt import create_react_agent

    return create_react_agent(model, tools)


def _create_agent(model: Any, tools: list[Any]) -> Any:
    from langchain.agents import create_agent

    return create_agent(model, tools)


AGENTS = {"create_react_agent": _react_agent, "create_agent": _create_agent}


@pytest.mark.parametrize("build", sorted(AGENTS))
def test_agent_is_told_why_a_fal_job_failed_retries_and_succeeds(
    gradient_emulator: GradientEmulator, tmp_path: Path, build: str
) -> None:
    gradient_emulator.plan_jobs("FAILED", error="NSFW content detected", model=FLUX)
    tool = fal_tool(gradient_emulator, output_dir=tmp_path)
    llm = ChatGradient(model="llama3.3-70b-instruct", **connection(gradient_emulator))
    agent = AGENTS[build](llm, [tool])
    result = agent.invoke({"messages": [("user", f"Use {tool.name} to draw 'a red fox'.")]})
    tool_messages = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert [m.status for m in tool_messages] == ["error", "success"]
    _one_line_error(tool_messages[0], "NSFW content detected")
    assert Path(tool_messages[1].artifact["files"][0]["path"]).read_bytes()[:4] == b"\x89PNG"
    # The model saw the reason: the failure text was in the request that led to the retry.
    chat = gradient_emulator.request_log.records(path="/v1/chat/completions")
    assert any("NSFW content detected" in str(record.body) for record in chat)
    assert isinstance(result["messages"][-1], AIMessage) and result["messages"][-1].content


def test_create_agent_still_raises_on_a_rejected_key(gradient_emulator: GradientEmulator) -> None:
    tool = GradientImageTool(**{**connection(gradient_emulator), "api_key": "sk-do-wrong"})
    llm = ChatGradient(model="llama3.3-70b-instruct", **connection(gradient_emulator))
    agent = _create_agent(llm, [tool])
    with pytest.raises(GradientAuthenticationError):
        agent.invoke({"messages": [("user", f"Use {tool.name} to draw 'a red fox'.")]})

"""Recipe: RAG on a DigitalOcean knowledge base, two ways, with citations.

1. ``GradientKnowledgeBaseRetriever`` as a tool of a LangGraph agent driven by
   ``ChatGradient``: the model searches the knowledge base and cites the file it used.
2. The same question through an agent endpoint with ``ChatGradientAgent``
   (``provide_citations=True``): retrieval happens on DigitalOcean's side.

Live: set ``MODEL_ACCESS_KEY``, ``DIGITALOCEAN_API_TOKEN``, ``GRADIENT_KB_ID``,
``GRADIENT_AGENT_ENDPOINT`` and ``GRADIENT_AGENT_ACCESS_KEY``. Otherwise the recipe
starts the local emulator with a knowledge base built from ``knowledge_base/`` next to
this file and an agent using it. Run: ``python docs/examples/rag_knowledge_base.py``.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from langchain_core.messages import HumanMessage
from langchain_core.prompts import PromptTemplate
from langchain_core.tools import create_retriever_tool
from langgraph.prebuilt import create_react_agent

from langchain_gradient import ChatGradient, ChatGradientAgent, GradientKnowledgeBaseRetriever

LIVE_VARIABLES = (
    "MODEL_ACCESS_KEY",
    "DIGITALOCEAN_API_TOKEN",
    "GRADIENT_KB_ID",
    "GRADIENT_AGENT_ENDPOINT",
    "GRADIENT_AGENT_ACCESS_KEY",
)
QUESTION = "How many days do I have to ask for a refund of prepaid credit?"


def use_gradient_or_emulator() -> str:
    """``live`` when every live variable is set, else start the emulator and point them at it."""
    if all(os.environ.get(name, "").strip() for name in LIVE_VARIABLES):
        return "live"
    from langchain_gradient.emulator import GradientEmulator

    emulator = GradientEmulator().start()
    atexit.register(emulator.stop)
    kb = emulator.add_knowledge_base("handbook", Path(__file__).parent / "knowledge_base")
    agent = emulator.add_agent("support", knowledge_bases=[kb])
    os.environ.update(
        MODEL_ACCESS_KEY=emulator.api_key,
        INFERENCE_ENDPOINT=emulator.base_url,
        DIGITALOCEAN_API_TOKEN=emulator.control_token,
        GRADIENT_KBASS_ENDPOINT=emulator.kbaas_endpoint,
        GRADIENT_KB_ID=kb.uuid,
        GRADIENT_AGENT_ENDPOINT=emulator.agent_endpoint,
        GRADIENT_AGENT_ACCESS_KEY=agent.access_key,
    )
    print(f"No live credentials: using the local emulator at {emulator.base_url}")
    return "emulator"


def main() -> None:
    use_gradient_or_emulator()

    # 1. Your model, DigitalOcean's retrieval: the knowledge base as a tool.
    retriever = GradientKnowledgeBaseRetriever(
        knowledge_base_id=os.environ["GRADIENT_KB_ID"], k=2, alpha=0.6
    )
    search = create_retriever_tool(
        retriever,
        "search_refund_handbook",
        "Search the company handbook about refunds, GPU plans and support hours.",
        document_prompt=PromptTemplate.from_template("[{filename}] {page_content}"),
    )
    graph = create_react_agent(ChatGradient(temperature=0), [search])
    state = graph.invoke(
        {"messages": [HumanMessage(QUESTION + " Search the refund handbook and cite the file.")]}
    )
    answer = state["messages"][-1].content
    print("ChatGradient + retriever tool:", answer)
    assert "[refunds.md]" in answer, answer

    # 2. DigitalOcean's agent does retrieval and answers; sources come back as citations.
    agent = ChatGradientAgent(provide_citations=True)
    reply = agent.invoke(QUESTION)
    sources = [c["metadata"].get("filename") for c in reply.additional_kwargs["citations"]]
    print("ChatGradientAgent:", reply.content)
    print("cited:", ", ".join(str(s) for s in sources))
    assert "refunds.md" in sources, sources
    print("OK both paths cited refunds.md")


if __name__ == "__main__":
    main()

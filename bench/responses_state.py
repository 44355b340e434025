"""Request bytes over a 20-turn tool-using conversation: previous_response_id vs full history.

Each turn: the user asks, the model answers with a reasoning item and a tool call, the
tool result goes back, the model answers in text. The same conversation is driven
through :class:`GradientResponses` twice, once with ``use_previous_response_id=True``
and once sending the full history, against an in-process scripted server
(``httpx2.MockTransport``); the transport counts the request body bytes.

Target: stateful / full <= 0.25.

Run: ``.venv/bin/python bench/responses_state.py`` (writes bench/results/responses_state.json).
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx2
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage, ToolMessage

from bench._harness import Checks, write_results
from langchain_gradient import GradientResponses

TURNS = 20
TARGET = 0.25
SYSTEM = (
    "You are a travel assistant. Use the get_forecast tool for any weather question, "
    "answer in two or three sentences, and mention the source of the data."
)


def get_forecast(city: str, day: int) -> str:
    """Forecast for a city, ``day`` days ahead."""
    hours = [
        {"hour": h, "celsius": 12 + (h * 7 + day) % 9, "rain_mm": (h + day) % 3} for h in range(8)
    ]
    return json.dumps({"city": city, "day": day, "source": "bench-weather", "hours": hours})


@dataclass
class ScriptedServer:
    """Answers like a reasoning model on /v1/responses; counts request body bytes."""

    request_bytes: list[int] = field(default_factory=list)
    chained_requests: int = 0  # requests that carried previous_response_id
    counter: int = 0

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.request_bytes.append(len(request.content))
        body = json.loads(request.content)
        self.chained_requests += "previous_response_id" in body
        self.counter += 1
        last = body["input"][-1]
        reasoning = {
            "id": f"rs_{self.counter}",
            "type": "reasoning",
            "summary": [],
            "content": [
                {
                    "type": "reasoning_text",
                    "text": "The user asks about the weather, so I should call the forecast tool "
                    "and then summarise temperature and rain for the requested day.",
                }
            ],
        }
        if last.get("type") == "function_call_output":
            output: list[dict[str, Any]] = [
                reasoning,
                {
                    "id": f"msg_{self.counter}",
                    "type": "message",
                    "role": "assistant",
                    "content": [
                        {
                            "type": "output_text",
                            "text": "Expect mild temperatures between 12 and 20 °C with light "
                            "rain in the afternoon; pack a light jacket. Source: bench-weather.",
                        }
                    ],
                },
            ]
        else:
            turn = self.counter // 2
            output = [
                reasoning,
                {
                    "id": f"fc_{self.counter}",
                    "type": "function_call",
                    "call_id": f"call_{self.counter}",
                    "name": "get_forecast",
                    "arguments": json.dumps({"city": f"City {turn}", "day": turn % 7}),
                },
            ]
        return httpx2.Response(
            200,
            json={
                "id": f"resp_{self.counter}",
                "object": "response",
                "model": body["model"],
                "status": "completed",
                "output": output,
                "usage": {"input_tokens": 100, "output_tokens": 50, "total_tokens": 150},
            },
        )


def run_conversation(stateful: bool) -> ScriptedServer:
    """Drive TURNS tool-using turns; return the server with its byte counts."""
    server = ScriptedServer()
    llm = GradientResponses(
        api_key="bench-key",
        base_url="http://127.0.0.1:9",
        max_retries=0,
        use_previous_response_id=stateful,
        http_client=httpx2.Client(transport=httpx2.MockTransport(server.handle)),
    ).bind_tools([get_forecast])
    history: list[BaseMessage] = [SystemMessage(SYSTEM)]
    for turn in range(TURNS):
        history.append(
            HumanMessage(f"What will the weather be like in City {turn} in {turn % 7} days?")
        )
        call = llm.invoke(history)
        history.append(call)
        for tool_call in call.tool_calls:
            history.append(
                ToolMessage(get_forecast(**tool_call["args"]), tool_call_id=tool_call["id"])
            )
        history.append(llm.invoke(history))
    return server


def main() -> dict[str, Any]:
    full = run_conversation(stateful=False)
    stateful = run_conversation(stateful=True)
    ratio = sum(stateful.request_bytes) / sum(full.request_bytes)
    # Guard the measurement: every stateful request but the first must be chained.
    assert stateful.chained_requests == len(stateful.request_bytes) - 1, stateful.chained_requests
    assert full.chained_requests == 0
    checks = Checks("responses_state")
    result = {
        "benchmark": "responses_state",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "turns": TURNS,
        "requests": len(full.request_bytes),
        "full_history_bytes": sum(full.request_bytes),
        "previous_response_id_bytes": sum(stateful.request_bytes),
        "last_request_bytes": {
            "full_history": full.request_bytes[-1],
            "previous_response_id": stateful.request_bytes[-1],
        },
        "ratio": round(ratio, 4),
        "target": checks.limit("ratio", TARGET),
    }
    checks.at_most("ratio", round(ratio, 4), TARGET)
    result.update(checks.result())
    print(f"{'mode':<24}{'requests':>10}{'total bytes':>14}{'last request':>14}")
    print(
        f"{'full history':<24}{len(full.request_bytes):>10}{sum(full.request_bytes):>14}"
        f"{full.request_bytes[-1]:>14}"
    )
    print(
        f"{'previous_response_id':<24}{len(stateful.request_bytes):>10}"
        f"{sum(stateful.request_bytes):>14}{stateful.request_bytes[-1]:>14}"
    )
    print(f"ratio (stateful / full): {ratio:.4f}")
    checks.report()
    write_results("responses_state", result)
    return result


if __name__ == "__main__":
    main()

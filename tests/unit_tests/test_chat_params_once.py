"""ChatGradient builds its parameters once per call, and a changed field still reaches the wire.

langchain-core reads a model's parameters three times per call (invocation params,
tracing params, then the request); building them three times was pure overhead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from langchain_gradient import ChatGradient
from langchain_gradient.emulator import GradientEmulator


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    counter = [0]
    original = ChatGradient._default_params.fget  # type: ignore[attr-defined]

    def counted(self: ChatGradient) -> dict[str, Any]:
        counter[0] += 1
        return original(self)  # type: ignore[no-any-return]

    monkeypatch.setattr(ChatGradient, "_default_params", property(counted))
    yield counter


def _astream(llm: ChatGradient) -> Callable[[], object]:
    async def run() -> list[object]:
        return [chunk async for chunk in llm.astream("hi")]

    return lambda: asyncio.run(run())


@pytest.mark.parametrize("mode", ["invoke", "stream", "ainvoke", "astream"])
def test_default_params_are_built_once_per_call(
    gradient_emulator: GradientEmulator, builds: list[int], mode: str
) -> None:
    llm = ChatGradient(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url, temperature=0.3
    )
    call = {
        "invoke": lambda: llm.invoke("hi"),
        "stream": lambda: list(llm.stream("hi")),
        "ainvoke": lambda: asyncio.run(llm.ainvoke("hi")),
        "astream": _astream(llm),
    }[mode]
    call()
    builds[0] = 0
    call()
    assert builds[0] == 1


def test_a_field_changed_between_calls_is_sent(gradient_emulator: GradientEmulator) -> None:
    llm = ChatGradient(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url, temperature=0.3
    )
    llm.invoke("hi")
    llm.temperature = 0.9
    llm.invoke("hi")
    bodies = [r.body for r in gradient_emulator.request_log.records("/v1/chat/completions")]
    assert [body["temperature"] for body in bodies[-2:]] == [0.3, 0.9]

"""The emulator's defaults follow real traffic (gradient-api.md §13.6)."""

from __future__ import annotations

import httpx
import pytest

from langchain_gradient.emulator import GradientEmulator, KeyPolicy

pytestmark = pytest.mark.emulator_only


def _post(emu: GradientEmulator, body: dict, key: str | None = None) -> httpx.Response:
    return httpx.post(
        emu.base_url + "/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key or emu.api_key}"},
    )


def test_content_is_null_when_the_budget_is_spent_before_any_text(
    gradient_emulator: GradientEmulator,
) -> None:
    body = {
        "model": "openai-gpt-oss-120b",
        "messages": [{"role": "user", "content": "Prove that 2+2=4 step by step"}],
        "max_tokens": 2,
    }
    choice = _post(gradient_emulator, body).json()["choices"][0]
    assert choice["finish_reason"] == "length"
    assert choice["message"]["content"] is None and choice["message"]["reasoning_content"]


def test_usage_has_prompt_tokens_details(gradient_emulator: GradientEmulator) -> None:
    body = {"model": "llama3.3-70b-instruct", "messages": [{"role": "user", "content": "Hi"}]}
    usage = _post(gradient_emulator, body).json()["usage"]
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0}


def test_tier_403_has_the_real_body(make_gradient_emulator) -> None:
    emu = make_gradient_emulator(keys={"tier1": KeyPolicy(tier=1)})
    body = {"model": "openai-gpt-5", "messages": [{"role": "user", "content": "Hi"}]}
    response = _post(emu, body, key="tier1")
    assert response.status_code == 403
    assert response.json() == {
        "error": {"message": "this model is not available for your subscription tier"}
    }


def test_logprobs_are_filled_when_asked(gradient_emulator: GradientEmulator) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=gradient_emulator.base_url, api_key=gradient_emulator.api_key)
    messages = [{"role": "user", "content": "Hello"}]
    plain = client.chat.completions.create(model="llama3.3-70b-instruct", messages=messages)
    assert plain.choices[0].logprobs is None
    asked = client.chat.completions.create(
        model="llama3.3-70b-instruct", messages=messages, logprobs=True, top_logprobs=3
    )
    content = asked.choices[0].logprobs.content
    assert "".join(e.token for e in content) == asked.choices[0].message.content
    assert all(len(e.top_logprobs) == 3 and e.top_logprobs[0].token == e.token for e in content)
    stream = client.chat.completions.create(
        model="llama3.3-70b-instruct", messages=messages, logprobs=True, stream=True
    )
    tokens = [
        e.token
        for chunk in stream
        if chunk.choices and chunk.choices[0].logprobs
        for e in chunk.choices[0].logprobs.content
    ]
    assert "".join(tokens) == asked.choices[0].message.content


def test_chat_gradient_reports_logprobs(gradient_emulator: GradientEmulator) -> None:
    from langchain_gradient import ChatGradient

    llm = ChatGradient(
        model="llama3.3-70b-instruct",
        base_url=gradient_emulator.base_url,
        api_key=gradient_emulator.api_key,
        logprobs=True,
    )
    message = llm.invoke("Hello")
    assert message.response_metadata["logprobs"]["content"]

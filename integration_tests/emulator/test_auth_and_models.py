"""Auth (401/403), /v1/models filtering, error envelopes and per-response headers, over HTTP."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from langchain_gradient.emulator import GradientEmulator, KeyPolicy

CHAT = {"model": "llama3.3-70b-instruct", "messages": [{"role": "user", "content": "Hi"}]}


def test_missing_key_is_401_in_gradient_envelope(gradient_emulator, http) -> None:
    response = http.post("/v1/chat/completions", json=CHAT, headers={"Authorization": ""})
    assert response.status_code == 401
    body = response.json()
    assert body["id"] == "unauthorized"
    assert body["message"] == "Unable to authenticate you."
    assert body["request_id"]


def test_unknown_key_raises_authentication_error(gradient_emulator) -> None:
    client = OpenAI(base_url=gradient_emulator.base_url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.models.list()


def test_models_list_shape(client) -> None:
    page = client.models.list()
    ids = [model.id for model in page.data]
    assert "llama3.3-70b-instruct" in ids and "fal-ai/flux/schnell" in ids
    raw = client.models.with_raw_response.list().http_response.json()
    assert raw["object"] == "list"
    assert set(raw["data"][0]) == {"id", "object", "created", "owned_by"}


def test_scoped_key_sees_only_its_models_and_gets_403_elsewhere(make_gradient_emulator) -> None:
    emu = make_gradient_emulator(keys={"scoped": KeyPolicy(models=["llama3.3-70b-instruct"])})
    client = OpenAI(base_url=emu.base_url, api_key="scoped", max_retries=0)
    assert [m.id for m in client.models.list().data] == ["llama3.3-70b-instruct"]
    assert client.chat.completions.create(**CHAT).choices[0].message.content
    with pytest.raises(openai.PermissionDeniedError) as caught:
        client.chat.completions.create(
            model="openai-gpt-oss-20b", messages=[{"role": "user", "content": "Hi"}]
        )
    assert "openai-gpt-oss-20b" in caught.value.body["message"]


def test_low_tier_key_gets_403_for_commercial_models(make_gradient_emulator) -> None:
    emu = make_gradient_emulator(keys={"tier1": KeyPolicy(tier=1)})
    client = OpenAI(base_url=emu.base_url, api_key="tier1", max_retries=0)
    ids = {m.id for m in client.models.list().data}
    assert "llama3.3-70b-instruct" in ids
    # the real list includes above-tier models; calling them answers 403 (§13.6)
    assert "anthropic-claude-haiku-4.5" in ids and "openai-gpt-5" in ids
    assert "openai-gpt-oss-120b" in ids
    with pytest.raises(openai.PermissionDeniedError, match="tier") as caught:
        client.chat.completions.create(
            model="anthropic-claude-haiku-4.5", messages=[{"role": "user", "content": "Hi"}]
        )
    assert caught.value.body == {
        "message": "this model is not available for your subscription tier"
    } or caught.value.response.json() == {
        "error": {"message": "this model is not available for your subscription tier"}
    }
    client.chat.completions.create(  # open weights are not commercial
        model="openai-gpt-oss-120b", messages=[{"role": "user", "content": "Hi"}]
    )


def test_chat_gradient_explains_the_real_tier_403(make_gradient_emulator) -> None:
    from langchain_gradient import ChatGradient
    from langchain_gradient._errors import GradientPermissionDeniedError

    emu = make_gradient_emulator(keys={"tier1": KeyPolicy(tier=1)})
    llm = ChatGradient(
        model="anthropic-claude-haiku-4.5", base_url=emu.base_url, api_key="tier1", max_retries=0
    )
    with pytest.raises(GradientPermissionDeniedError, match="subscription tier"):
        llm.invoke("Hi")


def test_unknown_model_is_404(client) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(
            model="no-such-model", messages=[{"role": "user", "content": "x"}]
        )
    assert caught.value.body["id"] == "not_found"


def test_unknown_route_is_404_in_envelope(http) -> None:
    response = http.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["id"] == "not_found"


def test_openai_error_envelope_switch(gradient_emulator, http) -> None:
    gradient_emulator.config.error_format = "openai"
    response = http.post("/v1/chat/completions", json={**CHAT, "model": "nope"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert set(error) == {"message", "type", "code", "param"}
    assert "nope" in error["message"]


def test_ratelimit_headers_on_success_and_error(http) -> None:
    ok = http.post("/v1/chat/completions", json=CHAT)
    bad = http.post("/v1/chat/completions", json={**CHAT, "temperature": 9})
    for response in (ok, bad):
        assert int(response.headers["ratelimit-limit"]) == 5000
        assert int(response.headers["ratelimit-remaining"]) < 5000
        assert int(response.headers["ratelimit-reset"]) > 0
    assert int(bad.headers["ratelimit-remaining"]) == int(ok.headers["ratelimit-remaining"]) - 1


def test_enforced_rate_limit_answers_429_with_retry_after(make_gradient_emulator) -> None:
    emu = make_gradient_emulator(rate_limit=2, enforce_rate_limit=True)
    client = OpenAI(base_url=emu.base_url, api_key=emu.api_key, max_retries=0)
    client.models.list()
    client.models.list()
    with pytest.raises(openai.RateLimitError) as caught:
        client.models.list()
    assert int(caught.value.response.headers["retry-after"]) >= 1
    assert caught.value.response.headers["ratelimit-remaining"] == "0"


def test_router_model_names_route_and_picked_model(client) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="router:default", messages=[{"role": "user", "content": "Hello"}]
    )
    completion = raw.parse()
    assert raw.headers["x-model-router-selected-route"] in ("general", "reasoning")
    assert completion.model in ("llama3.3-70b-instruct", "openai-gpt-oss-120b")


def test_router_picks_reasoning_route_for_step_by_step(client) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="router:default",
        messages=[{"role": "user", "content": "Calculate 27 * 453 step by step"}],
    )
    assert raw.headers["x-model-router-selected-route"] == "reasoning"
    assert raw.parse().model == "openai-gpt-oss-120b"


def test_request_log_redacts_the_key(gradient_emulator, client) -> None:
    client.chat.completions.create(**CHAT)
    record = gradient_emulator.request_log.last("/v1/chat/completions")
    assert record.status == 200
    assert record.body["model"] == "llama3.3-70b-instruct"
    assert record.headers["authorization"] == "[redacted]"
    assert gradient_emulator.api_key not in repr(record) + str(record.headers)


def test_malformed_request_json_is_400(http) -> None:
    response = http.post(
        "/v1/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["message"]


def test_emulator_class_starts_on_free_port_and_stops() -> None:
    with GradientEmulator() as emu:
        assert emu.base_url.startswith("http://127.0.0.1:") and emu.base_url.endswith("/v1")
        assert emu.port > 0
        OpenAI(base_url=emu.base_url, api_key=emu.api_key).models.list()
    with pytest.raises(openai.APIConnectionError):
        OpenAI(base_url=emu.base_url, api_key=emu.api_key, max_retries=0, timeout=2).models.list()


def test_wrong_method_is_405_in_envelope(http) -> None:
    response = http.post("/v1/models", json={})
    assert response.status_code == 405
    assert response.json()["id"] == "method_not_allowed"
    assert "use ['GET']" in response.json()["message"]

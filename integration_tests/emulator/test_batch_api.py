"""The emulator's Batch API, route by route, against the contract (raw HTTP, no client)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from langchain_gradient.emulator.batches import batch_controls
from langchain_gradient.emulator.contract import check_response

MODEL = "openai-gpt-4o-mini"


def _line(i: int, model: str = MODEL, url: str = "/v1/chat/completions") -> dict[str, Any]:
    body = {"model": model, "messages": [{"role": "user", "content": f"What is {i} + 2?"}]}
    return {"custom_id": str(i), "method": "POST", "url": url, "body": body}


def _upload(http: Any, lines: list[Any]) -> str:
    intent = http.post("/v1/batches/files", json={"file_name": "in.jsonl"})
    assert intent.status_code == 201
    assert check_response("POST", "/v1/batches/files", 201, intent.json()) is None
    raw = b"".join(
        (line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n" for line in lines
    )
    put = http.put(intent.json()["upload_url"], content=raw, headers={"Authorization": ""})
    assert put.status_code == 200
    return str(intent.json()["file_id"])


def _create(http: Any, file_id: str, request_id: str = "r1", **extra: Any) -> Any:
    body = {
        "file_id": file_id,
        "provider": "openai",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "request_id": request_id,
        **extra,
    }
    return http.post("/v1/batches", json={k: v for k, v in body.items() if v is not None})


def _wait(http: Any, batch_id: str, until: set[str], timeout: float = 20) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        record = http.get(f"/v1/batches/{batch_id}").json()
        if record["status"] in until:
            return dict(record)
        time.sleep(0.02)
    raise AssertionError(f"batch stayed {record['status']}")


@pytest.fixture
def fast(gradient_emulator: Any) -> Any:
    batch_controls(gradient_emulator.state).durations = (0.0, 0.0, 0.0)
    return gradient_emulator


def test_lifecycle_results_and_contract_shapes(fast: Any, http: Any) -> None:
    batch_controls(fast.state).fail_custom_ids = {"1"}
    created = _create(http, _upload(http, [_line(i) for i in range(3)]))
    assert created.status_code == 201
    assert check_response("POST", "/v1/batches", 201, created.json()) is None
    assert created.json()["status"] == "validating"
    batch_id = created.json()["batch_id"]
    done = _wait(http, batch_id, {"completed"})
    assert done["request_counts"] == {"total": 3, "completed": 2, "failed": 1}
    assert check_response("GET", f"/v1/batches/{batch_id}", 200, done) is None
    links = http.get(f"/v1/batches/{batch_id}/results")
    assert check_response("GET", f"/v1/batches/{batch_id}/results", 200, links.json()) is None
    output = [json.loads(x) for x in http.get(links.json()["output_file_url"]).text.splitlines()]
    failed = [json.loads(x) for x in http.get(links.json()["error_file_url"]).text.splitlines()]
    assert sorted(x["custom_id"] for x in output) == ["0", "2"]
    answer = {
        x["custom_id"]: x["response"]["body"]["choices"][0]["message"]["content"] for x in output
    }
    assert "4" in answer["2"] and "2" in answer["0"]  # the scripted model's arithmetic
    assert failed[0]["custom_id"] == "1" and failed[0]["response"]["status_code"] == 500
    listing = http.get("/v1/batches", params={"limit": 1}).json()
    assert check_response("GET", "/v1/batches", 200, listing) is None
    assert listing["data"][0]["batch_id"] == batch_id


def test_request_id_is_idempotent(fast: Any, http: Any) -> None:
    file_id = _upload(http, [_line(0)])
    first, again = _create(http, file_id), _create(http, file_id)
    assert again.status_code == 201 and again.json()["batch_id"] == first.json()["batch_id"]
    assert len(http.get("/v1/batches").json()["data"]) == 1
    retried = _create(http, _upload(http, [_line(1)]))  # a retry that re-uploaded first
    assert retried.json()["batch_id"] == first.json()["batch_id"]


def test_unknown_ids_are_404_and_early_results_412(fast: Any, http: Any) -> None:
    unknown = "0e9d1d35-3d1e-4d66-9a2f-8c7e0f6b3e21"
    assert http.get(f"/v1/batches/{unknown}").status_code == 404
    assert http.post(f"/v1/batches/{unknown}/cancel").status_code == 404
    assert _create(http, unknown).status_code == 404
    batch_controls(fast.state).stall = True
    created = _create(http, _upload(http, [_line(0)])).json()
    assert http.get(f"/v1/batches/{created['batch_id']}/results").status_code == 412


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "openai", "endpoint": None}, "endpoint"),
        ({"provider": "anthropic"}, "endpoint"),
        ({"provider": "google"}, "provider"),
        ({"completion_window": "1h"}, "completion_window"),
        ({"request_id": None}, "request_id"),
    ],
)
def test_create_checks_the_contract_rules(fast: Any, http: Any, body: Any, field: str) -> None:
    answer = _create(http, _upload(http, [_line(0)]), **body)
    assert answer.status_code == 400 and field in answer.json()["message"]


def test_bad_line_fails_the_job_naming_the_line(fast: Any, http: Any) -> None:
    lines = [_line(0), b"{not json", {"method": "POST", "url": "/v1/chat/completions", "body": {}}]
    created = _create(http, _upload(http, lines)).json()
    failed = _wait(http, created["batch_id"], {"failed"})
    assert [e["line"] for e in failed["errors"]] == [2, 3]
    assert "custom_id" in failed["errors"][1]["message"]


def test_model_the_batch_api_does_not_take_lands_in_the_error_file(fast: Any, http: Any) -> None:
    created = _create(http, _upload(http, [_line(0), _line(1, model="llama3.3-70b-instruct")]))
    done = _wait(http, created.json()["batch_id"], {"completed"})
    assert done["request_counts"]["failed"] == 1


def test_cancel_then_cancelled_with_unrun_lines_reported(fast: Any, http: Any) -> None:
    batch_controls(fast.state).stall = True
    created = _create(http, _upload(http, [_line(i) for i in range(4)])).json()
    _wait(http, created["batch_id"], {"in_progress"})
    cancelling = http.post(f"/v1/batches/{created['batch_id']}/cancel")
    assert cancelling.status_code == 200 and cancelling.json()["status"] == "cancelling"
    done = _wait(http, created["batch_id"], {"cancelled"})
    assert done["cancelled_at"]
    assert http.post(f"/v1/batches/{created['batch_id']}/cancel").status_code == 409
    links = http.get(f"/v1/batches/{created['batch_id']}/results").json()
    unrun = [json.loads(x) for x in http.get(links["error_file_url"]).text.splitlines()]
    assert {x["error"]["code"] for x in unrun} == {"batch_cancelled"} and len(unrun) == 4


def test_expired_past_the_completion_window(fast: Any, http: Any) -> None:
    batch_controls(fast.state).stall = True
    created = _create(http, _upload(http, [_line(0)])).json()
    _wait(http, created["batch_id"], {"in_progress"})
    fast.clock.advance(24 * 3600 + 1)
    done = _wait(http, created["batch_id"], {"expired"})
    links = http.get(f"/v1/batches/{created['batch_id']}/results").json()
    unrun = json.loads(http.get(links["error_file_url"]).text)
    assert done["status"] == "expired" and unrun["error"]["code"] == "batch_expired"


def test_upload_url_expires_after_15_minutes_and_is_signed(fast: Any, http: Any) -> None:
    intent = http.post("/v1/batches/files", json={"file_name": "in.jsonl"}).json()
    tampered = intent["upload_url"].replace("X-Amz-Expires=900", "X-Amz-Expires=99999")
    refused = http.put(tampered, content=b"{}\n")
    assert refused.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in refused.text
    fast.clock.advance(901)
    expired = http.put(intent["upload_url"], content=b"{}\n")
    assert expired.status_code == 403  # as S3 answers an expired presigned URL: XML
    assert expired.headers["content-type"].startswith("application/xml")
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in expired.text
    assert "<X-Amz-Expires>900</X-Amz-Expires>" in expired.text
    assert (
        http.post("/v1/batches/files", json={"file_name": "inputs.txt"}).status_code == 400
    )  # the contract pattern: .jsonl


def test_anthropic_lines_answer_in_message_batches_shape(fast: Any, http: Any) -> None:
    params = {
        "model": "anthropic-claude-4.5-haiku",
        "max_tokens": 256,
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "What is 3 + 4?"}],
    }
    file_id = _upload(http, [{"custom_id": "a", "params": params}])
    created = http.post(
        "/v1/batches",
        json={
            "file_id": file_id,
            "provider": "anthropic",
            "completion_window": "24h",
            "request_id": "x",
        },
    ).json()
    _wait(http, created["batch_id"], {"completed"})
    links = http.get(f"/v1/batches/{created['batch_id']}/results").json()
    line = json.loads(http.get(links["output_file_url"]).text)
    message = line["result"]["message"]
    assert line["result"]["type"] == "succeeded" and message["type"] == "message"
    assert "7" in message["content"][0]["text"] and message["stop_reason"] == "end_turn"
    assert links["error_file_url"] is None

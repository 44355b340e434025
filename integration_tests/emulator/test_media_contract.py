"""Images, async-invoke jobs, embeddings and the control plane, over HTTP."""

from __future__ import annotations

import base64
import io
import math
import struct
import wave
import zlib

import openai
import pytest
from openai import OpenAI


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking every chunk's CRC and the pixel data length."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, size = 8, b"", (0, 0)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunk = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + chunk)
        if kind == b"IHDR":
            size = struct.unpack(">II", chunk[:8])
        idat += chunk if kind == b"IDAT" else b""
        position += 12 + length
    width, height = size
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)
    return width, height


# ------------------------------------------------------------------ images


@pytest.mark.parametrize("size", ["256x256", "512x512", "1024x1024", "1536x1024", "1024x1536"])
def test_image_is_a_real_png_of_the_requested_size(client, size) -> None:
    result = client.images.generate(
        model="openai-gpt-image-1", prompt="A sea otter", size=size, n=1
    )
    width, height = png_size(base64.b64decode(result.data[0].b64_json))
    assert f"{width}x{height}" == size
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0


def test_image_auto_size_and_n(client) -> None:
    result = client.images.generate(model="openai-gpt-image-1", prompt="otter", size="auto", n=3)
    assert len(result.data) == 3
    assert png_size(base64.b64decode(result.data[2].b64_json)) == (1024, 1024)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"size": "100x100"}, "size must be one of"),
        ({"n": 0}, "n must be bigger than or equal to 1 (rule: minimum)"),
        ({"n": 11}, "n must be smaller than or equal to 10 (rule: maximum)"),
        ({"prompt": ""}, "prompt must be longer than or equal to 1 characters"),
        ({"quality": "ultra"}, "quality must be one of"),
    ],
)
def test_image_validation(http, extra, fragment) -> None:
    body = {"model": "openai-gpt-image-1", "prompt": "otter", "size": "1024x1024", "n": 1, **extra}
    response = http.post("/v1/images/generations", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["message"]


def test_image_model_must_be_an_image_model(client) -> None:
    with pytest.raises(openai.BadRequestError, match="image"):
        client.images.generate(model="llama3.3-70b-instruct", prompt="x", size="256x256", n=1)


# ------------------------------------------------------------------ async-invoke


def submit(http, model_id: str, job_input: dict) -> dict:
    response = http.post(
        "/v1/async-invoke",
        json={"model_id": model_id, "input": job_input, "tags": [{"key": "type", "value": "test"}]},
    )
    assert response.status_code == 202
    return response.json()


def test_job_moves_through_states_on_the_clock(gradient_emulator, http) -> None:
    record = submit(http, "fal-ai/flux/schnell", {"prompt": "A city at sunset", "num_images": 2})
    assert record["status"] == "QUEUED" and record["output"] is None
    assert record["created_at"].endswith("Z") and len(record["created_at"].split(".")[1]) == 10
    job = f"/v1/async-invoke/{record['request_id']}"
    gradient_emulator.clock.advance(1.5)
    assert http.get(job + "/status").json()["status"] == "IN_PROGRESS"
    gradient_emulator.clock.advance(5)
    status = http.get(job + "/status").json()
    final = http.get(job).json()
    assert status["status"] == final["status"] == "COMPLETED"
    assert final["started_at"] and final["completed_at"]
    images = final["output"]["images"]
    assert len(images) == 2 and images[0]["content_type"] == "image/png"
    download = http.get(images[0]["url"], headers={"Authorization": ""})
    assert download.status_code == 200 and download.headers["content-type"] == "image/png"
    assert png_size(download.content) == (images[0]["width"], images[0]["height"]) == (1024, 768)


def test_audio_and_speech_jobs_serve_real_wav(gradient_emulator, http) -> None:
    audio = submit(
        http, "fal-ai/stable-audio-25/text-to-audio", {"prompt": "Techno", "seconds_total": 3}
    )
    speech = submit(
        http, "fal-ai/elevenlabs/tts/multilingual-v2", {"text": "Hello from the emulator"}
    )
    gradient_emulator.clock.advance(60)
    for record, seconds in ((audio, 3.0), (speech, None)):
        output = http.get(f"/v1/async-invoke/{record['request_id']}").json()["output"]
        clip = http.get(output["audio"]["url"])
        assert clip.headers["content-type"] == output["audio"]["content_type"] == "audio/wav"
        with wave.open(io.BytesIO(clip.content)) as reader:
            duration = reader.getnframes() / reader.getframerate()
        assert duration > 0 and (seconds is None or math.isclose(duration, seconds))


def test_forced_failure_and_never_finishing_jobs(gradient_emulator, http) -> None:
    gradient_emulator.plan_jobs("FAILED", error="Safety checker rejected the prompt")
    gradient_emulator.plan_jobs("NEVER")
    failed = submit(http, "fal-ai/fast-sdxl", {"prompt": "x"})
    stuck = submit(http, "fal-ai/fast-sdxl", {"prompt": "y"})
    normal = submit(http, "fal-ai/fast-sdxl", {"prompt": "z"})
    gradient_emulator.clock.advance(3600)
    failed_record = http.get(f"/v1/async-invoke/{failed['request_id']}").json()
    assert failed_record["status"] == "FAILED" and failed_record["output"] is None
    assert failed_record["error"] == "Safety checker rejected the prompt"
    assert (
        http.get(f"/v1/async-invoke/{stuck['request_id']}/status").json()["status"] == "IN_PROGRESS"
    )
    assert http.get(f"/v1/async-invoke/{normal['request_id']}").json()["status"] == "COMPLETED"


def test_job_durations_are_configurable_and_clock_speeds_up(make_gradient_emulator) -> None:
    import time

    import httpx2

    emu = make_gradient_emulator(clock_speed=1000, job_durations={"fal-ai/flux": (0.0, 30.0)})
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    record = httpx2.post(
        emu.base_url + "/async-invoke",
        headers=headers,
        json={"model_id": "fal-ai/flux/schnell", "input": {"prompt": "x"}},
    ).json()
    time.sleep(0.1)  # 100 emulated seconds
    assert (
        httpx2.get(f"{emu.base_url}/async-invoke/{record['request_id']}", headers=headers).json()[
            "status"
        ]
        == "COMPLETED"
    )


def test_async_invoke_can_answer_200(gradient_emulator, http) -> None:
    gradient_emulator.config.async_invoke_status = 200
    response = http.post(
        "/v1/async-invoke", json={"model_id": "fal-ai/flux/schnell", "input": {"prompt": "x"}}
    )
    assert response.status_code == 200 and response.json()["status"] == "QUEUED"


def test_async_invoke_errors(http) -> None:
    assert http.get("/v1/async-invoke/not-a-job/status").status_code == 404
    assert http.get("/v1/async-invoke/not-a-job").status_code == 404
    bad = http.post(
        "/v1/async-invoke", json={"model_id": "fal-ai/elevenlabs/tts/multilingual-v2", "input": {}}
    )
    assert bad.status_code == 400 and "input.text" in bad.json()["message"]
    chat_model = http.post(
        "/v1/async-invoke", json={"model_id": "llama3.3-70b-instruct", "input": {"prompt": "x"}}
    )
    assert chat_model.status_code == 400
    unknown = http.post(
        "/v1/async-invoke", json={"model_id": "fal-ai/nope", "input": {"prompt": "x"}}
    )
    assert unknown.status_code == 404


# ------------------------------------------------------------------ embeddings


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embeddings_shared_words_are_closer(client) -> None:
    texts = ["The cat sat on the mat", "A cat sleeps on a mat", "Quarterly revenue grew 8 percent"]
    vectors = [d.embedding for d in client.embeddings.create(model="bge-m3", input=texts).data]
    assert len(vectors[0]) == 1024
    assert all(math.isclose(cosine(v, v), 1.0, rel_tol=1e-5) for v in vectors)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.2


def test_embeddings_are_deterministic_in_float_and_base64(client) -> None:
    first = client.embeddings.create(
        model="qwen3-embedding-0.6b", input="hello world", encoding_format="float"
    )
    second = client.embeddings.create(model="qwen3-embedding-0.6b", input="hello world")
    assert len(first.data[0].embedding) == 1024
    assert first.data[0].embedding == pytest.approx(second.data[0].embedding, rel=1e-6)
    assert first.usage.prompt_tokens == first.usage.total_tokens > 0


def test_embeddings_validation(http) -> None:
    assert http.post("/v1/embeddings", json={"model": "bge-m3", "input": []}).status_code == 400
    # The contract's request schema has additionalProperties: false; dimensions is not in it.
    dims = http.post("/v1/embeddings", json={"model": "bge-m3", "input": "x", "dimensions": 8})
    assert dims.status_code == 400 and "dimensions" in dims.json()["message"]
    tokens = http.post("/v1/embeddings", json={"model": "bge-m3", "input": [1, 2, 3]})
    assert tokens.status_code == 400 and "must be string" in tokens.json()["message"]
    over = http.post("/v1/embeddings", json={"model": "bge-m3", "input": ["x"] * 2049})
    assert over.status_code == 400 and "2048" in over.json()["message"]
    user = http.post("/v1/embeddings", json={"model": "bge-m3", "input": "x", "user": "u-1"})
    assert user.status_code == 200
    assert (
        http.post(
            "/v1/embeddings", json={"model": "llama3.3-70b-instruct", "input": "x"}
        ).status_code
        == 400
    )


def test_embeddings_refuse_dimensions_as_the_contract_says(http) -> None:
    # the contract's embeddings request has additionalProperties: false
    dims = http.post("/v1/embeddings", json={"model": "bge-m3", "input": "x", "dimensions": 32})
    assert dims.status_code == 400 and "dimensions is not a field" in dims.json()["message"]


# ------------------------------------------------------------------ control plane


def test_model_access_key_lifecycle(gradient_emulator) -> None:
    import httpx2

    control = httpx2.Client(
        base_url=gradient_emulator.origin + "/v2/gen-ai/models/api_keys",
        headers={"Authorization": f"Bearer {gradient_emulator.control_token}"},
    )
    retired = control.post("", json={"name": "test-key"})
    assert retired.status_code == 410 and retired.json()["id"] == "gone"
    created = gradient_emulator.create_api_key("test-key")
    secret, key_uuid = created["secret_key"], created["uuid"]
    assert created["name"] == "test-key" and created.get("deleted_at") is None
    assert OpenAI(base_url=gradient_emulator.base_url, api_key=secret).models.list().data

    listing = control.get("").json()
    assert listing["meta"]["total"] == 1
    assert "secret_key" not in listing["api_key_infos"][0]

    renamed = control.put(
        f"/{key_uuid}", json={"api_key_uuid": key_uuid, "name": "test-key2"}
    ).json()
    assert renamed["api_key_info"]["name"] == "test-key2"

    regenerated = control.put(f"/{key_uuid}/regenerate").json()["api_key_info"]
    assert regenerated["secret_key"] != secret
    with pytest.raises(openai.AuthenticationError):
        OpenAI(base_url=gradient_emulator.base_url, api_key=secret, max_retries=0).models.list()
    new_client = OpenAI(
        base_url=gradient_emulator.base_url, api_key=regenerated["secret_key"], max_retries=0
    )
    assert new_client.models.list().data

    deleted = control.delete(f"/{key_uuid}").json()["api_key_info"]
    assert deleted["deleted_at"] is not None
    with pytest.raises(openai.AuthenticationError):
        new_client.models.list()
    assert control.delete(f"/{key_uuid}").status_code == 404


def test_control_plane_needs_the_control_token(gradient_emulator) -> None:
    import httpx2

    url = gradient_emulator.origin + "/v2/gen-ai/models/api_keys"
    assert httpx2.get(url).status_code == 401
    model_key = httpx2.get(url, headers={"Authorization": f"Bearer {gradient_emulator.api_key}"})
    assert model_key.status_code == 401
    retired = httpx2.post(
        url, json={}, headers={"Authorization": f"Bearer {gradient_emulator.control_token}"}
    )
    assert retired.status_code == 410  # authenticated, then told the route is gone


def test_image_streaming_partial_then_completed(http) -> None:
    import json

    response = http.post(
        "/v1/images/generations",
        json={
            "model": "openai-gpt-image-1",
            "prompt": "otter",
            "size": "256x256",
            "n": 1,
            "stream": True,
            "partial_images": 2,
        },
    )
    events = [json.loads(b[6:]) for b in response.text.split("\n\n") if b.startswith("data: {")]
    assert [e["type"] for e in events] == ["image_generation.partial_image"] * 2 + [
        "image_generation.completed"
    ]
    assert png_size(base64.b64decode(events[-1]["b64_json"])) == (256, 256)
    assert events[-1]["usage"]["total_tokens"] > 0
    bad = http.post(
        "/v1/images/generations",
        json={
            "model": "openai-gpt-image-1",
            "prompt": "otter",
            "stream": True,
            "partial_images": 0,
        },
    )
    assert bad.status_code == 400


def test_key_listing_pages(gradient_emulator) -> None:
    import httpx2

    control = httpx2.Client(
        base_url=gradient_emulator.origin + "/v2/gen-ai/models/api_keys",
        headers={"Authorization": f"Bearer {gradient_emulator.control_token}"},
    )
    for index in range(3):
        gradient_emulator.create_api_key(f"key-{index}")
    first = control.get("", params={"per_page": 2}).json()
    assert [i["name"] for i in first["api_key_infos"]] == ["key-0", "key-1"]
    assert first["meta"] == {"page": 1, "pages": 2, "total": 3}
    second = control.get(first["links"]["pages"]["next"]).json()
    assert [i["name"] for i in second["api_key_infos"]] == ["key-2"]
    assert "next" not in second["links"]["pages"]

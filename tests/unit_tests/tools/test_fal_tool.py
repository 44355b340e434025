"""GradientFalTool: schema by model kind, short content, full artifact, files, events."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import ToolMessage
from langchain_core.tools import ToolException

from langchain_gradient.callbacks import get_gradient_callback
from langchain_gradient.tools import (
    FAL_STATUS_EVENT,
    MEDIA_USAGE_EVENT,
    FalJobClient,
    FalJobFailedError,
    FalJobTimeoutError,
    FalPollPolicy,
    GradientFalTool,
    MediaDownloadError,
    detect_fal_kind,
)
from langchain_gradient.tools.fal import FalAudioArgs, FalImageArgs, FalSpeechArgs
from tests.unit_tests.tools.fake_gradient import JPEG, MP3, FakeGradient, polls_around_cancel

FLUX = "fal-ai/flux/schnell"
TTS = "fal-ai/elevenlabs/tts/multilingual-v2"
AUDIO = "fal-ai/stable-audio-25/text-to-audio"


class EventLog(BaseCallbackHandler):
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: UUID,
        tags: Any = None,
        metadata: Any = None,
        **kwargs: Any,
    ) -> None:
        self.events.append((name, data))


def make_tool(fake: FakeGradient, model_id: str = FLUX, **kwargs: Any) -> GradientFalTool:
    policy = FalPollPolicy(**kwargs.pop("policy", {}))
    connection = fake.connection()
    client = FalJobClient(
        **connection,
        poll_policy=policy,
        sleep=fake.clock.sleep,
        async_sleep=fake.clock.async_sleep,
        clock=fake.clock.monotonic,
    )
    return GradientFalTool(model_id=model_id, job_client=client, **connection, **kwargs)


def call(tool: GradientFalTool, **args: Any) -> dict[str, Any]:
    return {"type": "tool_call", "id": "call-1", "name": tool.name, "args": args}


@pytest.mark.parametrize(
    ("model_id", "kind", "schema"),
    [
        (FLUX, "image", FalImageArgs),
        ("fal-ai/fast-sdxl", "image", FalImageArgs),
        (AUDIO, "audio", FalAudioArgs),
        (TTS, "speech", FalSpeechArgs),
    ],
)
def test_schema_fits_the_model_kind(model_id: str, kind: str, schema: type) -> None:
    tool = GradientFalTool(model_id=model_id, api_key="k")
    assert detect_fal_kind(model_id) == kind
    assert tool.kind == kind and tool.args_schema is schema
    props = tool.tool_call_schema.model_json_schema()["properties"]  # type: ignore[union-attr]
    assert {"extra_input", "tags"} <= set(props)
    assert ("text" in props) == (kind == "speech")
    assert ("seconds_total" in props) == (kind == "audio")
    assert ("num_images" in props) == (kind == "image")


def test_kind_override_and_unknown_ids() -> None:
    assert GradientFalTool(model_id="fal-ai/some-new-model", kind="image", api_key="k").kind == (
        "image"
    )
    with pytest.raises(ValueError, match="kind="):
        GradientFalTool(model_id="fal-ai/some-new-model", api_key="k")


def test_image_job_downloads_files_and_keeps_content_short(tmp_path: Path) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, output_dir=tmp_path)
    msg = tool.invoke(call(tool, prompt="a futuristic city", num_images=2, guidance_scale=3.5))
    assert isinstance(msg, ToolMessage)
    files = msg.artifact["files"]
    assert [Path(f["path"]).read_bytes() for f in files] == [JPEG, JPEG]
    assert all(Path(f["path"]).parent == tmp_path.resolve() for f in files)
    assert msg.content == f"{FLUX} made 2 images: " + ", ".join(f["path"] for f in files)
    assert msg.artifact["usage"] == {"images": 2, "megapixels": 2 * 1024 * 768 / 1e6}
    assert msg.artifact["request_id"] in fake.jobs
    (body,) = fake.bodies("/v1/async-invoke")
    assert body["input"] == {"prompt": "a futuristic city", "num_images": 2, "guidance_scale": 3.5}
    # The key goes to Gradient only, never to the file host.
    downloads = [r for r in fake.requests if r.url.host == "files.test"]
    assert downloads and all("authorization" not in r.headers for r in downloads)


def test_without_output_dir_the_urls_are_returned(tmp_path: Path) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, model_id=TTS)
    msg = tool.invoke(call(tool, text="Hello there"))
    (file,) = msg.artifact["files"]
    assert file["url"].startswith("http://files.test/") and file["url"] in msg.content
    assert msg.artifact["usage"] == {"characters": len("Hello there")}
    assert not [r for r in fake.requests if r.url.host == "files.test"]


def test_inline_data_uri_output_never_reaches_the_content() -> None:
    fake = FakeGradient()
    tool = make_tool(fake, model_id=TTS)
    uri = "data:audio/mpeg;base64," + base64.b64encode(MP3).decode()
    fake_submit = fake._submit

    def submit_with_inline(body: dict[str, Any]) -> Any:
        response = fake_submit(body)
        for job in fake.jobs.values():
            job.output = {"audio": {"url": uri, "content_type": "audio/mpeg"}}
        return response

    fake._submit = submit_with_inline  # type: ignore[method-assign]
    msg = tool.invoke(call(tool, text="hi"))
    assert base64.b64encode(MP3).decode()[:20] not in msg.content
    assert "in the artifact" in msg.content
    assert msg.artifact["files"][0]["bytes"] == MP3


def test_audio_usage_records_seconds(tmp_path: Path) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, model_id=AUDIO, output_dir=tmp_path)
    msg = tool.invoke(call(tool, prompt="techno", seconds_total=60))
    assert msg.artifact["usage"] == {"seconds": 60}
    assert Path(msg.artifact["files"][0]["path"]).suffix == ".mp3"


def test_extra_input_and_tags_are_sent() -> None:
    fake = FakeGradient()
    tool = make_tool(fake, job_tags={"app": "demo"})
    tool.invoke(call(tool, prompt="x", extra_input={"seed": 42}, tags={"run": "1"}))
    (body,) = fake.bodies("/v1/async-invoke")
    assert body["input"] == {"prompt": "x", "seed": 42}
    assert body["tags"] == [{"key": "app", "value": "demo"}, {"key": "run", "value": "1"}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"prompt": "  "}, "empty"),
        ({"prompt": "x", "num_images": 0}, "num_images"),
        ({"prompt": "x", "extra_input": {"prompt": "y"}}, "repeats prompt"),
    ],
)
def test_bad_arguments_fail_before_any_request(args: dict[str, Any], message: str) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, handle_tool_error=False)  # raise, as with a plain BaseTool
    with pytest.raises(ToolException, match=message):
        tool.invoke(call(tool, **args))
    assert fake.requests == []


def test_failed_job_is_a_tool_exception_with_the_server_error(tmp_path: Path) -> None:
    fake = FakeGradient(fail_with="model crashed")
    tool = make_tool(fake, output_dir=tmp_path, handle_tool_error=False)
    with pytest.raises(FalJobFailedError, match="model crashed") as info:
        tool.invoke(call(tool, prompt="x"))
    assert isinstance(info.value, ToolException)
    assert list(tmp_path.iterdir()) == []


def test_failed_job_can_be_handed_back_to_the_model() -> None:
    fake = FakeGradient(fail_with="model crashed")
    tool = make_tool(fake, handle_tool_error=True)
    msg = tool.invoke(call(tool, prompt="x"))
    assert msg.status == "error" and "model crashed" in msg.content


def test_timeout_then_resume_through_the_tool(tmp_path: Path) -> None:
    fake = FakeGradient(job_duration=90.0)
    tool = make_tool(fake, output_dir=tmp_path, policy={"timeout": 30.0}, handle_tool_error=False)
    with pytest.raises(FalJobTimeoutError) as info:
        tool.invoke(call(tool, prompt="slow"))
    assert list(tmp_path.iterdir()) == []
    content, artifact = tool.resume(info.value.request_id, timeout=120.0)
    assert artifact["request_id"] == info.value.request_id
    assert Path(artifact["files"][0]["path"]).read_bytes() == JPEG
    assert artifact["files"][0]["path"] in content


def test_cut_download_leaves_no_partial_file(tmp_path: Path) -> None:
    fake = FakeGradient(cut_downloads=True)
    tool = make_tool(fake, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError, match="no file was written") as info:
        tool.invoke(call(tool, prompt="x"))
    assert list(tmp_path.iterdir()) == []
    assert info.value.request_id in fake.jobs
    fake.cut_downloads = False
    _, artifact = tool.resume(info.value.request_id)
    assert Path(artifact["files"][0]["path"]).read_bytes() == JPEG


def test_a_call_keeps_all_its_files_or_none(tmp_path: Path) -> None:
    fake = FakeGradient(cut_downloads=True, cut_only="-2.jpg")
    tool = make_tool(fake, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError):
        tool.invoke(call(tool, prompt="x", num_images=3))
    downloads = [r.url.path for r in fake.requests if r.url.host == "files.test"]
    assert len(downloads) == 3  # two complete files were written, then removed
    assert list(tmp_path.iterdir()) == []


async def test_cut_download_leaves_no_partial_file_async(tmp_path: Path) -> None:
    fake = FakeGradient(cut_downloads=True)
    tool = make_tool(fake, model_id=TTS, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError):
        await tool.ainvoke(call(tool, text="x"))
    assert list(tmp_path.iterdir()) == []


def test_status_and_usage_events_reach_callbacks() -> None:
    fake = FakeGradient(job_duration=3.0)
    tool = make_tool(fake)
    log = EventLog()
    msg = tool.invoke(call(tool, prompt="x"), config={"callbacks": [log]})
    statuses = [d for n, d in log.events if n == FAL_STATUS_EVENT]
    assert [s["status"] for s in statuses] == ["QUEUED", "IN_PROGRESS", "COMPLETED"]
    assert all(s["request_id"] == msg.artifact["request_id"] for s in statuses)
    assert statuses[-1]["elapsed"] >= 3.0
    usage = [d for n, d in log.events if n == MEDIA_USAGE_EVENT]
    # flux is priced per megapixel: that is the unit sent for cost tracking.
    assert usage == [{"model": FLUX, "tool": tool.name, "megapixels": 1024 * 768 / 1e6}]


@pytest.mark.parametrize(
    ("model_id", "args", "expected_usd"),
    [
        (FLUX, {"prompt": "x", "num_images": 2}, 2 * 1024 * 768 / 1e6 * 0.003),
        (AUDIO, {"prompt": "x", "seconds_total": 30}, 30 * 0.00058),
        (TTS, {"text": "x" * 500}, 0.5 * 0.1),
    ],
)
def test_cost_tracking_counts_fal_jobs(
    model_id: str, args: dict[str, Any], expected_usd: float
) -> None:
    tool = make_tool(FakeGradient(), model_id=model_id)
    with get_gradient_callback() as cb:
        tool.invoke(call(tool, **args))
    assert cb.cost_known
    assert cb.total_cost_usd == pytest.approx(expected_usd)


def test_compute_seconds_come_from_the_job_timestamps() -> None:
    from langchain_gradient.tools.fal import _usage
    from langchain_gradient.tools.fal_jobs import FalJob

    job = FalJob(
        request_id="r",
        status="COMPLETED",
        started_at="2026-01-22T19:19:19.112403432Z",
        completed_at="2026-01-22T19:19:21.612403432Z",
    )
    assert _usage("image", {}, job, [])["seconds"] == pytest.approx(2.5)


async def test_async_invoke_events_and_files(tmp_path: Path) -> None:
    fake = FakeGradient(job_duration=3.0)
    tool = make_tool(fake, model_id=TTS, output_dir=tmp_path)
    log = EventLog()
    msg = await tool.ainvoke(call(tool, text="Hello"), config={"callbacks": [log]})
    assert Path(msg.artifact["files"][0]["path"]).read_bytes() == MP3
    assert [d["status"] for n, d in log.events if n == FAL_STATUS_EVENT][-1] == "COMPLETED"


async def test_status_events_stream_through_astream_events() -> None:
    fake = FakeGradient(job_duration=3.0)
    tool = make_tool(fake)
    names = [
        (event["name"], event["data"].get("status"))
        async for event in tool.astream_events(call(tool, prompt="x"), version="v2")
        if event["event"] == "on_custom_event"
    ]
    assert (FAL_STATUS_EVENT, "COMPLETED") in names


def test_key_never_appears_in_repr_or_dump() -> None:
    tool = GradientFalTool(model_id=FLUX, api_key="sk-secret-value")
    assert "sk-secret-value" not in repr(tool)
    assert "sk-secret-value" not in str(tool.model_dump())


async def test_cancelling_the_tool_call_stops_polling(tmp_path: Path) -> None:
    fake = FakeGradient(job_duration=10_000.0)
    tool = make_tool(fake, output_dir=tmp_path)
    at_cancel, later = await polls_around_cancel(fake, tool.ainvoke(call(tool, prompt="x")))
    assert at_cancel >= 2 and later == at_cancel
    assert list(tmp_path.iterdir()) == []

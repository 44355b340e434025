"""Media tools over the emulator, under faults: no partial files, resumable failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.tools import ToolException

pytest.importorskip("langchain_gradient.emulator.runtime", reason="the emulator is not built")

from integration_tests.tools_helpers import (
    AUDIO,
    FLUX,
    TTS,
    connection,
    fal_tool,
    leftovers,
)
from langchain_gradient.emulator import Fault, GradientEmulator
from langchain_gradient.tools import (
    FalJobFailedError,
    FalJobTimeoutError,
    GradientImageTool,
    MediaDownloadError,
)

pytestmark = pytest.mark.emulator_only  # injects faults and plans jobs on the emulator


def call(name: str, **args: object) -> dict[str, object]:
    return {"type": "tool_call", "id": "call-1", "name": name, "args": args}


def test_image_tool_writes_real_pngs(gradient_emulator: GradientEmulator, tmp_path: Path) -> None:
    tool = GradientImageTool(**connection(gradient_emulator), output_dir=tmp_path)
    msg = tool.invoke(call(tool.name, prompt="a lighthouse at dusk", n=2, size="512x512"))
    paths = [Path(i["path"]) for i in msg.artifact["images"]]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)
    assert sorted(p.name for p in paths) == leftovers(tmp_path)
    assert msg.artifact["usage"]["images"] == 2


@pytest.mark.parametrize("size", ["256x256", "1024x1024", "auto", "1536x1024"])
def test_both_documented_size_sets_pass_the_emulator(
    gradient_emulator: GradientEmulator, size: str
) -> None:
    tool = GradientImageTool(**connection(gradient_emulator))
    msg = tool.invoke(call(tool.name, prompt="a cat", size=size))
    assert msg.artifact["images"][0]["bytes"].startswith(b"\x89PNG")


def test_image_request_cut_mid_body_leaves_nothing(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.inject(Fault.disconnect(), path="/v1/images/generations", times=None)
    tool = GradientImageTool(**connection(gradient_emulator), output_dir=tmp_path, max_retries=0)
    with pytest.raises(Exception) as info:
        tool.invoke(call(tool.name, prompt="a cat"))
    assert not isinstance(info.value, AssertionError)
    assert leftovers(tmp_path) == []


def test_fal_image_audio_and_speech_end_to_end(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    image = fal_tool(gradient_emulator, FLUX, output_dir=tmp_path).invoke(
        call("x", prompt="a futuristic city", num_images=2, output_format="landscape_4_3")
    )
    audio = fal_tool(gradient_emulator, AUDIO, output_dir=tmp_path).invoke(
        call("x", prompt="techno", seconds_total=3)
    )
    speech = fal_tool(gradient_emulator, TTS, output_dir=tmp_path).invoke(call("x", text="Hi"))
    assert len(image.artifact["files"]) == 2
    assert image.artifact["files"][0]["width"] == 1024
    assert Path(audio.artifact["files"][0]["path"]).read_bytes().startswith(b"RIFF")
    assert Path(speech.artifact["files"][0]["path"]).suffix == ".wav"
    assert audio.artifact["usage"] == {"seconds": 3}
    assert speech.artifact["usage"] == {"characters": 2}
    assert len(leftovers(tmp_path)) == 4


@pytest.mark.parametrize("submit_status", [200, 202])
def test_submit_answered_200_or_202(
    gradient_emulator: GradientEmulator, submit_status: int
) -> None:
    gradient_emulator.config.async_invoke_status = submit_status
    msg = fal_tool(gradient_emulator).invoke(call("x", prompt="a boat"))
    assert msg.artifact["status"] == "COMPLETED"


def test_failed_job(gradient_emulator: GradientEmulator, tmp_path: Path) -> None:
    gradient_emulator.plan_jobs("FAILED", error="NSFW content detected")
    tool = fal_tool(gradient_emulator, output_dir=tmp_path, handle_tool_error=False)
    with pytest.raises(FalJobFailedError, match="NSFW content detected") as info:
        tool.invoke(call("x", prompt="x"))
    assert isinstance(info.value, ToolException)
    assert leftovers(tmp_path) == []


def test_never_finishing_job_times_out_with_its_request_id(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.plan_jobs("NEVER")
    tool = fal_tool(
        gradient_emulator, output_dir=tmp_path, policy={"timeout": 120}, handle_tool_error=False
    )
    with pytest.raises(FalJobTimeoutError) as info:
        tool.invoke(call("x", prompt="x"))
    request_id = info.value.request_id
    assert request_id in str(info.value) and info.value.last_status == "IN_PROGRESS"
    # Resuming finds the same job, still running.
    with pytest.raises(FalJobTimeoutError) as again:
        tool.jobs.wait_for_job(request_id, timeout=30)
    assert again.value.request_id == request_id
    assert leftovers(tmp_path) == []


def test_slow_job_times_out_then_resumes_to_completion(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.config.job_durations = {FLUX: (1.0, 300.0)}
    tool = fal_tool(
        gradient_emulator, output_dir=tmp_path, policy={"timeout": 60}, handle_tool_error=False
    )
    with pytest.raises(FalJobTimeoutError) as info:
        tool.invoke(call("x", prompt="a slow render"))
    assert leftovers(tmp_path) == []
    submits = gradient_emulator.request_log.records(path="/v1/async-invoke", method="POST")
    content, artifact = tool.resume(info.value.request_id, timeout=600)
    assert artifact["request_id"] == info.value.request_id
    assert Path(artifact["files"][0]["path"]).read_bytes().startswith(b"\x89PNG")
    assert artifact["files"][0]["path"] in content
    assert gradient_emulator.request_log.records(path="/v1/async-invoke", method="POST") == submits


async def test_slow_job_resumes_async(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.config.job_durations = {TTS: (0.0, 200.0)}
    tool = fal_tool(gradient_emulator, TTS, policy={"timeout": 20}, handle_tool_error=False)
    with pytest.raises(FalJobTimeoutError) as info:
        await tool.ainvoke(call("x", text="hello"))
    _, artifact = await tool.aresume(info.value.request_id, timeout=500)
    assert artifact["status"] == "COMPLETED"


def test_503s_while_polling_are_ridden_out(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.inject(Fault.status(503), times=4, path="/v1/async-invoke/*", method="GET")
    msg = fal_tool(gradient_emulator, output_dir=tmp_path).invoke(call("x", prompt="x"))
    assert Path(msg.artifact["files"][0]["path"]).exists()
    faulted = [r for r in gradient_emulator.request_log if r.fault == "status:503"]
    assert len(faulted) == 4


def test_rate_limit_with_retry_after_while_polling(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.inject(
        Fault.rate_limited(retry_after=5), times=1, path="/v1/async-invoke/*", method="GET"
    )
    tool = fal_tool(gradient_emulator, policy={"jitter": 0.0})
    start = gradient_emulator.clock.now()
    tool.invoke(call("x", prompt="x"))
    assert gradient_emulator.clock.now() - start >= 5.0


def test_cut_connection_while_polling_is_ridden_out(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.inject(Fault.disconnect(), times=2, path="/v1/async-invoke/*", method="GET")
    msg = fal_tool(gradient_emulator).invoke(call("x", prompt="x"))
    assert msg.artifact["status"] == "COMPLETED"


def test_cut_download_leaves_no_partial_file_and_can_be_resumed(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.inject(Fault.disconnect(), times=1, path="/files/*")
    tool = fal_tool(gradient_emulator, AUDIO, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError) as info:
        tool.invoke(call("x", prompt="rain", seconds_total=5))
    assert leftovers(tmp_path) == []
    assert info.value.request_id is not None
    _, artifact = tool.resume(info.value.request_id)
    assert Path(artifact["files"][0]["path"]).read_bytes().startswith(b"RIFF")
    assert leftovers(tmp_path) == [Path(artifact["files"][0]["path"]).name]


async def test_cut_download_async_leaves_nothing(
    gradient_emulator: GradientEmulator, tmp_path: Path
) -> None:
    gradient_emulator.inject(Fault.disconnect(), times=None, path="/files/*")
    tool = fal_tool(gradient_emulator, FLUX, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError):
        await tool.ainvoke(call("x", prompt="x", num_images=3))
    assert leftovers(tmp_path) == []


def test_key_is_not_logged_in_clear(gradient_emulator: GradientEmulator) -> None:
    fal_tool(gradient_emulator).invoke(call("x", prompt="x"))
    for record in gradient_emulator.request_log:
        assert gradient_emulator.api_key not in str(record.headers)


def test_image_generation_retries_a_503(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.inject(Fault.status(503, retry_after=0), path="/v1/images/generations")
    tool = GradientImageTool(**connection(gradient_emulator), max_retries=2)
    msg = tool.invoke(call(tool.name, prompt="a cat"))
    assert msg.artifact["images"][0]["bytes"].startswith(b"\x89PNG")
    assert len(gradient_emulator.request_log.records(path="/v1/images/generations")) == 2


def test_emulator_rejection_is_a_translated_error(gradient_emulator: GradientEmulator) -> None:
    from langchain_gradient import GradientBadRequestError

    gradient_emulator.config.image_sizes = ("auto",)
    tool = GradientImageTool(
        **connection(gradient_emulator), handle_tool_error=False
    )  # allows more
    with pytest.raises(GradientBadRequestError, match="size"):
        tool.invoke(call(tool.name, prompt="a cat", size="512x512"))

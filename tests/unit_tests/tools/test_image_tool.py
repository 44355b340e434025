"""GradientImageTool: validation before sending, files on disk, no base64 in the content."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import ToolMessage
from langchain_core.tools import ToolException

from langchain_gradient._errors import GradientAuthenticationError
from langchain_gradient.callbacks import get_gradient_callback
from langchain_gradient.tools import MEDIA_USAGE_EVENT, GradientImageTool, MediaDownloadError
from langchain_gradient.tools.images import DEFAULT_ALLOWED_SIZES, DOCS_SIZES, SPEC_SIZES
from tests.unit_tests.tools.fake_gradient import JPEG, PNG, FakeGradient


def make_tool(fake: FakeGradient, **kwargs: Any) -> GradientImageTool:
    return GradientImageTool(**fake.connection(), **kwargs)


def call(tool: GradientImageTool, **args: Any) -> dict[str, Any]:
    return {"type": "tool_call", "id": "call-1", "name": tool.name, "args": args}


def test_both_documented_size_sets_are_accepted_by_default() -> None:
    assert set(SPEC_SIZES) | set(DOCS_SIZES) == set(DEFAULT_ALLOWED_SIZES)


def test_images_are_written_and_content_lists_paths(tmp_path: Path) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, output_dir=tmp_path)
    msg = tool.invoke(call(tool, prompt="a sea otter", n=2, size="1536x1024", quality="low"))
    assert isinstance(msg, ToolMessage)
    images = msg.artifact["images"]
    paths = [Path(i["path"]) for i in images]
    assert [p.read_bytes() for p in paths] == [PNG, PNG]
    assert len(set(paths)) == 2  # same bytes, two files, nothing overwritten
    assert msg.content == "Generated 2 images (1536x1024, image/png): " + ", ".join(
        str(p) for p in paths
    )
    assert images[0]["revised_prompt"] == "revised: a sea otter"
    assert images[0]["mime_type"] == "image/png" and images[0]["size"] == "1536x1024"
    assert msg.artifact["usage"] == {
        "images": 2,
        "megapixels": 2 * 1536 * 1024 / 1e6,
        "tokens": {"input_tokens": 20, "output_tokens": 1056, "total_tokens": 1076},
    }
    (body,) = fake.bodies("/v1/images/generations")
    assert body == {
        "model": "openai-gpt-image-1",
        "prompt": "a sea otter",
        "n": 2,
        "size": "1536x1024",
        "quality": "low",
    }


def test_without_output_dir_bytes_stay_in_the_artifact() -> None:
    fake = FakeGradient()
    tool = make_tool(fake)
    msg = tool.invoke(call(tool, prompt="a sea otter"))
    assert msg.artifact["images"][0]["bytes"] == PNG
    assert fake.image_b64[:16] not in msg.content
    assert len(msg.content) < 200


def test_url_answers_are_downloaded_or_passed_on(tmp_path: Path) -> None:
    fake = FakeGradient(image_urls=True)
    msg = make_tool(fake, output_dir=tmp_path).invoke(call(make_tool(fake), prompt="x", n=2))
    assert [Path(i["path"]).read_bytes() for i in msg.artifact["images"]] == [JPEG, JPEG]
    msg = make_tool(fake).invoke(call(make_tool(fake), prompt="x"))
    assert msg.artifact["images"][0]["url"] in msg.content


async def test_cut_url_download_leaves_nothing(tmp_path: Path) -> None:
    fake = FakeGradient(image_urls=True, cut_downloads=True)
    tool = make_tool(fake, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError):
        await tool.ainvoke(call(tool, prompt="x"))
    assert list(tmp_path.iterdir()) == []


def test_image_call_keeps_all_its_files_or_none(tmp_path: Path) -> None:
    fake = FakeGradient(image_urls=True, cut_downloads=True, cut_only="image-1")
    tool = make_tool(fake, output_dir=tmp_path)
    with pytest.raises(MediaDownloadError):
        tool.invoke(call(tool, prompt="x", n=2))
    assert list(tmp_path.iterdir()) == []


def test_mime_type_follows_the_bytes(tmp_path: Path) -> None:
    fake = FakeGradient(image_b64=base64.b64encode(JPEG).decode())
    tool = make_tool(fake, output_dir=tmp_path)
    msg = tool.invoke(call(tool, prompt="x", output_format="jpeg"))
    assert msg.artifact["images"][0]["mime_type"] == "image/jpeg"
    assert Path(msg.artifact["images"][0]["path"]).suffix == ".jpg"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"prompt": "x", "n": 0}, "1 to 10"),
        ({"prompt": "x", "n": 11}, "1 to 10"),
        ({"prompt": "x", "size": "4096x4096"}, "not allowed"),
        ({"prompt": ""}, "empty"),
        ({"prompt": "   "}, "empty"),
        ({"prompt": "x" * 32_001}, "limit is 32000"),
    ],
)
def test_bad_arguments_fail_before_any_request(args: dict[str, Any], message: str) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, handle_tool_error=False)  # raise, as with a plain BaseTool
    with pytest.raises(ToolException, match=message):
        tool.invoke(call(tool, **args))
    assert fake.requests == []


def test_allowed_sizes_are_configurable() -> None:
    fake = FakeGradient()
    tool = make_tool(fake, allowed_sizes=("auto",), handle_tool_error=False)
    with pytest.raises(ToolException, match="use one of: auto"):
        tool.invoke(call(tool, prompt="x", size="1024x1024"))
    tool.invoke(call(tool, prompt="x", size="auto"))


def test_hostile_prompt_cannot_escape_output_dir(tmp_path: Path) -> None:
    out = tmp_path / "images"
    tool = make_tool(FakeGradient(), output_dir=out)
    msg = tool.invoke(call(tool, prompt="../../../../tmp/evil /etc/passwd"))
    path = Path(msg.artifact["images"][0]["path"])
    assert path.parent == out.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images"]


def test_existing_files_are_left_alone(tmp_path: Path) -> None:
    tool = make_tool(FakeGradient(), output_dir=tmp_path)
    first = Path(tool.invoke(call(tool, prompt="otter")).artifact["images"][0]["path"])
    first.write_bytes(b"edited by the user")
    second = Path(tool.invoke(call(tool, prompt="otter")).artifact["images"][0]["path"])
    assert second != first
    assert first.read_bytes() == b"edited by the user"


def test_api_errors_raise_translated_errors() -> None:
    fake = FakeGradient()
    tool = GradientImageTool(**{**fake.connection(), "api_key": "wrong"})
    with pytest.raises(GradientAuthenticationError):
        tool.invoke(call(tool, prompt="x"))


def test_usage_event_is_reported() -> None:
    events: list[tuple[str, Any]] = []

    class Log(BaseCallbackHandler):
        def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
            events.append((name, data))

    tool = make_tool(FakeGradient())
    tool.invoke(call(tool, prompt="x", n=3), config={"callbacks": [Log()]})
    ((name, data),) = events
    assert name == MEDIA_USAGE_EVENT
    # gpt-image-1 is billed by tokens, so only the token usage is reported for cost.
    assert data == {
        "model": "openai-gpt-image-1",
        "tool": tool.name,
        "usage": {"input_tokens": 20, "output_tokens": 1056, "total_tokens": 1076},
    }


def test_cost_tracking_counts_image_calls() -> None:
    tool = make_tool(FakeGradient())
    with get_gradient_callback() as cb:
        tool.invoke(call(tool, prompt="x"))
    totals = cb.per_model["openai-gpt-image-1"]
    assert cb.cost_known and totals.requests == 1
    assert cb.total_cost_usd == pytest.approx(20 * 5.0 / 1e6 + 1056 * 40.0 / 1e6)


async def test_async_generation(tmp_path: Path) -> None:
    fake = FakeGradient()
    tool = make_tool(fake, output_dir=tmp_path)
    msg = await tool.ainvoke(call(tool, prompt="an otter", background="transparent"))
    assert Path(msg.artifact["images"][0]["path"]).read_bytes() == PNG
    assert fake.bodies("/v1/images/generations")[0]["background"] == "transparent"


async def test_async_validation() -> None:
    fake = FakeGradient()
    tool = make_tool(fake, handle_tool_error=False)
    with pytest.raises(ToolException):
        await tool.ainvoke(call(tool, prompt="x", n=0))
    assert fake.requests == []


def test_key_never_appears_in_repr_dump_or_errors() -> None:
    from langchain_gradient.tools import FalJobClient

    fake = FakeGradient()
    secret = "sk-do-not-print"
    for obj in (GradientImageTool(api_key=secret), FalJobClient(api_key=secret)):
        assert secret not in repr(obj) and secret not in str(obj.model_dump())
    tool = GradientImageTool(**{**fake.connection(), "api_key": secret})
    with pytest.raises(GradientAuthenticationError) as info:
        tool.invoke(call(tool, prompt="x"))
    assert secret not in str(info.value)

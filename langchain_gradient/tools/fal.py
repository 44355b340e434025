"""``GradientFalTool``: fal image, audio and speech models on Gradient as an agent tool.

The tool submits a ``/v1/async-invoke`` job, waits for it with
:class:`~langchain_gradient.tools.fal_jobs.FalJobClient`, optionally downloads the
result files into ``output_dir`` (atomically, never overwriting), and returns a short
text for the model plus the full record as the artifact. Status changes are sent as the
``gradient_fal_status`` custom event; billable units as ``gradient_media_usage``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.tools import BaseTool, ToolException
from pydantic import BaseModel, Field, PrivateAttr, model_validator

from langchain_gradient._connection import GradientConnection
from langchain_gradient._errors import GradientBadRequestError, malformed_response
from langchain_gradient._ratelimit import observe_rate_limits
from langchain_gradient.tools._agent_errors import MediaRequestRejectedError, agent_error_message
from langchain_gradient.tools._billing import (
    billable_units,
    catalog_fal_kind,
    megapixels,
    seconds_between,
)
from langchain_gradient.tools._download import (
    DEFAULT_MAX_DOWNLOAD_BYTES,
    MediaDownloadError,
    SavedFile,
    afetch_to_dir,
    decode_data_uri,
    fetch_to_dir,
)
from langchain_gradient.tools._events import (
    FAL_STATUS_EVENT,
    MEDIA_USAGE_EVENT,
    aemit_event,
    emit_event,
    usage_event,
)
from langchain_gradient.tools._files import OutputDir, all_or_nothing
from langchain_gradient.tools.fal_jobs import FalJob, FalJobClient, FalPollPolicy

FalKind = Literal["image", "audio", "speech"]

_KIND_PATTERNS: tuple[tuple[FalKind, re.Pattern[str]], ...] = (
    ("speech", re.compile(r"(^|/)tts(/|$)|text-to-speech|speech|elevenlabs|kokoro", re.I)),
    ("audio", re.compile(r"audio|music|sound", re.I)),
    ("image", re.compile(r"flux|sdxl|stable-diffusion|image|recraft|ideogram|sd3|sana", re.I)),
)


def detect_fal_kind(model_id: str) -> FalKind | None:
    """What a fal model makes: from the catalog when it knows the id, else from the
    id's words; ``None`` when neither says.

    Example:
        >>> detect_fal_kind("fal-ai/elevenlabs/tts/multilingual-v2")
        'speech'
        >>> detect_fal_kind("fal-ai/stable-audio-25/text-to-audio")
        'audio'
    """
    known = catalog_fal_kind(model_id)
    if known in FAL_ARGS_SCHEMAS:
        return known
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(model_id):
            return kind
    return None


class _FalCommonArgs(BaseModel):
    extra_input: dict[str, Any] | None = Field(
        default=None,
        description="Other fields for the model's input, e.g. {'seed': 42}. Rarely needed.",
    )
    tags: dict[str, str] | None = Field(
        default=None, description="Optional labels stored with the job, e.g. {'project': 'x'}."
    )


class FalImageArgs(_FalCommonArgs):
    """Arguments for fal image models (``fal-ai/flux/schnell``, ``fal-ai/fast-sdxl``)."""

    prompt: str = Field(description="What the image should show.")
    num_images: int | None = Field(default=None, description="How many images (default 1).")
    output_format: str | None = Field(
        default=None, description="Image shape preset, e.g. 'landscape_4_3' or 'square_hd'."
    )
    num_inference_steps: int | None = Field(default=None, description="Denoising steps.")
    guidance_scale: float | None = Field(default=None, description="Prompt adherence.")
    enable_safety_checker: bool | None = Field(default=None, description="Filter unsafe output.")


class FalAudioArgs(_FalCommonArgs):
    """Arguments for fal text-to-audio models (``fal-ai/stable-audio-25/text-to-audio``)."""

    prompt: str = Field(description="What the audio should sound like.")
    seconds_total: int | None = Field(default=None, description="Length in seconds.")


class FalSpeechArgs(_FalCommonArgs):
    """Arguments for fal text-to-speech models (``fal-ai/elevenlabs/tts/multilingual-v2``)."""

    text: str = Field(description="The text to speak.")


FAL_ARGS_SCHEMAS: dict[FalKind, type[_FalCommonArgs]] = {
    "image": FalImageArgs,
    "audio": FalAudioArgs,
    "speech": FalSpeechArgs,
}
_DESCRIPTIONS: dict[FalKind, str] = {
    "image": "Generate images from a text prompt with the fal model {model}. "
    "Returns file paths or URLs of the images.",
    "audio": "Generate an audio clip (music or sound) from a text prompt with the fal "
    "model {model}. Returns the file path or URL of the clip.",
    "speech": "Turn text into spoken audio with the fal model {model}. Returns the file "
    "path or URL of the clip.",
}
_NOUNS: dict[FalKind, str] = {"image": "image", "audio": "audio clip", "speech": "speech clip"}


class GradientFalTool(GradientConnection, BaseTool):
    """Run a fal model (image, audio or speech) on Gradient and return its files.

    The argument schema follows the model kind, found from ``model_id`` (pass
    ``kind=`` for ids it cannot tell): image ``prompt, num_images, output_format,
    num_inference_steps, guidance_scale, enable_safety_checker``; audio ``prompt,
    seconds_total``; speech ``text``; all take ``extra_input`` and ``tags``.

    The content the model sees is one short line (paths or URLs); the artifact holds
    the job record, the files and ``usage``. A job that fails raises
    :class:`~langchain_gradient.tools.fal_jobs.FalJobFailedError`; one that runs past
    ``poll_policy.timeout`` raises
    :class:`~langchain_gradient.tools.fal_jobs.FalJobTimeoutError` carrying the
    ``request_id``, which :meth:`resume` picks up. Both are ``ToolException`` s, which
    by default reach an agent's model as a ``status="error"`` ToolMessage
    (``handle_tool_error=False`` raises them).

    Example:
        >>> tts = GradientFalTool(model_id="fal-ai/elevenlabs/tts/multilingual-v2",
        ...                       output_dir="media")  # doctest: +SKIP
        >>> msg = tts.invoke({"type": "tool_call", "id": "1", "name": tts.name,
        ...                   "args": {"text": "Hello there"}})  # doctest: +SKIP
        >>> msg.content, msg.artifact["files"][0]["path"]  # doctest: +SKIP
    """

    name: str = ""
    description: str = ""
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model_id: str
    """The fal endpoint id, e.g. ``fal-ai/flux/schnell``."""
    kind: FalKind | None = None
    """``image``, ``audio`` or ``speech``; found from ``model_id`` when not given."""
    output_dir: OutputDir | None = None
    """Download the result files here; ``None`` returns their URLs instead."""
    poll_policy: FalPollPolicy = Field(default_factory=FalPollPolicy)
    """Backoff, jitter and the overall timeout for waiting on the job."""
    job_tags: dict[str, str] | None = None
    """Tags added to every job this tool submits."""
    max_download_bytes: int = Field(default=DEFAULT_MAX_DOWNLOAD_BYTES, gt=0)
    job_client: FalJobClient | None = Field(default=None, exclude=True)
    """A ready client to use instead of one built from this tool's settings."""
    handle_tool_error: bool | str | Callable[[ToolException], str] | None = agent_error_message
    """Failures the model can act on (a FAILED job with its reason, a timed-out job with
    its request id, a refused input) come back as a ``status="error"`` ToolMessage with
    a one-line reason; key, model and connection errors raise. ``False`` raises all."""

    _jobs: FalJobClient | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _fit_schema_to_model(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        model_id = data.get("model_id")
        if not isinstance(model_id, str) or not model_id.strip():
            raise ValueError("model_id is required, e.g. 'fal-ai/flux/schnell'")
        kind = data.get("kind") or detect_fal_kind(model_id)
        if kind not in FAL_ARGS_SCHEMAS:
            raise ValueError(
                f"Cannot tell what {model_id!r} makes; pass kind='image', 'audio' or 'speech'."
            )
        short = re.sub(r"[^a-zA-Z0-9_-]+", "_", model_id.removeprefix("fal-ai/")).strip("_")
        return {
            "name": f"gradient_fal_{kind}_{short}"[:64],
            "description": _DESCRIPTIONS[kind].format(model=model_id),
            "args_schema": FAL_ARGS_SCHEMAS[kind],
            **data,
            "kind": kind,
        }

    @property
    def jobs(self) -> FalJobClient:
        """The job client this tool uses (for ``wait_for_job`` on a timed-out job)."""
        if self.job_client is not None:
            return self.job_client
        if self._jobs is None:
            self._jobs = FalJobClient(
                api_key=self.api_key,
                base_url=self.base_url,
                timeout=self.timeout,
                max_retries=self.max_retries,
                default_headers=self.default_headers,
                http_client=self.http_client,
                http_async_client=self.http_async_client,
                poll_policy=self.poll_policy,
            )
        return self._jobs

    # -- tool entry points ---------------------------------------------------------------

    def _run(
        self, run_manager: CallbackManagerForToolRun | None = None, **kwargs: Any
    ) -> tuple[str, dict[str, Any]]:
        model_input, tags = self._build_input(kwargs)

        def report(job: FalJob, elapsed: float) -> None:
            emit_event(run_manager, FAL_STATUS_EVENT, _status_payload(job, elapsed))

        with observe_rate_limits() as seen, self._refusals_for_the_agent():
            job = self.jobs.run(self.model_id, model_input, tags=tags, on_status=report)
        job = _with_output(job)
        saved = self._download(job, _stem(model_input, job))
        content, artifact = self._describe(job, model_input, saved)
        if seen.latest:  # the last job request (submit or poll) seen
            artifact["rate_limit"] = dict(seen.latest)
        emit_event(run_manager, MEDIA_USAGE_EVENT, self._usage_payload(artifact))
        return content, artifact

    async def _arun(
        self, run_manager: AsyncCallbackManagerForToolRun | None = None, **kwargs: Any
    ) -> tuple[str, dict[str, Any]]:
        model_input, tags = self._build_input(kwargs)

        async def report(job: FalJob, elapsed: float) -> None:
            await aemit_event(run_manager, FAL_STATUS_EVENT, _status_payload(job, elapsed))

        with observe_rate_limits() as seen, self._refusals_for_the_agent():
            job = await self.jobs.arun(self.model_id, model_input, tags=tags, on_status=report)
        job = _with_output(job)
        saved = await self._adownload(job, _stem(model_input, job))
        content, artifact = self._describe(job, model_input, saved)
        if seen.latest:  # the last job request (submit or poll) seen
            artifact["rate_limit"] = dict(seen.latest)
        await aemit_event(run_manager, MEDIA_USAGE_EVENT, self._usage_payload(artifact))
        return content, artifact

    def resume(
        self, request_id: str, *, timeout: float | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Wait for a job submitted earlier (e.g. after a timeout) and return
        ``(content, artifact)`` as the tool would have. ``timeout`` defaults to
        ``poll_policy.timeout``.

        Example:
            >>> try:
            ...     tool.invoke({"prompt": "a long symphony"})  # doctest: +SKIP
            ... except FalJobTimeoutError as err:
            ...     content, artifact = tool.resume(err.request_id)
        """
        job = _with_output(self.jobs.wait_for_job(request_id, timeout=timeout))
        return self._describe(job, {}, self._download(job, _stem({}, job)))

    async def aresume(
        self, request_id: str, *, timeout: float | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Async :meth:`resume`."""
        job = _with_output(await self.jobs.await_for_job(request_id, timeout=timeout))
        return self._describe(job, {}, await self._adownload(job, _stem({}, job)))

    # -- pieces --------------------------------------------------------------------------

    @contextmanager
    def _refusals_for_the_agent(self) -> Iterator[None]:
        """A submit the service refused (400/422: a bad size, a content policy) becomes an
        error the agent's model is told about; other errors pass unchanged."""
        try:
            yield
        except MediaRequestRejectedError:
            raise
        except GradientBadRequestError as exc:
            raise MediaRequestRejectedError.from_error(exc, f"The {self.model_id} job") from exc

    def _build_input(self, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        extra = dict(kwargs.pop("extra_input", None) or {})
        tags = {**(self.job_tags or {}), **(kwargs.pop("tags", None) or {})}
        given = {k: v for k, v in kwargs.items() if v is not None}
        for field in ("prompt", "text"):
            if field in given and not str(given[field]).strip():
                raise ToolException(f"`{field}` is empty; say what to generate.")
        if "num_images" in given and given["num_images"] < 1:
            raise ToolException("`num_images` must be at least 1.")
        if "seconds_total" in given and given["seconds_total"] <= 0:
            raise ToolException("`seconds_total` must be a positive number of seconds.")
        clash = sorted(set(extra) & set(given))
        if clash:
            raise ToolException(
                f"extra_input repeats {', '.join(clash)}; pass each field once, as an argument."
            )
        return {**given, **extra}, tags

    def _download(self, job: FalJob, stem: str) -> list[SavedFile | None]:
        files = output_files(job.output)
        if self.output_dir is None:
            return [None for _ in files]
        saved: list[SavedFile | None] = []
        with _keeping_all_or_none(job) as written:
            for item in files:
                file = fetch_to_dir(
                    self, item["url"], self.output_dir, **self._fetch_args(item, stem)
                )
                written.append(file.path)
                saved.append(file)
        return saved

    async def _adownload(self, job: FalJob, stem: str) -> list[SavedFile | None]:
        files = output_files(job.output)
        if self.output_dir is None:
            return [None for _ in files]
        saved: list[SavedFile | None] = []
        with _keeping_all_or_none(job) as written:
            for item in files:
                file = await afetch_to_dir(
                    self, item["url"], self.output_dir, **self._fetch_args(item, stem)
                )
                written.append(file.path)
                saved.append(file)
        return saved

    def _fetch_args(self, item: dict[str, Any], stem: str) -> dict[str, Any]:
        return {
            "stem": stem,
            "mime_type": item.get("content_type"),
            "max_bytes": self.max_download_bytes,
        }

    def _describe(
        self, job: FalJob, model_input: dict[str, Any], saved: list[SavedFile | None]
    ) -> tuple[str, dict[str, Any]]:
        assert self.kind is not None
        files: list[dict[str, Any]] = []
        shown: list[str] = []
        for item, local in zip(output_files(job.output), saved, strict=True):
            record = {k: v for k, v in item.items() if k != "url"}
            if local is not None:
                record.update(path=str(local.path), mime_type=local.mime_type)
                record["size_bytes"] = local.size_bytes
                shown.append(str(local.path))
            elif item["url"].startswith("data:"):
                data, mime = decode_data_uri(item["url"])
                record.update(bytes=data, mime_type=item.get("content_type") or mime)
                record["size_bytes"] = len(data)
                shown.append(f"inline {record['mime_type']} ({len(data)} bytes, in the artifact)")
            else:
                record.update(url=item["url"], mime_type=item.get("content_type"))
                shown.append(item["url"])
            files.append(record)
        usage = _usage(self.kind, model_input, job, files)
        artifact = {
            "request_id": job.request_id,
            "model_id": job.model_id or self.model_id,
            "kind": self.kind,
            "status": job.status,
            "files": files,
            "usage": usage,
            "output": job.output,
        }
        if not files:
            content = (
                f"{self.model_id} finished (request {job.request_id}) but returned no files; "
                "the raw output is in the artifact."
            )
        else:
            noun = _NOUNS[self.kind] + ("s" if len(files) > 1 else "")
            content = f"{self.model_id} made {len(files)} {noun}: " + ", ".join(shown)
        return content, artifact

    def _usage_payload(self, artifact: dict[str, Any]) -> dict[str, Any]:
        units = billable_units(self.model_id, artifact["usage"])
        return usage_event(self.name, self.model_id, units)


def output_files(output: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every file object (a dict with a ``url``) in a fal output, in order, with ``field``
    saying where it was (``images[0]``, ``audio``, ...).

    Example:
        >>> output_files({"images": [{"url": "https://x/a.jpg", "width": 8}], "seed": 1})
        [{'url': 'https://x/a.jpg', 'width': 8, 'field': 'images[0]'}]
    """
    found: list[dict[str, Any]] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("url"), str) and value["url"]:
                found.append({**value, "field": where})
                return
            for key, inner in value.items():
                walk(inner, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(inner, f"{where}[{i}]")

    walk(output or {}, "")
    return found


@contextmanager
def _keeping_all_or_none(job: FalJob) -> Iterator[list[Path]]:
    """Remove this call's files if one fails; say how to fetch them again."""
    try:
        with all_or_nothing() as written:
            yield written
    except MediaDownloadError as exc:
        raise MediaDownloadError(
            f"{exc} Job {job.request_id} is complete; fetch its files again with "
            f"resume({job.request_id!r}).",
            url=exc.url,
            request_id=job.request_id,
        ) from exc


def _with_output(job: FalJob) -> FalJob:
    """A completed job must carry its ``output`` object; without it there is no result."""
    if job.output is None:
        raise malformed_response(
            f"an output for completed fal job {job.request_id}",
            dict(job.raw),
            request_id=job.request_id,
        )
    return job


def _stem(model_input: dict[str, Any], job: FalJob) -> str:
    """What files are named after: the prompt or text (from the output when resuming)."""
    echoed = job.output or {}
    for source in (model_input, echoed):
        for key in ("prompt", "text"):
            if isinstance(source.get(key), str) and source[key].strip():
                return str(source[key])
    return job.request_id


def _status_payload(job: FalJob, elapsed: float) -> dict[str, Any]:
    return {
        "request_id": job.request_id,
        "model_id": job.model_id,
        "status": job.status,
        "elapsed": round(elapsed, 3),
    }


def _usage(
    kind: FalKind, model_input: dict[str, Any], job: FalJob, files: list[dict[str, Any]]
) -> dict[str, Any]:
    """Every unit measured for a finished job.

    Images: ``images``, ``megapixels`` (when the output gives sizes) and ``seconds`` of
    compute (``started_at`` to ``completed_at``, for per-compute-second models). Audio:
    ``seconds`` of audio asked for (or reported). Speech: ``characters`` of text.
    """
    usage: dict[str, Any] = {}
    if kind == "image":
        usage["images"] = len(files)
        pixels = [megapixels(f.get("width"), f.get("height")) for f in files]
        if files and all(mp is not None for mp in pixels):
            usage["megapixels"] = round(sum(mp or 0.0 for mp in pixels), 6)
        compute = seconds_between(job.started_at, job.completed_at)
        if compute is not None:
            usage["seconds"] = compute
    elif kind == "audio":
        seconds = model_input.get("seconds_total")
        if seconds is None and job.output is not None:
            seconds = job.output.get("duration") or job.output.get("seconds_total")
        usage["seconds"] = seconds
    else:
        text = model_input.get("text")
        usage["characters"] = len(text) if isinstance(text, str) else None
    return usage

"""``GradientImageTool``: ``/v1/images/generations`` as an agent tool (contract §5).

The service answers with base64 images. They are decoded here and either written to
``output_dir`` (atomically, under safe unique names, never over an existing file) or
kept as bytes in the artifact; base64 never reaches the model's context.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.tools import BaseTool, ToolException
from pydantic import BaseModel, Field

from langchain_gradient._connection import GradientConnection
from langchain_gradient._errors import GradientBadRequestError, malformed_response
from langchain_gradient._ratelimit import observe_rate_limits
from langchain_gradient.tools._agent_errors import MediaRequestRejectedError, agent_error_message
from langchain_gradient.tools._billing import billable_units, size_megapixels
from langchain_gradient.tools._download import (
    DEFAULT_MAX_DOWNLOAD_BYTES,
    SavedFile,
    afetch_to_dir,
    fetch_to_dir,
)
from langchain_gradient.tools._events import (
    MEDIA_USAGE_EVENT,
    aemit_event,
    emit_event,
    usage_event,
)
from langchain_gradient.tools._files import (
    OutputDir,
    all_or_nothing,
    extension_for,
    sniff_image_mime,
    write_file_atomically,
)

SPEC_SIZES = ("auto", "1536x1024", "1024x1536")
"""Sizes in the OpenAPI spec."""
DOCS_SIZES = ("256x256", "512x512", "1024x1024")
"""Sizes in the March 2026 docs prose (1024x1024 is also the docs' example)."""
DEFAULT_ALLOWED_SIZES = ("auto", "1024x1024", "1536x1024", "1024x1536", "256x256", "512x512")
"""Both documented sets (contract §9.7): the tool accepts either."""
MAX_IMAGES = 10
MAX_PROMPT_CHARS = 32_000
_FORMAT_MIME = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp"}


class ImageGenerationArgs(BaseModel):
    """Arguments the model fills in for :class:`GradientImageTool`."""

    prompt: str = Field(
        description="A detailed description of the image to create.",
        json_schema_extra={"minLength": 1, "maxLength": MAX_PROMPT_CHARS},
    )
    size: str = Field(
        default="1024x1024",
        description="Image size: auto, 1024x1024, 1536x1024 (landscape), 1024x1536 "
        "(portrait), 512x512 or 256x256.",
    )
    n: int = Field(
        default=1,
        description=f"How many images, 1 to {MAX_IMAGES}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_IMAGES},
    )
    quality: Literal["auto", "high", "medium", "low"] | None = Field(
        default=None, description="Rendering quality; leave unset for the default."
    )
    background: Literal["transparent", "opaque", "auto"] | None = Field(
        default=None, description="Background; 'transparent' needs png or webp."
    )
    output_format: Literal["png", "jpeg", "webp"] | None = Field(
        default=None, description="File format of the images (default png)."
    )


class GradientImageTool(GradientConnection, BaseTool):
    """Generate images with Gradient's ``/v1/images/generations`` (e.g. gpt-image-1).

    The model sees one short line (file paths, or a summary when no ``output_dir`` is
    set); the artifact has, per image, ``path`` or ``bytes``, ``mime_type``, ``size``,
    ``size_bytes`` and ``revised_prompt``, plus ``usage`` (``images``, ``megapixels``
    and the service's ``tokens``).
    Arguments are checked before any request: ``n`` 1 to 10, ``size`` in
    ``allowed_sizes``, a prompt that is neither empty nor longer than
    ``max_prompt_chars``; a ``ToolException`` says what to fix.

    Example:
        >>> tool = GradientImageTool(output_dir="images")  # doctest: +SKIP
        >>> msg = tool.invoke({"type": "tool_call", "id": "1", "name": tool.name,
        ...                    "args": {"prompt": "a sea otter"}})  # doctest: +SKIP
        >>> msg.content  # doctest: +SKIP
        'Generated 1 image (1024x1024, image/png): images/a-sea-otter-4f1c2a9e0b.png'
    """

    name: str = "gradient_image_generation"
    description: str = (
        "Create images from a text description. Returns the saved file paths (or a "
        "short summary); the image data itself is attached, not shown."
    )
    args_schema: type[BaseModel] = ImageGenerationArgs
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model: str = Field(default="openai-gpt-image-1", min_length=1)
    """The image model id."""
    output_dir: OutputDir | None = None
    """Write images here; ``None`` keeps them as bytes in the artifact."""
    allowed_sizes: tuple[str, ...] = Field(default=DEFAULT_ALLOWED_SIZES, min_length=1)
    """Sizes accepted before sending (the documented sets conflict; both by default)."""
    max_prompt_chars: int = Field(default=MAX_PROMPT_CHARS, gt=0)
    max_download_bytes: int = Field(default=DEFAULT_MAX_DOWNLOAD_BYTES, gt=0)
    """Limit for images returned as URLs instead of base64 (undocumented but tolerated)."""
    handle_tool_error: bool | str | Callable[[ToolException], str] | None = agent_error_message
    """Failures the model can act on (a refused prompt, a size it cannot make, a bad
    argument) come back as a ``status="error"`` ToolMessage with a one-line reason; key,
    model and connection errors raise. ``False`` raises everything."""

    def _run(
        self, run_manager: CallbackManagerForToolRun | None = None, **args: Any
    ) -> tuple[str, dict[str, Any]]:
        request = self._request(**args)
        try:
            with observe_rate_limits() as seen:
                response = self.root_client.images.generate(**request)
        except Exception as exc:
            raise self._media_error(exc) from exc
        images = self._decode(response, request)
        with all_or_nothing() as written:
            for image, url, where in self._to_download(images):
                file = fetch_to_dir(self, url, where, **self._fetch_args(request))
                written.append(_record(image, file))
            content, artifact = self._finish(images, request, response, written)
        if seen.latest:
            artifact["rate_limit"] = dict(seen.latest)
        emit_event(run_manager, MEDIA_USAGE_EVENT, self._usage_payload(artifact))
        return content, artifact

    async def _arun(
        self, run_manager: AsyncCallbackManagerForToolRun | None = None, **args: Any
    ) -> tuple[str, dict[str, Any]]:
        request = self._request(**args)
        try:
            with observe_rate_limits() as seen:
                response = await self.root_async_client.images.generate(**request)
        except Exception as exc:
            raise self._media_error(exc) from exc
        images = self._decode(response, request)
        with all_or_nothing() as written:
            for image, url, where in self._to_download(images):
                file = await afetch_to_dir(self, url, where, **self._fetch_args(request))
                written.append(_record(image, file))
            content, artifact = self._finish(images, request, response, written)
        if seen.latest:
            artifact["rate_limit"] = dict(seen.latest)
        await aemit_event(run_manager, MEDIA_USAGE_EVENT, self._usage_payload(artifact))
        return content, artifact

    # -- pieces --------------------------------------------------------------------------

    def _media_error(self, exc: Exception) -> BaseException:
        """The translated error; a refused request (400/422) as one the agent can act on."""
        translated = self._translate_error(exc, model=self.model)
        if isinstance(translated, GradientBadRequestError):
            return MediaRequestRejectedError.from_error(
                translated, f"The image request to {self.model}"
            )
        return translated

    def _request(
        self,
        prompt: str,
        size: str = "1024x1024",
        n: int = 1,
        quality: str | None = None,
        background: str | None = None,
        output_format: str | None = None,
    ) -> dict[str, Any]:
        """Check the arguments and build the request; raises ``ToolException``."""
        if not isinstance(prompt, str) or not prompt.strip():
            raise ToolException("The prompt is empty; describe the image to create.")
        if len(prompt) > self.max_prompt_chars:
            raise ToolException(
                f"The prompt has {len(prompt)} characters; the limit is "
                f"{self.max_prompt_chars}. Shorten it."
            )
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_IMAGES:
            raise ToolException(f"n={n!r} is out of range; ask for 1 to {MAX_IMAGES} images.")
        if size not in self.allowed_sizes:
            raise ToolException(
                f"size={size!r} is not allowed; use one of: {', '.join(self.allowed_sizes)}."
            )
        request: dict[str, Any] = {"model": self.model, "prompt": prompt, "n": n, "size": size}
        for key, value in (
            ("quality", quality),
            ("background", background),
            ("output_format", output_format),
        ):
            if value is not None:
                request[key] = value
        return request

    def _decode(self, response: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
        """Per image: ``data`` (decoded bytes) or ``url``, plus ``revised_prompt``."""
        items = getattr(response, "data", None) or []
        if not isinstance(items, list) or not items:
            body = response.model_dump() if hasattr(response, "model_dump") else None
            raise malformed_response(
                f"image data from {self.model}",
                body,
                request_id=getattr(response, "_request_id", None),
            )
        size = getattr(response, "size", None) or request["size"]
        fmt = getattr(response, "output_format", None) or request.get("output_format") or "png"
        images = []
        for item in items:
            image: dict[str, Any] = {
                "size": size,
                "revised_prompt": getattr(item, "revised_prompt", None),
            }
            b64 = getattr(item, "b64_json", None)
            if b64:
                try:
                    data = base64.b64decode(b64, validate=True)
                except (binascii.Error, ValueError) as exc:
                    raise ToolException(f"{self.model} returned an undecodable image.") from exc
                image["data"] = data
                image["mime_type"] = sniff_image_mime(data, _FORMAT_MIME.get(fmt, "image/png"))
            elif getattr(item, "url", None):
                image["url"] = item.url
            else:
                raise ToolException(f"{self.model} returned an image with neither data nor url.")
            images.append(image)
        return images

    def _to_download(self, images: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, Path]]:
        """Images that came as URLs, to fetch into ``output_dir`` (when one is set)."""
        if self.output_dir is None:
            return []
        return [(image, image.pop("url"), self.output_dir) for image in images if "url" in image]

    def _finish(
        self,
        images: list[dict[str, Any]],
        request: dict[str, Any],
        response: Any,
        written: list[Path],
    ) -> tuple[str, dict[str, Any]]:
        stored = [self._store(image, request["prompt"], written) for image in images]
        return self._describe(stored, response)

    def _store(self, image: dict[str, Any], prompt: str, written: list[Path]) -> dict[str, Any]:
        """Write decoded bytes to ``output_dir`` (if set); otherwise keep them as ``bytes``."""
        data = image.pop("data", None)
        if data is None:
            return image
        image["size_bytes"] = len(data)
        if self.output_dir is None:
            image["bytes"] = data
            return image
        path = write_file_atomically(
            self.output_dir, data, stem=prompt, extension=extension_for(image["mime_type"])
        )
        written.append(path)
        image["path"] = str(path)
        return image

    def _fetch_args(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"stem": request["prompt"], "max_bytes": self.max_download_bytes}

    def _describe(self, images: list[dict[str, Any]], response: Any) -> tuple[str, dict[str, Any]]:
        usage: dict[str, Any] = {"images": len(images)}
        pixels = [size_megapixels(image["size"]) for image in images]
        if all(mp is not None for mp in pixels):
            usage["megapixels"] = round(sum(mp or 0.0 for mp in pixels), 6)
        token_usage = getattr(response, "usage", None)
        tokens = {
            key: getattr(token_usage, key)
            for key in ("input_tokens", "output_tokens", "total_tokens")
            if getattr(token_usage, key, None) is not None
        }
        if tokens:
            usage["tokens"] = tokens
        artifact = {"model": self.model, "images": images, "usage": usage}
        noun = "image" if len(images) == 1 else "images"
        mime = images[0].get("mime_type") or "unknown type"
        where = [img.get("path") or img.get("url") for img in images]
        if all(where):
            content = f"Generated {len(images)} {noun} ({images[0]['size']}, {mime}): " + ", ".join(
                str(w) for w in where
            )
        else:
            total = sum(int(img.get("size_bytes") or 0) for img in images)
            content = (
                f"Generated {len(images)} {noun} ({images[0]['size']}, {mime}, {total} bytes); "
                "the image data is in the tool artifact, not shown here."
            )
        return content, artifact

    def _usage_payload(self, artifact: dict[str, Any]) -> dict[str, Any]:
        usage = artifact["usage"]
        units = billable_units(self.model, usage)
        return usage_event(self.name, self.model, units, usage.get("tokens"))


def _record(image: dict[str, Any], file: SavedFile) -> Path:
    image.update(path=str(file.path), mime_type=file.mime_type, size_bytes=file.size_bytes)
    return file.path

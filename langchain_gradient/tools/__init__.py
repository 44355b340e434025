"""Agent tools for Gradient media: images (``/v1/images/generations``) and fal jobs.

Example:
    >>> from langchain_gradient.tools import GradientFalTool, GradientImageTool
    >>> tools = [GradientImageTool(output_dir="media"),
    ...          GradientFalTool(model_id="fal-ai/elevenlabs/tts/multilingual-v2",
    ...                          output_dir="media")]  # doctest: +SKIP
"""

from langchain_gradient.tools._agent_errors import MediaRequestRejectedError
from langchain_gradient.tools._download import MediaDownloadError
from langchain_gradient.tools._events import FAL_STATUS_EVENT, MEDIA_USAGE_EVENT
from langchain_gradient.tools.fal import GradientFalTool, detect_fal_kind
from langchain_gradient.tools.fal_jobs import (
    FalJob,
    FalJobClient,
    FalJobError,
    FalJobFailedError,
    FalJobPollingError,
    FalJobTimeoutError,
    FalPollPolicy,
)
from langchain_gradient.tools.images import GradientImageTool

__all__ = [
    "FAL_STATUS_EVENT",
    "MEDIA_USAGE_EVENT",
    "FalJob",
    "FalJobClient",
    "FalJobError",
    "FalJobFailedError",
    "FalJobPollingError",
    "FalJobTimeoutError",
    "FalPollPolicy",
    "GradientFalTool",
    "GradientImageTool",
    "MediaDownloadError",
    "MediaRequestRejectedError",
    "detect_fal_kind",
]

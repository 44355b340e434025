"""Progress and usage reported by the media tools as LangChain custom events.

Two event names, both visible in ``astream_events`` (``on_custom_event``), to any
callback handler's ``on_custom_event`` and, inside a LangGraph graph, in
``stream_mode="custom"`` as ``{"event": name, **data}``:

- :data:`FAL_STATUS_EVENT` ``{"request_id", "model_id", "status", "elapsed"}``, each
  time a fal job changes status, so a LangGraph stream can show progress.
- :data:`MEDIA_USAGE_EVENT` ``{"model", "tool", <unit>: n, ..., "usage"?}``, once per
  successful call, with the units the model is billed by (``images``, ``seconds``,
  ``megapixels``, ``characters``) and any token usage. ``get_gradient_callback()``
  turns it into cost (see :mod:`langchain_gradient.callbacks`).

Example:
    >>> from langchain_core.callbacks import BaseCallbackHandler
    >>> class Progress(BaseCallbackHandler):
    ...     def on_custom_event(self, name, data, **kwargs):
    ...         if name == FAL_STATUS_EVENT:
    ...             print(data["status"], round(data["elapsed"], 1))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForToolRun,
    CallbackManagerForToolRun,
)
from langchain_core.callbacks.manager import adispatch_custom_event, dispatch_custom_event

from langchain_gradient._polling import write_to_graph_stream as _write_to_graph_stream
from langchain_gradient.callbacks import GRADIENT_MEDIA_USAGE_EVENT

FAL_STATUS_EVENT = "gradient_fal_status"
MEDIA_USAGE_EVENT = GRADIENT_MEDIA_USAGE_EVENT
"""Read by ``GradientCostCallbackHandler`` (:mod:`langchain_gradient.callbacks`)."""


def emit_event(
    run_manager: CallbackManagerForToolRun | None, name: str, data: Mapping[str, Any]
) -> None:
    """Send a custom event as a child of the tool run (no-op outside a run), and to
    the LangGraph ``custom`` stream when the tool runs inside a graph."""
    if run_manager is None:
        return
    dispatch_custom_event(name, dict(data), config={"callbacks": run_manager.get_child()})
    _write_to_graph_stream(name, data)


async def aemit_event(
    run_manager: AsyncCallbackManagerForToolRun | None, name: str, data: Mapping[str, Any]
) -> None:
    """Async :func:`emit_event`."""
    if run_manager is None:
        return
    await adispatch_custom_event(name, dict(data), config={"callbacks": run_manager.get_child()})
    _write_to_graph_stream(name, data)


def usage_event(
    tool: str, model: str, units: Mapping[str, Any], tokens: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The payload of :data:`MEDIA_USAGE_EVENT`, in the shape
    ``GradientCostCallbackHandler.on_custom_event`` reads: ``{"model", <unit>: n, ...,
    "usage": <token usage>}``, plus ``"tool"``."""
    payload: dict[str, Any] = {"model": model, "tool": tool, **units}
    if tokens:
        payload["usage"] = dict(tokens)
    return payload

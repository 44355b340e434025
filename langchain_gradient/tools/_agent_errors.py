"""Which media-tool failures the agent's model sees, and which still raise.

A failure the model can act on comes back as a ``ToolMessage`` with ``status="error"``
and a one-line reason (through the tool's ``handle_tool_error``, which LangGraph's
``ToolNode`` and langchain's ``create_agent`` both honour with their defaults):

* a fal job that ended ``FAILED`` (a safety-checker rejection, a bad input), with the
  server's reason;
* a fal job still running at the timeout, with its request id;
* a request the service refused (400/422: a content-policy rejection, a size the model
  cannot make), as :class:`MediaRequestRejectedError`;
* the tools' own argument checks (empty prompt, ``n`` or ``size`` out of range).

Everything else still raises: a missing or rejected key, a forbidden or unknown model,
an unreachable endpoint, retries exhausted, polling that kept failing, a download that
failed, a body that is not an answer. Pass ``handle_tool_error=False`` to a tool to
raise everything, or your own callable to word the message.

Example:
    >>> from langchain_core.tools import ToolException
    >>> agent_error_message(ToolException("size='9x9' is not allowed;\\n use 1024x1024."))
    "Error: size='9x9' is not allowed; use 1024x1024."
"""

from __future__ import annotations

import re

from langchain_core.tools import ToolException

from langchain_gradient._errors import GradientBadRequestError

MAX_REASON_CHARS = 400
_SPACE = re.compile(r"\s+")


class MediaRequestRejectedError(GradientBadRequestError, ToolException):
    """The service refused a media request for what it asked (400/422): a content-policy
    rejection, a size or option the model cannot make. The agent's model is told why.

    Example:
        >>> from langchain_gradient.tools import GradientImageTool
        >>> tool = GradientImageTool(handle_tool_error=False)  # doctest: +SKIP
        >>> try:  # doctest: +SKIP
        ...     tool.invoke({"prompt": "something the safety system refuses"})
        ... except MediaRequestRejectedError as err:
        ...     print(err.status_code, err.request_id)
    """

    @classmethod
    def from_error(cls, error: GradientBadRequestError, what: str) -> MediaRequestRejectedError:
        """The same status, request id and body, worded for the model."""
        from langchain_gradient._errors import error_message_from_body

        detail = error_message_from_body(error.body, fallback=str(error))
        return cls(
            f"{what} was refused by the service ({error.status_code}: {detail}). Change the "
            "prompt or the arguments and try again.",
            status_code=error.status_code,
            request_id=error.request_id,
            body=error.body,
        )


def agent_error_message(error: ToolException) -> str:
    """The one-line reason the model reads; re-raises failures it cannot act on."""
    from langchain_gradient.tools._download import MediaDownloadError
    from langchain_gradient.tools.fal_jobs import FalJobPollingError

    if isinstance(error, (FalJobPollingError, MediaDownloadError)):
        raise error  # the job may still finish, or the file exists: a human's problem
    reason = _SPACE.sub(" ", str(error)).strip() or type(error).__name__
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[: MAX_REASON_CHARS - 3].rstrip() + "..."
    return f"Error: {reason}"

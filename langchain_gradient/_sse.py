"""SSE streams that remember whether the server sent ``data: [DONE]``.

The ``openai`` SDK ends iteration on ``[DONE]`` and on a closed connection alike; a
stream cut off mid-answer would look complete. These subclasses of the SDK's
``Stream[object]``/``AsyncStream[object]`` (events stay parsed JSON dicts) set
``saw_done`` when the terminator arrives, so the caller can tell the two apart.
Imported only when a stream is opened (it imports ``openai``).

Example:
    >>> DoneAwareStream.saw_done
    False
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from openai import AsyncStream, Stream


class DoneAwareStream(Stream[object]):
    """``Stream[object]`` that records whether ``[DONE]`` arrived (``saw_done``)."""

    saw_done: bool = False

    def _iter_events(self) -> Iterator[Any]:
        for event in super()._iter_events():
            if event.data.startswith("[DONE]"):
                self.saw_done = True
            yield event


class AsyncDoneAwareStream(AsyncStream[object]):
    """``AsyncStream[object]`` that records whether ``[DONE]`` arrived (``saw_done``)."""

    saw_done: bool = False

    async def _iter_events(self) -> AsyncIterator[Any]:
        async for event in super()._iter_events():
            if event.data.startswith("[DONE]"):
                self.saw_done = True
            yield event

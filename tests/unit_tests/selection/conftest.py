"""Each test sees a process where no stale-prices warning was issued yet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langchain_gradient.selection import selector


@pytest.fixture(autouse=True)
def fresh_stale_warning() -> Iterator[None]:
    selector._stale_warned.clear()
    yield
    selector._stale_warned.clear()

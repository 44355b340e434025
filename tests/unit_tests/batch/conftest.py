from __future__ import annotations

from typing import Any

import pytest

from langchain_gradient.emulator.batches import batch_controls


@pytest.fixture
def emu(gradient_emulator: Any) -> Any:
    """The emulator with Batch API jobs that finish as fast as their lines run."""
    batch_controls(gradient_emulator.state).durations = (0.0, 0.0, 0.0)
    return gradient_emulator

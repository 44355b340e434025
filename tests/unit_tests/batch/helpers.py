"""What the batch tests share: models on the emulator, a fast client, the uploaded lines."""

from __future__ import annotations

import json
import warnings
from typing import Any

from pydantic import BaseModel

from langchain_gradient import ChatGradient, GradientResponses
from langchain_gradient._polling import PollPolicy
from langchain_gradient.batch import GradientBatchClient, GradientBatchJob

OPENAI = "openai-gpt-4o-mini"
ANTHROPIC = "anthropic-claude-4.5-haiku"
FAST = PollPolicy(initial_interval=0.02, max_interval=0.1, jitter=0.0, timeout=60)


class Sum(BaseModel):
    """The sum of two numbers."""

    value: int


def get_weather(city: str) -> str:
    """Weather for a city."""
    return "sunny"


def llm(emu: Any, model: str = OPENAI, **kwargs: Any) -> ChatGradient:
    return ChatGradient(model=model, api_key=emu.api_key, base_url=emu.base_url, **kwargs)


def responses_llm(emu: Any, model: str = OPENAI, **kwargs: Any) -> GradientResponses:
    return GradientResponses(model=model, api_key=emu.api_key, base_url=emu.base_url, **kwargs)


def client(emu: Any) -> GradientBatchClient:
    return GradientBatchClient(api_key=emu.api_key, base_url=emu.base_url, poll_policy=FAST)


def uploaded_lines(emu: Any) -> list[dict[str, Any]]:
    from langchain_gradient.emulator.batches import batch_store

    store = batch_store(emu.state)
    return [json.loads(x) for f in store.files.values() for x in f.path.read_text().splitlines()]


def results(job: GradientBatchJob, raw: bool = False) -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return job.wait(timeout=60).results(raw=raw)

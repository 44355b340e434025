"""Batch inference on DigitalOcean's Batch API (``docs/batch.md``).

Example:
    >>> from langchain_gradient.batch import submit_batch  # doctest: +SKIP
    >>> job = submit_batch(ChatGradient(model="openai-gpt-5-mini"), prompts)  # doctest: +SKIP
    >>> job.wait(timeout=3600).results()  # doctest: +SKIP
"""

from langchain_gradient.batch.client import (
    GradientBatchClient,
    GradientBatchError,
    GradientBatchTimeoutError,
)
from langchain_gradient.batch.job import (
    BATCH_STATUS_EVENT,
    GradientBatchItemError,
    GradientBatchJob,
    asubmit_batch,
    submit_batch,
    supported_models,
)

__all__ = [
    "BATCH_STATUS_EVENT",
    "GradientBatchClient",
    "GradientBatchError",
    "GradientBatchItemError",
    "GradientBatchJob",
    "GradientBatchTimeoutError",
    "asubmit_batch",
    "submit_batch",
    "supported_models",
]

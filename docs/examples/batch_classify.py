"""Recipe: classify 10,000 texts with structured output on the Batch API.

One ``submit_batch`` call sends every text as one line of a batch job (lines built by
``ChatGradient`` exactly as ``invoke`` would send them, with the ``Ticket`` schema bound
by ``with_structured_output``); ``job.results()`` gives one parsed ``Ticket`` per text, in
input order, or a ``GradientBatchItemError`` where that text failed. Guide:
docs/batch.md.

Run: ``python docs/examples/batch_classify.py [N]`` (N texts, default 10,000; live with
MODEL_ACCESS_KEY, otherwise on the local emulator).
"""

from __future__ import annotations

import sys
import warnings
from collections import Counter
from enum import Enum

from _backend import use_gradient_or_emulator
from pydantic import BaseModel, Field

from langchain_gradient import ChatGradient
from langchain_gradient.batch import GradientBatchItemError, submit_batch


class Topic(str, Enum):
    BILLING = "billing"
    SHIPPING = "shipping"
    PRODUCT = "product"
    ACCOUNT = "account"


class Ticket(BaseModel):
    """How a support team files one customer message."""

    topic: Topic = Field(description="What the message is about")
    urgent: bool = Field(description="True if the customer needs an answer today")


TEMPLATES = {
    Topic.BILLING: "Message {i}: my billing statement shows order {i} charged twice.",
    Topic.SHIPPING: "Message {i}: the shipping of order {i} is a week late.",
    Topic.PRODUCT: "Message {i}: the product in order {i} stopped working.",
    Topic.ACCOUNT: "Message {i}: I cannot log in to my account since order {i}.",
}


def texts(n: int) -> list[tuple[str, Topic]]:
    """``n`` synthetic customer messages and the topic each one is about."""
    topics = list(TEMPLATES)
    return [
        (TEMPLATES[topics[i % len(topics)]].format(i=i), topics[i % len(topics)]) for i in range(n)
    ]


def main(n: int = 10_000) -> None:
    backend = use_gradient_or_emulator()
    llm = ChatGradient(model="openai-gpt-4o-mini", temperature=0)
    classifier = llm.with_structured_output(Ticket)  # function calling: a tool per schema
    data = texts(n)
    inputs = [[("system", "File this customer message."), ("human", t)] for t, _ in data]

    job = submit_batch(classifier, inputs, request_id=f"classify-{n}-v1")
    print(f"submitted {n:,} texts as {job.id} ({len(job.batch_ids)} job(s))")
    job.wait(timeout=24 * 3600)
    with warnings.catch_warnings():  # batch cost is unknown until DigitalOcean states it
        warnings.simplefilter("ignore", UserWarning)
        results = job.results()

    errors = [r for r in results if isinstance(r, GradientBatchItemError)]
    labels = Counter(r.topic.value for r in results if isinstance(r, Ticket))
    for topic, count in sorted(labels.items()):
        print(f"{topic:9} {count:6,}")
    print(f"errors {len(errors):,}")
    for error in errors[:10]:
        print(f"  text {error.index}: {error}")

    assert len(results) == n, "one result per input, never dropped"
    if backend == "emulator":  # the emulator's scripted model picks the topic named
        pairs = zip(results, data, strict=True)
        right = sum(isinstance(r, Ticket) and r.topic == t for r, (_, t) in pairs)
        assert right == n and not errors, (right, errors[:3])
        print(f"OK {n:,} texts classified in input order")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

"""Resume by id in a new process: a GradientResponses job with structured output, still
running when the new process starts, comes back parsed and aligned."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from langchain_gradient.batch import submit_batch
from langchain_gradient.emulator.batches import batch_controls
from tests.unit_tests.batch.helpers import OPENAI, Sum, client, responses_llm

SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
from pydantic import BaseModel
from langchain_gradient import GradientResponses, GradientBatchJob

class Sum(BaseModel):
    '''The sum of two numbers.'''
    value: int

model = GradientResponses(model=sys.argv[1], api_key=sys.argv[2], base_url=sys.argv[3])
job = GradientBatchJob.resume(sys.argv[4], model.with_structured_output(Sum))
print(json.dumps(job.status()), flush=True)
fast = job.client.poll_policy.model_copy(update={"initial_interval": 0.05, "max_interval": 0.2})
job.client = job.client.model_copy(update={"poll_policy": fast})
print(json.dumps([s.model_dump() for s in job.wait(timeout=60).results()]))
"""


def test_resume_a_running_structured_job_in_a_new_process(emu: Any) -> None:
    controls = batch_controls(emu.state)
    controls.stall = True
    model = responses_llm(emu).with_structured_output(Sum)
    prompts = [f"What is {i} + 2?" for i in range(3)]
    expected = [model.invoke(p).model_dump() for p in prompts]
    job = submit_batch(model, prompts, client=client(emu))
    args = [OPENAI, emu.api_key, emu.base_url, job.id]
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # the new process saw the job still running
    controls.stall = False
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert first.strip() in ('{"in_progress": 1}', '{"validating": 1}')
    assert json.loads(out) == expected

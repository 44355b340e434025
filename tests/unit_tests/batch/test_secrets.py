"""The model access key never reaches a batch line, a file, a repr or an exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from langchain_gradient._errors import GradientError
from langchain_gradient.batch import GradientBatchJob, submit_batch
from langchain_gradient.emulator.batches import batch_controls, batch_store
from tests.unit_tests.batch.helpers import client, llm, responses_llm, results


def test_the_key_is_in_no_line_file_repr_or_error(emu: Any, tmp_path: Path) -> None:
    key = emu.api_key
    batches = client(emu)
    job = submit_batch(llm(emu), ["hi"], client=batches)
    submit_batch(responses_llm(emu), ["hi"], client=batches)
    for stored in batch_store(emu.state).files.values():
        assert key not in stored.path.read_text()
    assert key not in repr(job) and key not in repr(batches) and key not in job.id
    uploads = [r for r in emu.request_log.records() if r.path.startswith("/batch-storage/")]
    assert uploads and all("authorization" not in {h.lower() for h in r.headers} for r in uploads)
    results(job)
    url = batches.result_urls(job.batch_ids[0])["output_file_url"]
    assert key not in batches.download(url, tmp_path, stem="out").read_text()
    batch_controls(emu.state).cut_downloads = 3
    with pytest.raises(GradientError) as caught:
        batches.download(url, tmp_path, stem="again")
    chain = [caught.value, caught.value.__cause__, caught.value.__context__]
    assert all(key not in repr(e) and key not in str(e) for e in chain if e is not None)
    with pytest.raises(ValueError) as bad:
        GradientBatchJob.resume("not-an-id", llm(emu))
    assert key not in str(bad.value)

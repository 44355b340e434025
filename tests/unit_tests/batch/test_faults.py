"""Faults on the Batch API's own paths: expired presigned URLs, connections cut half-way
through an upload or a results download, 429 and 5xx while polling (Retry-After honoured)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from langchain_gradient._errors import GradientAPIError, GradientConnectionError
from langchain_gradient._polling import Clock
from langchain_gradient.batch import GradientBatchItemError, submit_batch
from langchain_gradient.emulator import Fault
from langchain_gradient.emulator.batches import batch_controls, batch_store
from tests.unit_tests.batch.helpers import FAST, client, llm, results

PROMPTS = [f"What is {i} + 1?" for i in range(40)]


def storage(emu: Any, method: str) -> list[Any]:
    """The requests to the presigned storage URLs."""
    log = emu.request_log.records(method=method)
    return [r for r in log if r.path.startswith("/batch-storage/")]


def check_answers(out: list[Any]) -> None:
    assert len(out) == len(PROMPTS)
    assert all(str(i + 1) in m.content for i, m in enumerate(out)), out


def test_expired_upload_url_is_a_clear_403_and_nothing_is_stored(emu: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"custom_id": "0"}\n')
    batches = client(emu)
    intent = batches.create_file()
    emu.clock.advance(901)  # presigned upload URLs last 900 s (the contract's X-Amz-Expires)
    with pytest.raises(GradientAPIError, match="expired") as caught:
        batches.upload(intent["upload_url"], source)
    assert caught.value.status_code == 403
    assert caught.value.body == {"code": "AccessDenied", "message": "Request has expired"}
    assert not batch_store(emu.state).files[intent["file_id"]].uploaded
    assert emu.api_key not in str(caught.value)


def test_upload_cut_half_way_is_retried_and_the_job_runs(emu: Any) -> None:
    batch_controls(emu.state).cut_uploads = 1
    job = submit_batch(llm(emu), PROMPTS, client=client(emu))
    check_answers(results(job))
    assert len(storage(emu, "PUT")) == 2  # cut, then the same presigned URL again
    assert batch_controls(emu.state).cut_uploads == 0
    assert sum(f.uploaded for f in batch_store(emu.state).files.values()) == 1


def test_upload_cut_every_time_fails_before_any_job_and_a_retry_works(emu: Any) -> None:
    batch_controls(emu.state).cut_uploads = 3
    with pytest.raises(GradientConnectionError, match="Upload failed"):
        submit_batch(llm(emu), PROMPTS, client=client(emu), request_id="cut")
    assert client(emu).list()["data"] == []  # no job from a half-uploaded file
    assert not any(f.uploaded for f in batch_store(emu.state).files.values())
    check_answers(results(submit_batch(llm(emu), PROMPTS, client=client(emu), request_id="cut")))


def test_results_download_cut_once_is_resumed_without_duplicates(emu: Any) -> None:
    job = submit_batch(llm(emu), PROMPTS, client=client(emu)).wait(timeout=60)
    batch_controls(emu.state).cut_downloads = 1
    check_answers(results(job))
    assert len(storage(emu, "GET")) == 2 and batch_controls(emu.state).cut_downloads == 0
    batch_controls(emu.state).cut_downloads = 1
    indexes = [index for index, _ in job.iter_results(raw=True)]
    assert sorted(indexes) == list(range(len(PROMPTS)))  # each line once, none lost


def test_results_download_cut_every_time_raises_then_a_retry_works(emu: Any) -> None:
    job = submit_batch(llm(emu), PROMPTS, client=client(emu)).wait(timeout=60)
    batch_controls(emu.state).cut_downloads = 3
    with pytest.raises(GradientConnectionError, match="cut off"):
        job.results()
    check_answers(results(job))


def test_download_to_disk_cut_leaves_no_partial_file_and_a_retry_works(
    emu: Any, tmp_path: Path
) -> None:
    batches = client(emu)
    job = submit_batch(llm(emu), PROMPTS, client=batches).wait(timeout=60)
    url = batches.result_urls(job.batch_ids[0])["output_file_url"]
    batch_controls(emu.state).cut_downloads = 3
    with pytest.raises(GradientConnectionError, match="cut off"):
        batches.download(url, tmp_path, stem="out")
    assert list(tmp_path.iterdir()) == []  # not even a hidden temporary file
    path = batches.download(url, tmp_path, stem="out")
    assert len(path.read_text().splitlines()) == len(PROMPTS)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_polling_rides_out_429_and_5xx_and_honours_retry_after(emu: Any, status: int) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # record the wait, do not spend it
        slept.append(seconds)
        time.sleep(0.005)

    batch_controls(emu.state).durations = (0.0, 0.2, 0.0)
    batches = client(emu).model_copy(update={"clock": Clock(sleep=sleep)})
    job = submit_batch(llm(emu), ["What is 2 + 3?"], client=batches)
    path = f"/v1/batches/{job.batch_ids[0]}"
    emu.inject(Fault.status(status, retry_after=7), times=2, path=path)
    (answer,) = results(job)
    assert not isinstance(answer, GradientBatchItemError) and "5" in answer.content
    polled = [r.status for r in emu.request_log.records(path)]
    assert polled[:2] == [status, status] and polled[-1] == 200
    assert slept[:2] == [7.0, 7.0]  # never sooner than the server asked
    assert FAST.max_interval < 7.0  # so the 7 s came from Retry-After, not the backoff

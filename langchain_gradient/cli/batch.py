"""``langchain-gradient batch``: DigitalOcean Batch API jobs from the shell (``docs/batch.md``).

``submit`` takes a JSONL file of prompts (``"text"`` or ``{"prompt": "text"}``, built
into lines by :func:`~langchain_gradient.batch.submit_batch` for ``-m MODEL``) or of
ready request lines, checks every line before uploading anything, and prints the job
id. ``status``, ``wait`` (a live line: states, requests done, elapsed time), ``results``
(JSONL in input order, failed inputs as error lines), ``cancel`` and ``list`` take
that id (``list`` shows the Batch API's own ids; one of them works as a job id too).

Example::

    langchain-gradient batch submit prompts.jsonl -m openai-gpt-5-mini --system "Be brief."
    langchain-gradient batch wait gbatch:9f3c... --timeout 3600
    langchain-gradient batch results gbatch:9f3c... -o answers.jsonl
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from langchain_gradient.cli._options import model_option, timeout_option
from langchain_gradient.cli._output import Column, Output
from langchain_gradient.cli._session import Session, gradient_command

if TYPE_CHECKING:
    from langchain_gradient.batch import GradientBatchJob
    from langchain_gradient.cli._batch_input import BatchInput
    from langchain_gradient.cli._progress import LiveLine

_ID_HELP = "JOB_ID is what `submit` printed (gbatch:...) or a batch id from `list`."


def _check_model(model: str, option: str = "-m/--model") -> None:
    from langchain_gradient.batch import supported_models

    names = supported_models()
    if model not in names:
        raise click.BadParameter(
            f"the Batch API does not take {model!r} (OpenAI and Anthropic models only). "
            f"Models that work: {', '.join(names)}.",
            param_hint=option,
        )


def _job(session: Session, job_id: str, model: str | None = None) -> GradientBatchJob:
    """The job ``job_id`` (``gbatch:...`` or one bare batch id) on this session's endpoint.

    ``GradientBatchJob`` keeps a chat model to build lines; reading a job never uses it,
    so any model the Batch API takes stands in when none is given.
    """
    from langchain_gradient import ChatGradient
    from langchain_gradient.batch import GradientBatchJob, supported_models

    job_id = job_id.strip()
    if not job_id.startswith("gbatch:"):
        job_id = "gbatch:" + job_id
    llm = ChatGradient(model=model or supported_models()[0], **session.connection())
    return GradientBatchJob.resume(job_id, llm)


def _new_job(session: Session, batch_ids: list[str], model: str) -> GradientBatchJob:
    return _job(session, ",".join(batch_ids), model)


# ------------------------------------------------------------------------------ submit


@click.group()
def batch() -> None:
    """Run many prompts at batch prices on DigitalOcean's Batch API (docs/batch.md)."""


@batch.command("submit")
@click.argument("input_file", metavar="FILE", type=click.Path(path_type=Path))
@model_option(help="Model for a file of prompts (OpenAI or Anthropic).")
@click.option("--system", help="System prompt put before every prompt.")
@click.option("--request-id", metavar="KEY", help="Idempotency key: resubmitting returns the job.")
@gradient_command
def submit(
    session: Session,
    input_file: Path,
    model: str | None,
    system: str | None,
    request_id: str | None,
) -> None:
    """Submit FILE (JSONL of prompts or of ready request lines); print the job id."""
    from langchain_gradient.cli._batch_input import BatchInputError, read_batch_input

    try:
        found = read_batch_input(input_file)
    except BatchInputError as exc:
        raise click.BadParameter(str(exc), param_hint="FILE") from None
    if found.prompts:
        if not model:
            raise click.UsageError("-m/--model is required for a file of prompts.")
        _check_model(model)
        job = _submit_prompts(session, found.prompts, model, system, request_id)
        lines = len(found.prompts)
    else:
        if system is not None:
            raise click.UsageError("--system applies to prompts; request lines carry their own.")
        for name in sorted(found.models):
            _check_model(name, option="FILE")
        if model is not None and found.models != {model}:
            raise click.BadParameter(
                f"the lines use {', '.join(sorted(found.models))}, not {model!r}; "
                "leave -m out for request lines.",
                param_hint="-m/--model",
            )
        job = _submit_lines(session, found, request_id)
        lines = len(found.lines)
    record = {"id": job.id, "batch_ids": job.batch_ids, "lines": lines}
    session.out.result(record, lambda: session.out.line(job.id))
    session.out.progress(
        f"{lines:,} line(s) in {len(job.batch_ids)} job(s). "
        f"Next: langchain-gradient batch wait {job.id}"
    )


def _submit_prompts(
    session: Session, prompts: list[str], model: str, system: str | None, request_id: str | None
) -> GradientBatchJob:
    from langchain_gradient import ChatGradient
    from langchain_gradient.batch import submit_batch

    llm = ChatGradient(model=model, **session.connection())
    inputs: Any = (
        prompts if system is None else ([("system", system), ("human", p)] for p in prompts)
    )
    session.out.progress(f"Building and uploading {len(prompts):,} line(s)...")
    return submit_batch(llm, inputs, request_id=request_id)


def _submit_lines(session: Session, found: BatchInput, request_id: str | None) -> GradientBatchJob:
    """Upload ready lines as they are, in files of at most 50,000 lines / 200 MB."""
    from langchain_gradient.batch import GradientBatchClient
    from langchain_gradient.batch.job import MAX_BYTES_PER_FILE, MAX_LINES_PER_FILE

    client = GradientBatchClient(**session.connection())
    key = request_id or str(uuid.uuid4())
    parts: list[list[bytes]] = [[]]
    size = 0
    for line in found.lines:
        if len(parts[-1]) >= MAX_LINES_PER_FILE or size + len(line) > MAX_BYTES_PER_FILE:
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += len(line)
    session.out.progress(f"Uploading {len(found.lines):,} line(s)...")
    batch_ids = []
    with tempfile.TemporaryDirectory(prefix="gradient-batch-") as tmp:
        for number, part in enumerate(parts):
            path = Path(tmp) / f"part-{number}.jsonl"
            path.write_bytes(b"".join(part))
            file_id = client.upload_file(path)
            assert found.provider is not None
            created = client.create(
                file_id,
                provider=found.provider,
                endpoint=found.endpoint,
                request_id=f"{key}-{number}",
            )
            batch_ids.append(created["batch_id"])
    return _new_job(session, batch_ids, sorted(found.models)[0])


# ------------------------------------------------------------------------ status, wait


def _counts(records: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """(parts per state, requests ``total``/``completed``/``failed`` over all parts)."""
    states: dict[str, int] = {}
    requests = {"total": 0, "completed": 0, "failed": 0}
    for record in records:
        states[record["status"]] = states.get(record["status"], 0) + 1
        for key in requests:
            requests[key] += int((record.get("request_counts") or {}).get(key) or 0)
    return states, requests


def progress_text(records: list[dict[str, Any]]) -> str:
    """The state ``wait`` shows on its live line (which adds the elapsed time).

    Example:
        >>> progress_text([{"status": "in_progress",
        ...                 "request_counts": {"total": 10, "completed": 4, "failed": 1}}])
        'in_progress 1 | requests 5/10 done, 1 failed'
    """
    states, requests = _counts(records)
    parts = ", ".join(f"{state} {n}" for state, n in sorted(states.items()))
    done = requests["completed"] + requests["failed"]
    text = f"{parts} | requests {done:,}/{requests['total']:,} done, {requests['failed']:,} failed"
    return text


def _show_records(out: Output, job: GradientBatchJob, records: list[dict[str, Any]]) -> None:
    states, requests = _counts(records)
    data = {"id": job.id, "states": states, "requests": requests, "batches": records}

    def render() -> None:
        out.table(
            ["batch", "status", "done", Column("failed", drop=1), Column("total", drop=2)],
            (
                [
                    r["batch_id"],
                    r["status"],
                    (r.get("request_counts") or {}).get("completed"),
                    (r.get("request_counts") or {}).get("failed"),
                    (r.get("request_counts") or {}).get("total"),
                ]
                for r in records
            ),
        )
        out.line(progress_text(records))

    out.result(data, render)


@batch.command("status")
@click.argument("job_id")
@gradient_command
def status(session: Session, job_id: str) -> None:
    """Print each part's state and request counts. JOB_ID: see `batch --help`."""
    job = _job(session, job_id)
    _show_records(session.out, job, job.refresh())


def _progress_handler(line: LiveLine, records: dict[str, dict[str, Any]]) -> Any:
    """Turns the job's polling events into states of the live line."""
    from langchain_core.callbacks import BaseCallbackHandler

    from langchain_gradient.batch import BATCH_STATUS_EVENT

    class BatchProgress(BaseCallbackHandler):
        def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
            if name == BATCH_STATUS_EVENT and data.get("batch_id"):
                records[data["batch_id"]] = {
                    "batch_id": data["batch_id"],
                    "status": data["status"],
                    "request_counts": data["counts"],
                }
                line.update(progress_text(list(records.values())))

    return BatchProgress()


@batch.command("wait")
@click.argument("job_id")
@timeout_option(default=86_400)
@gradient_command
def wait(session: Session, job_id: str, timeout: float) -> None:
    """Wait until every part ends, with a live line; then print the status."""
    from langchain_gradient.batch import GradientBatchTimeoutError

    job = _job(session, job_id)
    records = {r["batch_id"]: r for r in job.refresh()}
    with session.out.live(progress_text(list(records.values()))) as line:
        try:
            job.wait(timeout=timeout, config={"callbacks": [_progress_handler(line, records)]})
        except GradientBatchTimeoutError as exc:
            line.finish(progress_text(job.refresh()))  # where the job stands at the timeout
            raise click.ClickException(
                f"{exc} Wait again with `langchain-gradient batch wait {job.id}`."
            ) from exc
        final = job.refresh()
        line.finish(progress_text(final))
    _show_records(session.out, job, final)
    failed = [r for r in final if r["status"] == "failed"]
    if failed:
        raise click.ClickException(
            f"batch {failed[0]['batch_id']} failed: {failed[0].get('errors')}"
        )


@batch.command("cancel")
@click.argument("job_id")
@gradient_command
def cancel(session: Session, job_id: str) -> None:
    """Ask every unfinished part to stop; lines not yet run come back as errors."""
    job = _job(session, job_id)
    _show_records(session.out, job, job.cancel())


@batch.command("list")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--status", "state", help="Only jobs in this state, e.g. in_progress.")
@gradient_command
def list_(session: Session, limit: int, state: str | None) -> None:
    """List recent Batch API jobs, newest first."""
    from langchain_gradient.batch import GradientBatchClient

    page = GradientBatchClient(**session.connection()).list(limit=limit, status=state)
    rows = page.get("data") or []

    def render() -> None:
        session.out.table(
            ["batch", "status", Column("created", drop=2), Column("requests", drop=1)],
            (
                [
                    r["batch_id"],
                    r["status"],
                    (r.get("created_at") or "")[:19] or None,
                    _requests_cell(r.get("request_counts") or {}),
                ]
                for r in rows
            ),
        )

    session.out.result(rows, render)


def _requests_cell(counts: dict[str, Any]) -> str:
    done = int(counts.get("completed") or 0) + int(counts.get("failed") or 0)
    return f"{done}/{int(counts.get('total') or 0)}"


# ----------------------------------------------------------------------------- results


@batch.command("results")
@click.argument("job_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSONL here (whole or not at all) instead of stdout.",
)
@click.option("--raw", is_flag=True, help="The provider's result lines as they come.")
@gradient_command
def results(session: Session, job_id: str, output: Path | None, raw: bool) -> None:
    """Print one JSON line per input, in input order; failed inputs as error lines.

    A line is {"custom_id", "content", "tool_calls", "usage", "finish_reason"} or
    {"custom_id", "error": {"message", "code", "status_code"}}; --raw gives the
    provider's lines instead.
    """
    from langchain_gradient._atomic_write import AtomicWriter

    job = _job(session, job_id)
    lines = _ordered_lines(job, raw)
    if output is None:
        for line in lines:
            session.out.write(line)
        return
    with AtomicWriter(output.absolute().parent) as target:
        for line in lines:
            target.write(line.encode())
        target.publish(output.absolute(), overwrite=True)
    written = len(lines)
    session.out.result(
        {"path": str(output), "lines": written},
        lambda: session.out.progress(f"{written:,} line(s) written to {output}"),
    )


def _ordered_lines(job: GradientBatchJob, raw: bool) -> list[str]:
    """Every result as a JSON line: by numeric custom id (submit's ids are input indexes),
    else in the order the service returned them."""
    from langchain_gradient.batch.client import TERMINAL

    records = job.refresh()
    for record in records:
        if record["status"] not in TERMINAL:
            raise click.ClickException(
                f"batch {record['batch_id']} is still {record['status']}; "
                f"run `langchain-gradient batch wait {job.id}` first."
            )
    found: dict[str, str] = {}
    for line in _result_lines(job, records):
        value = line if raw else normalize_line(line)
        found[str(line.get("custom_id"))] = json.dumps(value, ensure_ascii=False) + "\n"
    ids = list(found)
    if ids and all(i.isdigit() for i in ids):
        ids.sort(key=int)
        total = _counts(records)[1]["total"]
        if int(ids[-1]) < total:  # ids 0..total-1 (submit_batch's): fill any gap in place
            missing = {"message": "no result was returned for this input", "code": "missing"}
            return [
                found.get(str(i)) or json.dumps({"custom_id": str(i), "error": missing}) + "\n"
                for i in range(total)
            ]
    return [found[i] for i in ids]


def _result_lines(job: GradientBatchJob, records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        if record["status"] == "failed":
            raise click.ClickException(f"batch {record['batch_id']} failed: {record.get('errors')}")
        urls = job.client.result_urls(record["batch_id"])
        for kind in ("output_file_url", "error_file_url"):
            if urls.get(kind):
                yield from job.client.iter_result_lines(urls[kind])


def normalize_line(line: dict[str, Any]) -> dict[str, Any]:
    """One provider result line (OpenAI or Anthropic) as the command's result line.

    Example:
        >>> normalize_line({"custom_id": "1", "response": None,
        ...                 "error": {"code": "batch_expired", "message": "expired"}})["error"]
        {'message': 'expired', 'code': 'batch_expired', 'status_code': None}
    """
    from langchain_gradient.batch.lines import message_from_anthropic, message_from_openai

    custom_id = line.get("custom_id")
    result = line.get("result")
    response = line.get("response") or {}
    if isinstance(result, dict):  # Anthropic Message Batches
        if result.get("type") == "succeeded":
            message = message_from_anthropic(result["message"])
        else:
            error = (result.get("error") or {}).get("error") or {}
            return _error(
                custom_id,
                error.get("message") or f"request {result.get('type')}",
                error.get("type") or result.get("type"),
                None,
            )
    elif response.get("status_code") == 200 and not line.get("error"):
        body = response.get("body") or {}
        message = message_from_openai(body, str(body.get("model") or ""))
    else:
        error = line.get("error") or (response.get("body") or {}).get("error") or {}
        return _error(
            custom_id,
            error.get("message") or "the request failed",
            error.get("code") or error.get("type"),
            response.get("status_code"),
        )
    return {
        "custom_id": custom_id,
        "content": message.content,
        "tool_calls": [
            {"name": c["name"], "args": c["args"], "id": c["id"]} for c in message.tool_calls
        ],
        "usage": message.usage_metadata,
        "finish_reason": message.response_metadata.get("finish_reason"),
    }


def _error(custom_id: Any, message: str, code: Any, status_code: Any) -> dict[str, Any]:
    return {
        "custom_id": custom_id,
        "error": {"message": message, "code": code, "status_code": status_code},
    }

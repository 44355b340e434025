"""``langchain-gradient fal``: run fal models (image, audio, speech) as async jobs.

A job goes QUEUED -> IN_PROGRESS -> COMPLETED (or FAILED); a live line on stderr
shows each step. ``--no-wait`` only submits and prints the request id; ``fal status``
and ``fal result`` pick the job up later. Waiting and downloading are
:class:`~langchain_gradient.tools.GradientFalTool`'s, so files are written
atomically under new names and never over an existing file.

Example::

    langchain-gradient fal -m fal-ai/flux/schnell --prompt "A lighthouse" --output media
    langchain-gradient fal -m fal-ai/elevenlabs/tts/multilingual-v2 --text "Hi" --no-wait
    langchain-gradient fal result 6590784a-ce47-4556-9ff4-53baff2693fb --wait --output media
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from langchain_gradient.cli._cost import total_cost, track_cost
from langchain_gradient.cli._options import model_option, timeout_option
from langchain_gradient.cli._output import Output, describe_error
from langchain_gradient.cli._session import Session, gradient_command

if TYPE_CHECKING:
    from langchain_gradient.cli._progress import LiveLine
    from langchain_gradient.tools import FalJob, GradientFalTool


def parse_input(prompt: str | None, text: str | None, raw: str | None) -> dict[str, Any]:
    """The model input from exactly one of ``--prompt``, ``--text`` or ``--input``.

    Example:
        >>> parse_input(None, None, '{"prompt": "a cat", "seed": 1}')
        {'prompt': 'a cat', 'seed': 1}
    """
    given = [
        name
        for name, value in (("--prompt", prompt), ("--text", text), ("--input", raw))
        if value is not None
    ]
    if len(given) != 1:
        raise click.UsageError(
            "Give exactly one of --prompt TEXT, --text TEXT or --input JSON"
            + (f" (got {', '.join(given)})." if given else ".")
        )
    if prompt is not None:
        return {"prompt": prompt}
    if text is not None:
        return {"text": text}
    assert raw is not None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON ({exc.msg})", param_hint="--input") from exc
    except RecursionError:
        raise click.BadParameter("the JSON is nested too deeply", param_hint="--input") from None
    if not isinstance(value, dict):
        raise click.BadParameter(
            'must be a JSON object, e.g. \'{"prompt": "..."}\'', param_hint="--input"
        )
    return value


def tool_arguments(tool: GradientFalTool, model_input: dict[str, Any]) -> dict[str, Any]:
    """Split the model input into the tool's own arguments and ``extra_input``."""
    schema: Any = tool.args_schema
    known = set(schema.model_fields) - {"extra_input", "tags"}
    args = {k: v for k, v in model_input.items() if k in known}
    extra = {k: v for k, v in model_input.items() if k not in known}
    if extra:
        args["extra_input"] = extra
    return args


def status_text(job: FalJob | dict[str, Any], elapsed: float | None = None) -> str:
    data = (
        job
        if isinstance(job, dict)
        else {"model_id": job.model_id, "request_id": job.request_id, "status": job.status}
    )
    when = f" {elapsed:5.1f}s" if elapsed is not None else ""
    model = data.get("model_id") or "fal job"
    return f"  {model} {data['request_id']}: {data['status']:<11}{when}"


def progress_handler(line: LiveLine) -> Any:
    """A callback handler that turns the tool's status events into states of ``line``
    (whose elapsed time keeps ticking between them; see :meth:`Output.live`)."""
    from langchain_core.callbacks import BaseCallbackHandler

    from langchain_gradient.tools import FAL_STATUS_EVENT

    class FalProgress(BaseCallbackHandler):
        def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
            if name == FAL_STATUS_EVENT:
                show_job_state(line, data)

    return FalProgress()


def show_job_state(line: LiveLine, job: FalJob | dict[str, Any]) -> None:
    """One state of a fal job on its live line; a final state ends the line."""
    text = status_text(job)
    status = job["status"] if isinstance(job, dict) else job.status
    if status in ("COMPLETED", "FAILED"):
        line.finish(text)
    else:
        line.update(text)


def job_record(job: FalJob) -> dict[str, Any]:
    return {
        "request_id": job.request_id,
        "model_id": job.model_id,
        "status": job.status,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "completed_at": job.completed_at,
        "output": job.output,
    }


def _show_files(out: Output, result: dict[str, Any]) -> None:
    files = result.get("files") or []
    title = f"{result['model_id']} ({result['request_id']}): {len(files)} file(s)"
    out.media_result(result, title=title, detail="field")


def _timeout_hint(exc: Exception) -> click.ClickException:
    request_id = getattr(exc, "request_id", "?")
    return click.ClickException(
        f"{exc} Pick it up later with `langchain-gradient fal result {request_id} --wait`."
    )


_output_dir_option = click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Download the result files into this directory (default: print their URLs).",
)


@click.group(invoke_without_command=True)
@model_option(help="fal model, e.g. fal-ai/flux/schnell.", aliases=("--model-id",))
@click.option("--prompt", help="Prompt (image and audio models).")
@click.option("--text", help="Text to speak (text-to-speech models).")
@click.option("--input", "raw_input", metavar="JSON", help="The whole model input as JSON.")
@click.option("--no-wait", is_flag=True, help="Submit, print the request id and return.")
@_output_dir_option
@timeout_option(default=600)
@gradient_command
def fal(
    session: Session,
    model: str | None,
    prompt: str | None,
    text: str | None,
    raw_input: str | None,
    no_wait: bool,
    output: Path | None,
    timeout: float,
) -> None:
    """Run a fal model; or `fal status|result REQUEST_ID` for an earlier job."""
    ctx = click.get_current_context()
    if ctx.invoked_subcommand is not None:
        return
    if not model:
        raise click.UsageError("-m/--model is required (or use `fal status|result REQUEST_ID`).")
    model_id = model
    model_input = parse_input(prompt, text, raw_input)
    from pydantic import ValidationError

    from langchain_gradient._errors import GradientError
    from langchain_gradient.tools import (
        FalJobClient,
        FalJobTimeoutError,
        FalPollPolicy,
        GradientFalTool,
    )

    if no_wait:
        job = FalJobClient(**session.connection()).submit(model_id, model_input)
        session.out.status(status_text(job), done=True)
        session.out.result(
            job_record(job),
            lambda: session.out.line(
                f"Submitted. Check with `langchain-gradient fal status {job.request_id}`."
            ),
        )
        return
    try:
        tool = GradientFalTool(
            model_id=model_id,
            output_dir=output,
            poll_policy=FalPollPolicy(timeout=timeout),
            handle_tool_error=False,  # the command reports every failure itself
            **session.connection(),
        )
    except ValidationError as exc:
        for error in exc.errors():
            inner = (error.get("ctx") or {}).get("error")
            if isinstance(inner, GradientError):  # e.g. no key: not a --model-id problem
                raise inner from None
        raise click.BadParameter(describe_error(exc), param_hint="--model") from exc
    call = {"type": "tool_call", "id": "cli", "name": tool.name}
    with (
        track_cost() as cost,
        session.out.live(f"  {model_id}: submitting", announce=False) as line,
    ):
        try:
            message = tool.invoke(
                {**call, "args": tool_arguments(tool, model_input)},
                config={"callbacks": [progress_handler(line)]},
            )
        except FalJobTimeoutError as exc:
            raise _timeout_hint(exc) from exc
    artifact = dict(message.artifact)
    _show_files(session.out, {**_json_safe(artifact), "cost_usd": total_cost(cost)})


def _json_safe(artifact: dict[str, Any]) -> dict[str, Any]:
    """The artifact without inline bytes (their size stays)."""
    files = [{k: v for k, v in f.items() if k != "bytes"} for f in artifact.get("files", [])]
    return {**artifact, "files": files}


@fal.command("status")
@click.argument("request_id")
@gradient_command
def status(session: Session, request_id: str) -> None:
    """Print the status of job REQUEST_ID (one request)."""
    from langchain_gradient.tools import FalJobClient

    job = FalJobClient(**session.connection()).get_status(request_id)
    session.out.result(job_record(job), lambda: session.out.line(status_text(job)))


@fal.command("result")
@click.argument("request_id")
@click.option("--wait", is_flag=True, help="Wait (with the live line) until the job ends.")
@_output_dir_option
@gradient_command
def result(session: Session, request_id: str, wait: bool, output: Path | None) -> None:
    """Fetch the result of job REQUEST_ID (its files, or its status if not done)."""
    from langchain_gradient.tools import (
        FalJobClient,
        FalJobFailedError,
        FalJobTimeoutError,
        GradientFalTool,
        detect_fal_kind,
    )

    client = FalJobClient(**session.connection())
    job = client.get_result(request_id)
    if not job.is_terminal and wait:
        with session.out.live(status_text(job)) as line:

            def report(current: FalJob, _elapsed: float) -> None:
                show_job_state(line, current)

            try:
                job = client.wait_for_job(request_id, on_status=report)
            except FalJobTimeoutError as exc:
                raise _timeout_hint(exc) from exc
    if job.is_failed:
        raise FalJobFailedError(job)
    if not job.is_completed:
        session.out.result(
            job_record(job),
            lambda: session.out.line(
                status_text(job) + " (not finished; add --wait to wait for it)"
            ),
        )
        return
    model_id = job.model_id or "fal-ai/unknown"
    kind = detect_fal_kind(model_id) or "image"
    tool = GradientFalTool(
        model_id=model_id, kind=kind, output_dir=output, job_client=client, **session.connection()
    )
    _content, artifact = tool.resume(request_id)
    _show_files(session.out, _json_safe(artifact))

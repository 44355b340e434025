"""``langchain-gradient image``: generate images into files, through ``GradientImageTool``.

Without ``--output`` each image gets a new name in the current directory (a slug of
the prompt plus a content hash; never an existing name). With ``--output PATH`` the
image goes to exactly ``PATH`` (``name-1.png``, ``name-2.png``, ... when ``--n`` > 1),
and an existing file there stops the command before any request unless ``--force``.

Example::

    langchain-gradient image --prompt "A lobster trading stocks" --output lobster.png
    langchain-gradient image --prompt "Fintech logo" --n 2 --size 1024x1024 --json
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from langchain_gradient.cli._cost import total_cost, track_cost
from langchain_gradient.cli._options import model_option
from langchain_gradient.cli._session import Session, gradient_command

DEFAULT_IMAGE_MODEL = "openai-gpt-image-1"
_SIZE = re.compile(r"^(auto|[1-9]\d{1,4}x[1-9]\d{1,4})$")


def check_size(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not _SIZE.match(value):
        raise click.BadParameter(f"{value!r} is not WxH (e.g. 1024x1024) or 'auto'")
    return value


def target_paths(output: Path, count: int) -> list[Path]:
    """Where ``count`` images go for ``--output output``.

    Example:
        >>> [p.name for p in target_paths(Path("cat.png"), 2)]
        ['cat-1.png', 'cat-2.png']
    """
    if count == 1:
        return [output]
    suffix = output.suffix or ".png"
    return [output.with_name(f"{output.stem}-{i}{suffix}") for i in range(1, count + 1)]


def write_image(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` all at once or not at all (never a truncated file, even
    on a full disk or Ctrl-C); an existing file is only replaced with ``force``."""
    from langchain_gradient._atomic_write import write_atomically

    try:
        write_atomically(path, data, overwrite=force)
    except FileExistsError as exc:
        raise click.ClickException(f"{path} already exists; pass --force to overwrite it.") from exc
    except OSError as exc:
        raise click.ClickException(
            f"Could not write {path}: {exc.strerror or exc}. Nothing was written there; "
            "free some space or pick a writable --output, then run the command again."
        ) from exc


def generate(
    session: Session, *, prompt: str, model: str, size: str, n: int, output_dir: Path | None
) -> dict[str, Any]:
    """Run the image tool once; the artifact (``images``, ``usage``) plus ``cost_usd``."""
    from langchain_gradient.tools import GradientImageTool

    tool = GradientImageTool(
        model=model, output_dir=output_dir, handle_tool_error=False, **session.connection()
    )
    call = {"type": "tool_call", "id": "cli", "name": tool.name}
    with track_cost() as cost:
        message = tool.invoke({**call, "args": {"prompt": prompt, "size": size, "n": n}})
    artifact = dict(message.artifact)
    artifact["cost_usd"] = total_cost(cost)
    return artifact


@click.command()
@click.option("--prompt", "-p", required=True, help="What to draw.")
@model_option(default=DEFAULT_IMAGE_MODEL, help="Image model id.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@click.option(
    "--size",
    default="1024x1024",
    show_default=True,
    callback=check_size,
    help="WxH, e.g. 1024x1024, or auto.",
)
@click.option(
    "--n", "n", type=click.IntRange(1, 10), default=1, show_default=True, help="How many images."
)
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
@gradient_command
def image(
    session: Session,
    prompt: str,
    model: str,
    output: Path | None,
    size: str,
    n: int,
    force: bool,
) -> None:
    """Generate N images from a prompt and save them."""
    if not prompt.strip():
        raise click.BadParameter("the prompt is empty", param_hint="--prompt")
    targets = target_paths(output, n) if output else []
    taken = [str(path) for path in targets if path.exists()]
    if taken and not force:
        raise click.ClickException(
            f"{', '.join(taken)} already exist{'s' if len(taken) == 1 else ''}; "
            "pass --force to overwrite, or choose another --output."
        )
    with session.out.live(f"  generating {n} image(s) with {model}") as line:
        artifact = generate(
            session,
            prompt=prompt,
            model=model,
            size=size,
            n=n,
            output_dir=None if output else Path.cwd(),
        )
        line.finish(f"  generated {len(artifact['images'])} image(s) with {model}")
    files: list[dict[str, Any]] = []
    for index, picture in enumerate(artifact["images"]):
        if targets:
            data = picture.pop("bytes", None)
            if data is None:
                raise click.ClickException(f"{model} returned image {index + 1} without data.")
            write_image(targets[index], data, force=force)
            picture["path"] = str(targets[index])
        picture.pop("bytes", None)
        files.append(picture)
    result = {
        "model": model,
        "prompt": prompt,
        "files": files,
        "usage": artifact.get("usage"),
        "cost_usd": artifact["cost_usd"],
    }
    session.out.media_result(result, title=f"{len(files)} image(s) from {model}", detail="size")

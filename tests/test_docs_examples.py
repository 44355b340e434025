"""The documentation runs: every recipe in docs/examples and every runnable code block.

Recipes (``docs/examples/*.py``) run as scripts, one process each, with every key and
endpoint variable removed from the environment, so they start their own emulator; the
test checks the exit code and the lines that prove the recipe did its job.

Code blocks in ``README.md`` and ``docs/*.md`` follow one convention:

* a fenced ``python`` block runs; the blocks of one page run in order in one namespace,
  like notebook cells, with ``MODEL_ACCESS_KEY`` / ``INFERENCE_ENDPOINT`` set to the
  emulator and a fresh working directory;
* ``<!-- not-run -->`` on the line before the fence skips a block (it needs a real
  key, a real account, or is a fragment);
* ``<!-- pytest -->`` on the line before the fence marks a test module: the page's
  pytest blocks are written to one file and run with pytest, which must pass.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import langchain_gradient
from langchain_gradient._errors import GradientError
from langchain_gradient._settings import ENDPOINT_ENV_VARS, KEY_ENV_VARS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = ROOT / "docs" / "examples"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SCRIPT_TIMEOUT_S = 60

# Lines each recipe must print: the "OK ..." line comes after its asserts passed.
EXPECTED_OUTPUT: dict[str, list[str]] = {
    "structured_output_chain.py": [
        "OK structured output validated as SupportTicket",
        '"order_number":48213',
    ],
    "agent_with_image_tool.py": [
        "tool product_price: $24",
        "tool gradient_image_generation: Generated 1 image",
        "OK agent called both tools",
    ],
    "rag_with_sources.py": [
        "retrieved: help/returns.md",
        "OK the retriever found help/returns.md first",
    ],
    "streaming_with_cost.py": ["cost: $", "OK streamed and priced one request"],
    "cascade_router.py": [
        "openai-gpt-4o-mini answered 'What is 2 + 3?' (escalations: 0",
        "openai-gpt-4o answered 'Summarise the history",
        "OK short question stayed cheap; long one escalated",
    ],
    "ray_vector_store.py": [
        "embedded 4 files through Ray",
        "best match: returns.txt",
        "OK the vector store found returns.txt",
    ],
    "rag_knowledge_base.py": ["cited: refunds.md", "OK both paths cited refunds.md"],
    "batch_classify.py": ["billing      500", "errors 0", "OK 2,000 texts classified"],
}
# Arguments for recipes whose default size is too slow for this shared run.
RECIPE_ARGS: dict[str, list[str]] = {"batch_classify.py": ["2000"]}

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_MARKER = re.compile(r"<!--\s*(not-run|pytest)\s*-->\s*$")


@dataclass(frozen=True)
class CodeBlock:
    """One fenced python block of a page and how it is run."""

    page: Path
    line: int
    code: str
    mode: str  # "run", "pytest" or "not-run"


def python_blocks(page: Path) -> list[CodeBlock]:
    """The fenced ``python`` blocks of ``page``, with the marker that precedes each."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for match in _FENCE.finditer(text):
        if match.group(1) != "python":
            continue
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = _MARKER.search(before)
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(CodeBlock(page, line, match.group(2), marker.group(1) if marker else "run"))
    return blocks


def _pages_with(mode: str) -> list[Path]:
    return [page for page in PAGES if any(b.mode == mode for b in python_blocks(page))]


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def offline_env() -> dict[str, str]:
    """This process's environment without any Gradient key or endpoint."""
    env = {k: v for k, v in os.environ.items() if k not in (*KEY_ENV_VARS, *ENDPOINT_ENV_VARS)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# ---------------------------------------------------------------------------- recipes


def test_every_recipe_has_expected_output() -> None:
    scripts = {p.name for p in EXAMPLES_DIR.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(EXPECTED_OUTPUT)


def _pytest_page_command(page: Path, directory: Path) -> list[str]:
    """Write the page's ``<!-- pytest -->`` blocks to one test module; the command to run it."""
    code = "\n\n".join(b.code for b in python_blocks(page) if b.mode == "pytest")
    (directory / "test_from_docs.py").write_text(code, encoding="utf-8")
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_from_docs.py"]


@pytest.fixture(scope="module")
def subprocess_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """Run every recipe and every page's test module at once, one process each.

    Returns ``{recipe file name or page path: (exit code, stdout, stderr)}``.
    """

    def start(command: list[str], cwd: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=offline_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    running = {}
    for script in sorted(EXPECTED_OUTPUT):
        workdir = tmp_path_factory.mktemp(script.removesuffix(".py"))
        command = [sys.executable, str(EXAMPLES_DIR / script), *RECIPE_ARGS.get(script, [])]
        running[script] = start(command, workdir)
    for page in _pages_with("pytest"):
        workdir = tmp_path_factory.mktemp("pytest-page")
        running[_page_id(page)] = start(_pytest_page_command(page, workdir), workdir)
    results = {}
    for name, process in running.items():
        try:
            stdout, stderr = process.communicate(timeout=SCRIPT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        results[name] = (process.returncode, stdout, stderr)
    return results


@pytest.mark.parametrize("script", sorted(EXPECTED_OUTPUT))
def test_recipe_runs_on_the_emulator(
    script: str, subprocess_runs: dict[str, tuple[int, str, str]]
) -> None:
    returncode, stdout, stderr = subprocess_runs[script]
    assert returncode == 0, f"{script} failed:\n{stdout}\n{stderr}"
    assert "using the local emulator" in stdout
    for expected in EXPECTED_OUTPUT[script]:
        assert expected in stdout, f"{script}: no {expected!r} in:\n{stdout}"


# ---------------------------------------------------------------------------- pages


def test_the_block_convention_is_read_as_documented(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n\n<!-- not-run -->\n```python\nboom()\n```\n"
        "<!-- pytest -->\n```python\ndef test_a(): pass\n```\n```bash\nls\n```\n"
    )
    assert [(b.mode, b.code) for b in python_blocks(page)] == [
        ("run", "x = 1\n"),
        ("not-run", "boom()\n"),
        ("pytest", "def test_a(): pass\n"),
    ]


def test_the_guides_have_runnable_code() -> None:
    runnable = {_page_id(page) for page in _pages_with("run")}
    assert "README.md" in runnable
    assert len(runnable) >= 10, runnable


@pytest.mark.parametrize("page", _pages_with("run"), ids=_page_id)
def test_page_code_runs_on_the_emulator(
    page: Path,
    gradient_emulator_env: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Jobs (fal) take seconds of emulated time; run that clock fast.
    monkeypatch.setattr(gradient_emulator_env.clock, "speed", 200.0)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    with warnings.catch_warnings():  # filters a page sets stay inside the page
        for block in python_blocks(page):
            if block.mode != "run":
                continue
            where = f"{_page_id(page)}:{block.line}"
            try:
                # dont_inherit: a page runs as a user's script would, without this
                # module's `from __future__ import annotations` (pydantic models in it)
                exec(compile(block.code, where, "exec", dont_inherit=True), namespace)
            except Exception as exc:
                raise AssertionError(f"the code block at {where} failed: {exc!r}") from exc


@pytest.mark.parametrize("page", _pages_with("pytest"), ids=_page_id)
def test_page_test_modules_pass(
    page: Path, subprocess_runs: dict[str, tuple[int, str, str]]
) -> None:
    returncode, stdout, _ = subprocess_runs[_page_id(page)]
    assert returncode == 0, f"{_page_id(page)} tests failed:\n{stdout}"
    assert " passed" in stdout


# ---------------------------------------------------------------------------- links

_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_point_at_files(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = [
        target
        for target in _LINK.findall(text)
        if "://" not in target
        and not target.startswith(("#", "mailto:"))
        and not (page.parent / target.split("#", 1)[0]).exists()
    ]
    assert not missing, f"{_page_id(page)} links to missing files: {missing}"


# ---------------------------------------------------------------------------- errors


def _package_classes() -> list[type]:
    """Every class defined in the package (the emulator's server side and entry points aside)."""
    found: list[type] = []
    for module_info in pkgutil.walk_packages(langchain_gradient.__path__, "langchain_gradient."):
        name = module_info.name
        if name.endswith("__main__") or name.startswith("langchain_gradient.emulator"):
            continue
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == name
        ]
    return found


def test_troubleshooting_covers_every_error_and_warning() -> None:
    page = (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8")
    raised = [
        cls.__name__
        for cls in _package_classes()
        if issubclass(cls, (GradientError, Warning)) and not cls.__name__.startswith("_")
    ]
    assert "GradientStreamError" in raised and "FalJobTimeoutError" in raised
    missing = sorted(name for name in raised if f"`{name}`" not in page)
    assert not missing, f"docs/troubleshooting.md does not explain: {missing}"

"""One-line messages for features that need an optional extra.

The base install (``pip install langchain-gradient``) carries only langchain-core,
openai and pydantic: what a chain needs. The command-line tool (click, Rich) and the
emulator (aiohttp) are extras; whoever reaches them without the extra gets one line
naming the ``pip install`` that fixes it, never a bare ``ModuleNotFoundError``.

Example:
    >>> install_hint("cli")
    "pip install 'langchain-gradient[cli]'"
"""

from __future__ import annotations

import importlib.util
import sys


def install_hint(extra: str) -> str:
    """The command that installs ``extra``."""
    return f"pip install 'langchain-gradient[{extra}]'"


def missing_modules(*modules: str) -> list[str]:
    """Which of ``modules`` cannot be imported here."""
    missing = []
    for name in modules:
        if sys.modules.get(name, ...) is None:  # blocked, as tests do
            missing.append(name)
            continue
        try:
            found = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            found = None
        if found is None:
            missing.append(name)
    return missing


def require_extra(extra: str, feature: str, *modules: str) -> None:
    """Raise ``ModuleNotFoundError`` with the install line when ``modules`` are missing.

    Example:
        >>> require_extra("cli", "the command-line tool", "json")  # present: no error
    """
    missing = missing_modules(*modules)
    if missing:
        raise ModuleNotFoundError(
            f"{feature} needs {', '.join(missing)}: {install_hint(extra)}", name=missing[0]
        )


def exit_without_extra(extra: str, feature: str, *modules: str) -> None:
    """For console scripts: print the one-line fix on stderr and exit 1."""
    try:
        require_extra(extra, feature, *modules)
    except ModuleNotFoundError as error:
        sys.stderr.write(f"Error: {error}\n")
        raise SystemExit(1) from None

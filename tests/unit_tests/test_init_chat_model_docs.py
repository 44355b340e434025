"""docs/chat.md's account of ``init_chat_model("gradient:...")`` is true of the installed
langchain (issue 18, item 8); the page's runnable block shows the alternatives working."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

PAGE = Path(__file__).parents[2] / "docs" / "chat.md"


def documented_section() -> str:
    text = PAGE.read_text()
    start = text.index("## Where `init_chat_model`")
    return text[start : text.index("\n## ", start + 1)]


def test_the_prefix_fails_as_documented() -> None:
    from langchain.chat_models import init_chat_model

    with pytest.raises(ValueError, match="Unable to infer model provider"):
        init_chat_model("gradient:llama3.3-70b-instruct")
    assert "Unable to infer model provider" in documented_section()


def test_the_documented_provider_table_is_langchains() -> None:
    from langchain.chat_models.base import _BUILTIN_PROVIDERS

    section = documented_section()
    assert "gradient" not in _BUILTIN_PROVIDERS  # the day it is, this page must change
    match = re.search(r"\(langchain ([\d.]+): ([a-z_, \n]+)\)", section)
    assert match, "the page names the langchain version and its provider list"
    listed = {name.strip() for name in match.group(2).split(",")}
    documented, installed = Version(match.group(1)), Version(version("langchain"))
    if installed == documented:
        assert listed == set(_BUILTIN_PROVIDERS)
    elif installed > documented:  # newer releases add providers; none of ours goes away
        assert listed <= set(_BUILTIN_PROVIDERS)
    # an older langchain (the lowest version we declare) may know fewer: the page names
    # the version it lists, and the first test holds on every version

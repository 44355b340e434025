"""Packaging facts CI and `make demo` rely on: the minimum-versions run, the license."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def declared_minimums() -> dict[str, str]:
    project = PYPROJECT["project"]
    specs = list(project["dependencies"])
    extras = project["optional-dependencies"]
    specs += extras["emulator"] + extras["cli"] + extras["ray"]
    found = {}
    for spec in specs:
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[a-z,]+\])?>=([0-9.]+)", spec)
        assert match, spec
        found[match[1].lower()] = match[2]
    return found


def test_min_constraints_pin_exactly_the_declared_minimums() -> None:
    pins = {}
    for line in (ROOT / "constraints-min.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    assert pins == declared_minimums()


def test_ci_runs_the_suite_on_the_minimum_versions_too() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "test-min:" in makefile
    # The minimum-versions venv is installed with the pins on top of pyproject.toml.
    min_rule = makefile.split("$(MIN_STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "constraints-min.txt" in min_rule and "venv_install" in min_rule
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test-min" in ci and "make test\n" in ci


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    # A TOML table makes setuptools print a deprecation warning on every install.
    assert PYPROJECT["project"]["license"] == "MIT"
    requires = PYPROJECT["build-system"]["requires"]
    assert "setuptools>=77" in requires  # the first setuptools reading SPDX strings

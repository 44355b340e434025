"""pytest plugin (``pytest11`` entry point): Gradient emulator fixtures for any test suite.

Fixtures:

* ``gradient_emulator``: a running :class:`~.runtime.GradientEmulator` shared by the
  session, reset before each test (log, caches, jobs, faults, settings).
* ``gradient_emulator_env``: the same, with ``MODEL_ACCESS_KEY`` and
  ``INFERENCE_ENDPOINT`` pointing at it for the test.
* ``make_gradient_emulator``: a factory for emulators with custom settings, stopped
  after the test.

Example::

    def test_my_chain(gradient_emulator):
        llm = ChatGradient(base_url=gradient_emulator.base_url,
                           api_key=gradient_emulator.api_key)
        assert llm.invoke("Hello").content

With the ini option ``gradient_emulator_check_responses = true`` every emulator these
fixtures start checks each response and stream event it sends against DigitalOcean's
contract, and a test whose emulator broke it fails at teardown.

aiohttp is imported only when a fixture is used, so installing this package never
breaks test suites that lack the ``emulator`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from langchain_gradient.emulator.runtime import GradientEmulator


def _emulator_class() -> type[GradientEmulator]:
    try:
        from langchain_gradient.emulator.runtime import GradientEmulator
    except ImportError as error:  # pragma: no cover - depends on the environment
        pytest.skip(
            "the Gradient emulator needs aiohttp: "
            f"pip install 'langchain-gradient[emulator]' ({error})"
        )
    return GradientEmulator


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "gradient_emulator_check_responses",
        "check every emulator response and stream event against DigitalOcean's contract",
        type="bool",
        default=False,
    )


def _check_responses(config: pytest.Config) -> bool:
    return bool(config.getini("gradient_emulator_check_responses"))


def _fail_on_contract_violations(emulator: GradientEmulator) -> None:
    violations = list(emulator.state.contract_violations)
    if violations:
        emulator.state.contract_violations.clear()
        pytest.fail(
            "the emulator sent responses that break DigitalOcean's contract:\n  "
            + "\n  ".join(violations[:10]),
            pytrace=False,
        )


@pytest.fixture(scope="session")
def gradient_emulator_session(pytestconfig: pytest.Config) -> Iterator[GradientEmulator]:
    """One emulator for the whole session (use ``gradient_emulator`` in tests)."""
    emulator = _emulator_class()(check_responses=_check_responses(pytestconfig)).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def gradient_emulator(gradient_emulator_session: GradientEmulator) -> Iterator[GradientEmulator]:
    """The session emulator, reset to a clean state for this test (settings and keys too)."""
    emulator = gradient_emulator_session
    initial = replace(emulator.state.config)
    keys = emulator.state.keys.snapshot()
    emulator.reset()
    try:
        yield emulator
        _fail_on_contract_violations(emulator)
    finally:
        emulator.reset()
        emulator.state.config = initial
        emulator.state.keys.restore(keys)


@pytest.fixture
def gradient_emulator_env(
    gradient_emulator: GradientEmulator, monkeypatch: pytest.MonkeyPatch
) -> GradientEmulator:
    """``gradient_emulator`` plus ``MODEL_ACCESS_KEY`` / ``INFERENCE_ENDPOINT`` set to it."""
    monkeypatch.setenv("MODEL_ACCESS_KEY", gradient_emulator.api_key)
    monkeypatch.setenv("INFERENCE_ENDPOINT", gradient_emulator.base_url)
    return gradient_emulator


@pytest.fixture
def make_gradient_emulator(
    pytestconfig: pytest.Config,
) -> Iterator[Callable[..., GradientEmulator]]:
    """A factory: ``make_gradient_emulator(quirks=True)`` returns a started emulator."""
    started: list[GradientEmulator] = []

    def make(**kwargs: Any) -> GradientEmulator:
        kwargs.setdefault("check_responses", _check_responses(pytestconfig))
        emulator = _emulator_class()(**kwargs).start()
        started.append(emulator)
        return emulator

    try:
        yield make
        for emulator in started:
            _fail_on_contract_violations(emulator)
    finally:
        for emulator in started:
            emulator.stop()

"""A bounded schemathesis run against the emulator: zero 5xx, every response conforming.

Cases come from DigitalOcean's own OpenAPI file (``shared/data/digitalocean-openapi``),
positive (valid per the contract) and negative (invalid), for every operation. The
emulator runs in the test mode: it checks each response and stream event it sends
against the contract, and the test fails at teardown on any breach. Bounded to
``EXAMPLES`` cases per operation and mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from langchain_gradient.emulator import GradientEmulator
from langchain_gradient.emulator.contract import check_response, load_contract

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.generation.modes import GenerationMode  # noqa: E402

pytestmark = pytest.mark.emulator_only
EXAMPLES = 6
SPEC = next(
    (
        parent / "shared" / "data" / "digitalocean-openapi" / "gradient.openapi.yaml"
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "data" / "digitalocean-openapi" / "gradient.openapi.yaml").is_file()
    ),
    None,
)
ROUTES = sorted(load_contract()["routes"])
CASES = {"count": 0}


@pytest.fixture(scope="module")
def schema() -> Any:
    if SPEC is None:
        pytest.skip("shared/data/digitalocean-openapi is not available")
    return schemathesis.openapi.from_path(SPEC)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("route", ROUTES)
def test_no_server_error_and_conforming_answers(
    schema: Any, gradient_emulator: GradientEmulator, route: str, mode: GenerationMode
) -> None:
    method, path = route.split(" ", 1)
    operation = schema[path][method]
    token = (
        gradient_emulator.control_token
        if load_contract()["routes"][route]["host"] == "control"
        else gradient_emulator.api_key
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        CASES["count"] += 1
        response = case.call(
            base_url=gradient_emulator.origin,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code < 500, f"{route} {case.body!r}: {response.text[:300]}"
        if "json" in response.headers.get("content-type", ""):
            problem = check_response(
                method, case.formatted_path, response.status_code, response.json()
            )
            assert problem is None, f"{route} -> {response.status_code}: {problem}"

    try:
        run()
    except Exception as error:  # schemathesis may refuse to generate for an operation
        if type(error).__name__ in ("Unsatisfiable", "InvalidSchema", "SchemaError"):
            pytest.skip(f"{route}: {error}")
        raise


def test_the_run_generated_cases() -> None:
    print(f"schemathesis cases sent: {CASES['count']}")
    assert CASES["count"] > 0 or SPEC is None

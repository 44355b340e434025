"""A bounded schemathesis run against the emulator: zero 5xx, every response conforming.

Cases come from DigitalOcean's own OpenAPI file (``shared/data/digitalocean-openapi``)
where it is there, else from the contract generated from that file and committed with the
package (``contract.json``: the same routes, parameters and schemas, checked against the
file by ``scripts/generate_contract.py --check``), turned back into an OpenAPI document,
so a clean clone runs the same cases. Positive (valid per the contract) and negative
(invalid), for every operation. The
emulator runs in the test mode: it checks each response and stream event it sends
against the contract, and the test fails at teardown on any breach. Bounded to
``EXAMPLES`` cases per operation and mode.
"""

from __future__ import annotations

import json
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
MEDIA = {"json": "application/json", "sse": "text/event-stream"}


def openapi_from_contract() -> dict[str, Any]:
    """The committed contract as an OpenAPI 3.0 document (what the YAML says, per route)."""
    contract = load_contract()
    paths: dict[str, dict[str, Any]] = {}
    for route, spec in contract["routes"].items():
        method, path = route.split(" ", 1)
        parameters = [
            {
                "name": name,
                "in": where,
                "required": where == "path" or name in spec["required_parameters"],
                "schema": schema,
            }
            for where, names in spec["parameters"].items()
            for name, schema in names.items()
        ]
        operation: dict[str, Any] = {
            "operationId": spec["operation"],
            "parameters": parameters,
            "responses": {
                code: {
                    "description": code,
                    "content": {MEDIA[kind]: {"schema": schema} for kind, schema in body.items()},
                }
                for code, body in spec["responses"].items()
            },
        }
        if spec["request"] is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": spec["request"]}},
            }
        paths.setdefault(path, {})[method.lower()] = operation
    document = {
        "openapi": contract["generated_from"]["openapi"],
        "info": {"title": "Gradient (from contract.json)", "version": "contract"},
        "paths": paths,
        "components": {"schemas": contract["definitions"]},
    }
    text = json.dumps(document).replace('"#/definitions/', '"#/components/schemas/')
    loaded: dict[str, Any] = json.loads(text)
    return loaded


CASES = {"count": 0}


@pytest.fixture(scope="module")
def schema() -> Any:
    if SPEC is None:
        return schemathesis.openapi.from_dict(openapi_from_contract())
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
    assert CASES["count"] > 0

"""``keys`` against the emulator's control plane: the whole key lifecycle."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit_tests.cli.conftest import Run, assert_clean_failure


@pytest.fixture
def control(make_gradient_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh emulator (no keys created yet) with DIGITALOCEAN_TOKEN / _API_BASE set."""
    emulator = make_gradient_emulator()
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", emulator.control_token)
    monkeypatch.setenv("DIGITALOCEAN_API_BASE", emulator.origin)
    return emulator


def _create(control: Any, name: str) -> dict[str, Any]:
    """A key made as DigitalOcean's control panel makes them (the API route is retired)."""
    info: dict[str, Any] = control.create_api_key(name)
    return info


@pytest.mark.parametrize(
    "args", [("keys", "create", "ci-runner"), ("keys", "create", "x", "--json")]
)
def test_create_is_retired_and_points_at_the_control_panel(
    run: Run, control: Any, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert_clean_failure(
        result, "control panel", "410", "cloud.digitalocean.com/gen-ai/model-access-keys"
    )
    assert control.request_log.records() == []  # nothing sent
    assert control.state.api_keys == {}


def test_the_emulator_answers_410_gone_on_the_retired_route(control: Any) -> None:
    import httpx2

    response = httpx2.post(
        control.origin + "/v2/gen-ai/models/api_keys",
        json={"name": "x"},
        headers={"Authorization": f"Bearer {control.control_token}"},
    )
    assert response.status_code == 410
    body = response.json()
    assert body["id"] == "gone" and "control panel" in body["message"]


def test_list_never_shows_a_secret(run: Run, control: Any) -> None:
    info = _create(control, "ci-runner")
    listed = run("keys", "list", "--json")
    assert listed.exit_code == 0
    keys = json.loads(listed.stdout)
    assert [k["uuid"] for k in keys] == [info["uuid"]]
    assert info["secret_key"] not in listed.output
    assert "secret_key" not in keys[0]


def test_created_secret_works_for_inference(
    run: Run, control: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = _create(control, "app")
    result = run("--base-url", control.base_url, "models", "--json")
    assert_clean_failure(result, "MODEL_ACCESS_KEY")  # no key yet
    monkeypatch.setenv("MODEL_ACCESS_KEY", info["secret_key"])
    result = run("--base-url", control.base_url, "models", "--json")
    assert result.exit_code == 0, result.output


def test_people_output_is_a_table_and_the_secret_line(run: Run, control: Any) -> None:
    info = _create(control, "laptop")
    result = run("keys", "regenerate", info["uuid"], "--yes")
    assert result.exit_code == 0, result.output
    assert "laptop" in result.stdout
    assert "secret_key: sk-do-" in result.stdout
    assert "not shown again" in result.stderr


def test_rename(run: Run, control: Any) -> None:
    info = _create(control, "old")
    result = run("keys", "rename", info["uuid"], "new", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == "new"
    assert "secret_key" not in result.stdout
    assert json.loads(run("keys", "list", "--json").stdout)[0]["name"] == "new"


def test_regenerate_asks_first_and_no_keeps_the_secret(run: Run, control: Any) -> None:
    info = _create(control, "prod")
    result = run("keys", "regenerate", info["uuid"], input="n\n")
    assert result.exit_code == 1
    assert "Regenerate key 'prod'" in result.stderr
    assert "Aborted" in result.stderr
    assert info["secret_key"] in control.state.keys  # still valid


def test_regenerate_yes_issues_a_new_secret_and_kills_the_old(run: Run, control: Any) -> None:
    info = _create(control, "prod")
    result = run("keys", "regenerate", info["uuid"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "secret_key: sk-do-" in result.stdout
    new = run("keys", "regenerate", info["uuid"], "--yes", "--json")
    secret = json.loads(new.stdout)["secret_key"]
    assert secret != info["secret_key"]
    assert info["secret_key"] not in control.state.keys
    assert secret in control.state.keys


def test_delete_confirms_then_removes(run: Run, control: Any) -> None:
    info = _create(control, "tmp")
    assert run("keys", "delete", info["uuid"], input="n\n").exit_code == 1
    assert len(json.loads(run("keys", "list", "--json").stdout)) == 1
    result = run("keys", "delete", info["uuid"], "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(run("keys", "list", "--json").stdout) == []
    assert info["secret_key"] not in control.state.keys


def test_unknown_uuid_is_a_clear_error(run: Run, control: Any) -> None:
    result = run("keys", "delete", "no-such-uuid", "--yes")
    assert_clean_failure(result, "no-such-uuid", "keys list")


def test_wrong_token_is_401_without_traceback_or_token(
    run: Run, gradient_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "dop_v1_wrong-token-123456789"
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", wrong)
    result = run("keys", "list", "--api-base", gradient_emulator.origin)
    assert_clean_failure(result, "401", "DIGITALOCEAN_TOKEN")
    debug = run("--debug", "keys", "list", "--api-base", gradient_emulator.origin)
    assert "Traceback" in debug.stderr
    assert wrong not in result.output + debug.output


def test_list_follows_every_page(run: Run, control: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_gradient.cli import _keys_api

    monkeypatch.setattr(_keys_api, "_PAGE_SIZE", 2)
    names = [f"key-{i}" for i in range(5)]
    for name in names:
        _create(control, name)
    listed = json.loads(run("keys", "list", "--json").stdout)
    assert sorted(info["name"] for info in listed) == names
    pages = [r.raw_query.get("page") for r in control.request_log.records(method="GET")]
    assert pages == ["1", "2", "3"]


def test_no_answer_without_a_terminal_means_no(run: Run, control: Any) -> None:
    info = _create(control, "keep")
    result = run("keys", "delete", info["uuid"])
    assert result.exit_code == 1
    assert "Aborted" in result.stderr
    assert len(json.loads(run("keys", "list", "--json").stdout)) == 1


@pytest.mark.parametrize(
    "name", ["DIGITALOCEAN_API_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_TOKEN"]
)
def test_every_documented_token_variable_works(
    run: Run, make_gradient_emulator: Any, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The keys CLI reads the same variables, in the same order, as the retriever and
    the live catalog (DigitalOcean's template uses DIGITALOCEAN_API_TOKEN)."""
    emulator = make_gradient_emulator()
    monkeypatch.setenv(name, emulator.control_token)
    monkeypatch.setenv("DIGITALOCEAN_API_BASE", emulator.origin)
    _create(emulator, "ci")
    result = run("keys", "list", "--json")
    assert result.exit_code == 0, result.output
    assert [key["name"] for key in json.loads(result.stdout)] == ["ci"]

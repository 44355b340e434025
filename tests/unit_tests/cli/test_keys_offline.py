"""``keys`` failures that need no server: missing token, bad arguments, unreachable API."""

from __future__ import annotations

import pytest

from tests.unit_tests.cli.conftest import TOKEN, Run, assert_clean_failure


def test_missing_token_names_the_variables(run: Run) -> None:
    result = run("keys", "list")
    assert_clean_failure(
        result, "DIGITALOCEAN_API_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_TOKEN"
    )


def test_rename_without_a_name_is_a_usage_error(run: Run) -> None:
    result = run("keys", "rename", "some-uuid")
    assert result.exit_code == 2
    assert "Missing argument 'NAME'" in result.stderr


def test_unreachable_api_is_one_error_line(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", TOKEN)
    result = run("keys", "list", "--api-base", "http://127.0.0.1:9")
    assert_clean_failure(result, "Could not reach the DigitalOcean API at http://127.0.0.1:9")


def test_debug_traceback_never_shows_the_token(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", TOKEN)
    result = run("--debug", "keys", "list", "--api-base", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert TOKEN not in result.output


def test_bad_api_base_is_rejected_before_any_request(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", TOKEN)
    result = run("keys", "list", "--api-base", "ftp://example")
    assert_clean_failure(result, "not an http(s) URL")

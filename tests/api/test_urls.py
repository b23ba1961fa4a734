"""Origin and path rules: where the key may go."""

from __future__ import annotations

import pytest

from phtui.api.errors import ConfigurationError, InsecureHostError
from phtui.api.urls import (
    is_loopback,
    normalize_host,
    normalize_prefix,
    normalize_project_id,
    project_base_path,
    resource_path,
    same_origin,
)


@pytest.mark.parametrize(
    ("host", "origin"),
    [
        ("https://us.posthog.com", "https://us.posthog.com"),
        ("https://us.posthog.com/", "https://us.posthog.com"),
        ("eu.posthog.com", "https://eu.posthog.com"),
        ("  HTTPS://EU.PostHog.com:443/ ", "https://eu.posthog.com"),
        ("https://posthog.example.org:8443", "https://posthog.example.org:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://localhost:80", "http://localhost"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_normalize_host(host: str, origin: str) -> None:
    assert normalize_host(host) == origin


@pytest.mark.parametrize(
    "host", ["http://posthog.example.org", "http://10.0.0.5:8000", "http://app.localhost:1234"]
)
def test_plain_http_off_loopback_is_refused_unless_allowed(host: str) -> None:
    with pytest.raises(InsecureHostError, match="unencrypted") as caught:
        normalize_host(host)
    assert normalize_host(host, allow_insecure_http=True).startswith("http://")
    # The message names only what a user can do: no CLI option allows plain http.
    message = str(caught.value)
    assert "Use https://, or a loopback address" in message
    assert "allow insecure http explicitly" not in message
    assert "(Python API: allow_insecure_http=True.)" in message


@pytest.mark.parametrize(
    "host",
    [
        "",
        "ftp://us.posthog.com",
        "https://",
        "https://user:pw@us.posthog.com",
        "https://us.posthog.com/api/projects/1",
        "https://us.posthog.com/?x=1",
        "https://us.posthog.com/#frag",
        "https://us.posthog.com:99999",
    ],
)
def test_unusable_hosts_are_refused(host: str) -> None:
    with pytest.raises(ConfigurationError):
        normalize_host(host)


def test_errors_are_value_errors_for_callers_that_catch_those() -> None:
    with pytest.raises(ValueError):
        normalize_host("ftp://x")


@pytest.mark.parametrize(
    ("name", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.localhost", False),
        ("localhost.localhost", False),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost.evil.com", False),
        ("127.0.0.1.nip.io", False),
        ("10.0.0.1", False),
        ("us.posthog.com", False),
    ],
)
def test_is_loopback(name: str, loopback: bool) -> None:
    assert is_loopback(name) is loopback


def test_same_origin_compares_scheme_host_and_port() -> None:
    assert same_origin("https://us.posthog.com/a?x=1", "https://US.posthog.com:443/b")
    assert not same_origin("https://us.posthog.com", "http://us.posthog.com")
    assert not same_origin("https://us.posthog.com", "https://eu.posthog.com")
    assert not same_origin("http://127.0.0.1:8000", "http://127.0.0.1:8001")


@pytest.mark.parametrize(
    ("given", "kept"), [(12, 12), ("12", 12), (" 7 ", 7), ("@current", "@current")]
)
def test_project_ids(given: int | str, kept: int | str) -> None:
    assert normalize_project_id(given) == kept


@pytest.mark.parametrize("bad", [-1, True, "abc", "1.5", "", "@me"])
def test_bad_project_ids(bad: int | str) -> None:
    with pytest.raises(ConfigurationError):
        normalize_project_id(bad)


def test_prefixes() -> None:
    assert normalize_prefix("environments") == "environments"
    with pytest.raises(ConfigurationError):
        normalize_prefix("teams")


def test_paths_always_end_in_a_slash() -> None:
    base = project_base_path("environments", "@current")
    assert base == "/api/environments/@current"
    assert resource_path(base, "datasets") == "/api/environments/@current/datasets/"
    assert resource_path(base, "data_color_themes", 3) == (
        "/api/environments/@current/data_color_themes/3/"
    )


@pytest.mark.parametrize("pk", ["", "a/b", "..", "x?y=1", "x#y"])
def test_ids_cannot_escape_the_resource(pk: str) -> None:
    with pytest.raises(ValueError):
        resource_path("/api/projects/1", "datasets", pk)

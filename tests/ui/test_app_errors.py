"""How each failure is presented: notification, reconnect, offline state or a modal."""

from __future__ import annotations

import pytest

from phtui.api import errors
from phtui.shell.errors import Reaction, describe


@pytest.mark.parametrize(
    ("error", "reaction", "severity"),
    [
        (
            errors.AuthenticationError(401, code="authentication_failed"),
            Reaction.RECONNECT,
            "error",
        ),
        (errors.AuthenticationError(403, code="not_authenticated"), Reaction.RECONNECT, "error"),
        (
            errors.TransportError(
                "PostHog could not be reached.", method="GET", path="/", kind="x"
            ),
            Reaction.OFFLINE,
            "error",
        ),
        (errors.RateLimitedError(429, retry_after=3), Reaction.NOTIFY, "warning"),
        (errors.NotFoundError(404, method="GET", path="/api/x/"), Reaction.NOTIFY, "error"),
        (errors.ValidationError(400, detail="Too long.", attr="name"), Reaction.NOTIFY, "error"),
        (errors.ServerError(500, type="server_error"), Reaction.NOTIFY, "error"),
        (RuntimeError("bug"), Reaction.MODAL, "error"),
    ],
)
def test_each_failure_gets_its_reaction(
    error: BaseException, reaction: Reaction, severity: str
) -> None:
    problem = describe(error, action="Saving the theme")
    assert problem.reaction is reaction
    assert problem.severity == severity
    assert problem.title.startswith("Saving the theme") or reaction is Reaction.MODAL


def test_messages_keep_the_api_sentence() -> None:
    problem = describe(errors.ValidationError(400, detail="Too long.", attr="name"), action="Save")
    assert problem.message == "PostHog rejected the value of 'name': Too long."


def test_offline_message_says_how_to_retry() -> None:
    error = errors.TransportError("PostHog could not be reached.", method="GET", path="/", kind="x")
    assert describe(error, action="Load").message.endswith("Press ctrl+r to retry.")


def test_unexpected_errors_say_it_is_a_bug_and_edits_are_kept() -> None:
    problem = describe(KeyError("colors"), action="Draw chart")
    assert "Draw chart failed: KeyError" in problem.message
    assert "bug in phtui" in problem.message and "Unsaved edits are kept" in problem.message


def test_control_characters_from_the_server_are_dropped() -> None:
    detail = "bad\x1b[31m name\x07"
    problem = describe(errors.ValidationError(400, detail=detail, attr="name"), action="Save")
    assert "\x1b" not in problem.message and "\x07" not in problem.message


def test_a_rejected_key_names_where_it_came_from_not_a_variable() -> None:
    error = errors.AuthenticationError(401, code="authentication_failed")
    problem = describe(error, action="Load", key_source="the profile “work” in /x/config.toml")
    assert problem.message.startswith("PostHog rejected the API key (401).")
    assert "The key came from the profile “work” in /x/config.toml." in problem.message
    assert "POSTHOG_PERSONAL_API_KEY" not in problem.message
    assert "POSTHOG_PERSONAL_API_KEY" not in describe(error, action="Load").message

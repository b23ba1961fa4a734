"""Turn any exception from a worker into what the user sees: a title, a message and a remedy.

The API errors already carry a sentence the user can act on (`str(error)`); this module decides
how loud to be and what the app should do next (reconnect, go offline, just notify, or show a
modal because something unexpected broke).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from phtui.api import errors as api_errors
from phtui.core.text import visible


class Reaction(Enum):
    NOTIFY = "notify"  # a toast is enough: the user can act on the message
    RECONNECT = "reconnect"  # the key was rejected: open the connect screen on top
    OFFLINE = "offline"  # PostHog is unreachable: show the offline state and offer retry
    MODAL = "modal"  # unexpected: show a modal with what happened and what to do


@dataclass(frozen=True)
class Problem:
    title: str
    message: str
    severity: Literal["information", "warning", "error"]  # as `App.notify` takes it
    reaction: Reaction


KEY_HINT = (
    "It may be revoked or expired, or made on another PostHog host "
    "(US Cloud, EU Cloud and self-hosted keys differ)."
)


def message_for(error: BaseException, *, key_source: str | None = None) -> str:
    """The sentence to show for `error`. A rejected key names where it came from, e.g. "the
    profile “work” in ~/.config/phtui/config.toml", not a variable the user may never have set."""
    if isinstance(error, api_errors.AuthenticationError):
        if error.code == "not_authenticated":
            said = f"PostHog received no API key ({error.status})."
        else:
            said = f"PostHog rejected the API key ({error.status})."
        origin = f" The key came from {key_source}." if key_source else ""
        return f"{said}{origin} {KEY_HINT}"
    return visible(str(error))


def describe(error: BaseException, *, action: str, key_source: str | None = None) -> Problem:
    """What to tell the user about `error`, raised while doing `action` ("Loading themes").

    `key_source` says where the client's key came from, for the message when it is rejected.
    """
    title = f"{action} failed"
    text = message_for(error, key_source=key_source)
    if isinstance(error, api_errors.AuthenticationError):
        return Problem(title, text, "error", Reaction.RECONNECT)
    if isinstance(error, api_errors.TransportError):
        return Problem(
            f"{action} failed: PostHog is unreachable",
            f"{text} Press ctrl+r to retry.",
            "error",
            Reaction.OFFLINE,
        )
    if isinstance(error, api_errors.RateLimitedError):
        return Problem(f"{action}: slow down", text, "warning", Reaction.NOTIFY)
    if isinstance(error, api_errors.PostHogError):
        return Problem(title, text, "error", Reaction.NOTIFY)
    # Anything else is a bug in phtui, not a problem with PostHog: say so plainly.
    return Problem(
        "Something went wrong in phtui",
        f"{action} failed: {type(error).__name__}: {text or 'no details'}\n\n"
        "This is a bug in phtui, not a problem with PostHog or your key. Unsaved edits are "
        "kept. Please report it with the steps that led here.",
        "error",
        Reaction.MODAL,
    )

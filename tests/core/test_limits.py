"""Tests of phtui.core.limits: PostHog's quotas, from its answers or its documentation."""

from __future__ import annotations

from phtui.api.errors import LimitReachedError
from phtui.core.limits import DOCUMENTED, KnownLimits, limit_words


def reached(
    resource: str | None, limit: int | None, detail: str | None = None
) -> LimitReachedError:
    return LimitReachedError(
        409, None, "limit_reached", detail, resource=resource, current_count=limit, limit=limit
    )


def test_documented_until_a_server_says_otherwise_per_host() -> None:
    limits = KnownLimits()
    assert limits.limit("h", "dataset_items") == DOCUMENTED["dataset_items"] == 600
    assert not limits.known("h", "dataset_items")
    limits.learn("h", reached("dataset_items", 1000))
    assert limits.limit("h", "dataset_items") == 1000 and limits.known("h", "dataset_items")
    assert limits.limit("other", "dataset_items") == 600
    limits.learn("h", reached("dataset_items", None))  # nothing to learn from
    assert limits.limit("h", "dataset_items") == 1000


def test_limits_in_words() -> None:
    assert limit_words(reached("dataset_item_versions", 40)) == (
        "PostHog allows at most 40 versions per item."
    )
    assert (
        limit_words(reached("dataset_items", None))
        == "PostHog allows at most 600 items per dataset."
    )
    assert limit_words(reached("widgets", 7)) == "PostHog allows at most 7 widgets."
    assert limit_words(reached(None, None, "Too many.")) == "Too many."

"""PostHog's quotas as this app knows them: the figure a server said, else the documented one.

PostHog documents its limits (600 items per dataset, 40 versions per item, 20 datasets per
project) as subject to change, and says to read them from `limit_reached` answers (409). A screen
that meets one hands it to `learn`; the item count shown against the limit ("587 of 600 items")
then uses the server's figure for that host.
"""

from __future__ import annotations

from phtui.api.errors import LimitReachedError

__all__ = ["DOCUMENTED", "LIMITS", "KnownLimits", "limit_words"]

# api-revisioned.md section 11.
DOCUMENTED: dict[str, int] = {
    "datasets": 20,
    "dataset_items": 600,
    "dataset_item_versions": 40,
}
_NOUNS = {
    "datasets": "datasets per project",
    "dataset_items": "items per dataset",
    "dataset_item_versions": "versions per item",
}


class KnownLimits:
    """The limits each host has reported, by resource; the documented figure otherwise."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}

    def learn(self, host: str, error: LimitReachedError) -> None:
        if error.resource and isinstance(error.limit, int) and error.limit > 0:
            self._seen[(host, error.resource)] = error.limit

    def limit(self, host: str, resource: str) -> int | None:
        return self._seen.get((host, resource), DOCUMENTED.get(resource))

    def known(self, host: str, resource: str) -> bool:
        """True when `host` itself said this limit (not the documented guess)."""
        return (host, resource) in self._seen


LIMITS = KnownLimits()  # one per process: the app talks to one host at a time


def limit_words(error: LimitReachedError) -> str:
    """A full limit in words: "PostHog allows at most 40 versions per item.", or PostHog's own
    detail when the body named no figure."""
    limit = error.limit if error.limit else DOCUMENTED.get(error.resource or "")
    noun = _NOUNS.get(error.resource or "", (error.resource or "of these").replace("_", " "))
    if limit is None:
        return error.detail or "PostHog's limit is reached."
    return f"PostHog allows at most {limit:,} {noun}."

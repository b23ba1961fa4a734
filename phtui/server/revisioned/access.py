"""Who may do what: the `llm-analytics-datasets` flag and per-dataset access levels
(api-revisioned.md section 1). The single seeded user's levels come from `ServerOptions`."""

from __future__ import annotations

from phtui.server.errors import permission_denied
from phtui.server.options import ServerOptions

FEATURE_FLAG = "llm-analytics-datasets"
FLAG_DETAIL = (
    f"This action requires feature flag '{FEATURE_FLAG}' to be enabled for your organization."
)
LEVELS = ("none", "viewer", "editor", "manager")


def level_of(options: ServerOptions, dataset_id: str) -> str:
    return options.dataset_access_levels.get(dataset_id, options.dataset_access_level)


def require(options: ServerOptions, dataset_id: str, needed: str) -> None:
    """403 unless the caller has at least `needed` ("viewer" or "editor") on the dataset."""
    level = level_of(options, dataset_id)
    rank = LEVELS.index(level) if level in LEVELS else 0
    if rank < LEVELS.index(needed):
        raise permission_denied(f"You do not have {needed} access to this resource.")


def visibility(options: ServerOptions) -> tuple[list[str] | None, list[str]]:
    """(only these ids or None for all, never these ids): lists silently leave out the
    datasets the caller cannot view."""
    overrides = options.dataset_access_levels
    viewable = [dataset_id for dataset_id, level in overrides.items() if level in LEVELS[1:]]
    if options.dataset_access_level in LEVELS[1:]:
        return None, [dataset_id for dataset_id in overrides if dataset_id not in viewable]
    return viewable, []

"""Run-time switches of the local server: limits, plan, auth quirks and injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

DatasetsApi = Literal["revisioned", "classic"]
DATASETS_APIS: tuple[DatasetsApi, ...] = ("revisioned", "classic")

# The texts PostHog reports for a failed export (api-revisioned.md section 10).
EXPORT_NOT_STARTED = "The export could not be started. Try again."
EXPORT_TOO_LARGE = (
    "The dataset export is larger than 250 MB. Reduce the number or size of items and try again."
)
EXPORT_TOO_SLOW = (
    "This export took too long to finish. Try again. If it keeps failing, contact support."
)


@dataclass
class ServerOptions:
    """Read on every request, so tests may change fields while the server runs."""

    throttle: bool = False
    burst_per_minute: int = 480
    sustained_per_hour: int = 4800
    # PostHog's exception handler drops DRF's Retry-After; on = a friendlier server.
    retry_after_header: bool = False
    # The organization has the paid `data_color_themes` feature.
    paid_plan: bool = True
    # Staff users may edit global themes.
    user_is_staff: bool = False
    # Whether PostHog answers 401 or 403 without credentials on themes is unconfirmed.
    themes_no_credentials_status: int = 401
    latency_ms: float = 0.0
    error_rate: float = 0.0
    fail_next: int = 0
    throttle_next: int = 0
    drop_next: int = 0
    drop_rate: float = 0.0
    # Faults around a write (POST, PUT, PATCH, DELETE), for timeout/retry matrices: the next
    # N writes run to completion (committed) and then the connection is dropped unanswered,
    # or answered only after `stall_ms`; `stall_before_next` waits `stall_ms` before the
    # write is handled and never handles it if the client hangs up meanwhile.
    drop_after_commit_next: int = 0
    stall_after_commit_next: int = 0
    stall_before_next: int = 0
    stall_ms: float = 5000.0

    # --- revisioned datasets API only (the classic API had none of these) ---
    # PostHog's `llm-analytics-datasets` feature flag for the caller's organization.
    datasets_feature_flag: bool = True
    # The caller's access level on every dataset ("none", "viewer", "editor", "manager"),
    # and per-dataset overrides by dataset id.
    dataset_access_level: str = "editor"
    dataset_access_levels: dict[str, str] = field(default_factory=dict)
    # Quotas (None = unlimited); PostHog's are 20 / 600 / 40.
    max_datasets_per_project: int | None = 20
    max_items_per_dataset: int | None = 600
    max_versions_per_item: int | None = 40
    # Export creations per key per day (None = unthrottled); failed attempts count.
    export_creations_per_day: int | None = 10
    # How long an export stays "pending" before its file is prepared.
    export_delay_ms: float = 0.0
    # The next N exports fail with `export_failure` (one of the EXPORT_* texts).
    export_fail_next: int = 0
    export_failure: str = EXPORT_NOT_STARTED
    # An export with nothing after this long reports failed with EXPORT_TOO_SLOW (35.5 min).
    export_timeout_seconds: float = 35.5 * 60
    export_max_bytes: int = 250 * 1000 * 1000
    # Content answered by a 302 to a pre-signed URL on another origin (PostHog Cloud does).
    export_redirect: bool = False
    # Added to the server's clock (timestamps, export expiry, the export allowance).
    clock_offset: timedelta = timedelta(0)

    def lift_limits(self) -> None:
        """Every quota and the export allowance off (`phtui server --no-limits`)."""
        self.max_datasets_per_project = None
        self.max_items_per_dataset = None
        self.max_versions_per_item = None
        self.export_creations_per_day = None

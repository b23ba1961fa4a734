"""Run-time switches of the local server: limits, plan, auth quirks and injected faults."""

from __future__ import annotations

from dataclasses import dataclass


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

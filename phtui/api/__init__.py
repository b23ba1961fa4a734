"""Async PostHog API client (no Textual here): `async with PostHogClient(...) as api`."""

from phtui.api.client import UNSET, PostHogClient
from phtui.api.errors import APIError, PostHogError
from phtui.api.models import Page

__all__ = ["UNSET", "APIError", "Page", "PostHogClient", "PostHogError"]

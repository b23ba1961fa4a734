"""The personal API key: checked once, sent only to the configured origin, never shown."""

from __future__ import annotations

from collections.abc import Generator

import httpx

from phtui.api import urls
from phtui.api.errors import ConfigurationError


def check_key(api_key: str) -> str:
    """The key without surrounding whitespace; refuses one that cannot travel in a header.

    Messages never quote the key.
    """
    key = api_key.strip()
    if not key:
        raise ConfigurationError(
            "No PostHog API key. Set POSTHOG_PERSONAL_API_KEY to a personal API key."
        )
    if not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
        raise ConfigurationError(
            "The PostHog API key contains spaces or characters a key never has. "
            "Copy it again from PostHog (Settings > Personal API keys)."
        )
    return key


class OriginBoundBearer(httpx.Auth):
    """Adds `Authorization: Bearer <key>` only to requests for one origin; repr hides the key."""

    def __init__(self, key: str, origin: str) -> None:
        self._key = key
        self._header = f"Bearer {key}"
        self._origin = urls.origin_of(origin)

    def redact(self, text: str) -> str:
        """`text` with the key blanked out, for anything the server sends back."""
        return text.replace(self._key, "[redacted]")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url = request.url
        port = url.port if url.port is not None else urls.default_port(url.scheme)
        if (url.scheme, url.host, port) == self._origin:
            request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(origin={self._origin!r})"

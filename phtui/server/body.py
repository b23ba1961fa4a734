"""Request bodies as DRF's parsers read them: JSON or form-encoded, 20 MB at most."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from phtui.server.errors import parse_error, request_too_large, unsupported_media_type

MAX_BODY_BYTES = 20 * 1024 * 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE in PostHog


@dataclass(frozen=True)
class Body:
    data: Any
    is_form: bool  # form values are strings; JSON fields then parse them as JSON text


async def read_raw(request: Request) -> bytes:
    """The body, refusing (413) more than `MAX_BODY_BYTES` without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise request_too_large(MAX_BODY_BYTES)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise request_too_large(MAX_BODY_BYTES)
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def parse(content_type: str | None, raw: bytes) -> Body:
    """An empty body, or one without a content type, reads as `{}` (as in DRF)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if not raw or not media_type:
        return Body({}, is_form=False)
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return Body(json.loads(raw, parse_constant=_reject_constant), is_form=False)
        except (ValueError, UnicodeDecodeError) as error:
            raise parse_error(f"JSON parse error - {error}") from None
    if media_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(raw.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            raise parse_error("Form data must be UTF-8 encoded.") from None
        return Body(dict(pairs), is_form=True)
    raise unsupported_media_type(content_type or "")

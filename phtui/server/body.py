"""Request bodies as DRF's parsers read them: JSON or form-encoded, 20 MB at most.

Bad input is always a 400, never a 500: non-finite numbers (`NaN`, `Infinity`, `1e400`), bodies
nested deeper than `jsonvalues.MAX_DEPTH`, and lone UTF-16 surrogates (`"\\ud800"`, which no
database can store) are parse errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request

from phtui.server import jsonvalues
from phtui.server.errors import parse_error, request_too_large, unsupported_media_type

MAX_BODY_BYTES = 20 * 1024 * 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE in PostHog


class ClientGone(Exception):
    """The client hung up before its body arrived: there is no one to answer."""


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
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise request_too_large(MAX_BODY_BYTES)
            chunks.append(chunk)
    except ClientDisconnect:
        raise ClientGone from None
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    try:
        return jsonvalues.load(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise parse_error(f"JSON parse error - {error}") from None


def parse(content_type: str | None, raw: bytes) -> Body:
    """An empty body, or one without a content type, reads as `{}` (as in DRF)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if not raw or not media_type:
        return Body({}, is_form=False)
    if media_type == "application/json" or media_type.endswith("+json"):
        return Body(parse_json(raw), is_form=False)
    if media_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(raw.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            raise parse_error("Form data must be UTF-8 encoded.") from None
        return Body(dict(pairs), is_form=True)
    raise unsupported_media_type(content_type or "")

"""A stand-in for the object storage behind PostHog Cloud's export downloads.

`content/` may answer 302 with a pre-signed URL. Here that URL points back at this server under
the *other* loopback name (`localhost` for `127.0.0.1` and the reverse), which makes it another
origin: a correct client follows it without the `Authorization` header. Like S3, the storage
needs no credentials (the signature in the query is the credential) and refuses a request that
also carries an `Authorization` header; every request is recorded so a test can prove what the
client sent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from phtui.server.revisioned.store import RevisionedStore

PREFIX = "/_storage/phtui-exports/"
LINK_SECONDS = 3600
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_TWO_AUTH = (
    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query"
    " string parameter or the Authorization header should be specified"
)


@dataclass(frozen=True)
class StorageRequest:
    path: str
    host: str
    had_authorization: bool
    status: int


def _other_origin(host: str) -> str:
    """`localhost:PORT` for `127.0.0.1:PORT` and the reverse (any other name -> localhost)."""
    name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    other = "127.0.0.1" if name == "localhost" else "localhost"
    return f"{other}:{port}" if port else other


def _s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return Response(body, status_code=status, media_type="application/xml")


class Storage:
    def __init__(self, store: RevisionedStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self.requests: list[StorageRequest] = []
        self._secret = secrets.token_bytes(32)

    def _signature(self, export_id: int, amz_date: str) -> str:
        message = f"{export_id}|{amz_date}|{LINK_SECONDS}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def presigned_url(self, request: Request, export_id: int, filename: str) -> str:
        amz_date = self.clock().strftime(_AMZ_DATE)
        query = urlencode(
            {
                "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                "X-Amz-Credential": f"phtui-local/{amz_date[:8]}/local/s3/aws4_request",
                "X-Amz-Date": amz_date,
                "X-Amz-Expires": str(LINK_SECONDS),
                "X-Amz-SignedHeaders": "host",
                "X-Amz-Signature": self._signature(export_id, amz_date),
            }
        )
        host = _other_origin(request.headers.get("host", request.url.netloc))
        path = f"{PREFIX}{export_id}/{quote(filename)}"
        return f"{request.url.scheme}://{host}{path}?{query}"

    async def handle(self, request: Request) -> Response:
        response = self._answer(request)
        self.requests.append(
            StorageRequest(
                path=request.url.path,
                host=request.headers.get("host", ""),
                had_authorization="authorization" in request.headers,
                status=response.status_code,
            )
        )
        return response

    def _answer(self, request: Request) -> Response:
        if request.method not in {"GET", "HEAD"}:
            return _s3_error(405, "MethodNotAllowed", "The specified method is not allowed.")
        if "authorization" in request.headers:
            return _s3_error(400, "InvalidArgument", _TWO_AUTH)
        rest = request.url.path.removeprefix(PREFIX)
        export_part = rest.split("/", 1)[0]
        export_id = int(export_part) if export_part.isascii() and export_part.isdigit() else 0
        amz_date = request.query_params.get("X-Amz-Date", "")
        signature = request.query_params.get("X-Amz-Signature", "")
        if not hmac.compare_digest(signature, self._signature(export_id, amz_date)):
            return _s3_error(403, "SignatureDoesNotMatch", "The request signature is invalid.")
        signed = datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=self.clock().tzinfo)
        if self.clock() > signed + timedelta(seconds=LINK_SECONDS):
            return _s3_error(403, "AccessDenied", "Request has expired")
        row = self.store.get_export(export_id)
        if row is None or row["status"] != "complete":
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return Response(
            self.store.export_content(export_id),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": f'attachment; filename="{row["filename"]}"'},
        )

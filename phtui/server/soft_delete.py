"""What Gen A datasets and items share: soft deletion, and PostHog's `ForbidDestroyModel`."""

from __future__ import annotations

from starlette.responses import Response

from phtui.server.context import RequestContext
from phtui.server.errors import not_found
from phtui.server.store import Row


def forbid_destroy(ctx: RequestContext) -> Response:
    """DELETE answers 405 with no body, without even looking the row up."""
    return Response(status_code=405)


def visible(row: Row | None, *, include_deleted: bool) -> Row:
    """`row`, or 404 when it is missing or soft-deleted. Reads hide deleted rows; updates
    (PATCH/PUT) still find them, which is how a row is restored."""
    if row is None or (row["deleted"] and not include_deleted):
        raise not_found()
    return row

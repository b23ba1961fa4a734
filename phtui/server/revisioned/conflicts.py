"""The revisioned API's 409 bodies (api-revisioned.md section 7). They are not PostHog's flat
error body: mutation conflicts carry `code`, `detail` and, when known, the item's
`current_version`/`current_item_id`; quota conflicts carry `resource`, `current_count`, `limit`;
export conflicts carry only `detail`. Keys whose value would be null are left out."""

from __future__ import annotations

from phtui.server.errors import BodyError

NAME_TAKEN = "A dataset with this name already exists."
ARCHIVED_DATASET = {
    "update": "Restore this dataset before updating it.",
    "add_items": "Restore this dataset before adding items.",
    "update_items": "Restore this dataset before updating its items.",
    "archive_items": "Restore this dataset before archiving its items.",
    "restore_items": "Restore this dataset before restoring its items.",
}
STALE = "This dataset item changed after it was loaded. Reload it and try again."
ITEM_ARCHIVED_UPDATE = "Restore this dataset item before updating it."
ITEM_ALREADY_ARCHIVED = "This dataset item is already archived."
ITEM_ALREADY_ACTIVE = "This dataset item is already active."
CLIENT_ID_DIFFERENT = "An item with this client item ID already exists with different content."
CLIENT_ID_ARCHIVED = (
    "An archived item already uses this client item ID. Unarchive that item to use it again."
)
EXPORT_NO_ITEMS = "Add an item before exporting this dataset."
EXPORT_NO_REVISION = "This dataset revision does not exist."
EXPORT_PENDING = "The export is still being prepared."

LIMIT_DETAILS = {
    "datasets": "No more datasets can be added to this project. The limit is {limit}."
    " Contact support if you need more.",
    "dataset_items": "No more items can be added to this dataset. The limit is {limit}."
    " Contact support if you need more.",
    "dataset_item_versions": "No more versions can be added to this dataset item."
    " The limit is {limit}. Create a new item to continue.",
    "archive_reserve": "This dataset item cannot be archived because the last version slot is"
    " reserved for restoring it. The limit is {limit}. Create a new item to continue.",
}


def conflict(
    code: str,
    detail: str,
    *,
    current_version: int | None = None,
    current_item_id: str | None = None,
) -> BodyError:
    body: dict[str, object] = {"code": code, "detail": detail}
    if current_version is not None:
        body["current_version"] = current_version
    if current_item_id is not None:
        body["current_item_id"] = current_item_id
    return BodyError(409, body)


def limit_reached(resource: str, current_count: int, limit: int, *, kind: str = "") -> BodyError:
    """`kind` picks another detail for the same resource (the archive reserve rule)."""
    detail = LIMIT_DETAILS[kind or resource].format(limit=limit)
    return BodyError(
        409,
        {
            "code": "limit_reached",
            "detail": detail,
            "resource": resource,
            "current_count": current_count,
            "limit": limit,
        },
    )


def export_conflict(detail: str) -> BodyError:
    return BodyError(409, {"detail": detail})

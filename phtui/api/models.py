"""Pydantic models of PostHog's wire format, tolerant of what real servers send.

Unknown fields are ignored and optional fields default. Datasets and items use the names of
PostHog's current (revisioned) datasets API; a classic answer (older self-hosted PostHog) is
mapped into them while it is read: `output` -> `expected_output`, `ref_trace_id` /
`ref_source_id` / `ref_timestamp` -> `source_trace_id` / `source_event_id` /
`source_timestamp`, `deleted` -> `archived`, `team` -> `team_id`; the version fields stay None.
Aliases do the mapping, so reading stays on pydantic's fast path; the client tells the two
generations apart from the keys of the first answer (see `phtui.api.client`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from phtui.api.paging import PageState

T = TypeVar("T")


class WireModel(BaseModel):
    # defer_build: each model's validator is built on first use, not at import, so starting the
    # app pays only for the models it reads before the first frame (the themes list). Empty-list
    # defaults are written as `[]` (pydantic copies them per instance): `default_factory=list`
    # makes pydantic inspect `list`'s signature, ~5 ms at import.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


DatasetsApi = Literal["revisioned", "classic"]


def _named(name: str, classic: str) -> Any:
    """A field read from today's name or, in a classic answer, from its classic name."""
    return Field(default=None, validation_alias=AliasChoices(name, classic))


def _archived() -> Any:
    return Field(default=False, validation_alias=AliasChoices("archived", "deleted"))


class UserBasic(WireModel):
    id: int | None = None
    uuid: str | None = None
    distinct_id: str | None = None
    first_name: str | None = ""
    last_name: str | None = ""
    email: str | None = ""
    is_email_verified: bool | None = None
    hedgehog_config: Any = None
    role_at_organization: str | None = None

    @property
    def display_name(self) -> str:
        """The name to show for a creator: full name, else email, else "unknown"."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part).strip()
        return name or self.email or "unknown"


class DataColorTheme(WireModel):
    id: int
    name: str = ""
    colors: list[Any] = []
    is_global: bool = False
    created_at: datetime | None = None
    created_by: UserBasic | None = None

    @field_validator("is_global", mode="before")
    @classmethod
    def _bool_or_string(cls, value: Any) -> Any:
        # PostHog's OpenAPI types is_global as a string; the server sends a bool.
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return bool(value) if value is not None else False

    @field_validator("colors", mode="before")
    @classmethod
    def _any_json_as_list(cls, value: Any) -> Any:
        # The server stores any JSON in colors; keep a stray value rather than fail the list.
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


class Dataset(WireModel):
    id: str
    name: str = ""
    description: str | None = None
    metadata: Any = None
    archived: bool = _archived()
    # The latest revision (revisioned API): None until the first item, and always on classic.
    current_revision: int | None = None
    current_revision_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: UserBasic | None = None
    team_id: int | None = _named("team_id", "team")
    user_access_level: str | None = None

    @field_validator("archived", mode="before")
    @classmethod
    def _null_is_active(cls, value: Any) -> Any:
        return False if value is None else value  # classic `deleted: null` = not deleted


@functools.cache
def _json_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(Any)


# A dataset item's content: the only fields that can nest, and what PostHog's payload limit
# measures. The one spelling of this list (phtui.core.item_fields builds the others on it).
CONTENT_FIELDS: tuple[str, ...] = ("input", "expected_output", "source_output", "metadata")


class DatasetItem(WireModel):
    """One version of a dataset item (revisioned API), or a classic item (no version fields).

    `too_deep` marks a placeholder: the item's content nested deeper than this client can
    read, so `input`, `expected_output`, `source_output` and `metadata` are None here (the
    page it came in lists its id in `Page.skipped`). Never save a placeholder's content back.
    """

    id: str
    dataset: str
    client_item_id: str | None = None
    version: int | None = None
    version_id: str | None = None
    dataset_revision: int | None = None
    dataset_revision_id: str | None = None
    archived: bool = _archived()
    input: Any = None
    expected_output: Any = _named("expected_output", "output")
    source_output: Any = None
    metadata: Any = None
    source_trace_id: str | None = _named("source_trace_id", "ref_trace_id")
    source_event_id: str | None = _named("source_event_id", "ref_source_id")
    source_timestamp: datetime | None = _named("source_timestamp", "ref_timestamp")
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: UserBasic | None = None
    version_created_at: datetime | None = None
    version_created_by: UserBasic | None = None
    team_id: int | None = _named("team_id", "team")
    too_deep: bool = Field(default=False, exclude=True)

    def json_fields(self, names: Iterable[str]) -> dict[str, Any]:
        """These fields as JSON values, as `model_dump(mode="json")` gives them but without
        its depth limit: pydantic's serializer refuses values nested past ~255 levels, which
        PostHog stores. Content is returned as read (not copied): do not modify it."""
        values: dict[str, Any] = {}
        for name in names:
            value = getattr(self, name)
            if isinstance(value, datetime | BaseModel):
                value = _json_adapter().dump_python(value, mode="json")
            values[name] = value
        return values

    @field_validator("archived", mode="before")
    @classmethod
    def _null_is_active(cls, value: Any) -> Any:
        return False if value is None else value  # classic `deleted: null` = not deleted


class DatasetRevision(WireModel):
    """One revision of a dataset: revisions are numbered 1, 2, 3... and never change."""

    id: str
    dataset_id: str | None = None
    revision: int
    created_at: datetime | None = None
    created_by: UserBasic | None = None
    team_id: int | None = None


class DatasetExport(WireModel):
    """A JSONL export of one dataset revision (ids are integers)."""

    id: int
    status: str = "pending"  # "pending", "complete" or "failed" (kept as text if PostHog adds one)
    dataset_revision: int | None = None
    filename: str = ""
    created_at: datetime | None = None
    expires_after: datetime | None = None
    exception: str | None = None

    @property
    def done(self) -> bool:
        """Complete or failed: polling it again will not change it."""
        return self.status in {"complete", "failed"}


class DatasetItemsSnapshot:
    """Every item of a dataset at one revision (`PostHogClient.list_all_dataset_items`).

    `revision` is the revision the items are pinned to (None on classic servers, which have no
    revisions, and for a dataset with no items yet); `items` are in server order (newest
    first); `skipped` lists the ids of items that are placeholders (`too_deep`). A plain class,
    not a dataclass: building a dataclass costs about a millisecond of every start.
    """

    __slots__ = ("dataset", "items", "revision", "skipped")

    def __init__(
        self,
        *,
        dataset: Dataset,
        revision: int | None,
        items: list[DatasetItem],
        skipped: list[str] | None = None,
    ) -> None:
        self.dataset = dataset
        self.revision = revision
        self.items = items
        self.skipped = skipped if skipped is not None else []

    def __repr__(self) -> str:
        return (
            f"DatasetItemsSnapshot(dataset={self.dataset.id!r}, revision={self.revision!r}, "
            f"items={len(self.items)}, skipped={self.skipped!r})"
        )


class Project(WireModel):
    id: int
    uuid: str | None = None
    organization: str | None = None
    name: str = ""
    timezone: str | None = None


class Organization(WireModel):
    id: str
    name: str = ""
    slug: str | None = None
    projects: list[Project] = []
    teams: list[Project] = []


class CurrentUser(UserBasic):
    is_staff: bool = False
    team: Project | None = None
    organization: Organization | None = None
    organizations: list[Organization] = []


class Page(WireModel, Generic[T]):
    """One limit/offset page, with the `limit` (the page size the server used) and `offset` it
    was asked for. Where it stands is `state`, the one pagination model (`phtui.api.paging`);
    the properties below are shorthands for it."""

    count: int
    next: str | None = None
    previous: str | None = None
    results: list[T] = []
    limit: int = 100
    offset: int = 0
    # Ids of results that are placeholders (`DatasetItem.too_deep`): nested too deeply to read.
    skipped: list[str] = []

    @property
    def state(self) -> PageState:
        """This page as a `PageState`: a server that used a smaller page than `limit` (and did
        not say so) is read from the rows it sent (`PageState.of_page`)."""
        return PageState.of_page(
            count=self.count, limit=self.limit, offset=self.offset, rows=len(self.results)
        )

    @property
    def has_next(self) -> bool:
        return self.state.has_next

    @property
    def has_previous(self) -> bool:
        return self.state.has_previous

    @property
    def next_offset(self) -> int:
        """Offset of the following page (by the size the server used: servers may cap it)."""
        return self.state.next_offset

    @property
    def previous_offset(self) -> int:
        return self.state.previous_offset

    @property
    def page_number(self) -> int:
        """1-based number of this page at the size the server used."""
        return self.state.page

    @property
    def page_count(self) -> int:
        """Pages at the size the server used; at least 1, so an empty list reads "page 1 of 1"."""
        return self.state.page_count

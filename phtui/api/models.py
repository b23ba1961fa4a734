"""Pydantic models of PostHog's wire format, tolerant of what real servers send.

Unknown fields are ignored, optional fields default, and the newer (Gen B) dataset API's
names are accepted as aliases (api.md section 11), so one model reads both generations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")


class WireModel(BaseModel):
    # defer_build: each model's validator is built on first use, not at import, so starting the
    # app pays only for the models it reads before the first frame (the themes list). Empty-list
    # defaults are written as `[]` (pydantic copies them per instance): `default_factory=list`
    # makes pydantic inspect `list`'s signature, ~5 ms at import.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


def _alias(*names: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(*names))


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
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool | None = _alias("deleted", "archived")
    created_by: UserBasic | None = None
    team: int | None = _alias("team", "team_id")


class DatasetItem(WireModel):
    id: str
    dataset: str
    input: Any = None
    output: Any = _alias("output", "expected_output")
    metadata: Any = None
    ref_trace_id: str | None = _alias("ref_trace_id", "source_trace_id")
    ref_timestamp: datetime | None = _alias("ref_timestamp", "source_timestamp")
    ref_source_id: str | None = _alias("ref_source_id", "source_event_id")
    deleted: bool | None = _alias("deleted", "archived")
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: UserBasic | None = None
    team: int | None = _alias("team", "team_id")


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
    """One limit/offset page, with the `limit` and `offset` it was asked for."""

    count: int
    next: str | None = None
    previous: str | None = None
    results: list[T] = []
    limit: int = 100
    offset: int = 0

    @property
    def has_next(self) -> bool:
        return bool(self.results) and self.offset + len(self.results) < self.count

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def next_offset(self) -> int:
        """Offset of the following page (steps by what came back: servers may cap `limit`)."""
        return self.offset + len(self.results)

    @property
    def previous_offset(self) -> int:
        return max(0, self.offset - self.limit)

    @property
    def page_number(self) -> int:
        """1-based number of this page at this page size."""
        return self.offset // self.limit + 1 if self.limit > 0 else 1

    @property
    def page_count(self) -> int:
        """Pages at this page size; at least 1, so an empty list reads "page 1 of 1"."""
        if self.limit <= 0:
            return 1
        return max(1, -(-self.count // self.limit))

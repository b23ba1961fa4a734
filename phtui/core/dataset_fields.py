"""A dataset's own fields (name, description, metadata) and PostHog's rules for them.

The dataset form checks each field as it is typed with these functions, so a problem is named
under its field and disappears as soon as it is fixed, and builds the request from them: every
field of a new dataset, only the changed ones of an edit. The rules are the revisioned API's
(api-revisioned.md sections 4, 6 and 11), which older (classic) servers accept as well. The
limit and conflict answers PostHog gives (409) are put in words here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from phtui.api.errors import ConflictError, LimitReachedError
from phtui.api.models import Dataset
from phtui.core.item_fields import METADATA_LIMIT, compact_size
from phtui.core.jsondoc import JsonDocError, canonical, parse_json
from phtui.core.limits import limit_words
from phtui.core.text import clip

__all__ = [
    "DESCRIPTION_LIMIT",
    "METADATA_LIMIT",
    "NAME_LIMIT",
    "DatasetField",
    "FormValues",
    "MetadataProblem",
    "conflict_field",
    "dataset_changes",
    "description_problem",
    "limit_message",
    "metadata_problem",
    "name_conflict_message",
    "name_problem",
    "quota_label",
    "read_form",
    "read_metadata",
]

DatasetField = Literal["name", "description", "metadata"]

NAME_LIMIT = 400  # characters, after trimming
DESCRIPTION_LIMIT = 10_000  # characters


class MetadataProblem(ValueError):
    """The metadata text is not a value PostHog takes; `str()` says why, in one line."""


def name_problem(text: str) -> str | None:
    """Why PostHog would refuse this name (it trims it first), or None."""
    name = text.strip()
    if not name:
        return "A dataset needs a name."
    if len(name) > NAME_LIMIT:
        return f"The name is {len(name):,} characters long; PostHog allows at most {NAME_LIMIT}."
    return None


def description_problem(text: str) -> str | None:
    size = len(text.strip())
    if size > DESCRIPTION_LIMIT:
        return (
            f"The description is {size:,} characters long; PostHog allows at most "
            f"{DESCRIPTION_LIMIT:,}."
        )
    return None


def read_metadata(text: str) -> dict[str, Any]:
    """The metadata text as PostHog will store it: a JSON object (blank text is `{}`).

    Raises `MetadataProblem` for text that is not JSON, JSON that is not an object (null and
    arrays included) or an object larger than PostHog's 1,000,000 bytes of compact JSON."""
    if not text.strip():
        return {}
    try:
        value = parse_json(text)
    except JsonDocError as error:
        problem = error.error
        raise MetadataProblem(
            f"Metadata is not valid JSON (line {problem.line}, col {problem.column}): "
            f"{problem.message}"
        ) from None
    if not isinstance(value, dict):
        kind = {type(None): "null", list: "an array", str: "a string", bool: "true or false"}
        what = kind.get(type(value), "a number")
        raise MetadataProblem(
            f'Metadata must be a JSON object such as {{"owner": "qa"}}, not {what}.'
        )
    size = compact_size(value)
    if size > METADATA_LIMIT:
        raise MetadataProblem(
            f"Metadata is {size:,} bytes of compact JSON; PostHog allows at most "
            f"{METADATA_LIMIT:,}."
        )
    return value


def metadata_problem(text: str) -> str | None:
    try:
        read_metadata(text)
    except MetadataProblem as problem:
        return str(problem)
    return None


@dataclass(frozen=True)
class FormValues:
    """The form's fields as they would be sent."""

    name: str
    description: str
    metadata: dict[str, Any]


def read_form(
    name: str, description: str, metadata: str
) -> tuple[FormValues | None, dict[DatasetField, str]]:
    """The values to send, or None and each field's problem (in the form's order)."""
    problems: dict[DatasetField, str] = {}
    if (problem := name_problem(name)) is not None:
        problems["name"] = problem
    if (problem := description_problem(description)) is not None:
        problems["description"] = problem
    try:
        value = read_metadata(metadata)
    except MetadataProblem as error:
        problems["metadata"] = str(error)
        value = {}
    if problems:
        return None, problems
    return FormValues(name.strip(), description.strip(), value), {}


def dataset_changes(original: Dataset | None, values: FormValues) -> dict[str, Any]:
    """The request's fields: for a new dataset (`original` None) the name and whatever else is
    filled in; for an edit only the fields that differ from `original`."""
    if original is None:
        fields: dict[str, Any] = {"name": values.name}
        if values.description:
            fields["description"] = values.description
        if values.metadata:
            fields["metadata"] = values.metadata
        return fields
    changes: dict[str, Any] = {}
    if values.name != original.name.strip():
        changes["name"] = values.name
    if values.description != (original.description or "").strip():
        changes["description"] = values.description
    # Revisioned metadata is always an object; a classic dataset's may be null (= none, `{}`).
    if canonical(values.metadata) != canonical(original.metadata or {}):
        changes["metadata"] = values.metadata
    return changes


def conflict_field(error: ConflictError) -> DatasetField | None:
    """The field a 409 on a dataset create or edit is about, when it is about one."""
    return "name" if error.code == "dataset_name_conflict" else None


def name_conflict_message(name: str) -> str:
    return (
        f"A dataset named “{clip(name, 60)}” already exists in this project (archived "
        "datasets count too): choose another name."
    )


def limit_message(error: LimitReachedError) -> str:
    """A create refused at the project's dataset quota, in words."""
    words = limit_words(error)
    if error.limit is None:
        return f"PostHog refused a new dataset: {words}"
    count = error.current_count if error.current_count is not None else error.limit
    return (
        f"{words} This project has {count:,}, archived ones included (archiving does not "
        "free a place). Nothing was created; contact PostHog support for more."
    )


def quota_label(total: int, limit: int) -> str:
    """ "7 of 20 datasets": how much of the project's quota is used (archived ones count)."""
    if total >= limit:
        return f"{total:,} of {limit:,} datasets: limit reached"
    return f"{total:,} of {limit:,} datasets"

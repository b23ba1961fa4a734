"""Query-string filters of the dataset lists, validated as django-filter does."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from phtui.server.errors import validation_error
from phtui.server.fields import parse_uuid

DATASET_ORDERINGS = ("created_at", "-created_at", "updated_at", "-updated_at")
DEFAULT_ORDERING = ("-created_at",)


def order_by(query: Mapping[str, str]) -> tuple[str, ...]:
    """`?order_by=` as a comma list of the allowed terms; anything else is a 400."""
    terms = [term.strip() for term in query.get("order_by", "").split(",") if term.strip()]
    for term in terms:
        if term not in DATASET_ORDERINGS:
            raise validation_error(
                "invalid_choice",
                f"Select a valid choice. {term} is not one of the available choices.",
                "order_by",
            )
    return tuple(terms) or DEFAULT_ORDERING


def id_in(query: Mapping[str, str]) -> list[str] | None:
    """`?id__in=` as comma-separated UUIDs; a malformed one is a 400."""
    raw = [part.strip() for part in query.get("id__in", "").split(",") if part.strip()]
    if not raw:
        return None
    ids: list[str] = []
    for part in raw:
        parsed = parse_uuid(part)
        if parsed is None:
            raise validation_error("invalid", "Enter a valid UUID.", "id__in")
        ids.append(parsed)
    return ids


def dataset_id(query: Mapping[str, str], exists: Callable[[str], bool]) -> str | None:
    """`?dataset=<uuid>` of an existing dataset (of any team), else django-filter's 400."""
    raw = query.get("dataset", "").strip()
    if not raw:
        return None
    parsed = parse_uuid(raw)
    if parsed is None or not exists(parsed):
        raise validation_error(
            "invalid_choice",
            "Select a valid choice. That choice is not one of the available choices.",
            "dataset",
        )
    return parsed

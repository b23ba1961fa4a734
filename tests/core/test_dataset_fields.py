"""The dataset form's rules: PostHog's limits, one problem per field, only changed fields sent."""

from __future__ import annotations

from typing import Any

import pytest

from phtui.api.errors import ConflictError, LimitReachedError
from phtui.api.models import Dataset
from phtui.core.dataset_fields import (
    DESCRIPTION_LIMIT,
    METADATA_LIMIT,
    NAME_LIMIT,
    FormValues,
    MetadataProblem,
    conflict_field,
    dataset_changes,
    description_problem,
    limit_message,
    metadata_problem,
    name_conflict_message,
    name_problem,
    quota_label,
    read_form,
    read_metadata,
)


def test_name_is_required_trimmed_and_at_most_400_characters() -> None:
    assert name_problem("   ") == "A dataset needs a name."
    assert name_problem(" " + "n" * NAME_LIMIT + " ") is None
    assert name_problem("n" * (NAME_LIMIT + 1)) == (
        "The name is 401 characters long; PostHog allows at most 400."
    )


def test_description_is_at_most_10000_characters() -> None:
    assert description_problem("") is None
    assert description_problem("d" * DESCRIPTION_LIMIT) is None
    assert "10,001 characters long; PostHog allows at most 10,000" in str(
        description_problem("d" * (DESCRIPTION_LIMIT + 1))
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("null", "not null"),
        ("[1, 2]", "not an array"),
        ('"text"', "not a string"),
        ("3", "not a number"),
        ("true", "not true or false"),
        ('{"a": ', "not valid JSON (line 1, col"),
    ],
)
def test_metadata_must_be_an_object(text: str, words: str) -> None:
    problem = metadata_problem(text)
    assert problem is not None and words in problem
    assert "\n" not in problem


def test_blank_metadata_is_an_empty_object() -> None:
    assert read_metadata("  \n") == {}
    assert read_metadata('{"k": [1]}') == {"k": [1]}


def test_metadata_size_is_measured_as_posthog_does() -> None:
    # Compact, key-sorted JSON in UTF-8: {"k":"..."} is 8 bytes around the string.
    fits = {"k": "é" * ((METADATA_LIMIT - 8) // 2)}
    assert read_metadata(f'{{ "k" :  "{fits["k"]}" }}') == fits
    with pytest.raises(MetadataProblem, match=r"1,000,002 bytes of compact JSON"):
        read_metadata(f'{{"k": "{"é" * ((METADATA_LIMIT - 8) // 2 + 1)}"}}')


def test_read_form_names_every_problem_or_gives_clean_values() -> None:
    values, problems = read_form("", "d" * (DESCRIPTION_LIMIT + 1), "[]")
    assert values is None
    assert list(problems) == ["name", "description", "metadata"]
    values, problems = read_form("  Evals  ", "  about  ", "")
    assert problems == {}
    assert values == FormValues("Evals", "about", {})


def dataset(**fields: Any) -> Dataset:
    return Dataset.model_validate(
        {"id": "d1", "name": "Evals", "description": "about", "metadata": {"a": 1}, **fields}
    )


def test_a_new_dataset_sends_what_is_filled_in() -> None:
    assert dataset_changes(None, FormValues("N", "", {})) == {"name": "N"}
    assert dataset_changes(None, FormValues("N", "d", {"k": 1})) == {
        "name": "N",
        "description": "d",
        "metadata": {"k": 1},
    }


def test_an_edit_sends_only_changed_fields() -> None:
    original = dataset()
    assert dataset_changes(original, FormValues("Evals", "about", {"a": 1})) == {}
    assert dataset_changes(original, FormValues("Evals", "", {"a": 1})) == {"description": ""}
    assert dataset_changes(original, FormValues("E2", "about", {"a": 1.0})) == {
        "name": "E2",
        "metadata": {"a": 1.0},  # 1 and 1.0 differ, as PostHog compares them
    }


def test_classic_null_description_and_metadata_are_empty() -> None:
    original = dataset(description=None, metadata=None)
    assert dataset_changes(original, FormValues("Evals", "", {})) == {}


def test_conflicts_and_limits_in_words() -> None:
    clash = ConflictError(409, code="dataset_name_conflict", detail="exists")
    assert conflict_field(clash) == "name"
    assert conflict_field(ConflictError(409, code="dataset_archived")) is None
    message = name_conflict_message("Evals\x1b[2J")
    assert "“Evals\\x1b[2J”" in message and "archived" in message
    limit = LimitReachedError(
        409, code="limit_reached", detail="...", resource="datasets", current_count=20, limit=20
    )
    assert limit_message(limit).startswith(
        "PostHog allows at most 20 datasets per project. This project has 20, archived ones "
        "included"
    )
    bare = LimitReachedError(409, code="limit_reached", detail="No more datasets.")
    assert limit_message(bare).endswith("No more datasets.")


def test_quota_label() -> None:
    assert quota_label(7, 20) == "7 of 20 datasets"
    assert quota_label(20, 20) == "20 of 20 datasets: limit reached"

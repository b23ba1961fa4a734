"""Tests of phtui.core.item_query: client-side search, metadata filters, the archived filter,
orders and go-to-item."""

from __future__ import annotations

from typing import Any

import pytest

from phtui.api.models import DatasetItem
from phtui.core.item_query import (
    ORDERS,
    ItemIndex,
    ItemQuery,
    ItemView,
    find_items,
    item_id_problem,
    parse_query,
    sort_items,
)


def item(item_id: str, **fields: Any) -> DatasetItem:
    return DatasetItem.model_validate({"id": item_id, "dataset": "d", "version": 1, **fields})


ITEMS = [
    item(
        "0198-aaaa",
        input={"q": "Where is my refund?"},
        metadata={"tone": "angry", "tags": ["vip", "eu"]},
    ),
    item(
        "0198-bbbb",
        input="Cancel my plan",
        expected_output="Point to billing",
        client_item_id="ticket-4821",
    ),
    item(
        "0198-cccc",
        input={"q": "late delivery"},
        source_output="Sorry!",
        metadata={"tone": "Calm", "n": 2},
    ),
]


def test_parse_words_phrases_and_pairs() -> None:
    assert parse_query('Refund tone=Angry "late Delivery" n=2') == ItemQuery(
        ("refund", "late delivery"), (("tone", "angry"), ("n", "2"))
    )
    assert parse_query("  ") == ItemQuery()
    assert parse_query('"unclosed phrase') == ItemQuery(("unclosed phrase",))
    assert parse_query("a= =b") == ItemQuery(("a=", "=b"))


def test_words_must_all_match_somewhere_case_insensitively() -> None:
    index = ItemIndex(ITEMS)
    assert [i.id for i in index.matches(parse_query("REFUND"))] == ["0198-aaaa"]
    assert [i.id for i in index.matches(parse_query("billing cancel"))] == ["0198-bbbb"]
    assert [i.id for i in index.matches(parse_query("sorry"))] == ["0198-cccc"]  # source output
    assert index.matches(parse_query("refund billing")) == []
    assert len(index.matches(parse_query(""))) == 3


def test_metadata_pairs_compare_values_and_list_elements() -> None:
    index = ItemIndex(ITEMS)
    assert [i.id for i in index.matches(parse_query("tone=calm"))] == ["0198-cccc"]
    assert [i.id for i in index.matches(parse_query("tags=VIP"))] == ["0198-aaaa"]
    assert [i.id for i in index.matches(parse_query("n=2"))] == ["0198-cccc"]
    assert index.matches(parse_query("missing=1")) == []


def test_replace_and_remove_keep_the_index_current() -> None:
    index = ItemIndex(ITEMS)
    index.replace(item("0198-aaaa", input="now about shipping"))
    assert index.matches(parse_query("refund")) == []
    assert [i.id for i in index.matches(parse_query("shipping"))] == ["0198-aaaa"]
    index.replace(item("0198-dddd", input="brand new"))
    assert index.items[0].id == "0198-dddd"
    index.remove("0198-bbbb")
    assert [i.id for i in index.items] == ["0198-dddd", "0198-aaaa", "0198-cccc"]


def test_go_to_by_any_part_of_the_id_or_the_client_item_id() -> None:
    assert [i.id for i in find_items(ITEMS, "BBBB")] == ["0198-bbbb"]
    assert [i.id for i in find_items(ITEMS, "ticket-48")] == ["0198-bbbb"]
    assert [i.id for i in find_items(ITEMS, "0198")] == ["0198-aaaa", "0198-bbbb", "0198-cccc"]
    # An exact client_item_id match comes before partial id matches.
    twin = item("0198-cccc-twin", client_item_id="0198-cccc")
    assert [i.id for i in find_items([*ITEMS, twin], "0198-cccc")] == [
        "0198-cccc",
        "0198-cccc-twin",
    ]
    assert find_items(ITEMS, "  ") == []


# --- the view: archived filter, order, rows ---------------------------------------------------


def dated(item_id: str, created: str, updated: str | None = None, **fields: Any) -> DatasetItem:
    return item(
        item_id,
        created_at=f"2026-07-{created}T10:00:00Z",
        updated_at=f"2026-07-{updated or created}T10:00:00Z",
        **fields,
    )


DATED = [
    dated("b", "03", "09", input="second"),
    dated("a", "03", "04", input="first"),  # same creation time as "b": id breaks the tie
    dated("c", "05", "05", input="third", archived=True),
    dated("d", "01", "10", input="oldest", metadata={"tone": "calm"}),
]


def test_orders_break_ties_by_id_as_posthog_does() -> None:
    ids = {order: [i.id for i in sort_items(DATED, order)] for order, _ in ORDERS}
    assert ids["newest"] == ["c", "a", "b", "d"]
    assert ids["oldest"] == ["d", "a", "b", "c"]
    assert ids["updated"] == ["d", "b", "c", "a"]
    assert ids["least_updated"] == ["a", "c", "b", "d"]


def test_view_rows_follow_query_filter_and_order() -> None:
    view = ItemView(DATED)
    assert [i.id for i in view.rows] == ["a", "b", "d"]  # active, newest first
    view.set_archived("archived")
    assert [i.id for i in view.rows] == ["c"]
    view.set_archived("all")
    view.set_order("oldest")
    assert [i.id for i in view.rows] == ["d", "a", "b", "c"]
    view.set_query("tone=calm")
    assert [i.id for i in view.rows] == ["d"]
    assert view.position("d") == 0 and view.position("a") is None
    assert (view.active_count, view.archived_count) == (3, 1)


def test_view_takes_changed_items_in_place() -> None:
    view = ItemView(DATED)
    rows = view.rows
    assert view.rows is rows  # computed once until something changes
    archived = dated("a", "03", "11", input="first", archived=True)
    view.replace(archived)
    assert [i.id for i in view.rows] == ["b", "d"]
    assert view.get("a") == archived and view.archived_count == 2
    view.replace(dated("e", "20", input="new"))
    assert view.rows[0].id == "e"
    view.remove("e")
    assert view.get("e") is None


def test_a_value_nested_past_the_interpreter_stack_is_not_searched() -> None:
    deep: Any = "bottom"
    for _ in range(5_000):
        deep = [deep]
    view = ItemView([item("x", input=deep), item("y", input="bottom")])
    view.set_query("bottom")
    assert [i.id for i in view.rows] == ["y"]


@pytest.mark.parametrize(
    "text", ["019f3833-9d8d-7a5f-9b04-757c031e638d", "019F38339D8D7A5F9B04757C031E638D"]
)
def test_item_ids_to_look_up(text: str) -> None:
    assert item_id_problem(text) is None


@pytest.mark.parametrize("text", ["a/b", "", "  ", "../x", "031e638d", "zz" * 16, "\x1b[31m"])
def test_texts_that_are_not_item_ids_get_one_line(text: str) -> None:
    problem = item_id_problem(text)
    assert problem is not None and "\n" not in problem and "\x1b" not in problem

"""Tests of phtui.core.item_query: client-side search, metadata filters and go-to-item."""

from __future__ import annotations

from typing import Any

from phtui.api.models import DatasetItem
from phtui.core.item_query import ItemIndex, ItemQuery, find_items, parse_query


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

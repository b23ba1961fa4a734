"""Tests of phtui.core.paging: examples and invariants over arbitrary states and moves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.core.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, PageState


def test_page_sizes() -> None:
    assert PAGE_SIZES == (25, 50, 100, 250)
    assert DEFAULT_PAGE_SIZE in PAGE_SIZES


def test_second_page_of_a_large_list() -> None:
    state = PageState(count=12345, limit=100, offset=100)
    assert state.page == 2
    assert state.page_count == 124
    assert (state.first_row, state.last_row) == (101, 200)
    assert state.rows_on_page == 100
    assert state.has_next and state.has_previous
    assert state.label() == "101-200 of 12,345"
    assert state.page_label() == "Page 2 of 124"


def test_moves() -> None:
    state = PageState(count=57, limit=25)
    assert state.label() == "1-25 of 57"
    assert state.next().label() == "26-50 of 57"
    assert state.next().next().label() == "51-57 of 57"
    assert state.next().next().next() == state.next().next()  # no page after the last
    assert state.last().label() == "51-57 of 57"
    assert state.last().previous().label() == "26-50 of 57"
    assert state.last().first() == state
    assert state.previous() is state  # nothing before the first page
    assert state.goto(2).offset == 25
    assert state.goto(99).page == 3  # clamped
    assert state.goto(0).page == 1
    assert state.goto(-5).page == 1


def test_empty_list_is_one_empty_page_labelled_0_of_0() -> None:
    state = PageState(count=0, limit=50)
    assert state.page == 1
    assert state.page_count == 1
    assert (state.first_row, state.last_row, state.rows_on_page) == (0, 0, 0)
    assert not state.has_next and not state.has_previous
    assert state.label() == "0 of 0"
    assert state.next() == state.last() == state.goto(3) == state


def test_single_row() -> None:
    state = PageState(count=1, limit=25)
    assert state.label() == "1-1 of 1"
    assert state.page_count == 1


def test_exact_multiple_of_the_page_size() -> None:
    state = PageState(count=200, limit=100)
    assert state.page_count == 2
    assert state.last().label() == "101-200 of 200"
    assert not state.last().has_next


def test_with_limit_keeps_the_first_visible_row_on_screen() -> None:
    state = PageState(count=12345, limit=100, offset=300)  # rows 301-400
    bigger = state.with_limit(250)
    assert bigger.label() == "251-500 of 12,345"
    smaller = state.with_limit(25)
    assert smaller.label() == "301-325 of 12,345"


def test_with_count_clamps_when_rows_vanish() -> None:
    state = PageState(count=1000, limit=100, offset=900)
    assert state.with_count(950).label() == "901-950 of 950"
    assert state.with_count(850).label() == "801-850 of 850"
    assert state.with_count(0).label() == "0 of 0"
    assert state.with_count(5000).offset == 900  # more rows: stay put


def test_a_state_past_the_end_is_labelled_without_rows() -> None:
    state = PageState(count=10, limit=25, offset=50)
    assert (state.first_row, state.last_row) == (0, 0)
    assert state.label() == "0 of 10"
    assert state.with_count(10).label() == "1-10 of 10"


@pytest.mark.parametrize(
    ("count", "limit", "offset"), [(-1, 25, 0), (0, 0, 0), (10, -25, 0), (10, 25, -1)]
)
def test_invalid_states_are_refused(count: int, limit: int, offset: int) -> None:
    with pytest.raises(ValueError):
        PageState(count=count, limit=limit, offset=offset)


def test_states_are_immutable_values() -> None:
    state = PageState(count=10, limit=5)
    with pytest.raises(AttributeError):
        state.offset = 5  # type: ignore[misc]
    assert state == PageState(10, 5, 0)
    assert hash(state) == hash(PageState(10, 5, 0))


# --- Invariants ----------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=1_000_000)
limits = st.one_of(st.sampled_from(PAGE_SIZES), st.integers(min_value=1, max_value=1000))


@st.composite
def aligned_states(draw: st.DrawFn) -> PageState:
    """States as the app makes them: on a page boundary within the list."""
    count, limit = draw(counts), draw(limits)
    page = draw(st.integers(min_value=1, max_value=max(1, -(-count // limit))))
    return PageState(count, limit, (page - 1) * limit)


MOVES = ["next", "previous", "first", "last"]


def _move(state: PageState, move: str | int) -> PageState:
    if isinstance(move, int):
        return state.goto(move)
    return getattr(state, move)()  # type: ignore[no-any-return]


def _check(state: PageState) -> None:
    assert 1 <= state.page <= state.page_count
    assert state.page_count >= 1
    assert state.offset % state.limit == 0
    if state.count:
        assert 1 <= state.first_row <= state.last_row <= state.count
        assert state.rows_on_page == min(state.limit, state.count - state.offset)
    else:
        assert state.first_row == state.last_row == state.rows_on_page == 0
    assert state.has_next == (state.page < state.page_count)
    assert state.has_previous == (state.page > 1)


@given(aligned_states(), st.lists(st.one_of(st.sampled_from(MOVES), st.integers(-5, 5000))))
def test_any_sequence_of_moves_stays_on_a_real_page(
    state: PageState, moves: list[str | int]
) -> None:
    _check(state)
    for move in moves:
        state = _move(state, move)
        _check(state)


@given(aligned_states())
def test_next_then_previous_returns(state: PageState) -> None:
    if state.has_next:
        assert state.next().previous() == state
        assert state.next().page == state.page + 1
    if state.has_previous:
        assert state.previous().next() == state


@given(aligned_states())
def test_pages_cover_every_row_once(state: PageState) -> None:
    if state.count > 5_000:  # keep the walk short
        state = state.with_count(state.count % 5_000)
    page, seen = state.first(), 0
    while True:
        assert page.first_row == seen + 1 or page.count == 0
        seen += page.rows_on_page
        if not page.has_next:
            break
        page = page.next()
    assert seen == state.count
    assert page == state.last()


@given(aligned_states(), limits)
def test_with_limit_keeps_the_first_row_visible(state: PageState, limit: int) -> None:
    resized = state.with_limit(limit)
    _check(resized)
    if state.count:
        assert resized.first_row <= state.first_row <= resized.last_row


@given(aligned_states(), counts)
def test_with_count_always_lands_on_a_real_page(state: PageState, count: int) -> None:
    updated = state.with_count(count)
    _check(updated)
    assert updated.count == count
    if state.offset < count:
        assert updated.offset == state.offset


@given(aligned_states())
def test_label_uses_thousands_separators(state: PageState) -> None:
    label = state.label()
    assert label.endswith(f" of {state.count:,}")
    if state.count:
        assert label.startswith(f"{state.first_row:,}-{state.last_row:,} ")
    assert "\n" not in label

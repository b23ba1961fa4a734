"""Tests of the one pagination model (`phtui.api.paging.PageState`, re-exported by
`phtui.core.paging`) and of reading page numbers: examples and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.core.paging import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    PageState,
    next_page_size,
    parse_page_number,
)


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


# --- The one model: a server's page, the capped limit, typed page numbers --------------------


def test_the_core_name_is_the_api_model() -> None:
    from phtui.api.paging import PageState as ApiPageState

    assert PageState is ApiPageState


def test_of_page_takes_the_size_a_capping_server_used() -> None:
    # Asked 100, got 25 of 60: revisioned PostHog caps item pages at 25.
    state = PageState.of_page(count=60, limit=100, offset=0, rows=25)
    assert (state.limit, state.has_next, state.next_offset) == (25, True, 25)
    assert state.page_count == 3 and state.label() == "1-25 of 60"
    last = PageState.of_page(count=60, limit=100, offset=50, rows=10)
    assert (last.limit, last.has_next) == (100, False)  # a short last page is not a cap


def test_of_page_trusts_an_empty_page_over_the_count() -> None:
    state = PageState.of_page(count=5, limit=100, offset=0, rows=0)
    assert (state.count, state.has_next) == (0, False)
    beyond = PageState.of_page(count=5, limit=100, offset=100, rows=0)
    assert beyond.past_end and beyond.clamped().offset == 0 and not beyond.has_next


def test_page_and_state_agree_when_the_server_caps_the_limit() -> None:
    from phtui.api.models import Page

    pages = [
        Page[int](count=60, results=list(range(25)), limit=100, offset=0),
        Page[int](count=60, results=list(range(25)), limit=25, offset=25),
        Page[int](count=60, results=list(range(10)), limit=100, offset=50),
        Page[int](count=5, results=[], limit=100, offset=100),
    ]
    for page in pages:
        state = page.state
        assert page.has_next == state.has_next
        assert page.page_number == state.page and page.page_count == state.page_count
        if page.has_next:
            assert page.next_offset == state.next().offset == page.offset + len(page.results)


@given(
    st.integers(0, 2_000),
    st.integers(1, 300),
    st.integers(1, 300),
)
def test_stepping_through_a_capping_server_reads_every_row_once(
    count: int, asked: int, cap: int
) -> None:
    """The client's iteration: ask `asked` rows, get at most `cap`, step by the page's state."""
    offset, seen, requests = 0, 0, 0
    while True:
        rows = max(0, min(asked, cap, count - offset))
        state = PageState.of_page(count=count, limit=asked, offset=offset, rows=rows)
        seen += rows
        requests += 1
        assert requests <= count + 1
        if not state.has_next:
            break
        offset = state.next_offset
    assert seen == count


def test_window_and_containing_over_rows_in_memory() -> None:
    rows = list(range(57))
    state = PageState(len(rows), 25)
    assert state.window(rows) == list(range(25))
    assert state.last().window(rows) == list(range(50, 57))
    assert state.containing(30).offset == 25
    assert state.containing(999).offset == 50 and state.containing(-3).offset == 0
    assert PageState(0, 25).window(rows) == rows[:25]  # the caller's count rules


@pytest.mark.parametrize(
    ("text", "answer"),
    [("3", 3), (" 12 ", 12), ("1,000", 1000), ("1_0", 10)],
)
def test_page_numbers_in_ascii_digits(text: str, answer: int) -> None:
    assert parse_page_number(text, 1234) == answer


@pytest.mark.parametrize(
    "text", ["", "²", "٣", "3.5", "-1", "0", "1e3", "abc", "99999", "9" * 5000, "\uff11"]
)
def test_other_page_numbers_are_refused_in_one_line(text: str) -> None:
    answer = parse_page_number(text, 1234)
    assert isinstance(answer, str) and "\n" not in answer and "1,234" in answer
    assert len(answer) < 120


def test_next_page_size_cycles() -> None:
    assert [next_page_size(size) for size in PAGE_SIZES] == [50, 100, 250, 25]
    assert next_page_size(7) == DEFAULT_PAGE_SIZE

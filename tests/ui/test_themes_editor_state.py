"""ThemeEditorState: editing rules, undo/redo, validation and the PATCH payload (no terminal)."""

from __future__ import annotations

import pytest

from phtui.core.theme_edit import (
    NEW_COLOR,
    InvalidDraftError,
    ThemeEditorState,
)

COLORS = ["#1d4aff", "#621da6", "#42827e"]


def saved(colors: list[object] | None = None, name: str = "Brand") -> ThemeEditorState:
    return ThemeEditorState(
        name=name, colors=list(COLORS if colors is None else colors), theme_id=7
    )


def test_untouched_theme_is_clean_and_sends_nothing() -> None:
    state = saved()
    assert not state.is_dirty
    assert state.payload() == {}
    assert not state.can_undo and not state.can_redo


def test_rename_sends_only_the_name() -> None:
    state = saved()
    state.rename("Brand 2")
    assert state.changed_fields() == {"name"}
    assert state.payload() == {"name": "Brand 2"}


def test_colour_edit_sends_only_colours_normalised() -> None:
    state = saved()
    state.set_color(1, "RGB(255, 0, 0)")
    assert state.payload() == {"colors": ["#1d4aff", "#ff0000", "#42827e"]}


def test_bad_value_is_kept_with_a_message_and_blocks_saving() -> None:
    state = saved()
    state.set_color(2, "#12345")
    assert state.colors[2] == "#12345"  # kept as typed
    message = state.color_error(2)
    assert message is not None and "'#12345' is not a colour" in message
    assert state.preview_colors() == ["#1d4aff", "#621da6", None]
    with pytest.raises(InvalidDraftError) as raised:
        state.payload()
    assert raised.value.problems[0].startswith("preset-3: ")


def test_normalise_rewrites_to_lowercase_rrggbb_and_ignores_bad_text() -> None:
    state = saved()
    state.set_color(0, "#ABC")
    state.normalise(0)
    assert state.colors[0] == "#aabbcc"
    state.set_color(1, "tomato")
    state.normalise(1)
    assert state.colors[1] == "#ff6347"
    state.set_color(2, "nope")
    state.normalise(2)
    assert state.colors[2] == "nope"


def test_typing_in_one_field_is_one_undo_step_including_normalising() -> None:
    state = saved()
    for text in ["#", "#f", "#f0", "#F00"]:
        state.set_color(0, text)
    state.normalise(0)
    assert state.colors[0] == "#ff0000"
    assert state.undo()
    assert state.colors == tuple(COLORS)
    assert not state.can_undo
    assert state.redo()
    assert state.colors[0] == "#ff0000"


def test_typing_in_another_field_after_moving_is_a_new_step() -> None:
    state = saved()
    state.set_color(0, "red")
    state.select(1)
    state.set_color(1, "blue")
    state.undo()
    assert state.colors[:2] == ("red", "#621da6")
    state.undo()
    assert state.colors[:2] == ("#1d4aff", "#621da6")


def test_add_copies_the_last_colour_like_posthog() -> None:
    state = saved()
    state.add_color()
    assert state.colors == (*COLORS, "#42827e")
    assert state.cursor == 3
    empty = saved(colors=[])
    empty.add_color()
    assert empty.colors == (NEW_COLOR,)


def test_duplicate_inserts_after_and_remove_deletes() -> None:
    state = saved()
    state.duplicate_color(0)
    assert state.colors == ("#1d4aff", "#1d4aff", "#621da6", "#42827e")
    assert state.cursor == 1
    state.remove_color(1)
    assert state.colors == tuple(COLORS)
    state.remove_color(2)
    assert state.colors == ("#1d4aff", "#621da6")
    assert state.cursor == 1  # clamped to the new last row


def test_reorder_moves_and_cursor_follows() -> None:
    state = saved()
    assert state.move_color(0, 1)
    assert state.colors == ("#621da6", "#1d4aff", "#42827e")
    assert state.cursor == 1
    assert state.move_color(1, 1)
    assert state.colors == ("#621da6", "#42827e", "#1d4aff")
    assert not state.move_color(2, 1)  # already last: no step
    assert state.payload() == {"colors": ["#621da6", "#42827e", "#1d4aff"]}
    state.undo()
    state.undo()
    assert state.colors == tuple(COLORS) and state.cursor == 0


def test_new_edit_clears_redo() -> None:
    state = saved()
    state.rename("A")
    state.undo()
    assert state.can_redo
    state.rename("B")
    assert not state.can_redo


def test_undo_back_to_saved_is_clean() -> None:
    state = saved()
    state.remove_color(0)
    assert state.is_dirty
    state.undo()
    assert not state.is_dirty


def test_new_theme_sends_everything_and_requires_a_name() -> None:
    state = ThemeEditorState(name="", colors=list(COLORS))
    assert state.is_new and state.is_dirty
    with pytest.raises(InvalidDraftError) as raised:
        state.payload()
    assert raised.value.problems == ["name: This field is required."]
    state.rename("Mine")
    assert state.payload() == {"name": "Mine", "colors": COLORS}


def test_name_longer_than_100_characters_is_refused() -> None:
    state = saved()
    state.rename("x" * 101)
    assert state.name_error() == "Ensure this field has no more than 100 characters."


def test_mark_saved_makes_the_server_copy_the_baseline() -> None:
    state = ThemeEditorState(name="Mine", colors=list(COLORS))
    state.mark_saved(42, "Mine", COLORS)
    assert state.theme_id == 42
    assert not state.is_dirty
    state.rename("Mine 2")
    assert state.payload() == {"name": "Mine 2"}


def test_non_string_entries_from_the_server_show_as_text_and_are_flagged() -> None:
    state = saved(colors=["#1d4aff", 123, None])
    assert state.colors == ("#1d4aff", "123", "null")
    assert set(state.color_errors()) == {1, 2}
    assert not state.is_dirty  # reading junk is not an edit


def test_import_replaces_the_palette_as_one_step() -> None:
    state = saved()
    state.replace_colors(["#000000", "#ffffff"])
    assert state.colors == ("#000000", "#ffffff")
    state.undo()
    assert state.colors == tuple(COLORS)


def test_a_full_palette_takes_no_more_colours() -> None:
    from phtui.core.palette import MAX_PALETTE_COLORS

    state = saved(["#000000"] * (MAX_PALETTE_COLORS - 1))
    assert not state.is_full
    state.add_color()
    assert state.is_full and len(state.colors) == MAX_PALETTE_COLORS
    state.add_color()
    state.duplicate_color(0)
    assert len(state.colors) == MAX_PALETTE_COLORS

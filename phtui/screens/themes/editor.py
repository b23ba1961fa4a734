"""The theme editor: name, colours (add, duplicate, remove, reorder, hex edit), live preview.

All edits go through ``ThemeEditorState`` (undo/redo, validation, PATCH payload); this screen
mirrors it. Focus moves between the name field, the colour list and the hex field (tab). The
list takes single keys for colour operations; ctrl keys work from anywhere.

Saving keeps the item editor's guarantees, on the same `core.edit_session.EditSession` and
three-way view: themes have no version, so a save first re-reads the theme and compares it with
where the edit started; when someone else renamed or recoloured it meanwhile, the three-way view
settles it field by field and only fields the user changed are sent. A create or save whose
answer was lost looks at the server before trying again. Unsaved edits are kept as a draft on
disk (`core.drafts`, kind "theme") about a second after each change and when the app quits, and
are offered back the next time the theme (or a new theme) is opened.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from phtui.api.errors import NotFoundError, PostHogError, TransportError
from phtui.api.models import DataColorTheme
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.core.edit_session import Choice as FieldChoice
from phtui.core.edit_session import CreateAttempt, EditSession, Nothing
from phtui.core.palette import MAX_PALETTE_COLORS, analyse_palette, token_name
from phtui.core.text import clip, visible
from phtui.core.theme_edit import InvalidDraftError, ThemeEditorState
from phtui.screens.base import PhScreen, task
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.dialogs import Choice, ChoiceScreen
from phtui.screens.themes.palette_import import PaletteImportScreen
from phtui.widgets.fields import SafeInput
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.keys_in_order import KeysInOrder
from phtui.widgets.themes.palette_analysis import analysis_summary
from phtui.widgets.themes.palette_chart import PaletteChart, chart_caption
from phtui.widgets.themes.swatches import DepthNote, chip
from phtui.widgets.title_bar import TitleBar

__all__ = ["ColourList", "ThemeEditorScreen"]

# Below this width the left column narrows so the preview keeps room at 80 columns.
_WIDE_FROM = 100
# Actions whose availability depends on the state (see check_action).
_GUARDED = ("save", "undo", "redo", "duplicate_color", "remove_color", "move_color")
THEME_DRAFT_KIND = "theme"  # DraftKey.kind of the theme editor's drafts
DRAFT_DELAY_S = 1.0
THEME_FIELDS = ("name", "colors")
THEME_LABELS = {"name": "Name", "colors": "Colours"}


class ColourList(KeysInOrder, OptionList):
    """The palette, one row per colour; single keys act on the highlighted colour.

    Keys in order: a burst from the name field to the hex field passes through this list.
    """

    BINDINGS = [
        Binding("a", "screen.add_color", "Add", id="theme_editor.add_color"),
        Binding("d", "screen.duplicate_color", "Duplicate", id="theme_editor.duplicate_color"),
        Binding("x,delete", "screen.remove_color", "Remove", id="theme_editor.remove_color"),
        Binding("shift+up,K", "screen.move_color(-1)", "Move up", id="theme_editor.move_up"),
        Binding("shift+down,J", "screen.move_color(1)", "Move down", id="theme_editor.move_down"),
        Binding("i", "screen.import_palette", "Import", id="theme_editor.import"),
        Binding("plus,equals_sign", "screen.series(1)", "+series", id="theme_editor.more_series"),
        Binding(
            "minus", "screen.series(-1)", "-series", id="theme_editor.fewer_series", show=False
        ),
    ]


class ThemeEditorScreen(PhScreen[DataColorTheme | None]):
    """Edits one theme; dismisses with the saved theme, or None when closed without saving."""

    # Default CSS rather than a CSS file: see ThemesScreen.
    DEFAULT_CSS = """
    ThemeEditorScreen {
        #editor-body { height: 1fr; }
        #editor-left {
            width: 40;
            height: 1fr;
            Input {
                border: round $primary 50%;
                &:focus { border: round $primary; }
            }
        }
        &.-narrow #editor-left { width: 34; }
        #colors {
            height: 1fr;
            border: round $primary 50%;
            &:focus { border: round $primary; }
        }
        #hex-error {
            height: auto;
            min-height: 1;
            color: $text-error;
            padding: 0 1;
        }
        #editor-right {
            width: 1fr;
            height: 1fr;
            padding: 0 0 0 1;
        }
        #editor-chart { height: 1fr; }
        #editor-caption {
            height: 1;
            color: $text-muted;
        }
        #editor-summary {
            height: auto;
            padding: 0 1;
        }
        #editor-status {
            height: 1;
            padding: 0 1;
            background: $boost;
        }
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="theme_editor.save"),
        Binding("escape", "close", "Close", id="theme_editor.close"),
        Binding("ctrl+z", "undo", "Undo", id="theme_editor.undo"),
        Binding("ctrl+y", "redo", "Redo", id="theme_editor.redo"),
        Binding("up", "step(-1)", "Previous colour", id="theme_editor.previous", show=False),
        Binding("down", "step(1)", "Next colour", id="theme_editor.next", show=False),
        Binding("ctrl+t", "chart_kind", "Bar/line", id="theme_editor.chart_kind"),
        # Not ctrl+b or ctrl+a: those are tmux's and screen's prefixes, and users come over SSH.
        Binding("ctrl+l", "background", "Dark/light", id="theme_editor.background"),
        Binding("ctrl+f", "fix_palette", "Fix", id="theme_editor.fix_palette"),
        Binding("ctrl+g", "generate", "Generate", id="theme_editor.generate"),
    ]

    def __init__(
        self, state: ThemeEditorState, *, title: str, drafts: DraftStore | None = None
    ) -> None:
        super().__init__()
        self.state = state
        self._title = title
        self._edited_row: int | None = None  # the row typed into since the cursor arrived
        self._hex_row: int | None = None  # the row whose colour the hex field holds
        self._binding_state: tuple[bool | None, ...] = ()
        # Where the edit started (the theme as it was read), for the conflict check.
        self.session = EditSession(self._saved_values(), names=THEME_FIELDS)
        self._drafts = drafts or DraftStore(default_draft_dir())
        self._draft_timer: Timer | None = None
        self._draft_owned = False  # the draft on disk is this session's (safe to drop)
        self._leaving_without_draft = False
        self._saving = False
        self._pending_create: CreateAttempt | None = None  # a create whose answer was lost
        self._initial = (state.name, state.colors)  # a new theme's draft waits for a change
        # A palette past the cap is not opened: its analysis alone would take minutes.
        self._refusal: str | None = None
        if len(state.colors) > MAX_PALETTE_COLORS:
            self._refusal = (
                f"“{clip(state.name, 40)}” has {len(state.colors):,} colours: the editor opens "
                f"palettes of up to {MAX_PALETTE_COLORS} (PostHog's charts use a few dozen)."
            )

    # ---- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Fit the terminal before the first frame: changing a class later restyles every widget.
        self.set_class(self.app.size.width < _WIDE_FROM, "-narrow")
        yield TitleBar()
        if self._refusal is not None:
            yield Static(self._refusal, id="editor-status", markup=False)
            return
        with Horizontal(id="editor-body"):
            with Vertical(id="editor-left"):
                yield SafeInput(
                    self.state.name, placeholder="My custom theme", id="name", max_length=200
                )
                yield ColourList(id="colors")
                yield SafeInput(id="hex", placeholder="#1d4aff, rgb(29, 74, 255) or a CSS name")
                yield Static("", id="hex-error", markup=False)
            with Vertical(id="editor-right"):
                yield Static("", id="editor-caption", markup=False)
                yield PaletteChart(self.state.preview_colors(), id="editor-chart")
                yield Static("", id="editor-summary", markup=False)
        yield Static("", id="editor-status", markup=False)
        yield DepthNote(id="depth-note", markup=False, hint=" click ✕")  # escape closes here
        yield KeyBar()

    def on_mount(self) -> None:
        if self._refusal is not None:
            self.notify(self._refusal, title="Not opened", severity="warning", markup=False)
            self.dismiss(None)
            return
        self.sub_title = self._title
        self.query_one("#name", Input).border_title = "Name"
        colour_list = self.query_one("#colors", ColourList)
        colour_list.border_title = "Colours"
        colour_list.border_subtitle = "a add · d dup · x del · ⇧↑↓ move"
        self.query_one("#hex", Input).border_subtitle = "↑↓ colour · tab: list"
        self._sync()
        target = "#name" if self.state.is_new else "#hex"
        self.query_one(target, Input).focus()
        if not self.read_only:
            self._offer_draft()

    def on_resize(self) -> None:
        self.set_class(self.size.width < _WIDE_FROM, "-narrow")

    # ---- mirroring the state -------------------------------------------------------------
    def _sync(self) -> None:
        """Make every widget show the state (after undo, redo or a structural edit)."""
        name = self.query_one("#name", Input)
        if name.value != self.state.name:
            name.value = self.state.name
        colour_list = self.query_one("#colors", ColourList)
        preview = self.state.preview_colors()
        colour_list.set_options(self._option(i, preview[i]) for i in range(len(preview)))
        if self.state.colors:
            colour_list.highlighted = self.state.cursor
        self._sync_hex_field()
        self._refresh_preview()

    def _sync_hex_field(self) -> None:
        hex_input = self.query_one("#hex", Input)
        if not self.state.colors and hex_input.has_focus:
            self.query_one("#colors", ColourList).focus()  # where "a" adds a colour
        hex_input.disabled = not self.state.colors
        text = self.state.colors[self.state.cursor] if self.state.colors else ""
        self._hex_row = self.state.cursor if self.state.colors else None
        if hex_input.value != text:
            hex_input.value = text
            hex_input.select_all()  # typing replaces the colour; arrows or end edit it
        hex_input.border_title = (
            token_name(self.state.cursor) if self.state.colors else "No colours: press a to add"
        )

    def _option(self, index: int, color: str | None) -> Option:
        """One row: a chip, the token, and the hex (or the bad text, flagged)."""
        prompt = Text()
        prompt.append_text(chip(color, 4))
        prompt.append(f" {token_name(index):<10}")
        if color is not None:
            prompt.append(color)
        else:
            prompt.append(f"⚠ {visible(self.state.colors[index])}", style="bold #ff6b6b")
        return Option(prompt)

    def _refresh_preview(self) -> None:
        """Chart, inline error, analysis summary and status: everything a keystroke changes."""
        preview = self.state.preview_colors()
        self.query_one("#editor-chart", PaletteChart).palette = tuple(preview)
        self._update_caption()
        error = self.state.color_error(self.state.cursor) if self.state.colors else None
        self.query_one("#hex-error", Static).update(error or "")
        valid = [c for c in preview if c is not None]
        summary = analysis_summary(analyse_palette(valid)) if valid else Text("")
        self.query_one("#editor-summary", Static).update(summary)
        self._update_status()

    def _update_status(self, message: str | None = None) -> None:
        self._schedule_draft()  # every edit ends here
        parts = []
        if message:
            parts.append(message)
        elif name_error := self.state.name_error():
            parts.append(f"Name: {name_error}")
        else:
            bad = len(self.state.color_errors())
            if bad:
                parts.append(f"{bad} colour(s) to fix before saving")
        changed = sorted(self.state.changed_fields())
        if self.state.is_new:
            parts.append("new theme, not saved")
        elif changed:
            parts.append("unsaved: " + ", ".join(changed))
        else:
            parts.append("saved")
        self.query_one("#editor-status", Static).update(" · ".join(parts))
        # refresh_bindings re-checks every action and re-reads the key bar: only on a change.
        state = tuple(self.check_action(action, ()) for action in _GUARDED)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def _update_row(self, index: int) -> None:
        colour_list = self.query_one("#colors", ColourList)
        color = self.state.preview_colors()[index]
        colour_list.replace_option_prompt_at_index(index, self._option(index, color).prompt)

    # ---- events from the fields ----------------------------------------------------------
    # A field's Changed message reaches this screen after the keys that follow it: a key that
    # moves to another colour (or undoes, or saves) has run by then. So the handlers read what
    # the field holds now and give it to the colour the field shows; and every action that
    # reads or rewrites the state takes the fields' text first (`_take_fields`).
    @on(Input.Changed, "#name")
    def _name_changed(self) -> None:
        if self._take_name():
            self._update_status()

    @on(Input.Changed, "#hex")
    def _hex_changed(self) -> None:
        if self._take_hex():
            self._refresh_preview()

    def _take_name(self) -> bool:
        """Put the name field's text into the state; True if it changed anything."""
        name = self.query_one("#name", Input).value
        if name == self.state.name:
            return False
        self.state.rename(name)
        return True

    def _take_hex(self) -> bool:
        """Put the hex field's text into the colour it shows; True if it changed anything."""
        row = self._hex_row
        if row is None or row >= len(self.state.colors):
            return False
        text = self.query_one("#hex", Input).value
        if text == self.state.colors[row]:
            return False
        self.state.set_color(row, text)
        self._edited_row = row
        self._update_row(row)
        return True

    def _take_fields(self) -> None:
        if not self.is_mounted or self._refusal is not None:
            return
        name_changed = self._take_name()
        hex_changed = self._take_hex()
        if name_changed or hex_changed:
            self._refresh_preview()

    @on(Input.Submitted, "#hex")
    def _hex_submitted(self) -> None:
        self._finish_row()

    @on(OptionList.OptionHighlighted, "#colors")
    def _row_highlighted(self) -> None:
        # As for the fields: the list's highlight now, not the message's, which may be stale
        # (a burst of up/down moves the highlight several times before the first one arrives).
        index = self.query_one("#colors", ColourList).highlighted
        if index is not None and index != self.state.cursor:
            self._select(index)

    @on(OptionList.OptionSelected, "#colors")
    def _row_selected(self) -> None:
        self.query_one("#hex", Input).focus()

    def _finish_row(self) -> None:
        """Normalise the row the user typed into (``#ABC`` -> ``#aabbcc``), once they leave it."""
        self._take_fields()
        row = self._edited_row
        self._edited_row = None
        if row is None or row >= len(self.state.colors):
            return
        self.state.normalise(row)
        self._update_row(row)
        if row == self.state.cursor:
            self._sync_hex_field()
        self._refresh_preview()

    def _select(self, index: int) -> None:
        self._finish_row()
        self.state.select(index)
        self.query_one("#colors", ColourList).highlighted = self.state.cursor
        self._sync_hex_field()
        self._refresh_preview()

    # ---- actions -------------------------------------------------------------------------
    MUTATING_ACTIONS = frozenset({"save"})

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return True if self.state.can_undo else None
        if action == "redo":
            return True if self.state.can_redo else None
        if action in ("duplicate_color", "remove_color", "move_color"):
            return True if self.state.colors else None
        return True

    def action_step(self, offset: int) -> None:
        if self.state.colors:
            self._select(max(0, min(len(self.state.colors) - 1, self.state.cursor + offset)))

    def _structural(self) -> None:
        self._edited_row = None
        self._sync()

    def action_add_color(self) -> None:
        self._finish_row()
        if self._refuse_when_full():
            return
        self.state.add_color()
        self._structural()

    def action_duplicate_color(self) -> None:
        self._finish_row()
        if self._refuse_when_full():
            return
        self.state.duplicate_color(self.state.cursor)
        self._structural()

    def _refuse_when_full(self) -> bool:
        if self.state.is_full:
            self._update_status(f"A palette holds at most {MAX_PALETTE_COLORS} colours")
        return self.state.is_full

    def action_remove_color(self) -> None:
        self._finish_row()
        self.state.remove_color(self.state.cursor)
        self._structural()

    def action_move_color(self, offset: int) -> None:
        self._finish_row()
        if self.state.move_color(self.state.cursor, offset):
            self._structural()

    def action_undo(self) -> None:
        self._take_fields()  # typing not yet applied is the step to undo
        self._edited_row = None
        if self.state.undo():
            self._sync()

    def action_redo(self) -> None:
        self._take_fields()
        self._edited_row = None
        if self.state.redo():
            self._sync()

    def action_chart_kind(self) -> None:
        chart = self.query_one("#editor-chart", PaletteChart)
        chart.kind = "line" if chart.kind == "bar" else "bar"
        self._update_caption()

    def action_background(self) -> None:
        chart = self.query_one("#editor-chart", PaletteChart)
        chart.dark = not chart.dark
        self._update_caption()

    def action_series(self, offset: int) -> None:
        chart = self.query_one("#editor-chart", PaletteChart)
        chart.series_count += offset
        self._update_caption()

    def _update_caption(self) -> None:
        chart = self.query_one("#editor-chart", PaletteChart)
        self.query_one("#editor-caption", Static).update(chart_caption(chart))

    def _use_palette(self, colors: list[Any], what: str) -> None:
        """Swap in a whole palette (one undo step) and say so."""
        self._finish_row()
        self.state.replace_colors(colors)
        self._structural()
        self.notify(f"{what} (ctrl+z undoes it).", markup=False)

    def action_import_palette(self) -> None:
        def imported(colors: list[str] | None) -> None:
            if colors:
                self._use_palette(colors, f"Imported {len(colors)} colours")

        self.app.push_screen(PaletteImportScreen(), imported)

    def action_fix_palette(self) -> None:
        from phtui.screens.themes.fixer import FixerOutcome, PaletteFixerScreen

        self._finish_row()

        def accepted(outcome: FixerOutcome | None) -> None:
            if outcome is not None:
                what = "Generated a palette" if outcome.generated else "Applied the fix"
                self._use_palette(outcome.colors, what)

        name = self.state.name or "New theme"
        self.app.push_screen(PaletteFixerScreen(self.state.colors, name=name), accepted)

    def action_generate(self) -> None:
        from phtui.screens.themes.generator import PaletteGeneratorScreen

        self._finish_row()
        brand = [color for color in self.state.preview_colors() if color][:1]

        def generated(colors: list[str] | None) -> None:
            if colors:
                self._use_palette(colors, f"Generated {len(colors)} colours")

        count = max(2, len(self.state.colors))
        self.app.push_screen(PaletteGeneratorScreen(brand, count), generated)

    def action_close(self) -> None:
        self._finish_row()
        if not self.state.is_dirty:
            self._leave_clean()
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._leaving_without_draft = True
                self._discard_draft()
                self.dismiss(None)

        what = "this new theme" if self.state.is_new else "your changes"
        self.app.push_screen(
            ConfirmScreen("Unsaved changes", f"Discard {what}?", confirm_label="Discard"),
            answered,
        )

    # ---- the app's quit guard (docs/CONTRACTS.md) ------------------------------------------
    def unsaved_edits(self) -> str | None:
        self._take_fields()
        if not self.state.is_dirty or self._refusal is not None:
            return None
        kept = " (its draft is kept)" if self._has_edits() else ""
        if self.state.is_new:
            return "a new theme" + kept
        what = f"the theme “{visible(self.state.name)}”" if self.state.name else "a theme"
        return what + kept

    def action_save(self) -> None:
        self._finish_row()
        if self._saving:
            self._update_status("Still saving: nothing is sent twice")
            return
        try:
            payload = self.state.payload()
        except InvalidDraftError as error:
            self._update_status("Cannot save: " + "; ".join(error.problems))
            return
        if not payload:
            self._update_status("Nothing to save")
            return
        self._saving = True
        self.write_draft()  # whatever happens next, the edit is on disk first
        self._update_status("Saving…")
        self.save_theme(payload)

    @task(group="editor.save", exclusive=False)
    async def save_theme(self, payload: dict[str, Any]) -> None:
        client = self.services.client
        if client is None:
            self._saving = False
            self._update_status("Not connected: your edit is kept")
            return
        try:
            if self.state.theme_id is None:
                theme = await self._create(payload)
            else:
                theme = await self._update(self.state.theme_id, payload)
        except PostHogError as error:
            # Keep every edit; say what PostHog said, in its words.
            self._update_status(f"Not saved: {visible(str(error))} (draft kept)")
            self.report(error, action="Saving theme")
            return
        finally:
            self._saving = False
        if theme is None:
            return  # said on the status line; the edit and its draft are kept
        self.state.mark_saved(theme.id, theme.name, theme.colors)
        self.session.rebase(self._saved_values(), None)
        self._leaving_without_draft = True
        self._discard_draft()
        self.dismiss(theme)

    # ---- saving: lost answers and other writers ----------------------------------------------
    def _saved_values(self) -> dict[str, Any]:
        """The theme as saved (the state's baseline), as the JSON PostHog holds."""
        baseline = self.state.baseline
        return {"name": baseline.name, "colors": list(baseline.colors)}

    def _mine(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The theme as it would be after this save: the baseline with the changed fields."""
        return {**self.session.baseline, **payload}

    @staticmethod
    def _theirs(theme: DataColorTheme) -> dict[str, Any]:
        return {"name": theme.name, "colors": list(theme.colors)}

    async def _create(self, payload: dict[str, Any]) -> DataColorTheme | None:
        client = self.client
        attempt = self._pending_create
        if attempt is not None:
            # The last create's answer was lost: look before creating a second theme.
            for theme in await client.list_themes():
                if not theme.is_global and attempt.made(self._theirs(theme), theme.created_at):
                    self._pending_create = None
                    self.notify(
                        f"The earlier attempt did create “{visible(theme.name)}”: nothing was "
                        "sent again.",
                        markup=False,
                    )
                    if self._theirs(theme) == payload:
                        return theme
                    # Edited since: it is now an edit of the theme that attempt made.
                    self.state.theme_id = theme.id
                    self.session.rebase(self._theirs(theme), None)
                    return await self._update(theme.id, payload)
        self._pending_create = CreateAttempt(dict(payload), datetime.now(UTC))
        try:
            theme = await client.create_theme(payload["name"], payload["colors"])
        except TransportError as error:
            self._update_status(
                f"Not sure the theme was created (no answer: {visible(str(error))}). Press "
                "ctrl+s: phtui looks first, so it is not created twice."
            )
            self.report(error, action="Saving theme")
            return None
        self._pending_create = None
        return theme

    async def _update(self, theme_id: int, payload: dict[str, Any]) -> DataColorTheme | None:
        """Re-read, compare with where the edit started, then send only what the user changed
        (after the three-way view when someone else changed the theme meanwhile)."""
        client = self.client
        mine = self._mine(payload)
        try:
            fresh = await client.get_theme(theme_id)
        except NotFoundError:
            return await self._gone(payload)
        fields: dict[str, Any] = payload
        if self.session.moved(self._theirs(fresh)):
            merge = self.session.merge(self._theirs(fresh), mine, None)
            choices: dict[str, FieldChoice] = {}
            if merge.conflicts or not isinstance(merge.resolve(), Nothing):
                answer = await self.app.push_screen_wait(
                    ThreeWayScreen(
                        merge,
                        title=(
                            f"Someone changed the theme “{clip(fresh.name, 40)}” while you were "
                            "editing it. Choose per field; nothing is sent until ctrl+s."
                        ),
                        labels=THEME_LABELS,
                    )
                )
                if answer.action != "save":
                    self._update_status("Not saved: still editing (draft kept)")
                    return None
                choices = answer.choices
            plan = merge.resolve(choices)
            # The server's copy is the new baseline; the picks the user kept are the edit.
            self._rebase_on(fresh, merge.result(choices))
            if isinstance(plan, Nothing):
                return fresh  # the server has what the user wants: nothing to send
            fields = plan.fields
        try:
            return await client.update_theme(theme_id, **fields)
        except TransportError:
            # The answer was lost: if the server holds the change, it is saved.
            again = await client.get_theme(theme_id)
            if all(self._theirs(again).get(name) == value for name, value in fields.items()):
                return again
            raise

    def _rebase_on(self, fresh: DataColorTheme, result: dict[str, Any]) -> None:
        cursor = self.state.cursor
        self.state.mark_saved(fresh.id, fresh.name, fresh.colors)
        self.session.rebase(self._theirs(fresh), None)
        if result["name"] != fresh.name:
            self.state.rename(result["name"])
        if list(result["colors"]) != list(fresh.colors):
            self.state.replace_colors([str(color) for color in result["colors"]])
        self.state.select(cursor)
        self._sync()

    async def _gone(self, payload: dict[str, Any]) -> DataColorTheme | None:
        choices = [
            Choice("create", "Save as a new theme", "c", "primary"),
            Choice("keep", "Keep editing", "escape"),
        ]
        answer = await self.app.push_screen_wait(
            ChoiceScreen(
                "Theme deleted",
                "This theme was deleted on the server while you were editing it. Your edit is "
                "kept (draft on disk). Save it as a new theme?",
                choices,
                cancel="keep",
            )
        )
        if answer != "create":
            self._update_status("Not saved: the theme was deleted on the server (draft kept)")
            return None
        self._discard_draft()
        self.state.theme_id = None
        return await self._create(self._mine(payload))

    # ---- drafts --------------------------------------------------------------------------------
    @property
    def draft_key(self) -> DraftKey:
        client = self.client
        object_id = str(self.state.theme_id) if self.state.theme_id is not None else "new"
        return DraftKey(client.host, client.project_id, THEME_DRAFT_KIND, object_id)

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self.is_mounted and not self.read_only:
            self._draft_timer = self.set_timer(DRAFT_DELAY_S, self.write_draft)

    def write_draft(self) -> None:
        """Keep the edit on disk with where it started (or drop this session's draft once
        nothing differs)."""
        self._draft_timer = None
        try:
            if self._has_edits():
                texts = {"name": self.state.name, "colors": json.dumps(list(self.state.colors))}
                baseline = None if self.state.is_new else self.session.baseline
                self._drafts.save(Draft(self.draft_key, texts, baseline=baseline))
                self._draft_owned = True
            elif self._draft_owned:
                self._drafts.discard(self.draft_key)
                self._draft_owned = False
        except OSError as error:
            self.query_one("#editor-status", Static).update(f"Could not write the draft: {error}")
        except PostHogError:
            pass  # not connected: no key to file the draft under

    def _has_edits(self) -> bool:
        """Something typed that is not saved (a new theme: changed since it opened)."""
        if self.state.is_new:
            return (self.state.name, self.state.colors) != self._initial
        return bool(self.state.changed_fields())

    def _discard_draft(self) -> None:
        self._draft_owned = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        with contextlib.suppress(OSError, PostHogError):
            self._drafts.discard(self.draft_key)

    def _leave_clean(self) -> None:
        """Leaving with nothing unsaved: drop this session's draft, keep one put off for later."""
        self.write_draft()
        self._leaving_without_draft = True

    def _offer_draft(self) -> None:
        try:
            draft = self._drafts.load(self.draft_key)
        except PostHogError:
            return
        if draft is None:
            return
        try:
            colors = json.loads(draft.fields.get("colors", "[]"))
            name = draft.fields["name"]
        except (KeyError, ValueError):
            return
        if not isinstance(colors, list) or not all(isinstance(c, str) for c in colors):
            return
        if name == self.state.name and tuple(colors) == self.state.colors:
            return
        saved = draft.saved_at[:19].replace("T", " ")
        message = f"Unsaved edits of this theme from {saved} UTC were kept."
        if draft.baseline is not None and self.session.moved(draft.baseline):
            message += " The theme has changed on the server since; saving will show what differs."
        choices = [
            Choice("restore", "Restore", "r", "primary"),
            Choice("discard", "Discard", "d", "error"),
            Choice("later", "Not now", "escape"),
        ]

        def answered(answer: str | None) -> None:
            if answer == "restore":
                self._draft_owned = True
                if draft.baseline is not None and not self.state.is_new:
                    self.session.baseline = {
                        field: draft.baseline.get(field) for field in THEME_FIELDS
                    }
                if name != self.state.name:
                    self.state.rename(name)
                if tuple(colors) != self.state.colors:
                    self.state.replace_colors(colors)
                self._sync()
                self._update_status("Draft restored")
            elif answer == "discard":
                self._discard_draft()
                self._update_status("Draft discarded")

        self.app.push_screen(
            ChoiceScreen("Restore draft?", message, choices, cancel="later"), answered
        )

    def on_unmount(self) -> None:
        # Quitting the app: make sure the latest edit is on disk.
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if not self._leaving_without_draft:
            with contextlib.suppress(Exception):  # never let shutdown fail over a draft
                self.write_draft()

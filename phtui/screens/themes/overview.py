"""The Themes screen: see, judge and edit the project's data colour themes.

Left: the themes (PostHog's official, read-only ones marked ★, then the project's own). Right:
the selected palette as large swatches, then a live chart preview or the analysis. Selecting a
theme needs no request (the list carries every palette), so the preview follows the cursor at
once. Edits happen in ``ThemeEditorScreen``; saving, deleting and loading run in workers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from phtui.api.errors import PostHogError
from phtui.api.models import DataColorTheme
from phtui.core.clipboard import PaletteFormat, clipboard_hint, fits_osc52, format_palette
from phtui.core.text import visible
from phtui.core.theme_edit import NEW_COLOR, ThemeEditorState
from phtui.screens.base import PhScreen, task
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.themes.palette_chart import PaletteChart, chart_caption
from phtui.widgets.themes.swatches import DepthNote, SwatchGrid, chip, normalised_colors
from phtui.widgets.title_bar import TitleBar
from phtui.widgets.view_tabs import View, ViewTabs

# The editor, the import and confirm dialogs and the analysis view are imported when first
# opened: the first frame needs none of them (see benchmarks/startup_bench.py).

__all__ = ["ThemesScreen", "default_palette"]

# Below this height the swatches drop their padding line so the chart keeps room.
_TALL_SWATCHES_FROM = 32
# Below this width the theme list narrows so five swatches fit in a row at 80 columns.
_WIDE_FROM = 100
_LIST_CHIPS = 4
_MUTATING = frozenset({"new", "edit", "duplicate", "delete", "import_palette"})
_VIEWS = (View("preview", "Preview", "p"), View("analysis", "Analysis", "a"))


def default_palette(themes: Sequence[DataColorTheme]) -> list[str]:
    """What "New theme" starts from: PostHog's rule is the global theme named like "Default"."""
    globals_ = [theme for theme in themes if theme.is_global]
    for theme in globals_:
        if "default" in theme.name.lower():
            return [c for c in normalised_colors(theme.colors) if c is not None]
    if globals_:
        return [c for c in normalised_colors(globals_[0].colors) if c is not None]
    return [NEW_COLOR]


class ThemesScreen(PhScreen[None]):
    """The Themes mode: list, swatches, preview and analysis; opens the editor and modals."""

    # Default CSS, not a CSS_PATH: Textual re-parses every stylesheet from scratch when a screen
    # brings a CSS file (benchmarks/startup_bench.py); default CSS joins the parsed rules.
    DEFAULT_CSS = """
    ThemesScreen {
        #themes-body { height: 1fr; }
        #theme-list {
            width: 30;
            height: 1fr;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            border: round $primary 50%;
            &:focus { border: round $primary; }
        }
        &.-narrow #theme-list { width: 24; }
        #theme-detail {
            width: 1fr;
            height: 1fr;
            padding: 0 0 0 1;
        }
        #palette-heading {
            height: auto;
            max-height: 2;
            margin-bottom: 1;
        }
        #swatches { margin-bottom: 1; }
        #views, #views > Vertical { height: 1fr; }
        #chart-caption {
            height: auto;  /* "series 16+ reuse preset-1…" wraps at 80 columns, never cut */
            color: $text-muted;
        }
    }
    """

    BINDINGS = [
        Binding("n", "new", "New", id="themes.new"),
        Binding("e", "edit", "Edit", id="themes.edit"),
        Binding("d", "duplicate", "Duplicate", id="themes.duplicate"),
        Binding("x,delete", "delete", "Delete", id="themes.delete"),
        Binding("i", "import_palette", "Import", id="themes.import"),
        Binding("f", "fix", "Fix", id="themes.fix"),
        Binding("y", "copy(False)", "Copy hex", id="themes.copy_hex"),
        Binding("Y", "copy(True)", "Copy JSON", id="themes.copy_json", show=False),
        Binding("c", "chart_kind", "Bar/line", id="themes.chart_kind"),
        Binding("b", "background", "Dark/light", id="themes.background"),
        Binding("plus,equals_sign", "series(1)", "+series", id="themes.more_series"),
        Binding("minus", "series(-1)", "-series", id="themes.fewer_series", show=False),
        Binding("p", "view('preview')", "Preview", id="themes.preview", show=False),
        Binding("a", "view('analysis')", "Analysis", id="themes.analysis"),
        Binding("r", "refresh", "Refresh", id="themes.refresh"),
        Binding("escape", "hide_depth_note", "Hide colour note", id="themes.hide_note", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.themes: list[DataColorTheme] = []
        self.is_staff = False  # staff may edit PostHog's global themes
        self._select_when_loaded: int | None = None
        self._user_asked = False
        self._binding_state: tuple[bool | None, ...] = ()
        self._resumed = False
        self._styled = False  # not yet resumed: restyling at the first resume is redundant

    # ---- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Fit the terminal before the first frame: changing a class later restyles every widget.
        width, height = self.app.size
        self.set_class(width < _WIDE_FROM, "-narrow")
        swatches = SwatchGrid(id="swatches")
        swatches.set_reactive(SwatchGrid.tall, height >= _TALL_SWATCHES_FROM)
        yield TitleBar()
        with Horizontal(id="themes-body"):
            yield OptionList(id="theme-list")
            with Vertical(id="theme-detail"):
                yield Static("Loading themes…", id="palette-heading", markup=False)
                yield swatches
                yield ViewTabs(_VIEWS, active="preview", id="view-tabs")
                with ContentSwitcher(id="views", initial="preview"):
                    with Vertical(id="preview"):
                        yield Static("", id="chart-caption", markup=False)
                        yield PaletteChart(id="chart")
                    # Its PaletteAnalysis is mounted when the view is first opened.
                    yield Vertical(id="analysis")
        yield DepthNote(id="depth-note", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        theme_list = self.query_one("#theme-list", OptionList)
        theme_list.border_title = "Themes"
        self._update_chart_title()
        self.action_refresh()
        theme_list.focus()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Opening a mode resumes its new screen twice (Textual's `_init_mode`, then
        # `switch_mode`): the second would restyle, lay out and repaint every widget for nothing.
        if self._resumed:
            event.prevent_default()
        elif not self._styled:
            # The first resume follows compose: every widget got its styles as it mounted.
            event.refresh_styles = False
        self._resumed = self._styled = True

    def on_screen_suspend(self) -> None:
        self._resumed = False

    def on_resize(self) -> None:
        self.set_class(self.size.width < _WIDE_FROM, "-narrow")
        self.query_one("#swatches", SwatchGrid).tall = self.size.height >= _TALL_SWATCHES_FROM

    # ---- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load_themes(self.selected.id if self.selected else None)

    @task(group="themes.load")
    async def load_themes(self, select_id: int | None = None) -> None:
        client = self.services.client
        if client is None:
            return
        theme_list = self.query_one("#theme-list", OptionList)
        # A reload shows the spinner over the list; the first load says "Loading themes…" in the
        # heading instead (a spinner is a widget to mount and a frame to draw before the list).
        theme_list.loading = bool(self.themes)
        try:
            themes = await client.list_themes()
        except PostHogError:
            if not self.themes:
                self.query_one("#palette-heading", Static).update(
                    "Could not load the themes: press r to try again."
                )
            raise  # the app's worker handler says why
        finally:
            theme_list.loading = False
        self.show_themes(themes, select_id)
        if not self._user_asked:
            # Asked once, after the frame that shows the list: the list comes first. Until the
            # answer, official themes stay read-only: the safe default.
            self._user_asked = True
            self.call_after_refresh(self.load_user)

    @task(group="themes.user")
    async def load_user(self) -> None:
        client = self.services.client
        if client is None:
            return
        try:
            user = await client.get_current_user()
        except PostHogError:
            return  # not knowing makes global themes read-only, which is the safe default
        self.is_staff = user.is_staff
        self._show_selected()

    def show_themes(self, themes: list[DataColorTheme], select_id: int | None = None) -> None:
        """Fill the list (official themes first, as PostHog lists them) and keep the selection."""
        if self._select_when_loaded is not None:
            select_id, self._select_when_loaded = self._select_when_loaded, None
        self.themes = sorted(themes, key=lambda theme: not theme.is_global)
        theme_list = self.query_one("#theme-list", OptionList)
        theme_list.set_options(self._option(theme) for theme in self.themes)
        own = sum(not theme.is_global for theme in self.themes)
        theme_list.border_title = f"Themes ({len(self.themes)})"
        theme_list.border_subtitle = f"{own} own · ★ {len(self.themes) - own} official"
        index = next((i for i, t in enumerate(self.themes) if t.id == select_id), 0)
        if self.themes:
            theme_list.highlighted = index
        self._show_selected()

    @staticmethod
    def _option(theme: DataColorTheme) -> Option:
        prompt = Text(no_wrap=True, overflow="ellipsis")
        # A glance at the palette: its first colours as one-cell chips.
        colors = normalised_colors(theme.colors)[:_LIST_CHIPS]
        for color in colors:
            prompt.append_text(chip(color, 1))
        prompt.append(" " * (_LIST_CHIPS - len(colors) + 1))
        if theme.is_global:
            prompt.append("★ ", style="bold #e4a604")
        prompt.append(visible(theme.name))
        return Option(prompt, id=str(theme.id))

    # ---- the selected theme --------------------------------------------------------------
    @property
    def selected(self) -> DataColorTheme | None:
        if not self.themes:  # also before the list is composed (check_action runs early)
            return None
        index = self.query_one("#theme-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.themes):
            return None
        return self.themes[index]

    def can_edit(self, theme: DataColorTheme) -> bool:
        return not theme.is_global or self.is_staff

    def show_theme(self, theme_id: int) -> None:
        """Select ``theme_id`` (a command palette hit); reload the list when it lacks it."""
        if not self.themes:  # the list is still on its way: select it when it arrives
            self._select_when_loaded = theme_id
            return
        index = next((i for i, theme in enumerate(self.themes) if theme.id == theme_id), None)
        if index is None:
            self.load_themes(theme_id)
        else:
            self.query_one("#theme-list", OptionList).highlighted = index
        self.query_one("#theme-list", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#theme-list")
    def _highlighted(self) -> None:
        self._show_selected()

    @on(OptionList.OptionSelected, "#theme-list")
    def _selected(self) -> None:
        theme = self.selected
        if theme is not None and not self.can_edit(theme):
            self.notify(
                "Official themes can't be edited. Press d to duplicate it and edit the copy.",
                markup=False,
            )
            return
        if self.check_action("edit", ()):
            self.action_edit()

    def _show_selected(self) -> None:
        theme = self.selected
        heading = self.query_one("#palette-heading", Static)
        swatches = self.query_one("#swatches", SwatchGrid)
        chart = self.query_one("#chart", PaletteChart)
        if theme is None:
            heading.update("No themes." if not self.themes else "")
            swatches.palette = ()
            chart.palette = ()
        else:
            heading.update(self._heading(theme))
            swatches.palette = tuple(theme.colors)
            chart.palette = tuple(normalised_colors(theme.colors))
        self._update_chart_title()
        self._update_analysis()
        self._refresh_bindings_if_changed()

    def _heading(self, theme: DataColorTheme) -> Text:
        text = Text()
        text.append(visible(theme.name), style="bold")
        text.append(f"  {len(theme.colors)} colours  ", style="dim")
        if theme.is_global and not self.is_staff:
            text.append("★ Official: read-only. d duplicates it to edit a copy.", style="#e4a604")
        elif theme.is_global:
            text.append("★ Official: you are staff, edits change it for everyone.", style="#e4a604")
        elif self.read_only:
            text.append("read-only session", style="dim")
        return text

    def _update_chart_title(self) -> None:
        chart = self.query_one("#chart", PaletteChart)
        self.query_one("#chart-caption", Static).update(chart_caption(chart))

    def _update_analysis(self) -> None:
        if self.query_one("#views", ContentSwitcher).current != "analysis":
            return  # analysed when the view is opened: keeps selection fast
        from phtui.core.palette import analyse_palette
        from phtui.widgets.themes.palette_analysis import PaletteAnalysis

        pane = self.query_one("#analysis", Vertical)
        mounted = pane.query(PaletteAnalysis)
        analysis = mounted.first() if mounted else PaletteAnalysis(id="palette-analysis")
        theme = self.selected
        if theme is None:
            analysis.show(None)
        else:
            # analyse_palette reports entries that are not strings as invalid: the cast is safe.
            analysis.show(analyse_palette(cast("list[str]", theme.colors)))
        if not mounted:
            pane.mount(analysis)

    @on(ViewTabs.Changed, "#view-tabs")
    def _view_changed(self, event: ViewTabs.Changed) -> None:
        self.query_one("#views", ContentSwitcher).current = event.view
        self._update_analysis()

    # ---- chart controls ------------------------------------------------------------------
    def action_chart_kind(self) -> None:
        chart = self.query_one("#chart", PaletteChart)
        chart.kind = "line" if chart.kind == "bar" else "bar"
        self._update_chart_title()

    def action_background(self) -> None:
        chart = self.query_one("#chart", PaletteChart)
        chart.dark = not chart.dark
        self._update_chart_title()

    def action_series(self, offset: int) -> None:
        chart = self.query_one("#chart", PaletteChart)
        chart.series_count += offset
        self._update_chart_title()

    def action_hide_depth_note(self) -> None:
        self.query_one("#depth-note", DepthNote).hide()

    def action_view(self, view: str) -> None:
        self.query_one("#view-tabs", ViewTabs).active = view

    def _refresh_bindings_if_changed(self) -> None:
        # refresh_bindings makes every binding's owner re-run check_action and the key bar
        # re-read them: only when availability changed, after the preview has painted.
        state = tuple(self.check_action(action, ()) for action in (*_MUTATING, "copy"))
        if state != self._binding_state:
            self._binding_state = state
            self.call_after_refresh(self.refresh_bindings)

    # ---- guards --------------------------------------------------------------------------
    MUTATING_ACTIONS = _MUTATING

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_depth_note":
            return self.is_mounted and self.query_one("#depth-note", DepthNote).display
        if action not in _MUTATING and action != "copy":
            return True
        if action in _MUTATING and self.services.client is None:
            return None
        if action in ("new", "import_palette"):
            return True
        return None if self.selected is None else True

    def blocked_reason(self, action: str) -> str | None:
        if action in ("edit", "delete"):
            theme = self.selected
            if theme is not None and not self.can_edit(theme):
                return "Official theme: press d to duplicate it and edit the copy."
        return super().blocked_reason(action)

    # ---- editing -------------------------------------------------------------------------
    def _open_editor(self, state: ThemeEditorState, title: str) -> None:
        from phtui.screens.themes.editor import ThemeEditorScreen

        def closed(saved: DataColorTheme | None) -> None:
            if saved is not None:
                self.notify(f"Saved “{visible(saved.name)}”.", markup=False)
                self.load_themes(saved.id)

        self.app.push_screen(ThemeEditorScreen(state, title=title), closed)

    def action_new(self) -> None:
        state = ThemeEditorState(name="", colors=list(default_palette(self.themes)))
        self._open_editor(state, "Add theme (a copy of the default palette)")

    def action_edit(self) -> None:
        theme = self.selected
        if theme is None:
            return
        state = ThemeEditorState(name=theme.name, colors=list(theme.colors), theme_id=theme.id)
        self._open_editor(state, "Edit official theme (staff)" if theme.is_global else "Edit theme")

    def action_duplicate(self) -> None:
        theme = self.selected
        if theme is None:
            return
        state = ThemeEditorState(name=f"{theme.name} (copy)"[:100], colors=list(theme.colors))
        self._open_editor(state, f"Add theme (a copy of {visible(theme.name)})")

    def action_fix(self) -> None:
        theme = self.selected
        if theme is None:
            return
        from phtui.screens.themes.fixer import FixerOutcome, PaletteFixerScreen, editor_for_outcome

        editable = self.can_edit(theme)

        def accepted(outcome: FixerOutcome | None) -> None:
            if outcome is not None:  # saved where every edit is: the editor
                self._open_editor(*editor_for_outcome(theme, outcome, editable=editable))

        self.app.push_screen(PaletteFixerScreen.for_theme(theme, editable=editable), accepted)

    def action_import_palette(self) -> None:
        from phtui.screens.themes.palette_import import PaletteImportScreen

        def imported(colors: list[str] | None) -> None:
            if colors:
                self._open_editor(
                    ThemeEditorState(name="", colors=list(colors)), "Add theme (imported)"
                )

        self.app.push_screen(PaletteImportScreen(), imported)

    def action_delete(self) -> None:
        theme = self.selected
        if theme is None:
            return
        from phtui.screens.confirm import ConfirmScreen

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.delete_theme(theme, self._neighbour_id(theme))

        self.app.push_screen(
            ConfirmScreen(
                "Delete theme",
                f"Delete “{visible(theme.name)}”? PostHog deletes themes for good: "
                "insights and dashboards using it fall back to the default theme.",
            ),
            answered,
        )

    def _neighbour_id(self, theme: DataColorTheme) -> int | None:
        """The theme to select once ``theme`` is gone: the next one, else the previous one."""
        index = self.themes.index(theme)
        rest = self.themes[index + 1 :] + self.themes[:index][::-1]
        return rest[0].id if rest else None

    @task(group="themes.delete")
    async def delete_theme(self, theme: DataColorTheme, then_select: int | None = None) -> None:
        client = self.services.client
        if client is None:
            return
        await client.delete_theme(theme.id)
        self.notify(f"Deleted “{visible(theme.name)}”.", markup=False)
        self.load_themes(then_select)

    # ---- copy out ------------------------------------------------------------------------
    def action_copy(self, as_json: bool) -> None:
        theme = self.selected
        if theme is None:
            return
        colors = [c for c in normalised_colors(theme.colors) if c is not None]
        fmt = PaletteFormat.JSON if as_json else PaletteFormat.HEX_LIST
        text = format_palette(colors, fmt)
        if not fits_osc52(text):
            self.notify("Palette too large for the terminal clipboard.", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        skipped = len(theme.colors) - len(colors)
        message = f"Copied {len(colors)} colours as {fmt.value} (OSC 52)."
        if skipped:
            message += f" {skipped} entries that are not colours were left out."
        hint = clipboard_hint(os.environ)
        if hint:
            message += f" {hint}."
        self.notify(message, markup=False)

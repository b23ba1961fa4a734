"""The palette fixer: what in a palette a viewer cannot tell apart, and the smallest fix.

Left, the colours: each current colour, and the proposed one with the distance it moves (ΔEOK),
or "locked" / "kept". Right (scrolls): the palette before and after as swatches in series order,
as bar and line charts on PostHog's dark and light chart backgrounds, and what fails before and
after the fix. The check is ``core.palette_check``'s: CIEDE2000 between series under normal and
simulated dichromat vision, in PostHog's order (series i takes colour i mod n), and WCAG 3:1 on
both chart backgrounds; the threshold changes with + and -.

The proposal (``core.palette_fix``, ~0.1 s for 15 colours, ~0.4 s for 30) is worked out in a
thread for the newest settings only (``NewestOnly``), so keys stay responsive. Nothing is saved
here: accepting dismisses the screen with a ``FixerOutcome`` and the caller opens the theme
editor with it (the one save path), or puts the colours into the editor it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from phtui.api.models import DataColorTheme
from phtui.core.fixer_settings import DEFAULT_THRESHOLD, FixSettings
from phtui.core.palette_check import PaletteCheck
from phtui.core.palette_fix import FixProposal
from phtui.core.text import one_line, visible
from phtui.core.theme_edit import NAME_MAX_LENGTH, ThemeEditorState
from phtui.screens.base import PhScreen, task
from phtui.screens.newest import NewestOnly
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.themes.fix_view import BeforeAfterStrip, change_row, failures_text
from phtui.widgets.themes.palette_chart import ChartKind, PaletteChart
from phtui.widgets.themes.swatches import DepthNote, normalised_colors
from phtui.widgets.title_bar import TitleBar

__all__ = ["FixRequest", "FixerOutcome", "PaletteFixerScreen", "editor_for_outcome"]

_CHARTS: tuple[tuple[ChartKind, bool], ...] = (
    ("bar", True),
    ("line", True),
    ("bar", False),
    ("line", False),
)
_ACCEPTS = ("accept_all", "accept_one")
_NOTE = Style(color="#e4a604")
_ABOUT = (
    "About the check. Distances are CIEDE2000 (ΔE2000) between two series' colours as seen "
    "with normal vision and under simulated protanopia, deuteranopia (Viénot 1999) and "
    f"tritanopia (Brettel 1997). {DEFAULT_THRESHOLD:g} is the default: chroma.js's palette "
    "helper calls under 9 not perceivably different, and thin chart marks need more than the "
    "patches the formula was fitted on (Stone, Szafir & Setlur 2014). Neighbouring series and "
    "the last and first (they meet once a chart has more series than colours) count most. "
    "Contrast: WCAG 2.1 SC 1.4.11 asks 3:1 for graphical objects, here on PostHog's chart "
    "backgrounds. The fix moves colours in OKLCH, lightness and chroma before hue, so each "
    "keeps its hue; the number after a new colour is how far it moved (ΔEOK, 0.02 is just "
    "noticeable). Locked colours never move."
)


@dataclass(frozen=True)
class FixerOutcome:
    """What the user accepted: the whole palette to put in the editor. ``generated``: a new
    palette from the generator rather than a fix of this one."""

    colors: list[object]
    generated: bool = False


@dataclass(frozen=True)
class FixRequest:
    """One run of the fixer: the palette and the settings it runs with."""

    colors: tuple[object, ...]
    settings: FixSettings

    def propose(self) -> FixProposal:
        return self.settings.propose(self.colors)


def editor_for_outcome(
    theme: DataColorTheme, outcome: FixerOutcome, *, editable: bool
) -> tuple[ThemeEditorState, str]:
    """The editor state and title that show ``outcome`` for ``theme``: its own edit when the
    user may edit it (ctrl+z there shows the original), a new copy when it is official."""
    if outcome.generated:
        return ThemeEditorState(name="", colors=outcome.colors), "Add theme (generated palette)"
    if editable:
        state = ThemeEditorState(name=theme.name, colors=list(theme.colors), theme_id=theme.id)
        state.replace_colors(outcome.colors)
        return state, "Edit theme (fixed: ctrl+z shows the original)"
    name = f"{theme.name} (fixed)"[:NAME_MAX_LENGTH]
    state = ThemeEditorState(name=name, colors=outcome.colors)
    return state, f"Add theme (a fixed copy of {visible(theme.name)})"


class PaletteFixerScreen(PhScreen[FixerOutcome | None]):
    """Checks a palette as stored and proposes a fix; dismisses with a ``FixerOutcome`` or None."""

    DEFAULT_CSS = """
    PaletteFixerScreen {
        #fixer-heading, #fixer-check { height: auto; padding: 0 1; }
        #fixer-check { color: $text-muted; }
        #fixer-body { height: 1fr; }
        #fixer-colours {
            width: 38;
            height: 1fr;
            border: round $primary 50%;
            &:focus { border: round $primary; }
        }
        #fixer-detail { width: 1fr; height: 1fr; padding: 0 0 0 1; }
        .chart-heads { height: 1; margin-top: 1; }
        .chart-heads > Static { width: 1fr; text-style: bold; }
        .chart-caption { height: 1; color: $text-muted; }
        .chart-row { height: 5; }
        .chart-row > PaletteChart { width: 1fr; height: 5; }
        .chart-row > PaletteChart.before { margin-right: 1; }
        #fixer-failures-before, #fixer-failures-after, #fixer-about {
            height: auto;
            margin-top: 1;
        }
        #fixer-about { color: $text-muted; }
    }
    """

    BINDINGS = [
        Binding("a", "accept_all", "Accept all", id="palette_fixer.accept_all"),
        Binding("o", "accept_one", "Accept one", id="palette_fixer.accept_one"),
        Binding("escape", "reject", "Reject", id="palette_fixer.reject"),
        Binding("l,space", "lock", "Lock", id="palette_fixer.lock"),
        Binding("plus,equals_sign", "threshold(1)", "ΔE±", id="palette_fixer.threshold_up"),
        Binding("minus", "threshold(-1)", "ΔE-", id="palette_fixer.threshold_down", show=False),
        Binding("n", "pairs", "Pairs", id="palette_fixer.pairs"),
        # Not g: the app's vim keys take it on lists.
        Binding("ctrl+g", "generate", "Generate", id="palette_fixer.generate"),
    ]

    # Accepting leads to a save in the editor: read-only sessions may look, not accept.
    MUTATING_ACTIONS: ClassVar[frozenset[str]] = frozenset(_ACCEPTS)

    def __init__(
        self,
        colors: Sequence[object],
        *,
        name: str,
        note: str | None = None,
        settings: FixSettings | None = None,
    ) -> None:
        super().__init__()
        self.entries = tuple(colors)
        self.valid = normalised_colors(self.entries)
        self.settings = settings or FixSettings()
        self.proposal: FixProposal | None = None
        self._theme_name = name
        self._note = note
        self._shown: FixRequest | None = None
        self._newest: NewestOnly[FixRequest, FixProposal] = NewestOnly(FixRequest.propose)
        self._binding_state: tuple[bool | None, ...] = ()

    @classmethod
    def for_theme(cls, theme: DataColorTheme, *, editable: bool) -> PaletteFixerScreen:
        note = None
        if theme.is_global:
            note = (
                "★ Official: you are staff, accepting edits it for everyone."
                if editable
                else "★ Official: accepting opens a copy to save."
            )
        return cls(theme.colors, name=theme.name, note=note)

    # ---- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="fixer-heading", markup=False)
        yield Static("", id="fixer-check", markup=False)
        with Horizontal(id="fixer-body"):
            yield OptionList(id="fixer-colours")
            with VerticalScroll(id="fixer-detail"):
                yield BeforeAfterStrip(id="fixer-strip")
                with Horizontal(classes="chart-heads"):
                    yield Static("Before", markup=False)
                    yield Static("After the fix", markup=False)
                # One series more than colours: the last and the first meet, as they do in
                # PostHog once a chart has more series than the theme has colours.
                series = len(self.valid) + 1 if len(self.valid) > 1 else 1
                for kind, dark in _CHARTS:
                    background = "dark" if dark else "light"
                    yield Static(
                        f"{kind.capitalize()} chart on {background}, {series} series",
                        classes="chart-caption",
                        markup=False,
                    )
                    with Horizontal(classes="chart-row"):
                        for side in ("before", "after"):
                            chart = PaletteChart(self.valid, classes=side)
                            chart.set_reactive(PaletteChart.kind, kind)
                            chart.set_reactive(PaletteChart.dark, dark)
                            chart.set_reactive(PaletteChart.series_count, series)
                            yield chart
                yield Static("", id="fixer-failures-before", markup=False)
                yield Static("", id="fixer-failures-after", markup=False)
                yield Static(_ABOUT, id="fixer-about", markup=False)
        yield DepthNote(id="depth-note", markup=False, hint=" click ✕")  # escape closes here
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Fix palette"
        colours = self.query_one("#fixer-colours", OptionList)
        colours.border_title = "Colours"
        colours.border_subtitle = "l lock · o accept one"
        colours.set_options(Option(self._row(index)) for index in range(len(self.entries)))
        if self.entries:
            colours.highlighted = 0
        colours.focus()
        self._request()

    # ---- the proposal --------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        """True while the shown proposal is not for the current settings (or there is none)."""
        return self._shown is None or self._newest.wanted != self._shown

    @property
    def compute_ms(self) -> float:
        """How long the shown proposal took to work out (in its thread)."""
        return self._newest.last_ms

    def _request(self) -> None:
        self._show_heading()
        self._show_check()
        if self._newest.want(FixRequest(self.entries, self.settings)):
            self.compute_proposal()
        self._refresh_bindings_if_changed()

    @task(group="fixer.compute", exclusive=False)
    async def compute_proposal(self) -> None:
        request, proposal = await self._newest.run()
        self._shown = request
        self.proposal = proposal
        self._show_proposal()

    def _show_proposal(self) -> None:
        proposal = self.proposal
        assert proposal is not None
        after = normalised_colors(proposal.palette)
        self._update_rows()
        changed = frozenset(change.index for change in proposal.changes)
        self.query_one(BeforeAfterStrip).show(
            self.valid, after, changed=changed, locked=proposal.locked
        )
        for chart in self.query("PaletteChart.after").results(PaletteChart):
            chart.palette = tuple(after)
        self.query_one("#fixer-failures-before", Static).update(
            failures_text(proposal.before, heading="Failing now")
        )
        self.query_one("#fixer-failures-after", Static).update(
            failures_text(proposal.after, heading="After the fix")
        )
        self._show_heading()
        self._refresh_bindings_if_changed()

    # ---- text ----------------------------------------------------------------------------
    def _row(self, index: int) -> Text:
        # While a newer proposal is worked out the last one stays shown: it is usually close.
        proposal = self.proposal
        changes = proposal.changes if proposal is not None else ()
        change = next((c for c in changes if c.index == index), None)
        return change_row(
            index,
            self.entries[index],
            self.valid[index],
            change,
            locked=index in self.settings.locked,
            known=proposal is not None,
        )

    def _update_rows(self) -> None:
        colours = self.query_one("#fixer-colours", OptionList)
        for index in range(len(self.entries)):
            colours.replace_option_prompt_at_index(index, self._row(index))

    def _show_heading(self) -> None:
        heading = Text()
        heading.append(one_line(self._theme_name) or "Untitled", Style(bold=True))
        heading.append(f"  {len(self.entries)} colours · ", Style(dim=True))
        heading.append_text(self._verdict())
        if self._note:
            heading.append(f"  {self._note}", _NOTE)
        self.query_one("#fixer-heading", Static).update(heading)

    def _verdict(self) -> Text:
        proposal = self.proposal
        if proposal is None or self.pending:
            return Text("checking…", Style(italic=True))
        before, after = proposal.before, proposal.after
        if before.passed:
            return Text("passes every check: nothing to fix", Style(color="#3fb950"))
        verdict = Text(f"{before.failure_count} failing → ")
        changed = len(proposal.changes)
        if not changed:
            verdict.append("no change within reach improves it", Style(color="#ffb000"))
        elif after.passed:
            verdict.append("all pass after the fix", Style(color="#3fb950", bold=True))
        else:
            verdict.append(f"{after.failure_count} after the fix", Style(color="#ffb000"))
            if after.failure_count >= before.failure_count:  # fewer severe ones, more mild ones
                verdict.append(f", less severe (score {before.score:.1f} → {after.score:.1f})")
        if changed:
            verdict.append(f" ({changed} colour{'s' if changed != 1 else ''} change)")
        return verdict

    def _show_check(self) -> None:
        check: PaletteCheck = self.settings.check()
        text = Text("Check: ")
        text.append(f"ΔE2000 ≥ {check.min_distance:g}", Style(bold=True))
        if check.min_distance != DEFAULT_THRESHOLD:
            text.append(f" (default {DEFAULT_THRESHOLD:g})")
        text.append(" [-/+] · normal and protan/deutan/tritan vision · ")
        text.append("neighbours and wrap-around only" if check.pairs == "adjacent" else "all pairs")
        text.append(f" [n] · contrast ≥ {check.min_contrast:g}:1 on light and dark")
        self.query_one("#fixer-check", Static).update(text)

    # ---- the list ------------------------------------------------------------------------
    @property
    def cursor(self) -> int | None:
        return self.query_one("#fixer-colours", OptionList).highlighted

    @on(OptionList.OptionHighlighted, "#fixer-colours")
    def _highlighted(self) -> None:
        self._refresh_bindings_if_changed()

    @on(OptionList.OptionSelected, "#fixer-colours")
    def _selected(self) -> None:
        reason = self.blocked_reason("accept_one")
        if reason is None:
            self.action_accept_one()
        else:
            self.notify(reason, title="Not available", severity="warning", markup=False)

    # ---- actions -------------------------------------------------------------------------
    def blocked_reason(self, action: str) -> str | None:
        reason = super().blocked_reason(action)
        if reason is not None or action not in (*_ACCEPTS, "lock"):
            return reason
        cursor = self.cursor
        if action == "lock":
            if cursor is None or self.valid[cursor] is None:
                return "Only colours can be locked: this entry never moves anyway."
            return None
        proposal = self.proposal
        if proposal is None or self.pending:
            return "Still working out the fix: a moment."
        if not proposal.changes:
            return "Nothing to accept: " + (
                "the palette passes." if proposal.before.passed else "no change improves it."
            )
        if action == "accept_one" and (
            cursor is None or all(change.index != cursor for change in proposal.changes)
        ):
            return "This colour keeps its value: pick a row with an arrow (→)."
        return None

    def _refresh_bindings_if_changed(self) -> None:
        state = tuple(self.check_action(action, ()) for action in (*_ACCEPTS, "lock"))
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def action_accept_all(self) -> None:
        if self.proposal is not None:
            self.dismiss(FixerOutcome(self.proposal.apply_all()))

    def action_accept_one(self) -> None:
        if self.proposal is not None and self.cursor is not None:
            self.dismiss(FixerOutcome(self.proposal.apply_one(self.cursor)))

    def action_reject(self) -> None:
        self.dismiss(None)

    def action_lock(self) -> None:
        cursor = self.cursor
        if cursor is None:
            return
        self.settings = self.settings.toggle_lock(cursor)
        self._update_rows()
        self._request()

    def action_threshold(self, steps: int) -> None:
        settings = self.settings.step_threshold(steps)
        if settings != self.settings:
            self.settings = settings
            self._update_rows()
            self._request()

    def action_pairs(self) -> None:
        self.settings = self.settings.toggle_pairs()
        self._update_rows()
        self._request()

    def action_generate(self) -> None:
        from phtui.screens.themes.generator import PaletteGeneratorScreen

        locked = [self.valid[index] for index in sorted(self.settings.locked)]
        brand = [color for color in locked if color] or [c for c in self.valid if c][:1]

        def generated(colors: list[str] | None) -> None:
            if colors:
                self.dismiss(FixerOutcome(list(colors), generated=True))

        count = max(len(self.entries), len(brand), 2)
        check = self.settings.check()
        self.app.push_screen(PaletteGeneratorScreen(brand, count, check=check), generated)

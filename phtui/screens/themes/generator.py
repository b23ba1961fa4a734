"""Generate a palette from a few brand colours: n colours that pass the fixer's check.

The brand colours come first and unchanged (``core.palette_generate``); the preview follows
every keystroke, worked out in a thread for the newest input only (up to ~0.3 s for 40
colours). Dismisses with the colours, or None when cancelled; the caller opens them in the
theme editor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static

from phtui.core.fixer_settings import check_summary
from phtui.core.palette import ColorParseError, parse_palette
from phtui.core.palette_check import PaletteCheck, check_palette
from phtui.core.palette_generate import generate_palette
from phtui.screens.base import PhModal, task
from phtui.screens.newest import NewestOnly
from phtui.widgets.themes.palette_chart import MAX_SERIES
from phtui.widgets.themes.swatches import SwatchGrid

__all__ = ["GenerateRequest", "PaletteGeneratorScreen"]

MAX_COLOURS = MAX_SERIES  # the preview charts show at most this many series


@dataclass(frozen=True)
class GenerateRequest:
    brand: tuple[str, ...]
    count: int
    check: PaletteCheck

    def generate(self) -> list[str]:
        return generate_palette(self.brand, self.count, self.check)


class PaletteGeneratorScreen(PhModal[list[str] | None]):
    """``push_screen(PaletteGeneratorScreen(["#1d4aff"], 8), callback)`` -> colours or None."""

    DEFAULT_CSS = """
    PaletteGeneratorScreen { align: center middle; }
    PaletteGeneratorScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PaletteGeneratorScreen Horizontal { height: auto; }
    PaletteGeneratorScreen .field-label { width: 15; padding: 1 1 0 0; }
    PaletteGeneratorScreen #brand { width: 1fr; }
    PaletteGeneratorScreen #count { width: 10; }
    PaletteGeneratorScreen #generator-status { height: auto; margin-bottom: 1; }
    PaletteGeneratorScreen #generator-status.-error { color: $text-error; }
    """

    BINDINGS = [
        Binding("ctrl+s", "use", "Use palette", id="palette_generator.use"),
        Binding("escape", "cancel", "Cancel", id="palette_generator.cancel"),
    ]

    def __init__(
        self, brand: Sequence[str], count: int, *, check: PaletteCheck | None = None
    ) -> None:
        super().__init__()
        self._brand_text = ", ".join(brand)
        self._count = max(1, min(MAX_COLOURS, count))
        self.check = check or PaletteCheck()
        self.palette: list[str] = []
        self._newest: NewestOnly[GenerateRequest, list[str]] = NewestOnly(GenerateRequest.generate)
        self._shown: GenerateRequest | None = None
        self._problem: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:  # scrolls when 40 swatches do not fit
            box.border_title = "Generate a palette"
            box.border_subtitle = "ctrl+s use · escape cancel"
            yield Static(
                "Brand colours come first and stay as they are; the others are chosen to pass "
                f"the check ({check_summary(self.check)}).",
                markup=False,
            )
            with Horizontal():
                yield Static("Brand colours", classes="field-label", markup=False)
                yield Input(self._brand_text, placeholder="#1d4aff, #f54e00", id="brand")
            with Horizontal():
                yield Static("Colours", classes="field-label", markup=False)
                yield Input(str(self._count), type="integer", max_length=2, id="count")
            yield Static("", id="generator-status", markup=False)
            yield SwatchGrid(id="generator-preview")

    def on_mount(self) -> None:
        self.query_one(SwatchGrid).tall = False
        self.query_one("#brand", Input).focus()
        self._request()

    @property
    def pending(self) -> bool:
        return self._problem is None and (self._shown is None or self._newest.wanted != self._shown)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#generator-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def _read(self) -> GenerateRequest:
        """The request the fields describe; ``ValueError`` says what is wrong with them."""
        try:
            brand = parse_palette(self.query_one("#brand", Input).value)
        except ColorParseError as error:
            raise ValueError(f"Brand colours: {error}") from None
        text = self.query_one("#count", Input).value
        count = int(text) if text.isdigit() else 0
        lowest = max(1, len(brand))
        if not lowest <= count <= MAX_COLOURS:
            raise ValueError(f"Colours: enter {lowest} to {MAX_COLOURS}.")
        return GenerateRequest(tuple(brand), count, self.check)

    @on(Input.Changed)
    def _request(self) -> None:
        try:
            request = self._read()
        except ValueError as error:
            self._problem = str(error)
            self._status(self._problem, error=True)
            self.refresh_bindings()
            return
        self._problem = None
        self._status("Generating…")
        if self._newest.want(request):
            self.generate()
        self.refresh_bindings()

    @task(group="generator.run", exclusive=False)
    async def generate(self) -> None:
        request, palette = await self._newest.run()
        self._shown, self.palette = request, palette
        if self._problem is not None:
            return  # the fields changed to something invalid meanwhile: keep saying so
        result = check_palette(palette, self.check)
        if result.passed:
            self._status(f"{len(palette)} colours: every check passes.")
        else:
            worst = result.describe()[0]
            self._status(f"{len(palette)} colours: {result.failure_count} left failing ({worst}).")
        self.query_one(SwatchGrid).palette = tuple(palette)
        self.refresh_bindings()

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use" and (self._problem is not None or self.pending):
            return None
        return True

    @on(Input.Submitted)
    def action_use(self) -> None:
        if self._problem is None and not self.pending and self.palette:
            self.dismiss(list(self.palette))

    def action_cancel(self) -> None:
        self.dismiss(None)

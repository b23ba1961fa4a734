"""KeyBar: the screen's keys drawn by one widget, with Footer's look and behaviour."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from phtui.widgets.key_bar import SEPARATOR, KeyBar, KeyPlace, ShownKeys


class Keys(Screen[None]):
    BINDINGS = [
        Binding("e", "edit", "Edit", id="keys.edit", tooltip="Edit the thing"),
        Binding("d", "delete", "Delete", id="keys.delete"),
        Binding("x", "edit", "Edit again"),  # same action as `e`: not drawn twice
        Binding("s", "secret", "Secret"),
        Binding("h", "hidden", "Hidden", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.can_delete = False
        self.show_secret = False
        self.runs: list[str] = []

    def compose(self) -> ComposeResult:
        yield Widget()
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete":
            return True if self.can_delete else None  # shown, dimmed when not allowed
        if action == "secret":
            return self.show_secret  # hidden when False
        return True

    def action_edit(self) -> None:
        self.runs.append("edit")

    def action_delete(self) -> None:
        self.runs.append("delete")

    def action_extra(self, number: int) -> None:
        self.runs.append(f"extra {number}")


class ManyKeys(Keys):
    """More keys than 80 columns hold (inherited bindings come first)."""

    BINDINGS = [Binding(f"f{n + 1}", f"extra({n})", f"Extra key {n}") for n in range(8)]


class KeysApp(App[None]):
    def __init__(self, screen: type[Keys] = Keys) -> None:
        super().__init__()
        self.keys_screen = screen
        self.bells = 0

    def on_mount(self) -> None:
        self.push_screen(self.keys_screen())

    def bell(self) -> None:
        self.bells += 1


async def started(pilot: Pilot[None]) -> tuple[Keys, KeyBar]:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, Keys)
    return screen, screen.query_one(KeyBar)


def line(bar: KeyBar) -> Strip:
    return bar.render_line(0)


def place(bar: KeyBar, display: str) -> KeyPlace:
    return next(place for place in bar.places if place.entry.display == display)


def segment_style(bar: KeyBar, text: str) -> str:
    return str(next(segment.style for segment in line(bar) if segment.text == text))


async def test_shows_one_key_per_action_in_order_and_the_palette_key_last() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 6)) as pilot:
        _, bar = await started(pilot)
        assert len(bar.children) == 0  # one widget, nothing per key
        assert [entry.display for entry in bar.shown.entries] == ["e", "d"]
        text = line(bar).text
        assert text.startswith(" e Edit  d Delete ")
        assert text.endswith(f"{SEPARATOR}^p palette ") and len(text) == 100
        assert [place.entry.display for place in bar.places] == ["e", "d", "^p"]
        assert place(bar, "e").entry.tooltip == "Edit the thing"
        assert place(bar, "d").entry.tooltip == "Delete"  # no tooltip: the description


async def test_a_key_whose_check_returns_none_is_dimmed() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 6)) as pilot:
        screen, bar = await started(pilot)
        assert [entry.enabled for entry in bar.shown.entries] == [True, False]
        assert "dim" not in segment_style(bar, " e ")
        assert "dim" in segment_style(bar, " d ") and "dim" in segment_style(bar, "Delete ")

        screen.can_delete = True
        screen.refresh_bindings()
        await pilot.pause()
        assert [entry.enabled for entry in bar.shown.entries] == [True, True]
        assert "dim" not in segment_style(bar, " d ")


async def test_keys_appear_and_disappear_after_refresh_bindings() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 6)) as pilot:
        screen, bar = await started(pilot)
        screen.show_secret = True
        screen.refresh_bindings()
        await pilot.pause()
        assert [entry.display for entry in bar.shown.entries] == ["e", "d", "s"]
        assert line(bar).text.startswith(" e Edit  d Delete  s Secret ")

        screen.show_secret = False
        screen.refresh_bindings()
        await pilot.pause()
        assert [entry.display for entry in bar.shown.entries] == ["e", "d"]
        assert "Secret" not in line(bar).text


async def test_notifications_before_a_frame_cause_one_render_and_none_when_nothing_changed() -> (
    None
):
    app = KeysApp()
    async with app.run_test(size=(100, 6)) as pilot:
        screen, bar = await started(pilot)
        renders: list[int] = []
        reads: list[int] = []
        render, read_keys = bar.render, bar._read_keys

        def counting_render() -> Content:
            renders.append(1)
            return render()

        def counting_read_keys() -> ShownKeys:
            reads.append(1)
            return read_keys()

        bar.render = counting_render  # type: ignore[method-assign]
        bar._read_keys = counting_read_keys  # type: ignore[method-assign]
        screen.refresh_bindings()  # nothing shown changes: no render
        await pilot.pause()
        assert reads == [1] and renders == []

        screen.can_delete = True
        screen.show_secret = True
        for _ in range(4):
            screen.refresh_bindings()
        await pilot.pause()
        assert len(reads) == 2 and len(renders) == 1  # the bindings read once, drawn once
        assert [entry.display for entry in bar.shown.entries] == ["e", "d", "s"]


async def test_clicking_a_key_runs_it_and_a_dimmed_key_rings_the_bell() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 6)) as pilot:
        screen, bar = await started(pilot)
        await pilot.click(KeyBar, offset=(place(bar, "e").start + 1, 0))
        await pilot.pause()
        assert screen.runs == ["edit"]

        await pilot.click(KeyBar, offset=(place(bar, "d").end - 2, 0))
        await pilot.pause()
        assert screen.runs == ["edit"] and app.bells == 1

        gap = place(bar, "d").end + 2  # between the keys and the palette key: nothing
        await pilot.click(KeyBar, offset=(gap, 0))
        await pilot.pause()
        assert screen.runs == ["edit"] and app.bells == 1


async def test_hovering_a_key_highlights_it_and_shows_its_tooltip() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 6)) as pilot:
        _, bar = await started(pilot)
        plain = segment_style(bar, " e ")
        await pilot.hover(KeyBar, offset=(place(bar, "e").start + 1, 0))
        await pilot.pause()
        assert bar.tooltip == "Edit the thing"
        assert segment_style(bar, " e ") != plain  # the hover background
        assert segment_style(bar, " d ") != segment_style(bar, " e ")

        await pilot.hover(KeyBar, offset=(place(bar, "d").start + 1, 0))
        await pilot.pause()
        assert bar.tooltip == "Delete"
        assert segment_style(bar, " e ") == plain

        await pilot.hover(Widget, offset=(0, 0))  # the mouse leaves the bar
        await pilot.pause()
        assert bar.tooltip is None


async def test_the_keymap_changes_the_key_shown_and_clicked() -> None:
    app = KeysApp()
    app.set_keymap({"keys.delete": "ctrl+e"})
    async with app.run_test(size=(100, 6)) as pilot:
        screen, bar = await started(pilot)
        screen.can_delete = True
        screen.refresh_bindings()
        await pilot.pause()
        # Textual appends a remapped binding after the others.
        assert [entry.display for entry in bar.shown.entries] == ["e", "^e"]
        assert line(bar).text.startswith(" e Edit  ^e Delete ")
        await pilot.click(KeyBar, offset=(place(bar, "^e").start + 1, 0))
        await pilot.pause()
        assert screen.runs == ["delete"]


async def test_at_80_columns_keys_that_do_not_fit_are_left_out_and_the_palette_stays_right() -> (
    None
):
    app = KeysApp(ManyKeys)
    async with app.run_test(size=(80, 6)) as pilot:
        screen, bar = await started(pilot)
        assert len(bar.shown.entries) == 10
        strip = line(bar)
        text = strip.text
        assert len(text) == 80 and strip.cell_length == 80
        assert text.endswith(f"{SEPARATOR}^p palette ")
        drawn = [place.entry.display for place in bar.places]
        assert drawn[-1] == "^p" and 2 < len(drawn) - 1 < 10  # some keys, not all
        # Every key drawn is whole: the text before the separator ends in a description.
        last = bar.places[-2].entry
        before_palette = text[: text.index(SEPARATOR)].rstrip()
        assert before_palette.endswith(last.description)
        assert place(bar, "^p").end == 80

        await pilot.click(KeyBar, offset=(place(bar, last.display).start + 1, 0))
        await pilot.pause()
        # e, then extras from 0: the dimmed `d` made room for a key that works (next test)
        assert screen.runs == [f"extra {len(drawn) - 3}"]


async def test_short_of_room_a_dimmed_key_goes_first() -> None:
    app = KeysApp(ManyKeys)
    async with app.run_test(size=(80, 6)) as pilot:
        screen, bar = await started(pilot)
        assert [place.entry.display for place in bar.places][:3] == ["e", "f1", "f2"]
        assert "Delete" not in line(bar).text

        screen.can_delete = True  # now it works: it keeps its place
        screen.refresh_bindings()
        await pilot.pause()
        assert [place.entry.display for place in bar.places][:3] == ["e", "d", "f1"]

    app = KeysApp()  # room for every key: the dimmed one is shown, dimmed
    async with app.run_test(size=(100, 6)) as pilot:
        _, bar = await started(pilot)
        assert "Delete" in line(bar).text


async def test_a_key_may_lose_its_last_padding_cell_but_not_its_text() -> None:
    app = KeysApp()
    async with app.run_test(size=(29, 6)) as pilot:  # " e Edit  d Delete" + palette: 17 + 12
        _, bar = await started(pilot)
        assert line(bar).text == f" e Edit  d Delete{SEPARATOR}^p palette "
        assert place(bar, "d").end == place(bar, "^p").start == 17

    app = KeysApp()
    async with app.run_test(size=(28, 6)) as pilot:  # one cell less: `d` goes
        _, bar = await started(pilot)
        assert line(bar).text == " e Edit ".ljust(28 - 12) + f"{SEPARATOR}^p palette "
        assert [place.entry.display for place in bar.places] == ["e", "^p"]

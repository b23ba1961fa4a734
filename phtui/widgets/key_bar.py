"""One widget that draws its screen's keys on one line, looking like Textual's (non-compact) Footer.

Textual's Footer is a container holding a FooterKey widget per key, each styled, laid out and
painted, and it recomposes them all on every `refresh_bindings`: about a tenth of startup on the
Themes screen. KeyBar draws the same line as one `Content`, remembers where each key landed for
the mouse, and re-renders only when what it shows changes. Binding groups (`Binding.Group`) are
not drawn as groups: phtui has none.

Keys keep the order their owners declare them in, whatever the keymap did to them (Textual moves
a remapped binding to the end of its list). The ways out, help and quit (and retry while
offline), are pinned on the right beside the palette key: they show on every screen, at any
width, however many keys the screen has.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content, Span
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import events
    from textual.screen import Screen
    from textual.style import Style

__all__ = ["PINNED_IDS", "KeyBar", "KeyEntry", "ShownKeys"]

SEPARATOR = "▏"  # Footer's `border-left: vkey` in front of the palette key
# Binding ids always drawn (when active), on the right, whether or not their binding is `show`n.
PINNED_IDS = ("app.retry", "app.help", "app.quit")


class KeyEntry(NamedTuple):
    """One key as drawn."""

    key: str  # what a click simulates
    display: str
    description: str
    tooltip: str
    enabled: bool  # False: shown dimmed (its check_action returned None)


class ShownKeys(NamedTuple):
    """Everything the bar shows: the screen's keys in order, the pinned keys, the palette key."""

    entries: tuple[KeyEntry, ...]
    palette: KeyEntry | None
    pinned: tuple[KeyEntry, ...] = ()


class KeyPlace(NamedTuple):
    """Where a drawn key is, in cells from the bar's left edge (end excluded)."""

    start: int
    end: int
    entry: KeyEntry


class LineBuilder:
    """Text and style spans of one line, with the cell position reached so far."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.offset = 0  # characters
        self.cells = 0

    def add(self, text: str, style: Style | None = None) -> None:
        if style is not None:
            self.spans.append(Span(self.offset, self.offset + len(text), style))
        self.parts.append(text)
        self.offset += len(text)
        self.cells += cell_len(text)

    def content(self) -> Content:
        return Content("".join(self.parts), self.spans, cell_length=self.cells)


def key_width(entry: KeyEntry) -> int:
    """Cells of a key on the left: " key " then "description "."""
    width = cell_len(entry.display) + 2
    return width + cell_len(entry.description) + 1 if entry.description else width


@cache
def declared_order(node_type: type[Any]) -> dict[str, int]:
    """Each action's position in `node_type`'s BINDINGS (bases first, as Textual merges them)."""
    order: dict[str, int] = {}
    for cls in reversed(node_type.__mro__):
        for binding in vars(cls).get("BINDINGS", ()):
            action = binding.action if isinstance(binding, Binding) else binding[1]
            order.setdefault(action, len(order))
    return order


def palette_width(entry: KeyEntry) -> int:
    """Cells of the palette key: separator, "key description", one cell of padding."""
    width = 1 + cell_len(entry.display) + 1
    return width + cell_len(entry.description) + 1 if entry.description else width


class KeyBar(Widget, can_focus=False):
    """The keys that apply on this screen, docked at the bottom; click one to run it."""

    ALLOW_SELECT = False

    COMPONENT_CLASSES = {
        "key-bar--item",
        "key-bar--key",
        "key-bar--description",
        "key-bar--hover",
        "key-bar--disabled",
        "key-bar--separator",
    }

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .key-bar--item {
            background: $footer-item-background;
        }
        .key-bar--hover {
            background: $block-hover-background;
        }
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
        .key-bar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(
        self,
        *,
        show_command_palette: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.show_command_palette = show_command_palette
        self._shown: ShownKeys | None = None  # what the last render drew (or will draw)
        self._places: list[KeyPlace] = []
        self._hovered: str | None = None  # key of the entry under the mouse
        self._update_pending = False

    @property
    def shown(self) -> ShownKeys:
        """The keys as the bar draws them (read now if the bar has not rendered yet)."""
        if self._shown is None:
            self._shown = self._read_keys()
        return self._shown

    @property
    def places(self) -> list[KeyPlace]:
        """The keys drawn by the last render and their x-ranges (cropped keys are absent)."""
        return self._places

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        # Like Footer, ignore changes while the terminal has no focus (the focused widget is
        # blurred then, which would empty the bar until focus returns). The signal fires on
        # every `refresh_bindings`: any number of them before this callback runs read once.
        if not screen.app.app_focus or screen is not self.screen or self._update_pending:
            return
        self._update_pending = True
        self.call_later(self._update)

    def _update(self) -> None:
        self._update_pending = False
        if not self.is_attached:
            return
        shown = self._read_keys()
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def _read_keys(self) -> ShownKeys:
        app = self.app
        active = self.screen.active_bindings
        actions: set[str] = set()
        ranked: list[tuple[int, int, KeyEntry]] = []
        pinned: dict[str, KeyEntry] = {}
        nodes: dict[int, int] = {}  # id(node) -> its place in the binding chain
        for node, binding, enabled, tooltip in active.values():
            is_pinned = binding.id in PINNED_IDS
            if not (binding.show or is_pinned) or binding.action in actions:
                continue  # one key per action: the first bound
            actions.add(binding.action)
            entry = KeyEntry(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                tooltip or binding.description,
                enabled,
            )
            if is_pinned:
                pinned[binding.id or ""] = entry
                continue
            place = nodes.setdefault(id(node), len(nodes))
            order = declared_order(type(node)).get(binding.action, len(ranked))
            ranked.append((place, order, entry))
        ranked.sort(key=lambda item: item[:2])
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _ = found
                palette = KeyEntry(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.tooltip or binding.description,
                    enabled,
                )
        pins = tuple(pinned[pin] for pin in PINNED_IDS if pin in pinned)
        return ShownKeys(tuple(entry for *_, entry in ranked), palette, pins)

    def _ground(self, entry: KeyEntry) -> str:
        """The component class under a key: hovered or not."""
        return "key-bar--hover" if entry.key == self._hovered else "key-bar--item"

    def _style(self, part: str, entry: KeyEntry) -> Style:
        """The style of one part of a key (Textual caches it per combination of classes)."""
        if entry.enabled:
            return self.get_visual_style(self._ground(entry), part)
        return self.get_visual_style(self._ground(entry), part, "key-bar--disabled")

    def render(self) -> Content:
        shown = self.shown
        width = self.size.width
        palette = shown.palette
        pinned_width = sum(key_width(entry) for entry in shown.pinned)
        right = pinned_width + (palette_width(palette) if palette is not None else 0)
        room = width - right
        line = LineBuilder()
        places: list[KeyPlace] = []
        entries = shown.entries
        if sum(key_width(entry) for entry in entries) - 1 > room:
            # Short of room: a key that would do nothing now goes before one that works.
            entries = tuple(entry for entry in entries if entry.enabled)
        for entry in entries:
            end = line.cells + key_width(entry)
            if end - 1 > room:
                break  # no room: drop this key and the rest, rather than show half a key
            pad = " " if end <= room else ""  # a key's last cell is padding: it may go
            places.append(KeyPlace(line.cells, min(end, room), entry))
            self._add_key(line, entry, pad)
        if room > line.cells:
            line.add(" " * (room - line.cells))
        for entry in shown.pinned:
            start = line.cells
            self._add_key(line, entry, " ")
            places.append(KeyPlace(start, line.cells, entry))
        if palette is not None:
            start = line.cells
            line.add(SEPARATOR, self.get_visual_style(self._ground(palette), "key-bar--separator"))
            line.add(palette.display, self._style("key-bar--key", palette))
            if palette.description:
                line.add(f" {palette.description}", self._style("key-bar--description", palette))
            line.add(" ", self.get_visual_style(self._ground(palette)))
            places.append(KeyPlace(start, line.cells, palette))
        self._places = places
        return line.content()

    def _add_key(self, line: LineBuilder, entry: KeyEntry, pad: str) -> None:
        if entry.description:
            line.add(f" {entry.display} ", self._style("key-bar--key", entry))
            line.add(f"{entry.description}{pad}", self._style("key-bar--description", entry))
        else:
            line.add(f" {entry.display}{pad}", self._style("key-bar--key", entry))

    def _entry_at(self, x: int) -> KeyEntry | None:
        for place in self._places:
            if place.start <= x < place.end:
                return place.entry
        return None

    def _hover(self, entry: KeyEntry | None) -> None:
        key = None if entry is None else entry.key
        if key == self._hovered:
            return
        self._hovered = key
        self.tooltip = None if entry is None else (entry.tooltip or None)
        self.styles.pointer = "default" if entry is None else "pointer"
        if self.is_attached:
            self.screen.update_pointer_shape()
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._entry_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        entry = self._entry_at(event.x)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()

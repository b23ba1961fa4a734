"""The theme editor's state: a draft, its baseline, undo/redo, validation and the PATCH payload.

Pure (no Textual) so every editing rule is unit-tested without a terminal. Colour texts are
kept exactly as typed, so a bad value stays in its field with a message; a value is normalised
to lowercase ``#rrggbb`` when the user leaves it (``normalise``) and when it is saved.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from phtui.core.palette import MAX_PALETTE_COLORS, ColorParseError, parse_color

__all__ = ["NAME_MAX_LENGTH", "NEW_COLOR", "InvalidDraftError", "ThemeEditorState", "ThemeVersion"]

# PostHog's "Add color" appends a copy of the last colour, or this blue when there is none.
NEW_COLOR = "#1d4aff"
# DataColorTheme.name is a varchar(100).
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class ThemeVersion:
    """One version of the edit: what undo and redo move between."""

    name: str
    colors: tuple[str, ...]
    cursor: int = 0


class InvalidDraftError(ValueError):
    """The draft cannot be saved; ``problems`` lists why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _as_text(value: Any) -> str:
    # The server stores any JSON in `colors`; show a non-string as its JSON text.
    return value if isinstance(value, str) else json.dumps(value)


class ThemeEditorState:
    """Editing session of one theme (``theme_id`` None for a theme not created yet)."""

    def __init__(self, *, name: str, colors: list[Any], theme_id: int | None = None) -> None:
        self.theme_id = theme_id
        texts = tuple(_as_text(c) for c in colors)
        # A new theme has nothing saved yet: everything in it counts as a change.
        self._baseline = ThemeVersion(name, texts) if theme_id is not None else ThemeVersion("", ())
        self._draft = ThemeVersion(name, texts)
        self._undo: list[ThemeVersion] = []
        self._redo: list[ThemeVersion] = []
        self._coalesce: tuple[str, int] | None = None

    # ---- reading -------------------------------------------------------------------------
    @property
    def draft(self) -> ThemeVersion:
        return self._draft

    @property
    def baseline(self) -> ThemeVersion:
        """The theme as last saved (empty for a new theme): what the edit is compared with."""
        return self._baseline

    @property
    def name(self) -> str:
        return self._draft.name

    @property
    def colors(self) -> tuple[str, ...]:
        return self._draft.colors

    @property
    def cursor(self) -> int:
        return self._draft.cursor

    @property
    def is_new(self) -> bool:
        return self.theme_id is None

    @property
    def is_full(self) -> bool:
        """Whether the palette holds ``MAX_PALETTE_COLORS`` colours (or more, from a server):
        adding and duplicating then do nothing."""
        return len(self._draft.colors) >= MAX_PALETTE_COLORS

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def is_dirty(self) -> bool:
        """True when saving would send something (a new theme is always unsaved)."""
        return self.is_new or bool(self.changed_fields())

    def color_error(self, index: int) -> str | None:
        """Why colour ``index`` is not a colour, or None when it parses."""
        try:
            parse_color(self._draft.colors[index])
        except ColorParseError as error:
            return str(error)
        return None

    def color_errors(self) -> dict[int, str]:
        """Every invalid colour by index."""
        errors = {}
        for index in range(len(self._draft.colors)):
            message = self.color_error(index)
            if message is not None:
                errors[index] = message
        return errors

    def name_error(self) -> str | None:
        """PostHog's own rules for the name (required, at most 100 characters)."""
        if not self._draft.name.strip():
            return "This field is required."
        if len(self._draft.name) > NAME_MAX_LENGTH:
            return f"Ensure this field has no more than {NAME_MAX_LENGTH} characters."
        return None

    def preview_colors(self) -> list[str | None]:
        """Parsed colours for the live preview; None where the text is not (yet) a colour."""
        preview: list[str | None] = []
        for text in self._draft.colors:
            try:
                preview.append(parse_color(text))
            except ColorParseError:
                preview.append(None)
        return preview

    def changed_fields(self) -> set[str]:
        """Which of ``name`` and ``colors`` differ from the saved theme."""
        changed = set()
        if self._draft.name != self._baseline.name:
            changed.add("name")
        if self._draft.colors != self._baseline.colors:
            changed.add("colors")
        return changed

    def payload(self) -> dict[str, Any]:
        """Fields to send: only the changed ones (PATCH), or all of them for a new theme.

        Raises ``InvalidDraftError`` when a sent field does not validate.
        """
        fields = {"name", "colors"} if self.is_new else self.changed_fields()
        problems = []
        body: dict[str, Any] = {}
        if "name" in fields:
            name_problem = self.name_error()
            if name_problem:
                problems.append(f"name: {name_problem}")
            body["name"] = self._draft.name
        if "colors" in fields:
            for index, message in self.color_errors().items():
                problems.append(f"preset-{index + 1}: {message}")
            body["colors"] = [c for c in self.preview_colors() if c is not None]
        if problems:
            raise InvalidDraftError(problems)
        return body

    # ---- editing -------------------------------------------------------------------------
    def rename(self, name: str) -> None:
        self._apply(replace(self._draft, name=name), coalesce=("name", 0))

    def set_color(self, index: int, text: str) -> None:
        """Replace colour ``index`` with ``text`` as typed (consecutive typing is one undo step)."""
        colors = list(self._draft.colors)
        colors[index] = text
        self._apply(self._with(colors, index), coalesce=("color", index))

    def normalise(self, index: int) -> None:
        """Rewrite colour ``index`` as lowercase ``#rrggbb`` if it parses (part of its edit)."""
        text = self._draft.colors[index]
        try:
            normal = parse_color(text)
        except ColorParseError:
            return
        if normal != text:
            colors = list(self._draft.colors)
            colors[index] = normal
            self._apply(self._with(colors, index), coalesce=("color", index))
        self._coalesce = None

    def select(self, index: int) -> None:
        """Move the cursor (not an undo step, but it ends any typing run)."""
        self._draft = replace(self._draft, cursor=self._clamp(index, len(self._draft.colors)))
        self._coalesce = None

    def add_color(self) -> None:
        """Append a copy of the last colour (PostHog's rule), or ``NEW_COLOR``."""
        if self.is_full:
            return
        colors = list(self._draft.colors)
        colors.append(colors[-1] if colors else NEW_COLOR)
        self._apply(self._with(colors, len(colors) - 1))

    def duplicate_color(self, index: int) -> None:
        """Insert a copy of colour ``index`` right after it."""
        if self.is_full:
            return
        colors = list(self._draft.colors)
        colors.insert(index + 1, colors[index])
        self._apply(self._with(colors, index + 1))

    def remove_color(self, index: int) -> None:
        colors = list(self._draft.colors)
        del colors[index]
        self._apply(self._with(colors, index))

    def move_color(self, index: int, offset: int) -> bool:
        """Move colour ``index`` by ``offset`` places; False (no step) when at an end."""
        target = index + offset
        if not 0 <= target < len(self._draft.colors) or offset == 0:
            return False
        colors = list(self._draft.colors)
        colors.insert(target, colors.pop(index))
        self._apply(self._with(colors, target))
        return True

    def replace_colors(self, colors: Sequence[Any]) -> None:
        """Swap in a whole palette (an import, a fix), as one undo step."""
        self._apply(self._with([_as_text(color) for color in colors], 0))

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._draft)
        self._draft = self._undo.pop()
        self._coalesce = None
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._draft)
        self._draft = self._redo.pop()
        self._coalesce = None
        return True

    def mark_saved(self, theme_id: int, name: str, colors: list[Any]) -> None:
        """The server accepted the draft: it becomes the baseline (undo history is kept)."""
        self.theme_id = theme_id
        self._baseline = ThemeVersion(name, tuple(_as_text(c) for c in colors))
        self._draft = ThemeVersion(self._baseline.name, self._baseline.colors, self._draft.cursor)
        self._coalesce = None

    # ---- internals -----------------------------------------------------------------------
    def _with(self, colors: list[str], cursor: int) -> ThemeVersion:
        return ThemeVersion(self._draft.name, tuple(colors), self._clamp(cursor, len(colors)))

    @staticmethod
    def _clamp(index: int, length: int) -> int:
        return max(0, min(index, length - 1)) if length else 0

    def _apply(self, draft: ThemeVersion, *, coalesce: tuple[str, int] | None = None) -> None:
        if draft == self._draft:
            return
        if coalesce is None or coalesce != self._coalesce:
            self._undo.append(self._draft)
        self._redo.clear()
        self._draft = draft
        self._coalesce = coalesce

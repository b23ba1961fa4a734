"""Datasets screen (being built: see issue)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class DatasetsScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Datasets")
        yield Footer()

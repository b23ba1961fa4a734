"""Command palette: find a theme or a dataset by name and open it.

Themes are few (one unpaginated list), so they are fetched once when the palette opens and
matched locally. Datasets may be many, so each query asks PostHog's substring search.
Names are server data: they are shown as plain text, never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from phtui.core.text import one_line

if TYPE_CHECKING:
    from phtui.api.models import DataColorTheme

DATASET_HITS = 10


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` as literal content, matched letters styled (`Matcher.highlight` parses markup)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class EntitySearch(Provider):
    """Themes and datasets by name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._themes: list[DataColorTheme] = []

    async def startup(self) -> None:
        from phtui.api.errors import PostHogError

        client = getattr(self.app, "client", None)
        if client is None:
            return
        try:
            self._themes = await client.list_themes()
        except PostHogError:
            self._themes = []  # the palette still works for actions; screens report errors

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        opener: Any = self.app
        for theme in self._themes:
            label = f"Theme: {one_line(theme.name)}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, label),
                    lambda theme_id=theme.id: opener.open_theme(theme_id),
                    text=label,
                    help="Open this theme",
                )
        async for hit in self._dataset_hits(query, matcher):
            yield hit

    async def _dataset_hits(self, query: str, matcher: Matcher) -> Hits:
        from phtui.api.errors import PostHogError

        client = getattr(self.app, "client", None)
        if client is None or len(query.strip()) < 2:
            return
        try:
            page = await client.list_datasets(search=query.strip(), limit=DATASET_HITS)
        except PostHogError:
            return
        opener: Any = self.app
        for dataset in page.results:
            label = f"Dataset: {one_line(dataset.name)}"
            yield Hit(
                max(matcher.match(label), 0.5),  # the server matched it: always show it
                highlighted(matcher, label),
                lambda dataset_id=dataset.id: opener.open_dataset(dataset_id),
                text=label,
                help="Open this dataset",
            )

"""Generate a palette from a few brand colours: n colours that pass a ``PaletteCheck`` as far as
they can, as a starting point for a theme.

The brand colours come first and unchanged. Each next position gets, from a pool of vivid OKLCH
colours in the lightness range that passes contrast on the checked backgrounds, the one that
clashes least with the colours already placed (weighted the way ``check_palette`` weights
pairs, so its neighbour counts most; the last position also meets the first) and, among those,
the one farthest from them all (farthest-point sampling). ``propose_fix`` then polishes the
result with the brand colours locked. Deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

from phtui.core.color_math import max_chroma, oklch_to_hex
from phtui.core.palette import parse_color
from phtui.core.palette_check import (
    ADJACENCY_WEIGHTS,
    PaletteCheck,
    PaletteScorer,
    adjacency,
)
from phtui.core.palette_fix import propose_fix

__all__ = ["generate_palette"]

# The pool: OKLCH lightness from mid-dark to light, every 10 degrees of hue, at the most chroma
# sRGB allows there and at two thirds of it. The contrast check then keeps the usable ones.
_LIGHTNESS = tuple(0.30 + 0.05 * step for step in range(13))  # 0.30 to 0.90
_HUES = tuple(float(hue) for hue in range(0, 360, 10))
_CHROMA_SHARES = (1.0, 0.66)


def generate_palette(
    brand_colors: Sequence[str], n: int, check: PaletteCheck | None = None
) -> list[str]:
    """``n`` colours as ``#rrggbb``: the brand colours (normalised, in order), then colours
    chosen to pass ``check`` (default ``PaletteCheck()``) with them as far as possible.

    Raises ``ColorParseError`` for a brand colour that is not a colour and ``ValueError`` when
    ``n`` is smaller than the number of brand colours.
    """
    check = check or PaletteCheck()
    brands = [parse_color(color) for color in brand_colors]
    if n < len(brands):
        raise ValueError(f"{len(brands)} brand colours do not fit in a palette of {n}")
    palette = list(brands)
    if n == len(brands):
        return palette
    scorer = PaletteScorer([], check)  # no palette: used to judge single colours and pairs
    pool = _pool(scorer)
    # Per pool colour: its contrast cost and, per placed position, the pair severity before the
    # adjacency weight (it depends on where the new colour goes).
    contrast = [scorer.contrast_cost(color) for color in pool]
    views = [scorer.views(color) for color in pool]
    severities: list[list[float]] = [[] for _ in pool]
    nearest = [float("inf")] * len(pool)  # least distance / threshold to any placed colour
    for placed in palette:
        _add_placed(scorer, placed, views, severities, nearest)
    used = set(palette)
    while len(palette) < n:
        position = len(palette)
        weights = [_weight(position, placed, n, check) for placed in range(position)]
        # Never the same colour twice: when every candidate clashes alike, a repeat can cost
        # no more than a new colour, and two identical series are the worst clash there is.
        free = [k for k in range(len(pool)) if pool[k] not in used] or list(range(len(pool)))
        best = min(
            free,
            key=lambda k: (
                contrast[k] + sum(w * s for w, s in zip(weights, severities[k], strict=True)),
                -nearest[k],
                k,
            ),
        )
        palette.append(pool[best])
        used.add(pool[best])
        _add_placed(scorer, pool[best], views, severities, nearest)
    locked = range(len(brands))
    return [str(color) for color in propose_fix(palette, check, locked=locked).palette]


def _pool(scorer: PaletteScorer) -> list[str]:
    candidates: list[str] = []
    for lightness in _LIGHTNESS:
        for hue in _HUES:
            edge = max_chroma(lightness, hue)
            for share in _CHROMA_SHARES:
                color = oklch_to_hex(lightness, edge * share, hue)
                if color not in candidates:
                    candidates.append(color)
    visible = [color for color in candidates if scorer.passes_contrast(color)]
    return visible or candidates  # no colour passes: the contrast cost still ranks them


def _add_placed(
    scorer: PaletteScorer,
    placed: str,
    views: list[tuple[str, ...]],
    severities: list[list[float]],
    nearest: list[float],
) -> None:
    """Record every pool colour's clash with a newly placed colour."""
    theirs = scorer.views(placed)
    for k, mine in enumerate(views):
        severity, closest = scorer.pair_severity(mine, theirs)
        severities[k].append(severity)
        nearest[k] = min(nearest[k], closest)


def _weight(position: int, placed: int, length: int, check: PaletteCheck) -> float:
    kind = adjacency(placed, position, length)
    if check.pairs == "adjacent" and kind == "distant":
        return 0.0
    return ADJACENCY_WEIGHTS[kind]

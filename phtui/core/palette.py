"""Colour maths for data colour themes: parsing, WCAG contrast, CIEDE2000, colour-vision simulation.

Everything works on normalised lowercase ``#rrggbb`` strings. Per-colour conversions are cached
because the Themes screen re-analyses the whole palette on every keystroke in a hex field. The
low-level conversions (sRGB transfer, dichromat simulation) live in ``phtui.core.color_math``,
shared with the palette fixer so both judge colours by the same numbers.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from phtui.core.color_math import CVD_KINDS, LINEAR_FROM_8BIT, luminance, simulate_dichromat

__all__ = [
    "CSS_NAMED_COLORS",
    "CVD_KINDS",
    "CVD_METHODS",
    "DARK_CHART_BG",
    "LIGHT_CHART_BG",
    "MAX_PALETTE_COLORS",
    "MAX_PALETTE_TEXT",
    "ColorContrast",
    "ColorPair",
    "ColorParseError",
    "CvdReport",
    "Lab",
    "PaletteReport",
    "analyse_palette",
    "best_text_color",
    "closest_pair",
    "confusable_pairs",
    "contrast_ratio",
    "delta_e_2000",
    "delta_e_2000_hex",
    "delta_e_2000_lab",
    "hex_to_lab",
    "hex_to_rgb",
    "parse_color",
    "parse_palette",
    "relative_luminance",
    "series_color",
    "similar_pairs",
    "simulate_cvd",
    "token_name",
    "valid_entries",
]

# Caps on palettes, so that no paste and no theme from a server can hang or crash the app: PostHog's
# own theme editor and charts use a few dozen colours. A pasted palette may hold at most
# MAX_PALETTE_COLORS colours in at most MAX_PALETTE_TEXT characters (100 colours written as
# "rgb(255, 255, 255)," on lines of their own take about 2,200), as one flat list: a JSON array
# inside the array is refused before it is parsed. The analysis reads the first
# MAX_PALETTE_COLORS entries (its pair maths grows with the square of the count).
MAX_PALETTE_COLORS = 100
MAX_PALETTE_TEXT = 20_000

# PostHog's dark-mode surface behind insight charts, and the light-mode one.
DARK_CHART_BG = "#1d1f27"
LIGHT_CHART_BG = "#ffffff"

Lab = tuple[float, float, float]

# CSS Color Module Level 4, section 6.1 "Named Colors" (all 148; "transparent" and
# "currentcolor" are not colours with a fixed RGB value and are left out).
_NAMED: dict[str, str] = {
    "aliceblue": "#f0f8ff",
    "antiquewhite": "#faebd7",
    "aqua": "#00ffff",
    "aquamarine": "#7fffd4",
    "azure": "#f0ffff",
    "beige": "#f5f5dc",
    "bisque": "#ffe4c4",
    "black": "#000000",
    "blanchedalmond": "#ffebcd",
    "blue": "#0000ff",
    "blueviolet": "#8a2be2",
    "brown": "#a52a2a",
    "burlywood": "#deb887",
    "cadetblue": "#5f9ea0",
    "chartreuse": "#7fff00",
    "chocolate": "#d2691e",
    "coral": "#ff7f50",
    "cornflowerblue": "#6495ed",
    "cornsilk": "#fff8dc",
    "crimson": "#dc143c",
    "cyan": "#00ffff",
    "darkblue": "#00008b",
    "darkcyan": "#008b8b",
    "darkgoldenrod": "#b8860b",
    "darkgray": "#a9a9a9",
    "darkgreen": "#006400",
    "darkgrey": "#a9a9a9",
    "darkkhaki": "#bdb76b",
    "darkmagenta": "#8b008b",
    "darkolivegreen": "#556b2f",
    "darkorange": "#ff8c00",
    "darkorchid": "#9932cc",
    "darkred": "#8b0000",
    "darksalmon": "#e9967a",
    "darkseagreen": "#8fbc8f",
    "darkslateblue": "#483d8b",
    "darkslategray": "#2f4f4f",
    "darkslategrey": "#2f4f4f",
    "darkturquoise": "#00ced1",
    "darkviolet": "#9400d3",
    "deeppink": "#ff1493",
    "deepskyblue": "#00bfff",
    "dimgray": "#696969",
    "dimgrey": "#696969",
    "dodgerblue": "#1e90ff",
    "firebrick": "#b22222",
    "floralwhite": "#fffaf0",
    "forestgreen": "#228b22",
    "fuchsia": "#ff00ff",
    "gainsboro": "#dcdcdc",
    "ghostwhite": "#f8f8ff",
    "gold": "#ffd700",
    "goldenrod": "#daa520",
    "gray": "#808080",
    "green": "#008000",
    "greenyellow": "#adff2f",
    "grey": "#808080",
    "honeydew": "#f0fff0",
    "hotpink": "#ff69b4",
    "indianred": "#cd5c5c",
    "indigo": "#4b0082",
    "ivory": "#fffff0",
    "khaki": "#f0e68c",
    "lavender": "#e6e6fa",
    "lavenderblush": "#fff0f5",
    "lawngreen": "#7cfc00",
    "lemonchiffon": "#fffacd",
    "lightblue": "#add8e6",
    "lightcoral": "#f08080",
    "lightcyan": "#e0ffff",
    "lightgoldenrodyellow": "#fafad2",
    "lightgray": "#d3d3d3",
    "lightgreen": "#90ee90",
    "lightgrey": "#d3d3d3",
    "lightpink": "#ffb6c1",
    "lightsalmon": "#ffa07a",
    "lightseagreen": "#20b2aa",
    "lightskyblue": "#87cefa",
    "lightslategray": "#778899",
    "lightslategrey": "#778899",
    "lightsteelblue": "#b0c4de",
    "lightyellow": "#ffffe0",
    "lime": "#00ff00",
    "limegreen": "#32cd32",
    "linen": "#faf0e6",
    "magenta": "#ff00ff",
    "maroon": "#800000",
    "mediumaquamarine": "#66cdaa",
    "mediumblue": "#0000cd",
    "mediumorchid": "#ba55d3",
    "mediumpurple": "#9370db",
    "mediumseagreen": "#3cb371",
    "mediumslateblue": "#7b68ee",
    "mediumspringgreen": "#00fa9a",
    "mediumturquoise": "#48d1cc",
    "mediumvioletred": "#c71585",
    "midnightblue": "#191970",
    "mintcream": "#f5fffa",
    "mistyrose": "#ffe4e1",
    "moccasin": "#ffe4b5",
    "navajowhite": "#ffdead",
    "navy": "#000080",
    "oldlace": "#fdf5e6",
    "olive": "#808000",
    "olivedrab": "#6b8e23",
    "orange": "#ffa500",
    "orangered": "#ff4500",
    "orchid": "#da70d6",
    "palegoldenrod": "#eee8aa",
    "palegreen": "#98fb98",
    "paleturquoise": "#afeeee",
    "palevioletred": "#db7093",
    "papayawhip": "#ffefd5",
    "peachpuff": "#ffdab9",
    "peru": "#cd853f",
    "pink": "#ffc0cb",
    "plum": "#dda0dd",
    "powderblue": "#b0e0e6",
    "purple": "#800080",
    "rebeccapurple": "#663399",
    "red": "#ff0000",
    "rosybrown": "#bc8f8f",
    "royalblue": "#4169e1",
    "saddlebrown": "#8b4513",
    "salmon": "#fa8072",
    "sandybrown": "#f4a460",
    "seagreen": "#2e8b57",
    "seashell": "#fff5ee",
    "sienna": "#a0522d",
    "silver": "#c0c0c0",
    "skyblue": "#87ceeb",
    "slateblue": "#6a5acd",
    "slategray": "#708090",
    "slategrey": "#708090",
    "snow": "#fffafa",
    "springgreen": "#00ff7f",
    "steelblue": "#4682b4",
    "tan": "#d2b48c",
    "teal": "#008080",
    "thistle": "#d8bfd8",
    "tomato": "#ff6347",
    "turquoise": "#40e0d0",
    "violet": "#ee82ee",
    "wheat": "#f5deb3",
    "white": "#ffffff",
    "whitesmoke": "#f5f5f5",
    "yellow": "#ffff00",
    "yellowgreen": "#9acd32",
}
CSS_NAMED_COLORS: Mapping[str, str] = MappingProxyType(_NAMED)


# --- Parsing -------------------------------------------------------------------------------------

_FORMATS_HINT = "use #rgb, #rrggbb, rgb(r, g, b) or a CSS colour name"


class ColorParseError(ValueError):
    """A colour (or one entry of a pasted palette) could not be read.

    ``str(error)`` is a sentence fit to show the user. ``text`` is the offending input,
    ``position`` its 1-based place in a pasted palette (``None`` for a single colour) and
    ``reason`` the message without the position.
    """

    def __init__(self, text: str, *, position: int | None = None, reason: str | None = None):
        self.text = text
        self.position = position
        self.reason = reason or f"{_shorten(text)!r} is not a colour: {_FORMATS_HINT}"
        prefix = "" if position is None else f"Colour {position}: "
        super().__init__(prefix + self.reason)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_HEX6 = re.compile(r"#?([0-9a-f]{6})")
_HEX3 = re.compile(r"#([0-9a-f]{3})")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)%?"
# Legacy comma syntax ``rgb(1, 2, 3)`` and CSS 4 space syntax ``rgb(1 2 3)``; ``rgba`` with an
# alpha of 1 is accepted too because design tools export it.
_RGB = re.compile(
    rf"rgba?\(\s*({_NUMBER})\s*(?:,\s*|\s+)({_NUMBER})\s*(?:,\s*|\s+)({_NUMBER})"
    rf"(?:\s*(?:,|/)\s*({_NUMBER}))?\s*\)"
)


def parse_color(text: str) -> str:
    """Read one colour as a user may type it and return it as lowercase ``#rrggbb``.

    Accepted: ``#rgb``, ``#rrggbb`` and bare ``rrggbb`` (any case), ``rgb(r, g, b)`` /
    ``rgb(r g b)`` with 0-255 numbers or 0-100% percentages, and CSS named colours.
    Surrounding whitespace is ignored. Raises ``ColorParseError`` otherwise.
    """
    if not isinstance(text, str):
        raise ColorParseError(repr(text), reason=f"{text!r} is not a colour: expected text")
    value = text.strip().lower()
    if match := _HEX6.fullmatch(value):
        return "#" + match.group(1)
    if match := _HEX3.fullmatch(value):
        return "#" + "".join(digit * 2 for digit in match.group(1))
    if match := _RGB.fullmatch(value):
        return _parse_rgb_function(text, match)
    if named := _NAMED.get(value):
        return named
    raise ColorParseError(text)


def _parse_rgb_function(text: str, match: re.Match[str]) -> str:
    red, green, blue, alpha = match.groups()
    if alpha is not None and _alpha_value(alpha) != 1.0:
        raise ColorParseError(
            text, reason=f"{_shorten(text)!r} has transparency: chart colours must be opaque"
        )
    channels = []
    for component in (red, green, blue):
        percent = component.endswith("%")
        value = float(component.rstrip("%")) * 255 / 100 if percent else float(component)
        if not 0 <= value <= 255:
            raise ColorParseError(
                text,
                reason=f"{_shorten(text)!r} is out of range: rgb() takes 0-255 or 0%-100%",
            )
        channels.append(math.floor(value + 0.5))  # CSS rounds halves up, not to even
    return _rgb_to_hex(channels[0], channels[1], channels[2])


def _alpha_value(alpha: str) -> float:
    return float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha)


def _rgb_to_hex(red: int, green: int, blue: int) -> str:
    return f"#{red:02x}{green:02x}{blue:02x}"


# One token is an rgb()/rgba() call (which contains separators itself) or a run of
# non-separator characters.
_PALETTE_TOKEN = re.compile(r"[\"'`]?rgba?\([^)]*\)?[\"'`]?|[^\s,;]+", re.IGNORECASE)
_QUOTES = "\"'`"


def parse_palette(text: str) -> list[str]:
    """Read a pasted palette: colours split by commas, semicolons or whitespace, or a JSON array.

    Quotes and list brackets around entries are ignored, so JSON, Python and JavaScript lists
    all work. Returns normalised ``#rrggbb`` strings in order (an empty list for blank text).
    Raises ``ColorParseError`` naming the first bad entry and its 1-based position.
    """
    if len(text) > MAX_PALETTE_TEXT:
        raise _palette_limit(
            f"Too long for a palette: {len(text):,} characters (at most {MAX_PALETTE_TEXT:,})"
        )
    stripped = text.strip()
    if stripped.startswith("["):
        if stripped.count("[") > 1 or "{" in stripped:
            raise _palette_limit("Not a palette: paste one flat list of colours, not nested lists")
        from_json = _palette_from_json(stripped)
        if from_json is not None:
            return from_json
        stripped = stripped.strip("[]")
    colors = []
    for position, match in enumerate(_PALETTE_TOKEN.finditer(stripped), start=1):
        if position > MAX_PALETTE_COLORS:
            raise _too_many_colors()
        token = match.group().strip(_QUOTES)
        try:
            colors.append(parse_color(token))
        except ColorParseError as error:
            raise ColorParseError(token, position=position, reason=error.reason) from error
    return colors


def _palette_limit(reason: str) -> ColorParseError:
    return ColorParseError("", reason=reason)


def _too_many_colors() -> ColorParseError:
    return _palette_limit(
        f"More than {MAX_PALETTE_COLORS} colours: a palette holds at most {MAX_PALETTE_COLORS}"
    )


def _palette_from_json(text: str) -> list[str] | None:
    """Colours from a JSON array, or None when the text is not valid JSON (read it as a list)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list):
        return None
    if len(data) > MAX_PALETTE_COLORS:
        raise _too_many_colors()
    colors = []
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, str):
            shown = json.dumps(entry)
            raise ColorParseError(
                shown, position=position, reason=f"{_shorten(shown)} is not a colour string"
            )
        try:
            colors.append(parse_color(entry))
        except ColorParseError as error:
            raise ColorParseError(entry, position=position, reason=error.reason) from error
    return colors


# --- Conversions (cached per colour) -------------------------------------------------------------


@lru_cache(maxsize=4096)
def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """The 0-255 channels of any colour ``parse_color`` accepts."""
    value = int(parse_color(color)[1:], 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


@lru_cache(maxsize=4096)
def _linear_rgb(color: str) -> tuple[float, float, float]:
    # sRGB decoding with WCAG 2.x's 0.04045 threshold, tabulated per 8-bit value.
    red, green, blue = hex_to_rgb(color)
    return LINEAR_FROM_8BIT[red], LINEAR_FROM_8BIT[green], LINEAR_FROM_8BIT[blue]


# --- WCAG contrast -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance (0 for black to 1 for white)."""
    return luminance(_linear_rgb(color))


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio between two colours: 1.0 (same) to 21.0 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def best_text_color(background: str) -> str:
    """``#000000`` or ``#ffffff``, whichever has the higher WCAG contrast on ``background``.

    Ties (luminance ~0.179) go to black.
    """
    on_black = contrast_ratio(background, "#000000")
    on_white = contrast_ratio(background, "#ffffff")
    return "#000000" if on_black >= on_white else "#ffffff"


# --- CIELAB and CIEDE2000 ------------------------------------------------------------------------

# sRGB (IEC 61966-2-1) linear RGB -> CIE XYZ, and the D65 reference white. Lab is taken relative
# to D65, the display's own white, so no chromatic adaptation is involved.
_RGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_D65_WHITE = (0.95047, 1.0, 1.08883)
_LAB_EPSILON = 216 / 24389
_LAB_KAPPA = 24389 / 27


def _lab_f(t: float) -> float:
    return t ** (1 / 3) if t > _LAB_EPSILON else (_LAB_KAPPA * t + 16) / 116


@lru_cache(maxsize=4096)
def hex_to_lab(color: str) -> Lab:
    """CIELAB (D65 white) coordinates of a colour."""
    linear = _linear_rgb(color)
    fx, fy, fz = (
        _lab_f(sum(m * c for m, c in zip(row, linear, strict=True)) / white)
        for row, white in zip(_RGB_TO_XYZ, _D65_WHITE, strict=True)
    )
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e_2000(a: str, b: str) -> float:
    """Perceptual difference between two colours by CIEDE2000 (about 1 = just noticeable)."""
    return delta_e_2000_lab(hex_to_lab(a), hex_to_lab(b))


_POW25_7 = 25.0**7
_TAU = 2 * math.pi
_RADIANS_6 = math.radians(6)
_RADIANS_30 = math.radians(30)
_RADIANS_63 = math.radians(63)
_RADIANS_275 = math.radians(275)
_RADIANS_25 = math.radians(25)
_RADIANS_60 = math.radians(60)


def delta_e_2000_lab(
    lab1: Sequence[float],
    lab2: Sequence[float],
    *,
    kl: float = 1.0,
    kc: float = 1.0,
    kh: float = 1.0,
) -> float:
    """CIEDE2000 colour difference of two CIELAB colours.

    Follows the equations as numbered in Sharma, Wu & Dalal (2005), including their notes on hue
    angles when a chroma is zero and on averaging hues across the 0/360 degree boundary. Angles
    are kept in radians throughout (the paper uses degrees): the palette fixer calls this tens of
    thousands of times a run.
    """
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2

    # (2)-(7): adjust a* for the blue-region correction, then chroma and hue (0 when neutral).
    c_mean7 = ((math.hypot(a1, b1) + math.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(c_mean7 / (c_mean7 + _POW25_7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.atan2(b1, a1p) % _TAU if c1p else 0.0
    h2p = math.atan2(b2, a2p) % _TAU if c2p else 0.0

    # (8)-(10): differences in lightness, chroma and hue.
    dlp = l2 - l1
    dcp = c2p - c1p
    chroma_product = c1p * c2p
    if chroma_product == 0:
        dhp = 0.0
    else:
        dhp = h2p - h1p
        if dhp > math.pi:
            dhp -= _TAU
        elif dhp < -math.pi:
            dhp += _TAU
    dhp_big = 2 * math.sqrt(chroma_product) * math.sin(dhp / 2)

    # (12)-(14): means, with the hue mean taken the short way round the circle.
    lp_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if chroma_product == 0:
        hp_mean = h1p + h2p
    elif abs(h1p - h2p) <= math.pi:
        hp_mean = (h1p + h2p) / 2
    elif h1p + h2p < _TAU:
        hp_mean = (h1p + h2p + _TAU) / 2
    else:
        hp_mean = (h1p + h2p - _TAU) / 2

    # (15)-(22): weighting functions and the rotation term for blues.
    t = (
        1
        - 0.17 * math.cos(hp_mean - _RADIANS_30)
        + 0.24 * math.cos(2 * hp_mean)
        + 0.32 * math.cos(3 * hp_mean + _RADIANS_6)
        - 0.20 * math.cos(4 * hp_mean - _RADIANS_63)
    )
    # 2 x delta-theta, in radians: 2 x 30 degrees x exp(-((h - 275 degrees) / 25 degrees)^2).
    two_d_theta = _RADIANS_60 * math.exp(-(((hp_mean - _RADIANS_275) / _RADIANS_25) ** 2))
    cp_mean7 = cp_mean**7
    rc = 2 * math.sqrt(cp_mean7 / (cp_mean7 + _POW25_7))
    lightness_offset2 = (lp_mean - 50) ** 2
    sl = 1 + 0.015 * lightness_offset2 / math.sqrt(20 + lightness_offset2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = -math.sin(two_d_theta) * rc

    dl = dlp / (kl * sl)
    dc = dcp / (kc * sc)
    dh = dhp_big / (kh * sh)
    return math.sqrt(dl * dl + dc * dc + dh * dh + rt * dc * dh)


# --- Distinctness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColorPair:
    """Two palette positions (``i < j``, 0-based) and their CIEDE2000 difference."""

    i: int
    j: int
    distance: float


def valid_entries(colors: Sequence[Any]) -> list[tuple[int, str]]:
    """(position, normalised hex) for every entry that parses (any type); other entries are
    skipped, and so are entries past the first ``MAX_PALETTE_COLORS``."""
    entries = []
    for index, color in enumerate(colors[:MAX_PALETTE_COLORS]):
        try:
            entries.append((index, parse_color(color)))
        except ColorParseError:
            continue
    return entries


def delta_e_2000_hex(a: str, b: str) -> float:
    """``delta_e_2000`` of two normalised ``#rrggbb`` strings, cached (order does not matter).

    The Themes screen and the palette fixer judge the same pairs again and again.
    """
    return _cached_delta_e(a, b) if a <= b else _cached_delta_e(b, a)


@lru_cache(maxsize=65536)
def _cached_delta_e(a: str, b: str) -> float:
    return delta_e_2000_lab(hex_to_lab(a), hex_to_lab(b))


def _pairs(entries: Sequence[tuple[int, str]]) -> list[ColorPair]:
    """Every pair of entries with its distance, nearest first (ties by position)."""
    pairs = [
        ColorPair(i, j, delta_e_2000_hex(a, b))
        for (i, a), (j, b) in itertools.combinations(entries, 2)
    ]
    pairs.sort(key=lambda pair: (pair.distance, pair.i, pair.j))
    return pairs


def closest_pair(colors: Sequence[str]) -> ColorPair | None:
    """The two least distinct colours by CIEDE2000, or None with fewer than two valid colours.

    Entries that do not parse are skipped; indices are positions in ``colors``.
    """
    pairs = _pairs(valid_entries(colors))
    return pairs[0] if pairs else None


def similar_pairs(colors: Sequence[str], threshold: float = 10.0) -> list[ColorPair]:
    """Pairs closer than ``threshold`` (CIEDE2000), nearest first. Invalid entries are skipped."""
    return [pair for pair in _pairs(valid_entries(colors)) if pair.distance < threshold]


# --- Colour-vision deficiency --------------------------------------------------------------------

# Full-severity dichromacy. Viénot, Brettel & Mollon (1999) for the red-green deficiencies, which
# is accurate for them and cheap; Brettel, Viénot & Mollon (1997) for tritanopia, where the
# single-plane Viénot projection is known to be wrong. The maths is ``color_math``'s; the names
# are coloraide's (deficiency, method), whose filters give the same colours (tested).
CVD_METHODS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "protanopia": ("protan", "vienot"),
        "deuteranopia": ("deutan", "vienot"),
        "tritanopia": ("tritan", "brettel"),
    }
)


def simulate_cvd(color: str, kind: str) -> str:
    """How ``color`` looks with full protanopia, deuteranopia or tritanopia, as ``#rrggbb``.

    See ``CVD_METHODS`` for the model used per kind.
    """
    if kind not in CVD_METHODS:
        raise ValueError(f"unknown colour-vision deficiency {kind!r}: use one of {CVD_KINDS}")
    return simulate_dichromat(parse_color(color), kind)


def confusable_pairs(colors: Sequence[str], kind: str, threshold: float = 10.0) -> list[ColorPair]:
    """Pairs whose simulated colours are closer than ``threshold`` (CIEDE2000), nearest first.

    Invalid entries are skipped; indices are positions in ``colors``.
    """
    simulated = [(index, simulate_cvd(color, kind)) for index, color in valid_entries(colors)]
    return [pair for pair in _pairs(simulated) if pair.distance < threshold]


# --- Series colours ------------------------------------------------------------------------------


def series_color(colors: Sequence[str], index: int) -> str:
    """The colour PostHog gives series ``index`` (0-based): ``preset-((index mod n) + 1)``."""
    if not colors:
        raise ValueError("a palette with no colours cannot colour a series")
    if index < 0:
        raise ValueError(f"series index must be 0 or more, not {index}")
    return colors[index % len(colors)]


def token_name(index: int) -> str:
    """PostHog's token for palette position ``index`` (0-based): 0 -> ``preset-1``."""
    if index < 0:
        raise ValueError(f"palette position must be 0 or more, not {index}")
    return f"preset-{index + 1}"


# --- Whole-palette report ------------------------------------------------------------------------


@dataclass(frozen=True)
class ColorContrast:
    """One valid palette entry's WCAG contrast against the dark and light chart backgrounds."""

    index: int
    color: str
    on_dark: float
    on_light: float
    low_on_dark: bool
    low_on_light: bool


@dataclass(frozen=True)
class CvdReport:
    """A palette as seen with one colour-vision deficiency.

    ``simulated`` is aligned with the input (``None`` at invalid positions).
    """

    kind: str
    simulated: tuple[str | None, ...]
    confusable: tuple[ColorPair, ...]


@dataclass(frozen=True)
class PaletteReport:
    """Everything the Themes screen shows about a palette.

    ``colors`` is aligned with the input: the normalised hex, or ``None`` where the entry is
    invalid (its position is then listed in ``invalid`` and left out of all the maths). Only
    the first ``MAX_PALETTE_COLORS`` entries are analysed; ``skipped`` counts the others.
    """

    colors: tuple[str | None, ...]
    invalid: tuple[int, ...]
    contrast: tuple[ColorContrast, ...]
    closest: ColorPair | None
    similar: tuple[ColorPair, ...]
    cvd: Mapping[str, CvdReport]
    dark_bg: str
    light_bg: str
    min_contrast: float
    distinct_threshold: float
    skipped: int = 0

    @property
    def low_contrast(self) -> tuple[ColorContrast, ...]:
        """Entries below ``min_contrast`` on either background."""
        return tuple(c for c in self.contrast if c.low_on_dark or c.low_on_light)


def analyse_palette(
    colors: Sequence[str],
    *,
    dark_bg: str = DARK_CHART_BG,
    light_bg: str = LIGHT_CHART_BG,
    min_contrast: float = 3.0,
    distinct_threshold: float = 10.0,
) -> PaletteReport:
    """Contrast, distinctness and colour-vision analysis of a palette (invalid entries reported).

    ``dark_bg`` and ``light_bg`` must be valid colours (``ColorParseError`` otherwise).
    """
    dark, light = parse_color(dark_bg), parse_color(light_bg)
    skipped = max(0, len(colors) - MAX_PALETTE_COLORS)
    colors = colors[:MAX_PALETTE_COLORS]
    entries = valid_entries(colors)
    valid_at = dict(entries)
    normalised = tuple(valid_at.get(index) for index in range(len(colors)))
    contrast = []
    for index, color in entries:
        on_dark, on_light = contrast_ratio(color, dark), contrast_ratio(color, light)
        contrast.append(
            ColorContrast(
                index=index,
                color=color,
                on_dark=on_dark,
                on_light=on_light,
                low_on_dark=on_dark < min_contrast,
                low_on_light=on_light < min_contrast,
            )
        )
    pairs = _pairs(entries)
    cvd = {}
    for kind in CVD_KINDS:
        simulated = [(index, simulate_dichromat(color, kind)) for index, color in entries]
        simulated_at = dict(simulated)
        cvd[kind] = CvdReport(
            kind=kind,
            simulated=tuple(simulated_at.get(index) for index in range(len(colors))),
            confusable=tuple(p for p in _pairs(simulated) if p.distance < distinct_threshold),
        )
    return PaletteReport(
        colors=normalised,
        invalid=tuple(index for index in range(len(colors)) if index not in valid_at),
        contrast=tuple(contrast),
        closest=pairs[0] if pairs else None,
        similar=tuple(p for p in pairs if p.distance < distinct_threshold),
        cvd=MappingProxyType(cvd),
        dark_bg=dark,
        light_bg=light,
        min_contrast=min_contrast,
        distinct_threshold=distinct_threshold,
        skipped=skipped,
    )

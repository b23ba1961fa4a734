"""Fast colour maths: sRGB transfer, OKLab/OKLCH with gamut mapping, dichromat simulation.

The palette fixer evaluates thousands of candidate colours a run, and a per-colour call into
coloraide costs tens of microseconds, so the few conversions it needs are plain float maths here,
cached per ``#rrggbb``. ``phtui.core.palette`` uses the same functions (one implementation of
each conversion); the tests check them against coloraide.

Functions taking a hex string expect the normalised lowercase ``#rrggbb`` that
``palette.parse_color`` returns; they do not parse other notations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "CVD_KINDS",
    "CVD_MODELS",
    "LINEAR_FROM_8BIT",
    "Oklab",
    "Oklch",
    "Rgb",
    "delta_e_ok",
    "hex_to_linear",
    "hex_to_oklab",
    "hex_to_oklch",
    "lightness_for_luminance",
    "linear_to_hex",
    "linear_to_oklab",
    "luminance",
    "max_chroma",
    "oklab_to_linear",
    "oklch_to_hex",
    "simulate_dichromat",
]

Rgb = tuple[float, float, float]  # linear-light sRGB, 0-1 inside the gamut
Oklab = tuple[float, float, float]  # L (0-1), a, b
Oklch = tuple[float, float, float]  # L (0-1), C (>= 0), h in degrees [0, 360)
_Matrix = tuple[Rgb, Rgb, Rgb]


# --- sRGB transfer -------------------------------------------------------------------------------


def _decode(channel: int) -> float:
    """sRGB transfer function inverse, with WCAG 2.x's 0.04045 threshold."""
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


# Every 8-bit channel value decoded once: decoding is the hot path of every conversion from hex.
LINEAR_FROM_8BIT: tuple[float, ...] = tuple(_decode(channel) for channel in range(256))


def _encode(value: float) -> int:
    """Linear 0-1 to the nearest 8-bit sRGB channel (clipped to the gamut)."""
    if value <= 0.0:
        return 0
    if value >= 1.0:
        return 255
    encoded = value * 12.92 if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
    return int(encoded * 255 + 0.5)


@lru_cache(maxsize=65536)
def hex_to_linear(color: str) -> Rgb:
    """Linear-light channels of ``#rrggbb``."""
    value = int(color[1:], 16)
    return (
        LINEAR_FROM_8BIT[value >> 16],
        LINEAR_FROM_8BIT[(value >> 8) & 0xFF],
        LINEAR_FROM_8BIT[value & 0xFF],
    )


def linear_to_hex(rgb: Sequence[float]) -> str:
    """``#rrggbb`` of linear-light channels, each clipped to 0-1 (the nearest displayable)."""
    red, green, blue = rgb
    return f"#{_encode(red):02x}{_encode(green):02x}{_encode(blue):02x}"


def luminance(rgb: Sequence[float]) -> float:
    """WCAG 2.x relative luminance (Rec. 709 weights) of linear-light sRGB."""
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _apply(matrix: _Matrix, vector: Sequence[float]) -> Rgb:
    x, y, z = vector
    (m00, m01, m02), (m10, m11, m12), (m20, m21, m22) = matrix
    return (
        m00 * x + m01 * y + m02 * z,
        m10 * x + m11 * y + m12 * z,
        m20 * x + m21 * y + m22 * z,
    )


def _multiply(left: _Matrix, right: _Matrix) -> _Matrix:
    # Row i of left @ right is left's row i applied to right's transpose.
    (a, b, c), (d, e, f), (g, h, i) = right
    columns = ((a, d, g), (b, e, h), (c, f, i))
    return (
        _apply(columns, left[0]),
        _apply(columns, left[1]),
        _apply(columns, left[2]),
    )


def _scale(matrix: _Matrix, factor: float) -> _Matrix:
    return _rows([[value * factor for value in row] for row in matrix])


def _rows(rows: Sequence[Sequence[float]]) -> _Matrix:
    (a, b, c), (d, e, f), (g, h, i) = rows
    return (a, b, c), (d, e, f), (g, h, i)


def _invert(matrix: _Matrix) -> _Matrix:
    (a, b, c), (d, e, f), (g, h, i) = matrix
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return (
        ((e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det),
        ((f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det),
        ((d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det),
    )


def _cross(u: Sequence[float], v: Sequence[float]) -> Rgb:
    return (
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0],
    )


# --- OKLab and OKLCH -----------------------------------------------------------------------------

# Björn Ottosson, "A perceptual color space for image processing" (2020): linear sRGB to the cone-
# like LMS, a cube root, then LMS' to Lab. The inverses are his published ones too.
_LINEAR_TO_LMS: _Matrix = (
    (0.4122214708, 0.5363325363, 0.0514459929),
    (0.2119034982, 0.6806995451, 0.1073969566),
    (0.0883024619, 0.2817188376, 0.6299787005),
)
_LMS_TO_OKLAB: _Matrix = (
    (0.2104542553, 0.7936177850, -0.0040720468),
    (1.9779984951, -2.4285922050, 0.4505937099),
    (0.0259040371, 0.7827717662, -0.8086757660),
)
_OKLAB_TO_LMS: _Matrix = (
    (1.0, 0.3963377774, 0.2158037573),
    (1.0, -0.1055613458, -0.0638541728),
    (1.0, -0.0894841775, -1.2914855480),
)
_LMS_TO_LINEAR: _Matrix = (
    (4.0767416621, -3.3077115913, 0.2309699292),
    (-1.2684380046, 2.6097574011, -0.3413193965),
    (-0.0041960863, -0.7034186147, 1.7076147010),
)


def linear_to_oklab(rgb: Sequence[float]) -> Oklab:
    """OKLab of linear-light sRGB."""
    long, medium, short = _apply(_LINEAR_TO_LMS, rgb)
    return _apply(_LMS_TO_OKLAB, (math.cbrt(long), math.cbrt(medium), math.cbrt(short)))


def oklab_to_linear(lab: Sequence[float]) -> Rgb:
    """Linear-light sRGB of an OKLab colour (outside 0-1 when the colour is out of gamut)."""
    long, medium, short = _apply(_OKLAB_TO_LMS, lab)
    return _apply(_LMS_TO_LINEAR, (long**3, medium**3, short**3))


@lru_cache(maxsize=65536)
def hex_to_oklab(color: str) -> Oklab:
    """OKLab of ``#rrggbb``."""
    return linear_to_oklab(hex_to_linear(color))


@lru_cache(maxsize=65536)
def hex_to_oklch(color: str) -> Oklch:
    """OKLCH of ``#rrggbb``: lightness, chroma and hue in degrees (0 for a neutral colour)."""
    lightness, a, b = hex_to_oklab(color)
    chroma = math.hypot(a, b)
    hue = math.degrees(math.atan2(b, a)) % 360 if chroma > 1e-9 else 0.0
    return lightness, chroma, hue


def delta_e_ok(a: str, b: str) -> float:
    """ΔEOK: Euclidean distance in OKLab (about 0.02 is just noticeable; 1 is black to white)."""
    return math.dist(hex_to_oklab(a), hex_to_oklab(b))


# A linear channel this far outside 0-1 still rounds to a valid 8-bit value: "in gamut".
_GAMUT_SLACK = 1e-6


def _linear_from_oklch(lightness: float, chroma: float, hue: float) -> Rgb:
    radians = math.radians(hue)
    return oklab_to_linear((lightness, chroma * math.cos(radians), chroma * math.sin(radians)))


def _in_gamut(rgb: Rgb) -> bool:
    low, high = -_GAMUT_SLACK, 1 + _GAMUT_SLACK
    return low <= rgb[0] <= high and low <= rgb[1] <= high and low <= rgb[2] <= high


def max_chroma(lightness: float, hue: float, *, limit: float = 0.4) -> float:
    """The largest OKLCH chroma at this lightness and hue that sRGB can show (bisection).

    ``lightness`` is clamped to 0-1; at 0 or 1 only grey fits, so the answer is 0.
    """
    lightness = min(max(lightness, 0.0), 1.0)
    if _in_gamut(_linear_from_oklch(lightness, limit, hue)):
        return limit
    low, high = 0.0, limit
    while high - low > 1e-4:  # below what 8-bit channels resolve (a step is ~0.004 of chroma)
        middle = (low + high) / 2
        if _in_gamut(_linear_from_oklch(lightness, middle, hue)):
            low = middle
        else:
            high = middle
    return low


def _displayed(lightness: float, chroma: float, hue: float) -> Rgb:
    """Linear sRGB of an OKLCH colour with its chroma reduced to fit (before 8-bit rounding)."""
    lightness = min(max(lightness, 0.0), 1.0)
    chroma = max(chroma, 0.0)
    rgb = _linear_from_oklch(lightness, chroma, hue)
    if not _in_gamut(rgb):
        rgb = _linear_from_oklch(lightness, max_chroma(lightness, hue, limit=chroma), hue)
    red, green, blue = rgb
    return min(max(red, 0.0), 1.0), min(max(green, 0.0), 1.0), min(max(blue, 0.0), 1.0)


def oklch_to_hex(lightness: float, chroma: float, hue: float) -> str:
    """``#rrggbb`` for an OKLCH colour, keeping lightness and hue and reducing chroma to fit sRGB.

    Reducing chroma only (CSS Color 4's gamut mapping does the same, with a finer stopping rule)
    keeps the hue, i.e. the brand colour's identity, where clipping channels would shift it.
    """
    return linear_to_hex(_displayed(lightness, chroma, hue))


def lightness_for_luminance(target: float, chroma: float, hue: float) -> float:
    """The OKLCH lightness at which ``oklch_to_hex(L, chroma, hue)`` has relative luminance
    ``target`` (before 8-bit rounding); 0 or 1 when the target is out of reach.

    Luminance grows with lightness at a fixed chroma and hue, so bisection finds it. (Where
    chroma is being cut to fit the gamut it can dip, by under 1e-5 on a 1,000-step scan of every
    hue and chroma: far below what 8-bit channels resolve.)
    """
    low, high = 0.0, 1.0
    for _ in range(20):  # 1e-6 of lightness: far finer than 8-bit channels
        middle = (low + high) / 2
        if luminance(_displayed(middle, chroma, hue)) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


# --- Dichromat simulation ------------------------------------------------------------------------

CVD_KINDS = ("protanopia", "deuteranopia", "tritanopia")

# Viénot, Brettel & Mollon (1999), "Digital video colourmaps for checking the legibility of
# displays by dichromats": the Smith & Pokorny (1975) cone fundamentals from Judd-Vos XYZ, and
# their monitor's linear RGB to Judd-Vos XYZ (x100), which stands in for sRGB. The S row scale is
# the one that yields the paper's RGB -> LMS matrix; any scale gives the same projections.
_XYZ_TO_LMS: _Matrix = (
    (0.15514, 0.54312, -0.03286),
    (-0.15514, 0.45684, 0.03286),
    (0.0, 0.0, 0.01608),
)
_LINEAR_TO_XYZ_X100: _Matrix = (
    (40.9568, 35.5041, 17.9167),
    (21.3389, 70.6743, 7.9868),
    (1.86297, 11.462, 91.2367),
)
_LINEAR_TO_CONES = _multiply(_XYZ_TO_LMS, _scale(_LINEAR_TO_XYZ_X100, 1 / 100))
_CONES_TO_LINEAR = _invert(_LINEAR_TO_CONES)
_WHITE = _apply(_LINEAR_TO_CONES, (1.0, 1.0, 1.0))
_BLUE = _apply(_LINEAR_TO_CONES, (0.0, 0.0, 1.0))

# Colour-matching functions (x̄, ȳ, z̄) at the wavelengths Brettel, Viénot & Mollon (1997) anchor
# the tritanope's two half-planes on, 485 nm and 660 nm: CIE 1931 2-degree as modified by Judd
# (1951) and Vos (1978) (CVRL's table), the XYZ the Smith & Pokorny fundamentals are defined on.
_CMF_485NM = (0.056985, 0.16987, 0.5864)
_CMF_660NM = (0.16161, 0.061, 0.000011906)


def _replace_cone(missing: int, normal: Sequence[float]) -> _Matrix:
    """Cone-space matrix that rebuilds the ``missing`` cone's response from the other two so the
    result lies on the plane through the origin with the given normal (other cones unchanged)."""
    rows = [[1.0 if col == row else 0.0 for col in range(3)] for row in range(3)]
    rows[missing] = [0.0 if col == missing else -normal[col] / normal[missing] for col in range(3)]
    return _rows(rows)


def _in_linear_rgb(cone_matrix: _Matrix) -> _Matrix:
    return _multiply(_CONES_TO_LINEAR, _multiply(cone_matrix, _LINEAR_TO_CONES))


# Viénot 1999: protanopes and deuteranopes see one plane through the neutral axis and sRGB blue
# (which approximates Brettel's 475 nm anchor; 575 nm lies on the same plane near enough).
_PROTAN = _in_linear_rgb(_replace_cone(0, _cross(_WHITE, _BLUE)))
_DEUTAN = _in_linear_rgb(_replace_cone(1, _cross(_WHITE, _BLUE)))

# Brettel 1997 for tritanopes: two half-planes meeting on the neutral axis, through 485 nm and
# 660 nm. Which one applies depends on the side of the plane holding the neutral axis and the
# S-cone axis, i.e. whether L/M is above the white's (reddish: 660 nm) or not (485 nm).
_TRITAN_485 = _in_linear_rgb(_replace_cone(2, _cross(_WHITE, _apply(_XYZ_TO_LMS, _CMF_485NM))))
_TRITAN_660 = _in_linear_rgb(_replace_cone(2, _cross(_WHITE, _apply(_XYZ_TO_LMS, _CMF_660NM))))
_TRITAN_SIDE = _cross(_WHITE, (0.0, 0.0, 1.0))  # > 0 on the 660 nm side

CVD_MODELS: Mapping[str, str] = MappingProxyType(
    {
        "protanopia": "Viénot, Brettel & Mollon 1999",
        "deuteranopia": "Viénot, Brettel & Mollon 1999",
        "tritanopia": "Brettel, Viénot & Mollon 1997",
    }
)


def _simulate_linear(rgb: Rgb, kind: str) -> Rgb:
    if kind == "protanopia":
        return _apply(_PROTAN, rgb)
    if kind == "deuteranopia":
        return _apply(_DEUTAN, rgb)
    cones = _apply(_LINEAR_TO_CONES, rgb)
    side = _TRITAN_SIDE[0] * cones[0] + _TRITAN_SIDE[1] * cones[1]
    return _apply(_TRITAN_660 if side > 0 else _TRITAN_485, rgb)


@lru_cache(maxsize=65536)
def simulate_dichromat(color: str, kind: str) -> str:
    """``#rrggbb`` as seen with full protanopia, deuteranopia or tritanopia.

    The projection can leave sRGB slightly; the result is clipped per channel (the nearest
    displayable colour), as a screen would show it. ``kind`` must be one of ``CVD_KINDS``.
    """
    if kind not in CVD_MODELS:
        raise ValueError(f"unknown colour-vision deficiency {kind!r}: use one of {CVD_KINDS}")
    return linear_to_hex(_simulate_linear(hex_to_linear(color), kind))

"""Component colours, responsibility blends, and a one-byte colour code per point.

A point's colour is the responsibility-weighted average of its components' colours,
``c_n = sum_k gamma_nk c_k`` (RGB), so a point torn between blue and orange looks in between
and a point shared equally by three components shows the mean of the three colours.

Compact encoding for animation frames
-------------------------------------
Sending a colour string per point per frame is large (about 20 bytes each). Instead every
responsibility vector is rounded to the *simplex lattice*

    {m / L : m in N^K, sum_k m_k = L},

by the largest-remainder rule (each rounded entry is within 1/L of the exact one), and the
point carries the index of its lattice point as an unsigned byte. The lattice has
``C(L + K - 1, K - 1)`` points; ``L`` is the largest resolution whose lattice fits in 255
codes (K=2: 64 levels, K=3: 21, K=4: 9, K=5: 6, K=6: 5, K=7: 4, K=8..10: 3), and the last
code (the 256th) is grey, for a start without responsibilities. A Plotly colorscale with one
entry per code, placed at ``code / (n_codes - 1)`` with ``cmin=0``, ``cmax=n_codes - 1``,
maps each integer code exactly onto the blend of its lattice point, so the browser
reproduces the blended colour from one byte per point (encoded by Plotly as a base64
``uint8`` typed array).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

# Ten colours for components, told apart by everyone and never taken for the NLL cursor
# (vermillion, _frames.CURSOR_COLOR): Okabe & Ito's (2008) blue, orange, bluish green, sky
# blue and reddish purple (their vermillion is the cursor's, their yellow too pale on white),
# and Paul Tol's muted wine, indigo and purple, his bright red and his vibrant red. Every
# pair, the cursor included, is at least 12 CIEDE2000 apart, and at least 7 apart as
# protanopes, deuteranopes and tritanopes see them (tests/test_figures.py); the order keeps
# the first colours, those of small k, the furthest apart.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#882255",  # wine
    "#56B4E9",  # sky blue
    "#332288",  # indigo
    "#CC79A7",  # reddish purple
    "#AA4499",  # purple
    "#CC3311",  # red
    "#EE6677",  # light red
)

GRAY = "#B0B0B0"
"""Colour of points that have no responsibilities yet (a start from parameters)."""

MAX_CODES = 256
"""Codes fit one unsigned byte: at most 255 lattice points plus grey."""


def component_color(k: int, palette: tuple[str, ...] = PALETTE) -> str:
    """Hex colour of component ``k`` (0-based); the palette repeats beyond its length."""
    return palette[k % len(palette)]


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``"#0072B2"`` (or ``"#07B"``) -> ``(0, 114, 178)``."""
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"expected a colour like '#0072B2', got {color!r}")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def rgb_string(rgb: np.ndarray | tuple) -> str:
    """``(0, 114.4, 178)`` -> ``"rgb(0,114,178)"`` (rounded to integers)."""
    r, g, b = (int(round(float(v))) for v in rgb)
    return f"rgb({r},{g},{b})"


def palette_rgb(n_components: int, palette: tuple[str, ...] = PALETTE) -> np.ndarray:
    """RGB of the first ``n_components`` palette colours, shape (n_components, 3), floats."""
    return np.array([hex_to_rgb(component_color(k, palette)) for k in range(n_components)],
                    dtype=float)


def blend(resp: np.ndarray, palette: tuple[str, ...] = PALETTE) -> np.ndarray:
    """Responsibility-weighted colours ``c_n = sum_k gamma_nk c_k``.

    Parameters
    ----------
    resp : ndarray of shape (n_samples, n_components)
        Rows on the probability simplex.
    palette : tuple of str
        Hex colours; component k gets ``palette[k % len(palette)]``.

    Returns
    -------
    rgb : ndarray of shape (n_samples, 3)
        Float RGB in [0, 255].
    """
    resp = np.atleast_2d(np.asarray(resp, dtype=float))
    return resp @ palette_rgb(resp.shape[1], palette)


def blend_levels(n_components: int, max_codes: int = MAX_CODES - 1) -> int:
    """Largest lattice resolution L with ``C(L + K - 1, K - 1) <= max_codes`` (capped at 64)."""
    if n_components < 1:
        raise ValueError("n_components must be at least 1")
    if n_components == 1:
        return 1
    level = 1
    while level < 64 and math.comb(level + n_components, n_components - 1) <= max_codes:
        level += 1
    return level


def _lattice(n_components: int, levels: int) -> np.ndarray:
    """All m in N^K with sum m = L, shape (n_points, K), in lexicographic order."""
    if n_components == 1:
        return np.array([[levels]], dtype=np.int64)
    # Stars and bars: choose K-1 bar positions among L+K-1 slots.
    rows = []
    for bars in itertools.combinations(range(levels + n_components - 1), n_components - 1):
        edges = (-1, *bars, levels + n_components - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(n_components)])
    return np.array(rows, dtype=np.int64)


def round_to_lattice(resp: np.ndarray, levels: int) -> np.ndarray:
    """Largest-remainder rounding of each row of ``L * resp`` to integers summing to L.

    Returns an int64 array of shape (n_samples, n_components); ``m / L`` differs from the
    input by less than ``1 / L`` in every entry.
    """
    resp = np.atleast_2d(np.asarray(resp, dtype=float))
    resp = np.clip(np.nan_to_num(resp, nan=0.0), 0.0, None)
    total = resp.sum(axis=1, keepdims=True)
    k = resp.shape[1]
    resp = np.where(total > 0, resp / np.where(total > 0, total, 1.0), 1.0 / k)
    scaled = resp * levels
    m = np.floor(scaled).astype(np.int64)
    short = levels - m.sum(axis=1)  # units still to hand out, 0 <= short < K
    # Give one unit each to the `short` entries with the largest fractional parts.
    order = np.argsort(-(scaled - m), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(k)[None, :].repeat(len(m), axis=0), axis=1)
    return m + (rank < short[:, None])


@dataclass(frozen=True)
class ColorCodec:
    """Maps responsibility rows to one-byte codes and back to colours.

    Attributes
    ----------
    n_components : int
    levels : int
        Lattice resolution L; responsibilities are rounded to multiples of 1/L.
    lattice : ndarray of shape (n_codes - 1, n_components)
        Integer lattice points m (sum L); code i stands for responsibilities m_i / L.
    colors : ndarray of shape (n_codes, 3)
        RGB of every code; the last one is ``GRAY``.
    colorscale : list of [float, str]
        Plotly colorscale placing code i at i / (n_codes - 1).
    cmin, cmax : int
        0 and n_codes - 1; pass both to the marker so codes are not rescaled.
    gray_code : int
        The code of a point without responsibilities (== cmax).
    """

    n_components: int
    levels: int
    palette: tuple[str, ...]
    lattice: np.ndarray = field(repr=False)
    colors: np.ndarray = field(repr=False)
    colorscale: list = field(repr=False)
    _keys: np.ndarray = field(repr=False)

    @property
    def n_codes(self) -> int:
        return len(self.colors)

    @property
    def cmin(self) -> int:
        return 0

    @property
    def cmax(self) -> int:
        return self.n_codes - 1

    @property
    def gray_code(self) -> int:
        return self.n_codes - 1

    def encode(self, resp: np.ndarray | None, n_samples: int | None = None) -> np.ndarray:
        """Codes of shape (n_samples,), dtype uint8; ``resp=None`` gives grey for every point.

        Parameters
        ----------
        resp : ndarray of shape (n_samples, n_components) or None
        n_samples : int, optional
            Needed only when ``resp`` is None.
        """
        if resp is None:
            if n_samples is None:
                raise ValueError("n_samples is needed when resp is None")
            return np.full(n_samples, self.gray_code, dtype=np.uint8)
        resp = np.atleast_2d(np.asarray(resp, dtype=float))
        if resp.shape[1] != self.n_components:
            raise ValueError(
                f"resp has {resp.shape[1]} columns; this codec has {self.n_components}")
        m = round_to_lattice(resp, self.levels)
        codes = np.searchsorted(self._keys[0], _key(m, self.levels))
        return self._keys[1][codes].astype(np.uint8)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """RGB (float, shape (n, 3)) that the colorscale shows for each code."""
        return self.colors[np.asarray(codes, dtype=np.int64)]

    def responsibilities(self, codes: np.ndarray) -> np.ndarray:
        """Rounded responsibilities m / L for each code (grey decodes to NaN), shape (n, K)."""
        codes = np.asarray(codes, dtype=np.int64)
        table = np.vstack([self.lattice / self.levels,
                           np.full((1, self.n_components), np.nan)])
        return table[codes]

    def marker(self, codes: np.ndarray, **extra: object) -> dict:
        """Marker properties that colour points by ``codes`` through this codec's colorscale."""
        return dict(color=codes, colorscale=self.colorscale, cmin=self.cmin, cmax=self.cmax,
                    showscale=False, **extra)


def _key(m: np.ndarray, levels: int) -> np.ndarray:
    """Mixed-radix integer key of lattice points (base L+1), shape (n,)."""
    base = (levels + 1) ** np.arange(m.shape[1], dtype=np.int64)
    return m @ base


def codec(n_components: int, palette: tuple[str, ...] = PALETTE,
          levels: int | None = None) -> ColorCodec:
    """Build the colour codec for ``n_components`` components.

    Parameters
    ----------
    n_components : int
    palette : tuple of str
    levels : int, optional
        Lattice resolution L; by default the largest one whose lattice fits in 255 codes.
        Larger values raise ValueError when the codes would not fit one byte.
    """
    if levels is None:
        levels = blend_levels(n_components)
    levels = int(levels)
    if levels < 1:
        raise ValueError("levels must be at least 1")
    if math.comb(levels + n_components - 1, n_components - 1) > MAX_CODES - 1:
        raise ValueError(
            f"{levels} levels for {n_components} components need more than "
            f"{MAX_CODES - 1} codes; use at most {blend_levels(n_components)}")
    lattice = _lattice(n_components, levels)
    colors = np.vstack([(lattice / levels) @ palette_rgb(n_components, palette),
                        np.array(hex_to_rgb(GRAY), dtype=float)])
    n = len(colors)
    span = max(n - 1, 1)
    colorscale = [[i / span, rgb_string(c)] for i, c in enumerate(colors)]
    if n == 1:  # a colorscale needs two stops
        colorscale = [[0.0, colorscale[0][1]], [1.0, colorscale[0][1]]]
    keys = _key(lattice, levels)
    order = np.argsort(keys)
    return ColorCodec(n_components, levels, tuple(palette), lattice, colors, colorscale,
                      np.vstack([keys[order], order]))


def quantize(resp: np.ndarray, levels: int | None = None,
             palette: tuple[str, ...] = PALETTE) -> tuple[np.ndarray, list, int, int]:
    """One-byte colour codes for responsibility rows, and how to show them.

    Parameters
    ----------
    resp : ndarray of shape (n_samples, n_components)
    levels : int, optional
        Lattice resolution; see :func:`codec`.
    palette : tuple of str

    Returns
    -------
    codes : ndarray of shape (n_samples,), dtype uint8
    colorscale : list of [float, str]
    cmin, cmax : int
        Pass as ``marker=dict(color=codes, colorscale=colorscale, cmin=cmin, cmax=cmax)``.
    """
    resp = np.atleast_2d(np.asarray(resp, dtype=float))
    c = codec(resp.shape[1], palette, levels)
    return c.encode(resp), c.colorscale, c.cmin, c.cmax

"""The component palette: ten colours apart from each other and from the NLL cursor, for
normal vision and for the three dichromacies.

Distances are CIEDE2000 (Sharma, Wu and Dalal 2005) between sRGB colours converted to CIELAB
under D65; colour-blind vision is simulated with Machado, Oliveira and Fernandes (2009) at
severity 1, applied in linear RGB. Both are written out here so that the test depends on no
colour library; each is checked against published values first.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gmmviz.figures import PALETTE
from gmmviz.figures._colors import hex_to_rgb
from gmmviz.figures._frames import CURSOR_COLOR

#: Least CIEDE2000 between any two of the palette and the cursor, for normal vision ...
MIN_DELTA_E = 12.0
#: ... and as each dichromat sees them (ten colours cannot all stay far apart there).
MIN_DELTA_E_DICHROMAT = 7.0

# sRGB (linear) -> XYZ, D65, and the D65 white point (IEC 61966-2-1).
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])
# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
_DICHROMAT = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _linear(color: str) -> np.ndarray:
    c = np.array(hex_to_rgb(color)) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIELAB of a linear sRGB colour."""
    xyz = _RGB_TO_XYZ @ np.clip(linear_rgb, 0.0, 1.0) / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1), after Sharma, Wu and Dalal (2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_hp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar_p, 1 + 0.015 * c_bar_p * t
    r_t = (-np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2))))
           * 2 * np.sqrt(c_bar_p**7 / (c_bar_p**7 + 25.0**7)))
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_hp / s_h
    return float(np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh))


def _seen(color: str, vision: str | None) -> np.ndarray:
    """CIELAB of ``color`` as normal vision (None) or a dichromat sees it."""
    linear = _linear(color)
    return _lab(linear if vision is None else _DICHROMAT[vision] @ linear)


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # pairs 1, 7, 17, 18 and 25 of Sharma, Wu and Dalal's table of test data
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_delta_e_2000_matches_the_published_test_data(lab1, lab2, expected):
    assert delta_e_2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_lab_of_known_colours():
    np.testing.assert_allclose(_lab(_linear("#FFFFFF")), [100, 0, 0], atol=1e-3)
    # sRGB red: L* 53.24, a* 80.09, b* 67.20
    np.testing.assert_allclose(_lab(_linear("#FF0000")), [53.24, 80.09, 67.20], atol=0.02)


@pytest.mark.parametrize("vision", sorted(_DICHROMAT))
def test_dichromat_simulation_keeps_greys_and_confuses_its_own_pair(vision):
    np.testing.assert_allclose(_DICHROMAT[vision].sum(axis=1), 1.0, atol=1e-5)
    grey = _seen("#777777", vision)
    np.testing.assert_allclose(grey, _seen("#777777", None), atol=0.01)


def test_a_red_green_pair_is_far_apart_for_normal_vision_and_close_for_a_deuteranope():
    red, green = "#D62728", "#2CA02C"
    assert delta_e_2000(_seen(red, None), _seen(green, None)) > 50
    assert delta_e_2000(_seen(red, "deuteranopia"), _seen(green, "deuteranopia")) < 15


@pytest.mark.parametrize("vision", [None, *sorted(_DICHROMAT)])
def test_palette_and_cursor_are_pairwise_apart(vision):
    colours = [*PALETTE, CURSOR_COLOR]
    least = MIN_DELTA_E if vision is None else MIN_DELTA_E_DICHROMAT
    close = [(a, b, round(delta_e_2000(_seen(a, vision), _seen(b, vision)), 1))
             for a, b in itertools.combinations(colours, 2)
             if delta_e_2000(_seen(a, vision), _seen(b, vision)) < least]
    assert not close, f"colours closer than {least} CIEDE2000 ({vision or 'normal'} vision)"


def test_palette_has_ten_colours_none_of_them_the_cursor():
    assert len(PALETTE) == 10 == len(set(PALETTE))
    assert CURSOR_COLOR.upper() not in {c.upper() for c in PALETTE}

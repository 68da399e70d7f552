"""One way to write a number on every page and figure: thousands separated by commas and a
fixed number of decimals, "3,306.59" (never "3306.59" beside "3,016.6").

NLLs, log-likelihoods, distortions and their differences take :data:`DECIMALS` decimals;
Plotly hover texts use :data:`D3_FORMAT`, the same format in d3's spelling.
"""

from __future__ import annotations

import math

#: Decimals of an NLL, a log-likelihood, a distortion and their differences.
DECIMALS = 2
#: The same format for Plotly's hovertemplate, e.g. ``"NLL = %{y:,.2f}"``.
D3_FORMAT = f",.{DECIMALS}f"


def format_number(value: float, decimals: int = DECIMALS, *, signed: bool = False) -> str:
    """``value`` with commas between thousands and ``decimals`` decimals.

    Parameters
    ----------
    value : float
    decimals : int, default DECIMALS
    signed : bool, default False
        Write "+" before a positive value (and before a zero), as a change is written.

    Returns
    -------
    str
        E.g. "3,306.59", "-3,016.60", "+0.25"; "∞" or "-∞" for an infinite value and "—"
        for NaN. The minus is the ASCII hyphen, which Streamlit's metric reads as a fall.
    """
    value = float(value)
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return ("-" if value < 0 else "+" if signed else "") + "∞"
    if round(value, decimals) == 0:
        value = 0.0  # "-0.00" says no more than "0.00"
    return f"{value:{'+' if signed else ''},.{decimals}f}"

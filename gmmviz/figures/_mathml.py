"""Small MathML builders for the step panel: the browser typesets them natively (MathML Core),
so nothing is fetched at run time.

Every function returns a string of MathML markup; :func:`math` wraps a row in ``<math>``.
"""

from __future__ import annotations

import html
import math as _math
from collections.abc import Iterable

import numpy as np


def mi(name: str) -> str:
    """An identifier (italic when one letter, as MathML does)."""
    return f"<mi>{html.escape(name)}</mi>"


def mn(value: int | str) -> str:
    return f"<mn>{html.escape(str(value))}</mn>"


def mspace(width: str = "1em") -> str:
    return f'<mspace width="{width}"></mspace>'


def msup(base: str, exponent: str) -> str:
    return f"<msup>{base}{exponent}</msup>"


def mo(op: str) -> str:
    return f"<mo>{html.escape(op)}</mo>"


def mtext(text: str) -> str:
    return f"<mtext>{html.escape(text)}</mtext>"


def num(value: float, digits: int = 4) -> str:
    """A number: plain when it reads well, else ``m × 10^e``; thin signs kept as MathML."""
    v = float(value)
    if not _math.isfinite(v):
        return mi("∞" if v > 0 else "−∞") if not _math.isnan(v) else mtext("undefined")
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        text = f"{v:.{digits}g}"
        sign = "−" if text.startswith("-") else ""
        return (mo(sign) if sign else "") + f"<mn>{text.lstrip('-')}</mn>"
    exp = int(_math.floor(_math.log10(abs(v))))
    mant = v / 10.0**exp
    if round(abs(mant), digits - 1) >= 10:  # 9.9996e-5 rounds up to 10.00
        mant, exp = mant / 10, exp + 1
    sign = mo("−") if mant < 0 else ""
    return (f"<mrow>{sign}<mn>{abs(mant):.{max(digits - 1, 0)}f}</mn><mo>×</mo>"
            f"<msup><mn>10</mn><mrow><mo>−</mo><mn>{-exp}</mn></mrow></msup></mrow>"
            if exp < 0 else
            f"<mrow>{sign}<mn>{abs(mant):.{max(digits - 1, 0)}f}</mn><mo>×</mo>"
            f"<msup><mn>10</mn><mn>{exp}</mn></msup></mrow>")


def fixed(value: float, decimals: int = 3) -> str:
    """A number with a fixed number of decimals (γ to 3 decimals, for example)."""
    v = float(value)
    text = f"{v:.{decimals}f}"
    return (mo("−") if text.startswith("-") else "") + f"<mn>{text.lstrip('-')}</mn>"


def row(*parts: str) -> str:
    return "<mrow>" + "".join(parts) + "</mrow>"


def sub(base: str, index: str) -> str:
    return f"<msub>{base}{index}</msub>"


def frac(top: str, bottom: str) -> str:
    """A fraction at full size, also inside tables."""
    return f'<mstyle displaystyle="true"><mfrac>{top}{bottom}</mfrac></mstyle>'


def coloured(part: str, color: str) -> str:
    return f'<mrow style="color:{html.escape(color)}">{part}</mrow>'


def vector(values: Iterable[float], digits: int = 4) -> str:
    """A point as ``(a, b)``."""
    inner = mo(",").join(num(v, digits) for v in values)
    return row(mo("("), inner, mo(")"))


def matrix(m: np.ndarray, digits: int = 3) -> str:
    """A 2 x 2 matrix in brackets."""
    rows = "".join("<mtr>" + "".join(f"<mtd>{num(v, digits)}</mtd>" for v in r) + "</mtr>"
                   for r in np.asarray(m, dtype=float))
    return row(mo("["), f"<mtable>{rows}</mtable>", mo("]"))


def aligned(lines: Iterable[tuple[str, str]]) -> str:
    """Equations in a block, each a (left side, rest) pair, lined up on the rest."""
    rows = "".join(f"<mtr><mtd>{lhs}</mtd><mtd>{rhs}</mtd></mtr>" for lhs, rhs in lines)
    return math(f'<mtable columnalign="right left">{rows}</mtable>')


def math(*parts: str, block: bool = True) -> str:
    display = ' display="block"' if block else ""
    return f"<math{display}>" + "".join(parts) + "</math>"

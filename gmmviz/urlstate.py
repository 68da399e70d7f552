"""The app's state as URL query parameters: parse with fallbacks and warnings, and encode.

A parameter that is missing takes its default silently; one that is present but invalid takes
its default and yields a warning sentence for the page to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DATA_SOURCES = ("textbook", "blobs", "anisotropic", "varied", "unequal", "moons", "circles",
                "noise", "outliers", "upload")
# URL value -> fit_gmm's init ("manual" means explicit weights, means and covariances).
INIT_NAMES = {
    "notes-a": "notes-a",
    "notes-a2": "notes-a2",
    "notes-b": "notes-b",
    "random": "random",
    "random-resp": "random_resp",
    "kmeans": "kmeans",
    "kmeans-pp": "k-means++",
    "identical": "identical",
    "manual": "manual",
}
COV_TYPES = ("full", "diag", "spherical", "tied")


@dataclass(frozen=True)
class Param:
    """One query parameter: its default and what values it accepts.

    ``kind`` is "choice" (one of ``choices``), "int" or "float" (within [low, high]), or
    "list" (comma-separated values, each one of ``choices``, between ``low`` and ``high`` of them).
    """

    default: Any
    kind: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    help: str = ""

    def parse(self, raw: str) -> Any:
        """The value for ``raw``; raises ValueError with a reason when it is not acceptable."""
        if self.kind == "choice":
            if raw not in self.choices:
                raise ValueError(f"it must be one of {', '.join(self.choices)}")
            return raw
        if self.kind == "list":
            items = [s for s in raw.split(",") if s]
            if self.choices and any(s not in self.choices for s in items):
                raise ValueError(f"each value must be one of {', '.join(self.choices)}")
            self._check_range(len(items), "the number of values")
            return items
        value: float | int
        try:
            value = int(raw) if self.kind == "int" else float(raw)
        except ValueError:
            raise ValueError(f"it must be {'a whole number' if self.kind == 'int' else 'a number'}"
                             ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("it must be a finite number")
        self._check_range(value, "it")
        return value

    def _check_range(self, value: float, what: str) -> None:
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ValueError(f"{what} must be between {_fmt(self.low)} and {_fmt(self.high)}")

    def encode(self, value: Any) -> str:
        if self.kind == "list":
            return ",".join(str(v) for v in value)
        return _fmt(value) if self.kind == "float" else str(value)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


# The explorer's parameters; other pages reuse these names and add their own.
EXPLORER: dict[str, Param] = {
    "data": Param("textbook", "choice", DATA_SOURCES),
    "n": Param(500, "int", low=10, high=50_000),
    "seed": Param(0, "int", low=0, high=2**31 - 1),
    "k": Param(3, "int", low=1, high=10),
    "init": Param("notes-b", "choice", tuple(INIT_NAMES)),
    "cov": Param("full", "choice", COV_TYPES),
    "iters": Param(100, "int", low=0, high=500),
    "tol": Param(1e-4, "float", low=0.0, high=1.0),
    "reg": Param(1e-6, "float", low=0.0, high=10.0),
}


def parse_query(
    query: Mapping[str, Any], schema: Mapping[str, Param]
) -> tuple[dict[str, Any], list[str]]:
    """Values for every parameter of ``schema`` from a query mapping, and warning sentences.

    Parameters
    ----------
    query : mapping of str to str (or list of str: the last one counts)
    schema : mapping of str to Param

    Returns
    -------
    values : dict
        Every name of ``schema``; invalid or missing values replaced by the default.
    warnings : list of str
        One sentence per invalid value, saying what was used instead.
    """
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for name, param in schema.items():
        raw = query.get(name)
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else None
        if raw is None:
            values[name] = param.default
            continue
        try:
            values[name] = param.parse(str(raw).strip())
        except ValueError as why:
            values[name] = param.default
            warnings.append(
                f"The link's value {name}={raw!r} was not used ({why}); "
                f"showing the default {name}={param.encode(param.default)} instead."
            )
    return values, warnings


def to_query(values: Mapping[str, Any], schema: Mapping[str, Param]) -> dict[str, str]:
    """Query parameters (as strings) for the values of every parameter of ``schema``."""
    return {name: param.encode(values[name]) for name, param in schema.items() if name in values}

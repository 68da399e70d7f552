"""What a page shows in words, read from a headless run (AppTest), and the English words left
in it when the page speaks Korean.

Every element of the page is read: texts, labels, help texts, options, tables' headers, the
figures' titles, axes, legends, annotations and hover texts, and the step player's data (its
frame names, button words and step panels). Maths is left out: LaTeX commands, MathML symbols
(``<mi>``, ``<mo>``, ``<mn>``; an ``<mtext>``'s words are read), numbers.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

#: Latin words a Korean page may show: names the notes keep in Latin letters, file formats,
#: units and the maths' own names.
ALLOWED = frozenset({
    "EM", "K-means", "GMM", "BIC", "AIC", "CSV", "GIF", "JSON", "PNG", "HTML", "ZIP", "NLL",
    "KL", "ELBO", "ln", "log", "exp", "det", "max", "min", "argmax", "argmin", "tr", "diag",
    "ms", "px", "MB", "KB", "GB", "kB", "nats", "English", "gmmviz", "scikit-learn",
    "full", "tied", "spherical",  # covariance_type values, shown beside their Korean names
    "Okabe-Ito", "Tol", "CIEDE2000", "URL", "Undo", "Redo", "Shift", "Space", "PageUp",
    "PageDown", "Esc", "Enter", "Tab", "iid", "i.i.d", "mm", "cm", "Adelie", "Chinstrap",
    "Gentoo", "setosa", "versicolor", "virginica", "Ctrl", "Cmd", "UTF-8", "TSV", "tol",
    "reg_covar", "max_iter", "n_components", "random_state", "eps", "ARI", "sd", "None",
    # names the library's messages quote: software, file formats, data sets' authors, and its
    # own parameters (θ_old, γ_nk's subscripts are symbols)
    "NumPy", "numpy", "SQLite", "gzip", "xz", "Zip", "zstd", "Excel", "OpenDocument", "Python",
    "pickle", "Parquet", "DataFrame", "datasets", "faithful", "Härdle", "rdle", "Azzalini",
    "Bowman", "Fisher", "palmerpenguins", "Horst", "Hill", "Gorman", "mclust", "mu", "sigma",
    "pi", "low", "high", "size", "scale", "reduce", "mean", "format", "new", "old", "nk",
    "covariance_type", "means_init", "weights_init", "precisions_init", "n_init", "init",
})

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[-'.][A-Za-z0-9_]+)*")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: Plotly keys whose strings are read (titles, names, texts); other keys are styling.
_PLOTLY_TEXT_KEYS = frozenset({"text", "title", "name", "hovertemplate", "hovertext", "label",
                               "ticktext", "legendgrouptitle"})
#: Keys of a component's data that hold no words (colours, styles, code, ids, numbers).
_SKIP_KEYS = frozenset({"color", "colors", "colour", "fill", "stroke", "css", "js", "id",
                        "key", "font", "dash", "symbol", "url", "href", "src", "mode", "type",
                        "testid", "class", "style", "palette", "colorscale", "format",
                        "js_content", "css_content", "js_source_path", "css_source_path",
                        "component_name", "form_id", "arrow_data", "bytes", "data_uri",
                        "image", "png", "raster", "icon", "theme", "selection_mode",
                        "width", "height", "alignment", "gap", "pinned", "lang"})


def has_hangul(text: str) -> bool:
    """Whether ``text`` has a Hangul syllable."""
    return bool(_HANGUL.search(text))


def _strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string under ``value`` (a decoded JSON value), except under styling keys."""
    if key.lower() in _SKIP_KEYS or key.lower().endswith(("color", "colors", "css", "id")):
        return
    if isinstance(value, str):
        stripped = value.strip()
        if len(stripped) > 40 and " " not in stripped:  # an encoded blob
            return
        if stripped[:1] in "{[" and stripped[-1:] in "}]":
            try:
                yield from _strings(json.loads(stripped), key)
                return
            except ValueError:
                pass
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, str(k))
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v, key)


def _plotly_strings(value: Any, key: str = "") -> Iterator[str]:
    """The words of a Plotly figure's JSON: titles, names, texts and hover templates."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _PLOTLY_TEXT_KEYS and not isinstance(v, dict):
                yield from (s for s in _strings(v) if isinstance(s, str))
            elif k == "template":  # the theme's styling, no words of the page
                continue
            else:
                yield from _plotly_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _plotly_strings(v, key)


def _table_headers(node: Any, fields: dict) -> list[str]:
    """A table's column headers that its column configuration does not relabel."""
    try:
        frame = node.value
        columns = [str(c) for c in frame.columns]
    except Exception:  # not a table
        return []
    try:
        config = json.loads(fields.get("columns", "") or "{}")
    except ValueError:
        config = {}
    relabelled = {name for name, c in config.items() if isinstance(c, dict) and c.get("label")}
    return [c for c in columns if c not in relabelled and not re.fullmatch(r"_?index|\d+", c)]


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows, one string per element's field."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            fields = MessageToDict(proto, preserving_proto_field_name=True)
            spec = fields.pop("spec", None) if "figure" not in fields else None
            figure = fields.get("figure", {}).get("spec") if isinstance(fields.get("figure"),
                                                                        dict) else None
            for blob in (spec, figure):
                if isinstance(blob, str):
                    try:
                        out.extend(_plotly_strings(json.loads(blob)))
                    except ValueError:
                        pass
            fields.pop("figure", None)
            out.extend(_strings(fields))
            out.extend(_table_headers(node, fields))
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else ()):
            walk(child)

    walk(at._tree)
    return out


def _maths_words(match: re.Match) -> str:
    """The words of a LaTeX formula: those of its \\text{...} and the like, nothing else."""
    return " ".join(re.findall(r"\\(?:text|mathrm|textrm|operatorname|textbf)\{([^}]*)\}",
                               match.group(0)))


def _words_of(text: str) -> Iterable[str]:
    """The Latin words of a shown text, with markup, maths and links left out."""
    text = re.sub(r"<math\b.*?</math>",
                  lambda m: " ".join(re.findall(r"<mtext[^>]*>(.*?)</mtext>", m.group(0), re.S)),
                  text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = re.sub(r"https?://\S+|data:\S+", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # markdown links: their text only
    text = re.sub(r"`[^`]*`", " ", text)  # code: URL parameters and names as typed
    text = re.sub(r"\$\$?[^$]*\$\$?", _maths_words, text)  # LaTeX: its \text{} words only
    text = re.sub(r"\\(begin|end)\{[a-z*]+\}", " ", text)  # LaTeX environments
    text = re.sub(r"\\(text|mathrm|textrm|operatorname)\{([^}]*)\}", r" \2 ", text)
    text = re.sub(r"\\[A-Za-z]+", " ", text)  # other LaTeX commands
    text = re.sub(r":material/[a-z_]+:", " ", text)  # icons
    text = re.sub(r":[a-z]+(-background)?\[", "[", text)  # colour directives: :orange[...]
    text = re.sub(r"%\{[^}]*\}|<extra>.*?</extra>", " ", text)  # Plotly hover fields
    # a name with an underscore is code (random_state, covariances_init): kept as typed
    # a file's extension (.npy) is typed as it is, too
    text = re.sub(r"(?<![A-Za-z0-9])\.[a-z0-9]{2,5}\b", " ", text)
    yield from (w for w in _WORD.findall(text) if "_" not in w and "." not in w.strip("."))


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of one shown text: its Latin words of two letters or more, other
    than :data:`ALLOWED` (and ``allowed``), symbols with digits (s01, x1) and element enums."""
    ok = ALLOWED | set(allowed)
    if not re.search(r"[A-Za-z]{2}", text) or re.fullmatch(r"[A-Z][A-Z0-9_]*", text.strip()):
        return []  # no word, or an element's enum (ALIGN_CENTER)
    words = []
    for word in _words_of(text):
        bare = word.strip("'.")
        if len(bare) < 2 or bare in ok or bare.lower() in ok:
            continue
        if re.fullmatch(r"[A-Za-z]?[0-9.]+[A-Za-z]?|[A-Za-z]{1,2}[0-9]+|0x[0-9a-f]+"
                        r"|e[-+]?[0-9]+", bare):  # numbers and symbols with digits
            continue
        if re.fullmatch(r"[A-Z][A-Z0-9]{1,4}(-[0-9]+)?", bare):  # an acronym: JPEG, HDF5, UTF-8
            continue
        words.append(bare)
    return words


def leftover_english(at: AppTest, allowed: Iterable[str] = ()) -> dict[str, str]:
    """English words on a page that speaks Korean: word -> the text it was found in (see
    :func:`english_words`)."""
    found: dict[str, str] = {}
    for text in page_texts(at):
        if isinstance(text, str):
            for word in english_words(text, allowed):
                found.setdefault(word, text[:160])
    return found

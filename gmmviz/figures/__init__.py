"""Plotly figures of recorded runs: EM animations, NLL curves, responsibility bars."""

from gmmviz.figures._animation import (
    PLAYBACK_PAGE_JS,
    animation_html,
    frame_controls,
    playback_controls,
)
from gmmviz.figures._colors import GRAY, PALETTE, ColorCodec, blend, codec, quantize
from gmmviz.figures._geometry import axis_range, ellipse_xy, ellipses_path
from gmmviz.figures.compare import compare_figure, nll_overlay, restarts_figure, selection_figure
from gmmviz.figures.em import em_figure, nll_figure, responsibility_bars
from gmmviz.figures.kmeans import eps_sweep_figure, hard_soft_figure, kmeans_figure, limit_figure
from gmmviz.figures.teaching import (
    bound_figure,
    coin_figure,
    gaussian_log_likelihood_figure,
    gaussian_points_figure,
)

__all__ = [
    "PLAYBACK_PAGE_JS",
    "GRAY",
    "PALETTE",
    "ColorCodec",
    "axis_range",
    "blend",
    "bound_figure",
    "codec",
    "compare_figure",
    "coin_figure",
    "ellipse_xy",
    "ellipses_path",
    "em_figure",
    "eps_sweep_figure",
    "gaussian_log_likelihood_figure",
    "gaussian_points_figure",
    "hard_soft_figure",
    "kmeans_figure",
    "limit_figure",
    "nll_figure",
    "nll_overlay",
    "animation_html",
    "frame_controls",
    "playback_controls",
    "quantize",
    "responsibility_bars",
    "restarts_figure",
    "selection_figure",
]

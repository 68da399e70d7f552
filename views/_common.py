"""The parts the pages share, under one name (``from views import _common as ui``).

Each lives in its own module, by concern:

- :mod:`views._urlstate`: the URL parameters, their parsing and the widgets kept in step
- :mod:`views._data`: the data controls (generated data sets, uploads)
- :mod:`views._em_controls`: the EM controls and the fit request they build
- :mod:`views._manual`: the manual start's table
- :mod:`views._cache`: cached fits and figures, and the last good fit
- :mod:`views._work`: work budgets, progress and Stop
- :mod:`views._page`: the page element (CSS, playback keys, the rerun after the first figure)
- :mod:`views._equations`: the notes' equations
- :mod:`views._exports`: download buttons for a run's CSV and JSON
"""

from gmmviz.figures.compare import COV_NAMES
from gmmviz.starts import GMM_START_LABELS as INIT_LABELS  # noqa: F401  (the starts' labels)
from views._cache import (  # noqa: F401  (the caches themselves, to clear them)
    CALLS,
    _em_figure,
    _fit_gmm,
    _player_data,
    cached_em_figure,
    cached_fit,
    cached_kmeans,
    cached_player,
    cached_step_html,
    data_digest,
    fit_key,
    fit_notice,
    fit_or_last_good,
    fit_or_notice,
)
from views._data import class_agreement, data_source_controls, true_classes
from views._em_controls import (
    COV_LABELS,
    EM_HELP,
    INIT_HELP,
    EMControls,
    FitRequest,
    gmm_controls,
    init_control,
    init_help,
    k_control,
    preset_request,
    settings_controls,
    start_label,
    start_source,
)
from views._equations import equations_block, tex_number
from views._exports import export_buttons, panels_export_buttons, picture_buttons, step_label
from views._manual import ManualStart, manual_start_editor
from views._page import page_element, page_top, presenting, tab_in_language
from views._urlstate import (
    COV_TYPES,
    EDIT_PARAMS,
    EXPLORER,
    EXPLORER_EXTRA,
    EXPLORER_SCHEMA,
    FROM_LINK,
    INIT_ALIASES,
    INIT_CHOICES,
    PLAYER_PARAMS,
    Param,
    assign_widget_keys,
    current_values,
    from_widget,
    sync_url,
    url_state,
)
from views._work import (
    ITERATIONS,
    POINTS,
    Lever,
    Notice,
    NoticeKind,
    Setting,
    Work,
    with_points,
)

__all__ = [
    "EDIT_PARAMS",
    "CALLS",
    "FROM_LINK",
    "PLAYER_PARAMS",
    "COV_LABELS",
    "COV_NAMES",
    "COV_TYPES",
    "EM_HELP",
    "EMControls",
    "EXPLORER",
    "EXPLORER_EXTRA",
    "EXPLORER_SCHEMA",
    "FitRequest",
    "INIT_ALIASES",
    "INIT_CHOICES",
    "INIT_HELP",
    "ITERATIONS",
    "Lever",
    "Notice",
    "NoticeKind",
    "POINTS",
    "Setting",
    "Work",
    "ManualStart",
    "Param",
    "assign_widget_keys",
    "cached_em_figure",
    "cached_player",
    "cached_step_html",
    "cached_fit",
    "cached_kmeans",
    "class_agreement",
    "current_values",
    "data_digest",
    "data_source_controls",
    "equations_block",
    "export_buttons",
    "fit_key",
    "fit_notice",
    "fit_or_last_good",
    "fit_or_notice",
    "from_widget",
    "gmm_controls",
    "init_control",
    "init_help",
    "k_control",
    "manual_start_editor",
    "page_element",
    "page_top",
    "presenting",
    "tab_in_language",
    "panels_export_buttons",
    "picture_buttons",
    "preset_request",
    "settings_controls",
    "start_label",
    "start_source",
    "step_label",
    "sync_url",
    "tex_number",
    "true_classes",
    "url_state",
    "with_points",
]

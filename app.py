"""gmmviz: a visual explorer of K-means and Gaussian mixtures fitted by EM."""

import streamlit as st

from gmmviz.i18n import _, set_language
from views._urlstate import link_language

st.set_page_config(page_title="gmmviz", page_icon=":material/bubble_chart:", layout="wide")
set_language(link_language())  # the navigation's words; each page sets it again from its URL

st.navigation(
    {
        _("Explore"): [
            st.Page("views/explorer.py", title=_("Explorer"), icon=":material/scatter_plot:",
                    default=True),
            st.Page("views/compare.py", title=_("Compare starts"), icon=":material/view_column:"),
        ],
        _("The notes, step by step"): [
            st.Page("views/supervised.py", title=_("1 · With labels and without"),
                    icon=":material/label:"),
            st.Page("views/kmeans.py", title=_("2 · K-means"), icon=":material/hub:"),
            st.Page("views/gaussian.py", title=_("3 · The Gaussian in 2-D"),
                    icon=":material/blur_on:"),
            st.Page("views/hard_em.py", title=_("4 · Hard EM, then soft"),
                    icon=":material/call_split:"),
            st.Page("views/latent.py", title=_("5 · z, then x"), icon=":material/shuffle:"),
            st.Page("views/mstep.py", title=_("6 · The M-step, derived"),
                    icon=":material/functions:"),
            st.Page("views/limit.py", title=_("7 · K-means as a limit of EM"),
                    icon=":material/compress:"),
            st.Page("views/jensen.py", title=_("8 · Jensen's inequality"),
                    icon=":material/show_chart:"),
            st.Page("views/kl.py", title=_("9 · KL divergence"), icon=":material/compare_arrows:"),
            st.Page("views/bound_curve.py", title=_("10 · The bound touches ln p"),
                    icon=":material/vertical_align_top:"),
            st.Page("views/lower_bound.py", title=_("11 · Why EM climbs"),
                    icon=":material/trending_up:"),
            st.Page("views/likelihood.py", title=_("12 · Likelihood from scratch"),
                    icon=":material/casino:"),
            st.Page("views/five_points.py", title=_("13 · Five points, orange and blue"),
                    icon=":material/looks_5:"),
        ],
    },
    expanded=True,  # every page of the notes listed, none behind "View more"
).run()

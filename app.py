"""gmmviz: a visual explorer of K-means and Gaussian mixtures fitted by EM."""

import streamlit as st

st.set_page_config(page_title="gmmviz", page_icon=":material/bubble_chart:", layout="wide")

st.navigation(
    {
        "Explore": [
            st.Page("views/explorer.py", title="Explorer", icon=":material/scatter_plot:",
                    default=True),
            st.Page("views/compare.py", title="Compare starts", icon=":material/view_column:"),
        ],
        "The notes, step by step": [
            st.Page("views/kmeans.py", title="1 · K-means", icon=":material/hub:"),
            st.Page("views/limit.py", title="2 · K-means as a limit of EM",
                    icon=":material/compress:"),
            st.Page("views/lower_bound.py", title="3 · Why EM climbs",
                    icon=":material/trending_up:"),
            st.Page("views/likelihood.py", title="4 · Likelihood from scratch",
                    icon=":material/casino:"),
        ],
    }
).run()

"""Baseline for benchmarks/latency.py: one slider that redraws one chart of ``n`` points."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

n = int(st.query_params.get("n", 100))
X = np.random.default_rng(0).normal(size=(n, 2))
k = st.slider("Number of components k", 1, 10, 3, key="k")
colors = np.arange(n) % k
fig = go.Figure(go.Scattergl(x=X[:, 0], y=X[:, 1], mode="markers",
                             marker={"color": colors, "colorscale": "Viridis"}))
fig.update_layout(title=f"k = {k}", height=600)
st.plotly_chart(fig)

"""Baseline for benchmarks/first_figure.py: one trivial Plotly chart with three points."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 1, 0], mode="markers")))

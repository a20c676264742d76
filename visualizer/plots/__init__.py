"""The pictures: pure builders that turn the maths' results into Plotly figures and Altair charts.

Nothing here imports Streamlit; the views in visualizer/ui/ show what these return.
"""

"""RNN Visualizer library, in three layers:

- ``visualizer.maths``: pure NumPy — cells and their exact backward passes, encoding, gradients, training;
- ``visualizer.plots``: pure figure builders (Plotly and Altair) over the maths' results;
- ``visualizer.ui``: the Streamlit views, one module per page. Only this package imports Streamlit.

``visualizer.state`` is the one table of shareable settings and its URL round trip.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets"

"""RNN Visualizer library: pure NumPy maths and pure figure builders; ui.py is the only Streamlit module."""

"""The maths: pure NumPy recurrent cells, their exact backward passes, encoding, gradients, training, tasks.

Nothing here imports Streamlit or Plotly.
"""

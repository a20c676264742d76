"""Pure results per teaching lab, one package each:

- ``explorer``: one sequence through one cell, forward and backward, step by step (BPTT, gates);
- ``gradients``: vanishing and exploding gradients through time, W_hh, the presets' numbers;
- ``sequences``: the five sequence types, their small tasks and networks;
- ``memory_proof``: what a trained network predicts that a memoryless model cannot;
- ``long_lags``: long-lag tasks, the cell race, the sequential limit;
- ``training``: training a language model on text, and what it predicts.

No Streamlit, no plots: the pages draw these results.
"""

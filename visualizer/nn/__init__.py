"""The networks and their exact backward passes, in pure NumPy.

- ``rnn``: the vanilla (Elman) cell, its activations, the loss, clipping;
- ``gated``: the LSTM and the GRU;
- ``cells``: the cell contract (`Cell`, a Protocol) and the registry ``CELLS`` every lab reads;
- ``attention``: global dot-product attention over an encoder's states;
- ``optim``: SGD, Adagrad, Adam.

Nothing here imports Streamlit, Plotly or the rest of the library.
"""

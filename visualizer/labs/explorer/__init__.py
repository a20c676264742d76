"""The explorer lab: one sequence through one cell, forward, loss and back-propagation through time."""

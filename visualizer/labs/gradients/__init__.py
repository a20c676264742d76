"""The gradients lab: vanishing and exploding gradients through time, measured beside the theory."""

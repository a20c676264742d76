"""The training lab: a language model trained on text in chunks of steps, the shipped models, prediction."""

"""The sequence-types lab: the five input/output shapes, their small tasks, networks and inference."""

"""The memory-proof lab: a trained network against memoryless baselines, contrast pairs, occlusion."""

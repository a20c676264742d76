"""What a unit remembers: the story's properties per token, unit finder, switching units off, attributions."""

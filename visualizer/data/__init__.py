"""Text and files: tokenising and encoding, the training corpus, safe ``.npz`` loading, trained-model files and the
registry of the models shipped with the app. Pure Python and NumPy.
"""

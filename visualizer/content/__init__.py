"""Every sentence a student reads that the maths would otherwise write: gallery and examples, notices, preset notes.

Pure Python: the labs return data (codes and numbers) and these modules turn them into sentences.
"""

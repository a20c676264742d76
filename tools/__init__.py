"""Developer tools run on demand (load test), not part of the app or the default test run."""

"""Maintenance the command line runs: migrations, backup and restore, the demo, synthetic data for benchmarks.

Nothing here is called by a request; views never import this package."""

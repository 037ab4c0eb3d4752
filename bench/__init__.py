"""Benchmarks: scripts that print figures (run with `python3 dev.py bench <name>`)."""

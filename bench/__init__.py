"""Benchmarks: each measures Jejak beside the raw database baseline taken in the same run.

Run one with `.venv/bin/python -m bench.<name>`; results land in `bench/results/<name>.json`.
"""

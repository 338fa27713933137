"""Benchmarks, run as ``python -m benchmarks.NAME``; the last stdout line is one JSON object."""

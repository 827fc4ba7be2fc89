"""Benchmarks: run each module as a script; figures in docs/benchmarks.md."""

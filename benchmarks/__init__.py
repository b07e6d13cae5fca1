"""Benchmarks of policyengine against the raw engine and its peers (see docs/performance.md).

Run ``python benchmarks/run.py``; the modules here are importable (``from benchmarks import
generate``) from the repository root.
"""

"""Sweeps: evaluate every combination (or a sample) of variations of a scenario, in parallel.

* :mod:`variations`: the variation file (dimensions and their values) and its validation.
* :mod:`runner`: worker processes that each load and compile once and evaluate many variants,
  streaming results to CSV or JSON Lines and surviving Ctrl-C with what was finished.
* :mod:`summary`: how often each recommendation fires, and which dimensions drive it.
"""

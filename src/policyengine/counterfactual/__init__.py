"""Counterfactuals: what would have to change in the world for a recommendation to change.

* :mod:`changes`: the change vocabulary (remove, alter or add one scenario fact or part of one)
  and how a set of changes is applied to a loaded scenario, validated like a file would be.
* :mod:`evaluator`: re-evaluation of changed scenarios, the only truth the answers rest on.
* :mod:`candidates`: which changes could matter, read off the rules' conditions, the supports
  of present outcomes and the near misses of absent ones.
* :mod:`whatif`: the bounded search for minimal change sets, each verified by re-evaluation.
* :mod:`sensitivity`: which facts carry which recommendations (load-bearing assumptions).
"""

from policyengine.counterfactual.changes import (
    Change,
    ChangeError,
    add,
    alter,
    apply_changes,
    find_fact,
    get_path,
    removal_with_dependents,
    section_of,
)
from policyengine.counterfactual.evaluator import Evaluator

__all__ = [
    "Change",
    "ChangeError",
    "Evaluator",
    "add",
    "alter",
    "apply_changes",
    "find_fact",
    "get_path",
    "removal_with_dependents",
    "section_of",
]

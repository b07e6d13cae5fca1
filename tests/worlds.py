"""Loaded scenarios rearranged for property tests: facts shuffled, or some removed at random."""

from __future__ import annotations

import copy
import random

from policyengine.models.scenario import SECTIONS
from policyengine.validation.scenario import LoadedScenario


def shuffled(loaded: LoadedScenario, seed: int) -> LoadedScenario:
    """The same world with every list of facts in another order."""
    rnd = random.Random(seed)
    updates = {}
    for section in SECTIONS:
        items = list(getattr(loaded.scenario, section.key))
        rnd.shuffle(items)
        updates[section.key] = items
    new = copy.copy(loaded)
    new.scenario = loaded.scenario.model_copy(update=updates)
    return new


def thinned(loaded: LoadedScenario, seed: int, keep: float) -> LoadedScenario:
    """The world with each fact kept with probability ``keep``."""
    rnd = random.Random(seed)
    updates = {s.key: [f for f in getattr(loaded.scenario, s.key) if rnd.random() < keep] for s in SECTIONS}
    new = copy.copy(loaded)
    new.scenario = loaded.scenario.model_copy(update=updates)
    return new

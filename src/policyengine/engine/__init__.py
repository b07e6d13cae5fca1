"""The rule engine: the only package that imports durable-rules.

``prepare(compiled)`` registers a compiled pack once; ``PreparedPack.evaluate(loaded)`` evaluates
a scenario in an isolated session and returns a :class:`~policyengine.engine.results.Result`.
"""

from policyengine.engine.runtime import PreparedPack, prepare

__all__ = ["PreparedPack", "prepare"]

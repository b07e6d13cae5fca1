"""Compiling rule packs: named stages from validated models to durable-rules rulesets.

``resolve`` checks references, variables, fields, operators and templates; ``stratify`` orders
rules so that negation and counting only look at complete sets of facts; ``emit`` writes the
durable-rules JSON. Nothing here imports durable-rules: the engine package registers the output.
"""

from policyengine.compiler.pipeline import STAGES, CompiledPack, compile_pack

__all__ = ["STAGES", "CompiledPack", "compile_pack"]

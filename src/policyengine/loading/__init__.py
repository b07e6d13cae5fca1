"""Reading files: bytes -> located YAML trees -> scenario and rule-pack documents (no validation).

``Limits`` bounds what a file may cost to read (size, depth, aliases, nodes); pass your own to
``load_scenario(path, limits=Limits(max_bytes=...))`` to read larger files.
"""

from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits

__all__ = ["DEFAULT_LIMITS", "Limits"]

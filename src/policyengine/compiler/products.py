"""Stage ``products``: rules whose conditions fall into independent groups are matched group by group.

A rule whose conditions split into groups that share no variable matches once per combination
of the groups' matches: ``link-partner`` pairs every engaged RAA partner with every elevated
all-ally framework. When what the rule produces (its target, or the fields it derives) reads
variables of one group only, the other groups only say *that* something exists: the rule's
outcomes are decided by the first group (the *key* group) and the mere presence of a match in
each other group. The engine then needs no combination at all: each group is registered as a
rule of its own (``r<index>g<j>``), the runtime records each group's matches, and a support is
kept as a product, one match of the key group times every match of each other group
(``engine.runtime.Support``), never expanded. Matches grow as the sum of the groups' sizes,
not their product.

Groups are found on every condition (``match``, ``absent``, ``count``): a condition that refers
to a variable joins the group that binds it, whatever the comparison. The ``scenario`` fact is
one per evaluation, so a condition on it joins no group: it is repeated in every group that
refers to its variable (each binds the same fact), and kept with the key group otherwise.
Conditions that refer to no variable and bind none (an ``absent`` or ``count`` over all facts)
stay with the key group.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable
from typing import TypeVar

from policyengine.compiler.ir import CondIR, Ref, RuleIR

K = TypeVar("K", bound=Hashable)

#: fact kinds that are one per evaluation (rules read the as_of date from ``scenario``)
SINGLETONS = frozenset({"scenario"})


def _refs(c: CondIR) -> set[str]:
    return {t.value.var for t in c.tests if isinstance(t.value, Ref)}


def joined(keys: Iterable[K], links: Iterable[tuple[K, K]]) -> dict[K, K]:
    """Each key's representative once every linked pair is joined (a union-find): two keys share
    one when a chain of links ties them."""
    parent = {k: k for k in keys}

    def find(k: K) -> K:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in links:
        parent[find(a)] = find(b)
    return {k: find(k) for k in parent}


def _singleton(c: CondIR) -> bool:
    """A ``match`` of the one fact of its kind, tied to no variable: it joins no group."""
    return c.mode == "match" and c.kind in SINGLETONS and bool(c.var) and not _refs(c)


def _output_vars(r: RuleIR) -> set[str]:
    out = r.output
    values: list[object] = [v for _, spec in out.derive for v in spec.values()]
    if out.recommend is not None:
        values.append(out.recommend.get("target"))
    if out.risk is not None:
        values.append(out.risk.get("target"))
    return {v.var for v in values if isinstance(v, Ref)}


def product_groups(r: RuleIR) -> tuple[tuple[int, ...], ...]:
    """The condition indexes of each group, the key group first; ``()`` when the rule is matched
    whole (one group, or outputs that read variables of several groups)."""
    singles = [c for c in r.conditions if _singleton(c)]
    singleton_vars = {c.var for c in singles if c.var}
    members = [c for c in r.conditions if not _singleton(c)]
    binder = {c.var: c.index for c in members if c.var}
    find = joined(
        [c.index for c in members],
        [(c.index, binder[var]) for c in members for var in _refs(c) - singleton_vars if var in binder],
    ).__getitem__

    binding = [c for c in members if c.mode == "match" or (c.mode == "count" and c.at_least is not None)]
    roots: list[int] = []
    for c in binding:
        root = find(c.index)
        if root not in roots:
            roots.append(root)
    if len(roots) < 2:
        return ()
    used = _output_vars(r) - singleton_vars
    owners = {find(binder[v]) for v in used if v in binder}
    if len(owners) > 1:
        return ()  # the outputs combine groups: every combination is an outcome of its own
    key_root = owners.pop() if owners else roots[0]
    order = [key_root, *(root for root in roots if root != key_root)]
    groups: dict[int, list[int]] = {root: [] for root in order}
    for c in members:
        root = find(c.index)
        groups[root if root in groups else key_root].append(c.index)
    read_by_output = _output_vars(r)
    for c in singles:
        readers = [
            root
            for root in order
            if any(c.var in _refs(d) for d in r.conditions if d.index in groups[root])
            or (root == key_root and c.var in read_by_output)
        ]
        for root in readers or [key_root]:
            groups[root].append(c.index)
    return tuple(tuple(sorted(groups[root])) for root in order)


def assign_products(rules: list[RuleIR]) -> None:
    """Set ``rule.groups`` on every rule (see :func:`product_groups`)."""
    for r in rules:
        r.groups = product_groups(r)


def group_rule(r: RuleIR, indexes: tuple[int, ...]) -> RuleIR:
    """The rule restricted to one group's conditions (what the engine registers for the group)."""
    keep = set(indexes)
    return dataclasses.replace(r, conditions=[c for c in r.conditions if c.index in keep], groups=())

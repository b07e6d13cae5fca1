"""Stage ``stratify``: order rules so that negation and counting see complete sets of facts.

durable-rules fires a rule the moment its conditions match and never takes an action back, so
"no fact X" must not be tested before every X that will ever exist is in. Rules are placed in
strata: a rule's stratum is at least that of every kind it matches, and strictly above that of
every kind it negates or counts. The runtime opens stratum k only after stratum k-1 has
derived everything it can. A pack whose negations form a cycle has no such order: rejected.

Recommendations and risks are told apart by their action (risk kind) where a rule negates or
counts them: ``count: recommendation`` with ``where: {action: link-technology-cooperation}``
waits only for the rules that recommend that action, so a rule may count recommendations of
one action while making another. Without a literal action (or an ``in`` list of them) it waits
for every recommendation. Matches keep waiting for all of the kind, as before: a match needs no
complete set, and the strata of matching rules do not change.
"""

from __future__ import annotations

from collections import defaultdict

from policyengine.compiler.ir import CondIR, RuleIR
from policyengine.errors import DiagnosticSink

#: The field that names what an outcome fact is: a recommendation's action, a risk's kind.
_OUTCOME_NAME = {"recommendation": "action", "risk": "kind"}


def _named(kind: str, name: str) -> str:
    """The node of the outcomes of one action (risk kind), e.g. ``recommendation[action=X]``."""
    return f"{kind}[{_OUTCOME_NAME[kind]}={name}]"


def _heads(r: RuleIR) -> list[str]:
    """The nodes a rule produces: its derived kinds, outcome kinds and outcomes by action."""
    heads = set(r.produces())
    if r.output.recommend is not None:
        heads.add(_named("recommendation", str(r.output.recommend["action"])))
    if r.output.risk is not None:
        heads.add(_named("risk", str(r.output.risk["kind"])))
    return sorted(heads)


def _bodies(c: CondIR) -> list[str]:
    """The nodes a condition depends on: its kind, or for a negated or counted outcome whose
    action (risk kind) is given literally, the outcomes of those actions only."""
    name = _OUTCOME_NAME.get(c.kind)
    if name is None or c.mode == "match":
        return [c.kind]
    for t in c.tests:
        if t.field == name and t.op == "eq" and isinstance(t.value, str):
            return [_named(c.kind, t.value)]
        if t.field == name and t.op == "in" and all(isinstance(v, str) for v in t.value):
            return sorted({_named(c.kind, v) for v in t.value})
    return [c.kind]


def _edges(rules: list[RuleIR]) -> list[tuple[str, str, bool, RuleIR, CondIR]]:
    """(body node, head node, negative?, rule, condition) for every rule, condition and head."""
    out = []
    for r in rules:
        for head in _heads(r):
            for c in r.conditions:
                for body in _bodies(c):
                    out.append((body, head, c.mode != "match", r, c))
    return out


def _sccs(nodes: list[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Tarjan's strongly connected components, iteratively; node -> component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    counter = 0
    ncomp = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on.add(node)
            children = succ.get(node, [])
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            for child in children:
                if child in on and comp.get(child) is None:
                    low[node] = min(low[node], low[child])
            if low[node] == index[node]:
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp[w] = ncomp
                    if w == node:
                        break
                ncomp += 1
    return comp


def _path(succ: dict[str, list[str]], start: str, goal: str, allowed: set[str]) -> list[str]:
    """Shortest path start -> goal within ``allowed`` (breadth first)."""
    prev: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            break
        for nxt in succ.get(node, []):
            if nxt in allowed and nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    path = [goal]
    while prev.get(path[-1]) is not None:
        path.append(prev[path[-1]])  # type: ignore[arg-type]
    return list(reversed(path))


def stratify(rules: list[RuleIR], sink: DiagnosticSink) -> int:
    """Assign ``rule.stratum`` to every rule; return the number of strata (0 for no rules)."""
    edges = _edges(rules)
    succ: dict[str, list[str]] = defaultdict(list)
    nodes: list[str] = []
    for body, head, _, _, _ in edges:
        for n in (body, head):
            if n not in nodes:
                nodes.append(n)
        if head not in succ[body]:
            succ[body].append(head)
    comp = _sccs(nodes, succ)
    reported: set[int] = set()
    for body, head, negative, rule, cond in edges:
        if negative and comp[body] == comp[head] and comp[body] not in reported:
            reported.add(comp[body])
            members = {n for n in nodes if comp[n] == comp[body]}
            cycle = [*_path(succ, head, body, members), head]
            sink.add(
                "E405",
                f"rule '{rule.id}': negation cycle: {' -> '.join(cycle)} (this rule tests the absence or "
                f"count of '{body}' facts while deriving '{head}', which they depend on)",
                cond.location or rule.location,
                "break the cycle: a rule may not depend on the absence of what it helps to derive",
            )
    if reported:
        return 0
    stratum: dict[str, int] = {}
    for _ in range(2 * (len(nodes) + len(rules)) + 2):
        changed = False
        for r in rules:
            s = 1
            for c in r.conditions:
                base = max(stratum.get(body, 0) for body in _bodies(c))
                s = max(s, base + 1 if c.mode != "match" else base)
            if r.stratum != s:
                r.stratum = s
                changed = True
            for head in _heads(r):
                if stratum.get(head, 0) < s:
                    stratum[head] = s
                    changed = True
        if not changed:
            break
    return max((r.stratum for r in rules), default=0)

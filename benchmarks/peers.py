"""One workload, four engines: policyengine, hand-written durable-rules, CLIPS (clipspy), plain Python.

The workload: N facts, half partners and half agreements with Japan (one partner each), and ten
rules (``packs/peers.yaml``): three filters, an exclusive or, two two-fact joins, a negation, a
rule deriving a fact and another using it. Every engine gets the same :class:`Workload` and
returns the same set of ``(action, target)`` recommendations; :func:`check_agree` asserts it.

Each adapter does what a competent user of that engine would write: facts go in as one batch,
the engine runs, the recommendations come out, and the engine is left clean for the next
evaluation. The timed call includes converting the workload's facts into the engine's own
representation, since every caller has to.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACK = Path(__file__).resolve().parent / "packs" / "peers.yaml"

Outcomes = frozenset[tuple[str, str]]
Evaluate = Callable[["Workload"], Outcomes]

REGIONS = (("indo-pacific", 5), ("extra-regional", 1))
# The paper's world: 15 non-aligned, 9 US allies, 3 competitors, 2 partners and the hub (USA).
ALIGNMENTS = (("non-aligned", 15), ("us-ally", 9), ("us-competitor", 3), ("us-partner", 2), ("hub", 1))
ENGAGEMENTS = (("steady", 15), ("increasing", 4), ("decreasing", 1))
KINDS = (("raa", 2), ("acsa", 1), ("gsomia", 1), ("information-security", 1))
STATUSES = (("negotiating", 1), ("signed", 1), ("in-force", 1))


@dataclass(frozen=True)
class Partner:
    code: str
    region: str
    alignment: str
    engagement: str


@dataclass(frozen=True)
class Agreement:
    id: str
    partner: str
    kind: str
    status: str


@dataclass(frozen=True)
class Workload:
    partners: tuple[Partner, ...]
    agreements: tuple[Agreement, ...]

    @property
    def size(self) -> int:
        return len(self.partners) + len(self.agreements)


def _pick(rnd: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    values = [v for v, _ in table]
    return rnd.choices(values, [w for _, w in table])[0]


def make_workload(n: int, seed: int = 2022) -> Workload:
    """N facts: N//2 partners (at least one) and the rest agreements, each with a random partner."""
    rnd = random.Random(seed)
    n_partners = max(1, n // 2)
    partners = tuple(
        Partner(f"P{i:06d}", _pick(rnd, REGIONS), _pick(rnd, ALIGNMENTS), _pick(rnd, ENGAGEMENTS))
        for i in range(n_partners)
    )
    agreements = tuple(
        Agreement(f"a{i}", partners[rnd.randrange(n_partners)].code, _pick(rnd, KINDS), _pick(rnd, STATUSES))
        for i in range(n - n_partners)
    )
    return Workload(partners, agreements)


# -- plain Python ----------------------------------------------------------------------------------
def python_evaluate(w: Workload) -> Outcomes:
    """The ten rules as loops over dictionaries."""
    out: set[tuple[str, str]] = set()
    agreements_of: dict[str, list[Agreement]] = defaultdict(list)
    covered: set[str] = set()
    for a in w.agreements:
        agreements_of[a.partner].append(a)
        if a.kind == "raa" and a.status == "negotiating":
            out.add(("conclude", a.id))
        if a.kind == "raa" and a.status == "in-force":
            covered.add(a.partner)
    for p in w.partners:
        ally = p.alignment == "us-ally"
        increasing = p.engagement == "increasing"
        if increasing and p.alignment != "us-competitor":
            out.add(("engage", p.code))
        if p.region == "extra-regional" and ally:
            out.add(("link", p.code))
        if ally != increasing:
            out.add(("watch", p.code))
        mine = agreements_of.get(p.code, ())
        if ally and any(a.kind == "gsomia" and a.status == "in-force" for a in mine):
            out.add(("share-intelligence", p.code))
        if increasing and any(a.kind == "raa" and a.status == "signed" for a in mine):
            out.add(("exercise", p.code))
        if ally and not any(a.kind == "acsa" for a in mine):
            out.add(("propose-acsa", p.code))
        if p.code in covered and p.region == "indo-pacific":
            out.add(("deploy", p.code))
    return frozenset(out)


# -- policyengine ----------------------------------------------------------------------------------
class PolicyEngineAdapter:
    """The compiled pack, prepared once; each evaluation is ``PreparedPack.evaluate_view``."""

    def __init__(self) -> None:
        from policyengine.api import load_pack
        from policyengine.engine import prepare

        self.prepared = prepare(load_pack(str(PACK)))

    @staticmethod
    def view(w: Workload) -> list[Any]:
        from policyengine.models.factview import ViewFact

        facts = [
            ViewFact(
                "country",
                {
                    "code": p.code,
                    "region": p.region,
                    "alignment": p.alignment,
                    "indo_pacific_engagement": p.engagement,
                },
                f"country:{p.code}",
            )
            for p in w.partners
        ]
        facts.extend(
            ViewFact(
                "party",
                {
                    "agreement": a.id,
                    "country": a.partner,
                    "agreement_kind": a.kind,
                    "agreement_status": a.status,
                },
                f"agreement:{a.id}",
                f"parties.{a.partner}",
            )
            for a in w.agreements
        )
        return facts

    def evaluate(self, w: Workload) -> Outcomes:
        raw = self.prepared.evaluate_view(self.view(w))
        return frozenset((o.action, o.target) for o in raw.outcomes.values() if o.kind == "recommendation")


# -- durable-rules, by hand --------------------------------------------------------------------------
_durable_host: Any = None
_durable_lock = threading.Lock()


def _sync_host() -> Any:
    """A durable-rules host that runs actions inside assert_facts (no dispatcher threads)."""
    global _durable_host
    if _durable_host is None:
        import durable.engine as de

        class SyncHost(de.Host):  # type: ignore[misc]
            def _run(self) -> None:
                return

        _durable_host = SyncHost()
    return _durable_host


def _pattern(*tests: dict[str, Any]) -> dict[str, Any]:
    return {"$and": list(tests)}


class DurableAdapter:
    """The ten rules written by hand in durable-rules' JSON ruleset format.

    Correct the way durable-rules needs it (see DESIGN.md, field notes): a catch-all rule so that
    no fact goes unhandled, the negation gated behind a ``go`` marker asserted after every fact
    (otherwise it fires for a partner whose ACSA has not arrived yet), unique integer ids, one
    session per evaluation, and at the end every fact retracted (marker first) before the session
    is deleted.
    """

    _names = itertools.count(1)

    def __init__(self) -> None:
        self.host = _sync_host()
        self.name = f"peers_durable_{next(self._names)}"
        self.out: set[tuple[str, str]] = set()
        self.derived: list[dict[str, Any]] = []
        self.sid = ""
        self._ids = itertools.count()

        def recommend(action: str, alias: str, field: str) -> Callable[[Any], None]:
            def run(c: Any) -> None:
                self.out.add((action, c._m[alias][field]))

            return run

        def cover(c: Any) -> None:
            fact = {"t": "covered", "partner": c._m["a"]["partner"], "id": next(self._ids), "sid": self.sid}
            self.derived.append(fact)
            c.assert_fact(dict(fact))

        partner = {"t": "partner"}
        agreement = {"t": "agreement"}
        rules: dict[str, Any] = {
            "engage": {
                "all": [
                    {
                        "p": _pattern(
                            partner, {"engagement": "increasing"}, {"$neq": {"alignment": "us-competitor"}}
                        )
                    }
                ],
                "run": recommend("engage", "p", "code"),
            },
            "link": {
                "all": [{"p": _pattern(partner, {"region": "extra-regional"}, {"alignment": "us-ally"})}],
                "run": recommend("link", "p", "code"),
            },
            "conclude": {
                "all": [{"a": _pattern(agreement, {"kind": "raa"}, {"status": "negotiating"})}],
                "run": recommend("conclude", "a", "id2"),
            },
            "watch_ally": {
                "all": [
                    {"p": _pattern(partner, {"alignment": "us-ally"}, {"$neq": {"engagement": "increasing"}})}
                ],
                "run": recommend("watch", "p", "code"),
            },
            "watch_engaging": {
                "all": [
                    {"p": _pattern(partner, {"$neq": {"alignment": "us-ally"}}, {"engagement": "increasing"})}
                ],
                "run": recommend("watch", "p", "code"),
            },
            "share": {
                "all": [
                    {"p": _pattern(partner, {"alignment": "us-ally"})},
                    {
                        "a": _pattern(
                            agreement, {"partner": {"p": "code"}}, {"kind": "gsomia"}, {"status": "in-force"}
                        )
                    },
                ],
                "run": recommend("share-intelligence", "p", "code"),
            },
            "exercise": {
                "all": [
                    {"a": _pattern(agreement, {"kind": "raa"}, {"status": "signed"})},
                    {"p": _pattern(partner, {"code": {"a": "partner"}}, {"engagement": "increasing"})},
                ],
                "run": recommend("exercise", "p", "code"),
            },
            "propose_acsa": {
                "all": [
                    {"go": {"t": "go"}},
                    {"p": _pattern(partner, {"alignment": "us-ally"})},
                    {"n$not": _pattern(agreement, {"partner": {"p": "code"}}, {"kind": "acsa"})},
                ],
                "run": recommend("propose-acsa", "p", "code"),
            },
            "covered": {
                "all": [{"a": _pattern(agreement, {"kind": "raa"}, {"status": "in-force"})}],
                "run": cover,
            },
            "deploy": {
                "all": [
                    {"c": {"t": "covered"}},
                    {"p": _pattern(partner, {"code": {"c": "partner"}}, {"region": "indo-pacific"})},
                ],
                "run": recommend("deploy", "p", "code"),
            },
            "catch_all": {
                "all": [{"any": {"$ex": {"t": 1}}}, {"never": {"t": "never"}}],
                "run": lambda c: None,
            },
        }
        self.host.register_rulesets({self.name: rules})

    _sessions = itertools.count(1)

    def evaluate(self, w: Workload) -> Outcomes:
        with _durable_lock:
            self.out = set()
            self.derived = []
            self.sid = sid = f"s{next(self._sessions)}"
            self._ids = itertools.count()
            ids = self._ids
            facts: list[dict[str, Any]] = [
                {
                    "t": "partner",
                    "id": next(ids),
                    "sid": sid,
                    "code": p.code,
                    "region": p.region,
                    "alignment": p.alignment,
                    "engagement": p.engagement,
                }
                for p in w.partners
            ]
            # 'id' is durable-rules' fact identity, so the agreement's own id travels as 'id2'.
            facts.extend(
                {
                    "t": "agreement",
                    "id": next(ids),
                    "sid": sid,
                    "id2": a.id,
                    "partner": a.partner,
                    "kind": a.kind,
                    "status": a.status,
                }
                for a in w.agreements
            )
            go = {"t": "go", "id": next(ids), "sid": sid}
            self.host.assert_facts(self.name, facts)
            self.host.assert_fact(self.name, go)
            # Clean up: marker first (nothing can fire on the way out), then every fact, then the session.
            self.host.retract_fact(self.name, go)
            if self.derived:
                self.host.retract_facts(self.name, self.derived)
            self.host.retract_facts(self.name, facts)
            self.host.delete_state(self.name, sid)
            return frozenset(self.out)


# -- CLIPS -------------------------------------------------------------------------------------------
CLIPS_PROGRAM = """
(deftemplate partner (slot code) (slot region) (slot alignment) (slot engagement))
(deftemplate agreement (slot id) (slot partner) (slot kind) (slot status))
(deftemplate covered (slot partner))

(defrule engage
  (partner (code ?c) (engagement increasing) (alignment ~us-competitor))
  => (recommend engage ?c))
(defrule link
  (partner (code ?c) (region extra-regional) (alignment us-ally))
  => (recommend link ?c))
(defrule conclude
  (agreement (id ?a) (kind raa) (status negotiating))
  => (recommend conclude ?a))
(defrule watch
  (partner (code ?c) (alignment ?al) (engagement ?en))
  (test (neq (eq ?al us-ally) (eq ?en increasing)))
  => (recommend watch ?c))
(defrule share-intelligence
  (partner (code ?c) (alignment us-ally))
  (agreement (partner ?c) (kind gsomia) (status in-force))
  => (recommend share-intelligence ?c))
(defrule exercise
  (agreement (partner ?c) (kind raa) (status signed))
  (partner (code ?c) (engagement increasing))
  => (recommend exercise ?c))
(defrule propose-acsa
  (partner (code ?c) (alignment us-ally))
  (not (agreement (partner ?c) (kind acsa)))
  => (recommend propose-acsa ?c))
(defrule covered
  (agreement (partner ?c) (kind raa) (status in-force))
  => (assert (covered (partner ?c))))
(defrule deploy
  (covered (partner ?c))
  (partner (code ?c) (region indo-pacific))
  => (recommend deploy ?c))
"""


class ClipsAdapter:
    """The ten rules in CLIPS: facts asserted through their templates, run, environment reset.

    Recommendations reach Python through a function the rules call (``recommend``); CLIPS keeps
    no result facts, so nothing has to be read back slot by slot.
    """

    def __init__(self) -> None:
        import clips

        self.symbol = clips.Symbol
        self.env = clips.Environment()
        self.out: set[tuple[str, str]] = set()

        def recommend(action: Any, target: Any) -> None:
            self.out.add((str(action), str(target)))

        self.env.define_function(recommend, "recommend")
        for construct in _constructs(CLIPS_PROGRAM):
            self.env.build(construct)
        self.partner = self.env.find_template("partner")
        self.agreement = self.env.find_template("agreement")

    def evaluate(self, w: Workload) -> Outcomes:
        env, sym = self.env, self.symbol
        self.out = set()
        env.reset()
        assert_partner = self.partner.assert_fact
        for p in w.partners:
            assert_partner(
                code=sym(p.code),
                region=sym(p.region),
                alignment=sym(p.alignment),
                engagement=sym(p.engagement),
            )
        assert_agreement = self.agreement.assert_fact
        for a in w.agreements:
            assert_agreement(id=sym(a.id), partner=sym(a.partner), kind=sym(a.kind), status=sym(a.status))
        env.run()
        env.reset()
        return frozenset(self.out)


def _constructs(program: str) -> list[str]:
    """Split a CLIPS program into top-level constructs (balanced parentheses)."""
    out, depth, start = [], 0, None
    for i, ch in enumerate(program):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and start is not None:
                out.append(program[start : i + 1])
    return out


def clips_available() -> bool:
    try:
        import clips  # noqa: F401
    except ImportError:
        return False
    return True


ENGINES: dict[str, Callable[[], Evaluate]] = {
    "policyengine": lambda: PolicyEngineAdapter().evaluate,
    "durable": lambda: DurableAdapter().evaluate,
    "clips": lambda: ClipsAdapter().evaluate,
    "python": lambda: python_evaluate,
}


def available_engines() -> list[str]:
    return [name for name in ENGINES if name != "clips" or clips_available()]


def check_agree(results: dict[str, Outcomes]) -> None:
    """Raise AssertionError naming the engines whose recommendations differ from plain Python's."""
    reference = results["python"]
    for name, got in results.items():
        if got != reference:
            missing = sorted(reference - got)[:5]
            extra = sorted(got - reference)[:5]
            raise AssertionError(f"{name} disagrees with plain Python: missing {missing}, extra {extra}")

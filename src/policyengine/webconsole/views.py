"""What the two pages show, as JSON-ready data, from the session controller's views.

:func:`player_view` is the controller's player view (its allow-list: the move, the injects
released, the decisions; no controller note, no MSEL expectation, no recommendation) with the
earlier moves' decisions; :func:`facilitator_view` is the controller's facilitator view with its
details (controller notes, expectations) and what the rules' results add: each recommendation's
reasons and sources and what changed since the previous move.

Both come in both languages: the controller's views are taken once per language and merged, a
text that differs becoming ``{"ja": ..., "en": ...}`` (a text the same in both stays as it is), so
that a page switches language without asking the server. No HTML here: the pages put every text
in the DOM as text.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from policyengine.text import LANGS

if TYPE_CHECKING:
    from policyengine.engine.results import Recommendation
    from policyengine.webconsole.console import WebConsole


def bilingual(ja: Any, en: Any) -> Any:
    """One value from the same value in Japanese and in English: texts that differ become
    ``{"ja": ..., "en": ...}``; everything else (ids, numbers, texts alike in both) stays."""
    if isinstance(ja, dict) and isinstance(en, dict) and ja.keys() == en.keys():
        return {key: bilingual(ja[key], en[key]) for key in ja}
    if isinstance(ja, (list, tuple)) and isinstance(en, (list, tuple)) and len(ja) == len(en):
        return [bilingual(a, b) for a, b in zip(ja, en, strict=True)]
    if isinstance(ja, str) and isinstance(en, str) and ja != en:
        return {"ja": ja, "en": en}
    return ja


def _both(console: WebConsole, view: str, **kw: Any) -> Any:
    ja, en = (_plain(getattr(console.controllers[lang], view)(**kw)) for lang in LANGS)
    return bilingual(ja, en)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return asdict(value)


def player_view(console: WebConsole) -> dict[str, Any]:
    """What the players' screen shows: the controller's player view and the earlier decisions."""
    view: dict[str, Any] = _both(console, "player_view")
    current = view["move"]["id"] if view["move"] else None
    earlier = [d for d in _both(console, "decisions") if not d["struck"] and d["move"] != current]
    view.update(role="player", seq=console.seq, finished=console.finished, earlier=earlier)
    return view


def _sources(r: Recommendation) -> dict[str, Any]:
    return {
        "because": {lang: r.because.get(lang, "") for lang in LANGS} if r.because else None,
        "sources": [{"document": c.document, "section": c.section, "quote": c.quote} for c in r.sources],
        "rule": r.rule,
    }


def facilitator_view(console: WebConsole) -> dict[str, Any]:
    """The facilitator's page: every inject, note and expectation, the recommendations with their
    reasons and sources, what changed since the previous move, and the ids to complete."""
    from policyengine.exercise.load import known_targets, pack_actions

    view: dict[str, Any] = _both(console, "facilitator_view", details=True)
    control = console.control
    state = control.ledger.current()
    view.update(role="facilitator", seq=console.seq, finished=console.finished, log=console.log_path)
    view["cells"] = [
        {"id": cid, "name": bilingual(ja, en)}
        for (cid, ja), (_, en) in zip(
            console.controllers["ja"].cells(), console.controllers["en"].cells(), strict=True
        )
    ]
    if state is None:
        view.update(changes=None, ids=[])
        return view
    by_id = {r.id: r for r in state.result.recommendations}
    for rec in view["recommendations"]:
        found = by_id.get(rec["id"])
        if found is not None:
            rec.update(_sources(found))
    ch = state.changes
    view["changes"] = {
        "first": state.index == 0,
        "recommendations_added": ch.recommendations_added,
        "recommendations_removed": ch.recommendations_removed,
        "recommendations_changed": ch.recommendations_changed,
        "risks_added": ch.risks_added,
        "risks_removed": ch.risks_removed,
        "facts_added": ch.facts_added,
        "facts_removed": ch.facts_removed,
        "facts_altered": ch.facts_altered,
        "causes": ch.causes,
    }
    # completion: the move's recommendations, then every rule action on a target of the exercise
    ids = {r.id for r in state.result.recommendations}
    targets = known_targets(control.ledger.run.exercise)
    anticipated = {f"{a}/{t}" for a in pack_actions(control.ledger.run.pack) for t in targets} - ids
    view["ids"] = sorted(ids) + sorted(anticipated)
    return view

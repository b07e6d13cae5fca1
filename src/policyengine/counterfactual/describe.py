"""Changes in plain words, in Japanese and English: "if French forces were covered by ..."."""

from __future__ import annotations

from typing import Any

from policyengine.counterfactual.changes import Change, find_fact
from policyengine.models.factview import canonical_codes
from policyengine.models.names import FIELD_LABELS, PATH_LABELS, Names, join, the, value
from policyengine.models.scenario import Scenario
from policyengine.models.vocabulary import CAPABILITY_DOMAINS, MECHANISM_KINDS


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ja" else pair[1]


class Describer:
    """Plain-language clauses for changes to one scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.names = Names(scenario)

    # -- names ---------------------------------------------------------------------------------
    def subject(self, fact_id: str, model: Any, lang: str) -> str:
        """A fact as the subject of a sentence (in English with its article: "the Republic of Korea")."""
        said = self._subject(fact_id, model, lang)
        return the(said) if lang == "en" else said

    def _country(self, code: str, lang: str) -> str:
        name = self.names.country(code, lang)
        return the(name) if lang == "en" else name

    def _subject(self, fact_id: str, model: Any, lang: str) -> str:
        kind, _, ident = fact_id.partition(":")
        n = self.names
        if kind == "country":
            return n.country(ident, lang)
        if kind == "framework":
            return model.name.get(lang) if model is not None else n.framework(ident, lang)
        if kind == "agreement":
            if model is None:
                return n.agreement(ident, lang)
            if model.name is not None:
                return str(model.name.get(lang))
            parties = join([n.country(p, lang) for p in canonical_codes(model.parties)], lang)
            return f"{parties}の{value(model.kind, lang)}" if lang == "ja" else f"the {parties} {model.kind}"
        if kind == "event":
            if model is not None and model.name is not None:
                return str(model.name.get(lang))
            return n.event(ident, lang)
        if kind == "interest":
            if model is not None:
                countries = join([self._country(c, lang) for c in canonical_codes(model.countries)], lang)
                return f"{countries}の共有する関心" if lang == "ja" else f"the interest {countries} share"
            return ident
        if kind == "capability":
            if model is not None:
                domain = _pick(CAPABILITY_DOMAINS.get(model.domain, (model.domain, model.domain)), lang)
                holder = n.country(model.holder, lang)
                return f"{holder}の{domain}" if lang == "ja" else f"{holder}'s {domain}"
            return ident
        if kind == "asset_protection":
            return n.country(ident, lang)
        return fact_id

    def label(self, path: str, model: Any, lang: str) -> str:
        head, _, rest = path.partition(".")
        if head == "mechanisms":
            mech_id, _, attr = rest.partition(".")
            mech = next((m for m in getattr(model, "mechanisms", []) if m.id == mech_id), None)
            mname = mech.name.get(lang) if mech is not None else mech_id
            attr_label = _pick(FIELD_LABELS.get(attr, (attr, attr)), lang)
            return f"{mname}の{attr_label}" if lang == "ja" else f"the {attr_label} of {mname}"
        if head == "areas" and rest:
            area = self.names.area(rest, lang)
            return f"{area}の扱い" if lang == "ja" else f"coverage of {area}"
        return _pick(PATH_LABELS.get(path) or FIELD_LABELS.get(path, (path, path.replace("_", " "))), lang)

    def shown(self, raw: Any, path: str, lang: str) -> str:
        if raw is None:
            return "なし" if lang == "ja" else "none"
        if path.endswith(".kind") and path.startswith("mechanisms") and raw in MECHANISM_KINDS:
            return _pick(MECHANISM_KINDS[raw], lang)
        if path == "domain" and raw in CAPABILITY_DOMAINS:
            return _pick(CAPABILITY_DOMAINS[raw], lang)
        return value(raw, lang)

    # -- clauses -------------------------------------------------------------------------------
    def clause(self, ch: Change, lang: str, alternatives: list[Any] | None = None) -> str:
        """The change as the condition of an 'if' (English subjunctive; Japanese plain form)."""
        model = find_fact(self.scenario, ch.fact) if ch.op != "add" or ch.path else ch.payload
        subject = self.subject(ch.fact, model, lang)
        ja = lang == "ja"
        n = self.names
        if ch.op == "alter":
            news = alternatives if alternatives else [ch.new]
            new = (" / " if ja else " or ").join(self.shown(v, ch.path, lang) for v in news)
            old = self.shown(ch.old, ch.path, lang)
            head, _, area = ch.path.partition(".")
            if head == "areas" and ch.kind == "framework" and ch.old is None:
                area_name = n.area(area, lang)
                return (
                    f"{subject}が{area_name}を扱う（{new}）"
                    if ja
                    else f"{subject} covered {area_name} ({new})"
                )
            label = self.label(ch.path, model, lang)
            if ja:
                return f"{subject}の{label}が{old}ではなく{new}である"
            return f"{subject}'s {label} were {new} instead of {old}"
        if ch.op == "remove" and not ch.path:
            return self._removed(ch, subject, lang)
        if ch.op == "remove":
            return self._part_removed(ch, subject, model, lang)
        if not ch.path:
            return self._added(ch, subject, lang)
        return self._part_added(ch, subject, lang)

    def _removed(self, ch: Change, subject: str, lang: str) -> str:
        ja = lang == "ja"
        kind = ch.kind
        if kind == "asset_protection":
            return (
                f"{subject}の部隊が武器等防護の対象でない"
                if ja
                else f"{subject}'s forces were not covered by the SDF's asset protection"
            )
        if kind == "event":
            return f"{subject}がなかった" if ja else f"{subject} had not happened"
        if kind == "country":
            return f"{subject}がシナリオにない" if ja else f"{subject} were not in the scenario"
        if kind == "interest":
            return f"{subject}がない" if ja else f"there were no {subject.removeprefix('the ')}"
        if kind == "capability":
            return f"{subject}の記録がない" if ja else f"nothing were recorded about {subject}"
        return f"{subject}が存在しない" if ja else f"there were no {subject.removeprefix('the ')}"

    def _part_removed(self, ch: Change, subject: str, model: Any, lang: str) -> str:
        ja = lang == "ja"
        n = self.names
        head, _, rest = ch.path.partition(".")
        if head in ("members", "parties", "countries"):
            who = self._country(rest, lang)
            if ch.kind == "framework":
                return f"{who}が{subject}の構成国でない" if ja else f"{who} were not a member of {subject}"
            if ch.kind == "agreement":
                return f"{who}が{subject}の当事国でない" if ja else f"{who} were not a party to {subject}"
            if ch.kind == "interest":
                return f"{who}がこの関心を共有しない" if ja else f"{who} did not share {subject}"
            return f"{who}が{subject}に関わらない" if ja else f"{who} were not involved in {subject}"
        if head == "areas":
            area = n.area(rest, lang)
            if ch.kind == "framework":
                return f"{subject}が{area}を扱わない" if ja else f"{subject} did not cover {area}"
            return f"{subject}に{area}が含まれない" if ja else f"{subject} did not concern {area}"
        if head == "mechanisms":
            mech = next((m for m in getattr(model, "mechanisms", []) if m.id == rest), None)
            mname = mech.name.get(lang) if mech is not None else rest
            return f"{subject}に{mname}がない" if ja else f"{subject} had no {mname}"
        return f"{subject}の{ch.path}がない" if ja else f"{subject} had no {ch.path}"

    def _added(self, ch: Change, subject: str, lang: str) -> str:
        ja = lang == "ja"
        n = self.names
        m = ch.payload
        if ch.kind == "asset_protection":
            return (
                f"{subject}の部隊が自衛隊の武器等防護（自衛隊法95条の2）の対象となる"
                if ja
                else f"{subject}'s forces were covered by the SDF's asset protection (SDF Law Art. 95-2)"
            )
        if ch.kind == "framework":
            members = n.member_key("+".join(m.members), lang)
            kind, status = value(m.kind, lang), value(m.status, lang)
            return (
                f"{members}の{kind}の枠組みが存在する（{status}）"
                if ja
                else f"a {kind} framework of {members} existed ({status})"
            )
        if ch.kind == "agreement":
            others = [p for p in canonical_codes(m.parties) if p != "JPN"]
            who = join([self._country(p, lang) for p in others], lang)
            kind, status = value(m.kind, lang), value(m.status, lang)
            return (
                f"日本と{who}の{kind}が{status}である" if ja else f"Japan and {who} had a {kind} ({status})"
            )
        if ch.kind == "event":
            about = n.country(m.country, lang) if m.country else n.framework(m.framework or "", lang)
            when = n_date(m.date, lang)
            kind = self.shown(m.kind, "kind", lang)
            if m.stance is not None and m.stance.indo_pacific_engagement is not None:
                trend = value(m.stance.indo_pacific_engagement, lang)
                return (
                    f"{about}がインド太平洋への関与を「{trend}」とする{kind}を行う（{when}）"
                    if ja
                    else f"{about} made a {kind} ({when}) stating {trend} Indo-Pacific engagement"
                )
            return (
                f"{about}について{kind}がある（{when}）"
                if ja
                else f"a {kind} concerning {about} took place ({when})"
            )
        if ch.kind == "capability":
            status = value(m.status, lang)
            return f"{subject}が「{status}」と記録される" if ja else f"{subject} were recorded as {status}"
        return f"{subject}が加わる" if ja else f"{subject} were added"

    def _part_added(self, ch: Change, subject: str, lang: str) -> str:
        ja = lang == "ja"
        n = self.names
        head, _, rest = ch.path.partition(".")
        if head == "mechanisms":
            mech = ch.payload
            kind = _pick(MECHANISM_KINDS.get(mech.kind, (mech.kind, mech.kind)), lang)
            activity = value(mech.activity, lang)
            return (
                f"{subject}に{kind}の枠組みがある（{activity}）"
                if ja
                else f"{subject} had a {kind} channel ({activity})"
            )
        if head in ("members", "parties", "countries"):
            who = self._country(rest, lang)
            if ch.kind == "framework":
                return f"{who}が{subject}に参加する" if ja else f"{who} joined {subject}"
            if ch.kind == "agreement":
                return f"{who}が{subject}の当事国となる" if ja else f"{who} became a party to {subject}"
            return f"{who}もこの関心を共有する" if ja else f"{who} shared {subject} too"
        if head == "areas":
            area = n.area(rest, lang)
            return f"{subject}が{area}も扱う" if ja else f"{subject} concerned {area} too"
        return f"{subject}に{ch.path}が加わる" if ja else f"{subject} gained {ch.path}"

    # -- sentences -----------------------------------------------------------------------------
    def sentence(
        self,
        changes: list[Change],
        outcome_id: str,
        *,
        present: bool,
        kind: str,
        lang: str,
        alternatives: list[Any] | None = None,
    ) -> str:
        clauses = [self.clause(ch, lang, alternatives if len(changes) == 1 else None) for ch in changes]
        if lang == "ja":
            verb = (
                ("は推奨されなくなる" if present else "が推奨されるようになる")
                if kind == "recommendation"
                else ("のリスクは生じなくなる" if present else "のリスクが生じる")
            )
            return f"{'、かつ'.join(clauses)}場合、{outcome_id}{verb}。"
        verb = (
            ("would no longer be recommended" if present else "would be recommended")
            if kind == "recommendation"
            else ("would no longer be raised" if present else "would be raised")
        )
        body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
        return f"If {body}, {outcome_id} {verb}."


def n_date(d: Any, lang: str) -> str:
    return value(d, lang)

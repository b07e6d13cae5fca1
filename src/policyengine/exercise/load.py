"""Exercise files: located tree -> validated model -> cross-checked exercise with its starting world.

Every problem of the file is reported at once, located (``FILE:LINE:COL``), with "did you mean"
hints: unknown cells, recommendation ids whose action no rule makes, targets that name nothing,
moves out of date order, conditional injects in the first move. Injects are then applied on
every branch the conditions allow, so that a fact to replace or remove that is missing on some
branch is found before the exercise is run, not in the middle of a session.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from policyengine.errors import Diagnostic, DiagnosticSink, InputError, input_error
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import join_display, named_file_problem, read_document
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.exercise import ExerciseFile, Inject, Move, update_identity
from policyengine.models.outcome_ids import candidates, canonical_id, did_you_mean_ids
from policyengine.models.scenario import SECTIONS, FactSections, outcome_targets
from policyengine.validation.pydantic_errors import diagnostics_from
from policyengine.validation.scenario import LoadedScenario, load_scenario

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack

#: Branches explored when checking conditional injects; beyond this, the rest are not checked.
MAX_BRANCHES = 256


@dataclass
class LoadedExercise:
    """A validated exercise, its located tree and the world it starts from."""

    exercise: ExerciseFile
    path: str  # display name of the exercise file
    tree: YMap
    start: LoadedScenario
    sha256: str  # of the exercise file's bytes
    inputs: dict[str, str] = field(default_factory=dict)  # every file read -> sha256
    branches_checked: int = 0
    branches_truncated: bool = False
    #: inject id -> the worlds before and after it, one pair per distinct branch it applied on
    transitions: dict[str, dict[tuple[str, ...], tuple[LoadedScenario, LoadedScenario]]] = field(
        default_factory=dict, repr=False
    )
    #: the injects applied by the end of a move on one branch -> that move's index, with its world
    move_ends: dict[tuple[str, ...], tuple[int, LoadedScenario]] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.exercise.exercise.id

    @property
    def moves(self) -> list[Move]:
        return self.exercise.moves

    def raw_move(self, index: int) -> YMap:
        moves = self.tree.get("moves")
        item = moves[index] if isinstance(moves, YSeq) and index < len(moves) else None
        return item if isinstance(item, YMap) else self.tree

    def raw_inject(self, move_index: int, inject_index: int) -> YMap:
        injects = self.raw_move(move_index).get("injects")
        if isinstance(injects, YSeq) and inject_index < len(injects):
            item = injects[inject_index]
            if isinstance(item, YMap):
                return item
        return self.raw_move(move_index)

    def injects(self) -> Iterator[tuple[int, int, Move, Inject]]:
        for mi, move in enumerate(self.moves):
            for ii, inject in enumerate(move.injects):
                yield mi, ii, move, inject

    def move(self, move_id: str) -> Move | None:
        return next((m for m in self.moves if m.id == move_id), None)

    def cell_ids(self) -> list[str]:
        return [c.id for c in self.exercise.cells]

    def condition_ids(self) -> list[str]:
        """Recommendation ids that conditional injects test, sorted."""
        return sorted({i for _, _, _, inj in self.injects() if inj.when for i in inj.when.ids})


def file_sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def load_exercise(
    path: str, display: str | None = None, *, pack: CompiledPack | None = None
) -> LoadedExercise:
    """Load, validate and cross-check an exercise and the scenario it starts from.

    ``pack`` is the rule pack whose actions recommendation ids are checked against (the shipped
    default when None). Raises :class:`InputError` with every problem found, sorted by location.
    """
    if pack is None:
        from policyengine.core import load_pack

        pack = load_pack()
    name = display if display is not None else str(path)
    doc = read_document(path, name)
    try:
        model = ExerciseFile.model_validate(doc.tree)
    except ValidationError as exc:
        raise InputError(diagnostics_from(exc, doc.tree, ExerciseFile)) from None
    start = _load_start(model, doc.tree, name)
    loaded = LoadedExercise(model, name, doc.tree, start, file_sha256(path))
    loaded.inputs = {name: loaded.sha256, **{f: file_sha256(f) for f in start.files}}
    sink = DiagnosticSink()
    _static_checks(loaded, pack_actions(pack), sink)
    # Applying injects needs inject ids to be unique (branches are keyed by them); every other
    # problem found so far leaves the injects applicable, so both kinds are reported together.
    if not any(d.code == "E302" and "inject id" in d.message for d in sink.items):
        _check_branches(loaded, sink)
    sink.raise_if_any()
    return loaded


def _load_start(model: ExerciseFile, tree: YMap, display: str) -> LoadedScenario:
    header = tree["exercise"]
    where = header.location("scenario", of_value=True) if isinstance(header, YMap) else tree.location()
    target = join_display(display, model.exercise.scenario)
    wrong = named_file_problem(model.exercise.scenario)
    if wrong is not None:
        # As for 'extends': an exercise received from someone must not make policyengine read
        # any file the user can read (/etc/passwd, /proc/self/status) and quote it.
        raise input_error(
            "E305",
            f"scenario {wrong}",
            where,
            "an exercise starts from a scenario file, named *.yaml, *.yml or *.json",
        )
    try:
        return load_scenario(target)
    except InputError as exc:
        first = exc.diagnostics[0]
        missing = first.code in ("E101", "E102", "E103")
        if missing and first.location is not None and first.location.file == target:
            raise input_error(
                "E305",
                f"scenario '{model.exercise.scenario}': {first.message} ({target})",
                where,
                "the path is relative to the exercise file",
            ) from None
        raise


def pack_actions(pack: CompiledPack) -> set[str]:
    """The actions a rule pack recommends (``conclude-raa``, ``propose-framework``, ...)."""
    return {str(r.output.recommend["action"]) for r in pack.rules if r.output.recommend is not None}


# -- checks that need no world ----------------------------------------------------------------


def _static_checks(ex: LoadedExercise, actions: set[str], sink: DiagnosticSink) -> None:
    tree = ex.tree
    model = ex.exercise
    cells = ex.cell_ids()
    _unique(tree.get("cells"), "id", "cell", sink)
    header = tree.get("exercise")
    objectives = [o.id for o in model.exercise.objectives]
    capabilities = [c.id for c in model.exercise.capabilities]
    if isinstance(header, YMap):
        _unique(header.get("objectives"), "id", "objective", sink)
        _unique(header.get("capabilities"), "id", "capability", sink)
        raw_objectives = header.get("objectives")
        for oi, objective in enumerate(model.exercise.objectives):
            raw_objective = raw_objectives[oi] if isinstance(raw_objectives, YSeq) else header
            raw_objective = raw_objective if isinstance(raw_objective, YMap) else header
            for k, cap in enumerate(objective.capabilities):
                loc = _seq_loc(raw_objective.get("capabilities"), k, raw_objective)
                _known(cap, capabilities, "capability", loc, sink)
    _unique(tree.get("moves"), "id", "move", sink)
    # Inject ids are unique across the whole exercise: logs and reports name them.
    first_inject: dict[str, Location] = {}
    targets = known_targets(ex)
    every = worlds(ex)
    canon: dict[str, str] = {}
    start_date = ex.start.scenario.scenario.as_of
    previous = start_date
    for mi, move in enumerate(model.moves):
        raw_move = ex.raw_move(mi)
        if move.date < previous:
            what = "the previous move" if mi else f"the starting scenario's as_of ({start_date})"
            sink.add(
                "E307",
                f"move '{move.id}' is dated {move.date}, before {what}",
                raw_move.location("date", of_value=True),
                "moves advance the world's date: order them by date",
            )
        previous = max(previous, move.date)
        last_time: str | None = None
        for ii, inject in enumerate(move.injects):
            raw = ex.raw_inject(mi, ii)
            loc = raw.location("id", of_value=True)
            if inject.id in first_inject:
                sink.add(
                    "E302",
                    f"inject id '{inject.id}' is used twice (first at {first_inject[inject.id]})",
                    loc,
                    "inject ids name injects in logs and reports; rename one",
                )
            else:
                first_inject[inject.id] = loc
            if inject.time is not None:
                if last_time is not None and inject.time < last_time:
                    sink.add(
                        "E307",
                        f"inject '{inject.id}' at {inject.time} comes after an inject at {last_time}",
                        raw.location("time", of_value=True),
                        "list a move's injects in the order of their times",
                    )
                last_time = inject.time
            for i, cell in enumerate(inject.to):
                _known(cell, cells, "cell", _seq_loc(raw.get("to"), i, raw), sink)
            raw_expect = raw.get("expect")
            for i, exp in enumerate(inject.expect):
                item = raw_expect[i] if isinstance(raw_expect, YSeq) and i < len(raw_expect) else raw
                item = item if isinstance(item, YMap) else raw
                canon[exp.action] = _recommendation_id(
                    exp.action, actions, targets, every, item.location("action", of_value=True), sink
                )
                if exp.cell is not None:
                    _known(exp.cell, cells, "cell", item.location("cell", of_value=True), sink)
                for k, objective_id in enumerate(exp.objectives):
                    loc = _seq_loc(item.get("objectives"), k, item)
                    _known(objective_id, objectives, "objective", loc, sink)
                if exp.capability is not None:
                    loc = item.location("capability", of_value=True)
                    _known(exp.capability, capabilities, "capability", loc, sink)
            if inject.when is not None:
                raw_when = raw.get("when")
                when = raw_when if isinstance(raw_when, YMap) else raw
                if mi == 0:
                    sink.add(
                        "E307",
                        f"inject '{inject.id}' in the first move depends on a decision, "
                        "but players have decided nothing before the first move",
                        raw.location("when"),
                        "move the inject to a later move, or remove 'when'",
                    )
                raw_applied = when.get("applied")
                for k, ref in enumerate(inject.when.applied):
                    loc = (
                        raw_applied.location(k)
                        if isinstance(raw_applied, YSeq)
                        else when.location("applied", of_value=True)
                    )
                    earlier = [i.id for m in model.moves[:mi] for i in m.injects]
                    if ref not in earlier:
                        sink.add(
                            "E301",
                            f"'applied' names '{ref}', which is not an inject of an earlier move",
                            loc,
                            hint_for(ref, earlier, noun="injects of earlier moves"),
                        )
                for key in ("decided", "not_decided"):
                    raw_ids = when.get(key)
                    for k, value in enumerate(getattr(inject.when, key)):
                        loc = (
                            raw_ids.location(k)
                            if isinstance(raw_ids, YSeq)
                            else when.location(key, of_value=True)
                        )
                        canon[value] = _recommendation_id(value, actions, targets, every, loc, sink)
            _dated_events(inject, move, raw, sink)
            _update_fields(inject, raw, sink)
            _duplicates_in(inject, raw, sink)
    # ids typed forgivingly (UK, JPN+KOR+AUS, QUAD) are read in their canonical form, as decisions are
    ex.exercise = _with_canonical_ids(model, canon)


def _unique(items: Any, key: str, noun: str, sink: DiagnosticSink) -> None:
    if not isinstance(items, YSeq):
        return
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, YMap) or not isinstance(item.get(key), str):
            continue
        ident = item[key]
        if ident in first:
            sink.add(
                "E302",
                f"{noun} id '{ident}' is used twice (first at line {items.marks[first[ident]][0]})",
                item.location(key, of_value=True),
                f"each {noun} needs its own id",
            )
        else:
            first[ident] = i


def _seq_loc(seq: Any, index: int, fallback: YMap) -> Location:
    return seq.location(index) if isinstance(seq, YSeq) else fallback.location()


def _known(value: str, pool: list[str], noun: str, loc: Location, sink: DiagnosticSink) -> None:
    if value in pool:
        return
    sink.add(
        "E301",
        f"unknown {noun} '{value}'",
        loc,
        hint_for(value, pool, noun=f"{noun}s") or f"declare it under '{noun}s'",
    )


def known_targets(ex: LoadedExercise) -> set[str]:
    """Everything a recommendation can target in any world of the exercise."""
    out = outcome_targets(ex.start.scenario)
    for _, _, _, inj in ex.injects():
        for facts in (inj.add, inj.replace):
            if facts is not None:
                out |= outcome_targets(facts)
    return out


def worlds(ex: LoadedExercise) -> list[FactSections]:
    """The facts typed ids are read against: the starting world and every inject's new facts."""
    out: list[FactSections] = [ex.start.scenario]
    for _, _, _, inj in ex.injects():
        out += [facts for facts in (inj.add, inj.replace) if facts is not None]
    return out


def read_decision(ex: LoadedExercise, text: str, actions: set[str]) -> str:
    """A decision as typed for ``--decide``: a recommendation id in its canonical form (typed
    forgivingly, see :func:`policyengine.models.outcome_ids.canonical_id`), or free text as typed.

    An id whose action or target names nothing of the exercise is refused (E501) with a "did you
    mean", rather than previewing a branch no condition can see.
    """
    text = text.strip()
    every = worlds(ex)
    canonical = canonical_id(text, every, actions)
    if "/" not in canonical or " " in canonical:
        return text  # free text ("strengthen the coast guard")
    sink = DiagnosticSink()
    result = _recommendation_id(canonical, actions, known_targets(ex), every, None, sink, typed=text)
    if sink.items:
        first = sink.items[0]
        raise input_error("E501", first.message, None, first.hint)
    return result


def _recommendation_id(
    rid: str,
    actions: set[str],
    targets: set[str],
    every: list[FactSections],
    loc: Location | None,
    sink: DiagnosticSink,
    *,
    typed: str | None = None,
) -> str:
    """The canonical form of a recommendation id of the file (``rid`` itself when it names
    nothing, reported to ``sink`` with a "did you mean")."""
    typed = rid if typed is None else typed
    canonical = canonical_id(rid, every, actions)
    action, _, target = canonical.partition("/")
    if action not in actions:
        close = hint_for(action, actions, noun="actions")
        sink.add(
            "E301",
            f"unknown action '{action}' in '{typed}': no rule of the rule pack recommends it",
            loc,
            close,
        )
        return rid
    if target in targets:
        return canonical
    codes = target.split("+")
    if len(codes) > 1 and all(c in targets for c in codes) and len(set(codes)) == len(codes):
        return f"{action}/{'+'.join(sorted(codes))}"
    meant = candidates(canonical, every, actions)
    sink.add(
        "E301",
        f"unknown target '{target}' in '{typed}': no country, framework or grouping of the exercise",
        loc,
        did_you_mean_ids(meant) if meant else hint_for(target, targets, noun="targets"),
    )
    return rid


def _with_canonical_ids(model: ExerciseFile, canon: dict[str, str]) -> ExerciseFile:
    """The exercise with every recommendation id written as ``canon`` maps it (the file's
    ``expect:`` actions and ``when:`` conditions, as typed, to their canonical form)."""
    if all(k == v for k, v in canon.items()):
        return model

    def ids(values: list[str]) -> list[str]:
        return [canon.get(v, v) for v in values]

    moves = []
    for move in model.moves:
        injects = []
        for inj in move.injects:
            update: dict[str, Any] = {
                "expect": [e.model_copy(update={"action": canon.get(e.action, e.action)}) for e in inj.expect]
            }
            if inj.when is not None:
                update["when"] = inj.when.model_copy(
                    update={"decided": ids(inj.when.decided), "not_decided": ids(inj.when.not_decided)}
                )
            injects.append(inj.model_copy(update=update))
        moves.append(move.model_copy(update={"injects": injects}))
    return model.model_copy(update={"moves": moves})


def _dated_events(inject: Inject, move: Move, raw: YMap, sink: DiagnosticSink) -> None:
    for block, facts in (("add", inject.add), ("replace", inject.replace)):
        if facts is None:
            continue
        node = raw.get(block)
        events = node.get("events") if isinstance(node, YMap) else None
        for i, ev in enumerate(facts.events):
            if ev.date > move.date:
                item = events[i] if isinstance(events, YSeq) and isinstance(events[i], YMap) else raw
                sink.add(
                    "E307",
                    f"event '{ev.id}' is dated {ev.date}, after its move '{move.id}' ({move.date})",
                    item.location("date", of_value=True),
                    "an inject reports what has happened by the move's date",
                )


def _update_fields(inject: Inject, raw: YMap, sink: DiagnosticSink) -> None:
    """Each ``update:`` item names its fact by its identity field and changes known fields only."""
    from policyengine.exercise.apply import field_names

    if inject.update is None:
        return
    node = raw.get("update")
    for section in SECTIONS:
        items = node.get(section.key) if isinstance(node, YMap) else None
        names = field_names(section.model)
        for i, fields in enumerate(getattr(inject.update, section.key)):
            item = items[i] if isinstance(items, YSeq) and i < len(items) else None
            where = item if isinstance(item, YMap) else raw
            key = section.identity_field
            what = f"update of {section.kind}"
            if not isinstance(fields.get(key), str):
                sink.add(
                    "E202" if key not in fields else "E203",
                    f"{what}: '{key}' must name the {section.kind} to change",
                    where.location(key, of_value=True) if key in fields else where.location(),
                    f"write '{key}: ...' with the identity of an existing {section.kind}",
                )
                continue
            changed = [k for k in fields if k != key]
            if not changed:
                sink.add(
                    "E202",
                    f"{what} '{fields[key]}' changes no field",
                    where.location(),
                    f"add the fields to change, e.g. one of: {', '.join(n for n in names if n != key)}",
                )
            for k in changed:
                if k not in names:
                    sink.add(
                        "E201",
                        f"unknown field '{k}' in the {what} '{fields[key]}'",
                        where.location(k),
                        hint_for(k, names, noun="fields")
                        or f"the fields of a {section.kind}: {', '.join(names)}",
                    )


def _duplicates_in(inject: Inject, raw: YMap, sink: DiagnosticSink) -> None:
    for block in ("add", "replace", "update", "remove"):
        node = raw.get(block)
        if not isinstance(node, YMap):
            continue
        for section in SECTIONS:
            items = node.get(section.key)
            if not isinstance(items, YSeq):
                continue
            seen: set[str] = set()
            for i, item in enumerate(items):
                ident = item.get(section.identity_field) if isinstance(item, YMap) else item
                if not isinstance(ident, str):
                    continue
                if ident in seen:
                    sink.add(
                        "E302",
                        f"{section.kind} '{ident}' is listed twice in '{block}.{section.key}'",
                        items.location(i),
                        "each fact appears once per inject",
                    )
                seen.add(ident)
    # The same fact both replaced and removed, or both added and replaced, in one inject.
    touched: dict[str, str] = {}
    for block, facts in inject.blocks():
        for section in SECTIONS:
            for item in getattr(facts, section.key):
                ident = update_identity(section.identity_field, item)
                if ident is None:
                    continue
                fid = f"{section.kind}:{ident}"
                if fid in touched and touched[fid] != block:
                    sink.add(
                        "E307",
                        f"inject '{inject.id}' both {_verb(touched[fid])} and {_verb(block)} {fid}",
                        raw.location(block),
                        "an inject changes each fact once: replace, update or remove it",
                    )
                touched.setdefault(fid, block)


def _verb(block: str) -> str:
    return {"remove": "removes", "replace": "replaces", "update": "updates", "add": "adds"}[block]


# -- checks on every branch -------------------------------------------------------------------


def _check_branches(ex: LoadedExercise, sink: DiagnosticSink) -> None:
    """Apply the injects on every branch the conditions allow; report each failing inject once."""
    from policyengine.exercise.apply import advance, apply_inject

    ids = ex.condition_ids()
    worlds: dict[tuple[str, ...], LoadedScenario] = {(): ex.start}
    # A branch: the injects applied so far (which fixes the world) and what was decided so far.
    branches: list[tuple[tuple[str, ...], frozenset[str]]] = [((), frozenset())]
    failed: set[str] = set()
    seen: dict[tuple[Location | None, str, str], Diagnostic] = {}
    for mi, move in enumerate(ex.moves):
        next_branches: list[tuple[tuple[str, ...], frozenset[str]]] = []
        for history, decided in branches:
            world = advance(worlds[history], move.date)
            applied = list(history)
            for ii, inject in enumerate(move.injects):
                if inject.when is not None and not inject.when.holds(decided, set(applied)):
                    continue
                if inject.id in failed:
                    continue
                key = (*applied, inject.id)
                cached = worlds.get(key)
                if cached is None:
                    try:
                        cached = apply_inject(world, inject, ex.raw_inject(mi, ii))
                    except InputError as exc:
                        failed.add(inject.id)
                        branch = _describe_branch(decided) if decided else ""
                        for d in exc.diagnostics:
                            message = f"{d.message} ({branch})" if branch else d.message
                            k = (d.location, d.code, d.message)
                            seen.setdefault(k, Diagnostic(d.location, d.code, message, d.hint))
                        continue
                    worlds[key] = cached
                ex.transitions.setdefault(inject.id, {}).setdefault(key, (world, cached))
                world = cached
                applied.append(inject.id)
            worlds[tuple(applied)] = world
            ex.move_ends.setdefault(tuple(applied), (mi, world))
            open_ids = [i for i in ids if i not in decided]
            for n in range(len(open_ids) + 1):
                for extra in itertools.combinations(open_ids, n):
                    next_branches.append((tuple(applied), decided | frozenset(extra)))
        unique = list(dict.fromkeys(next_branches))
        ex.branches_checked += len(unique)
        if len(unique) > MAX_BRANCHES:
            ex.branches_truncated = True
            unique = unique[:MAX_BRANCHES]
        branches = unique
    sink.extend(seen.values())


def _describe_branch(decided: frozenset[str]) -> str:
    return "on the branch where players decided " + ", ".join(sorted(decided))

"""Properties of scenario models, files and ``extends`` chains (hypothesis).

- a model survives model_dump -> model_validate, in Python and in JSON mode;
- a model written as YAML (``model_to_yaml``) loads back as the same model;
- any valid chain of scenario files (new facts, replaced facts, ``remove:`` sections, several
  levels of ``extends``) loads without error and merges as specified: a child's fact replaces
  the parent's fact of the same identity, ``remove`` deletes, and every fact is traced to the
  file that last wrote it; every signpost's condition resolves against the fact kinds.

The strategies (``scenario_strategies``) build only valid chains.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from policyengine.errors.locations import Location
from policyengine.loading.documents import Reader
from policyengine.loading.yamlwrite import model_to_yaml
from policyengine.models import scenario as m
from policyengine.signposts import watch_signposts
from policyengine.validation.scenario import LoadedScenario, load_scenario
from scenario_strategies import Chain, World, chains


def memory_reader(texts_by_name: dict[str, str]) -> Reader:
    def read(path: str, display: str) -> bytes:
        return texts_by_name[path].encode("utf-8")

    return read


def load_chain(chain: Chain) -> LoadedScenario:
    written = {name: model_to_yaml(model) for name, model in chain.files.items()}
    last = list(chain.files)[-1]
    return load_scenario(last, reader=memory_reader(written))


def by_identity(scenario: m.Scenario) -> World:
    return {s.key: {s.identity(f): f for f in getattr(scenario, s.key)} for s in m.SECTIONS}


# ----------------------------------------------------------------------------- properties

# Each example loads a chain of files: 40 keep the suite fast while still meeting removals,
# replacements and three-level chains in every run (hypothesis' database replays past failures).
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(chains(max_files=1))
def test_dump_and_validate_round_trip(chain: Chain) -> None:
    (model,) = chain.files.values()
    assert m.ScenarioFile.model_validate(model.model_dump()) == model
    # JSON mode writes dates as YYYY-MM-DD text, which a scenario file may hold too.
    assert m.ScenarioFile.model_validate(model.model_dump(mode="json", by_alias=True)) == model


@FAST
@given(chains(max_files=1))
def test_yaml_round_trip(chain: Chain) -> None:
    (model,) = chain.files.values()
    loaded = load_chain(chain)
    as_merged = m.Scenario(
        **{k: v for k, v in dict(model).items() if k != "remove"}, record_start=model.scenario.as_of
    )
    assert loaded.scenario == as_merged


@FAST
@given(chains())
def test_any_valid_chain_loads_and_merges_as_specified(chain: Chain) -> None:
    written = {name: model_to_yaml(model) for name, model in chain.files.items()}
    loaded = load_chain(chain)
    assert by_identity(loaded.scenario) == chain.world
    assert loaded.files == list(reversed(chain.files))
    assert loaded.scenario.scenario == list(chain.files.values())[-1].scenario
    assert [w.signpost for w in watch_signposts(loaded)] == sorted(
        loaded.scenario.signposts, key=lambda s: s.id
    )
    # Every fact is traced to the file that last wrote it, at the line where its mapping starts;
    # the scenario fact to the header of the file itself.
    where = {fact_id: origin.location.file for fact_id, origin in loaded.origins.items()}
    header = loaded.scenario.scenario
    assert where == {**chain.written_in, f"scenario:{header.id}": loaded.files[0]}
    for fact_id, origin in loaded.origins.items():
        loc: Location = origin.location
        kind, ident = fact_id.split(":", 1)
        key = "id" if kind == "scenario" else m.SECTION_BY_KIND[kind].identity_field
        line = written[loc.file].splitlines()[loc.line - 1]
        assert line[loc.column - 1 :].startswith(f"{key}: ")
        assert origin.raw[key] == ident

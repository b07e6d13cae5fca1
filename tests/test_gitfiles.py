"""REV:PATH arguments: a scenario and what it extends, as committed at a git revision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import system
from gitrepo import commit_all, git
from policyengine.cli import cli
from policyengine.core.gitfiles import is_revision_spec, load_revision
from policyengine.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _git() -> None:
    system.git()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the two shipped scenarios committed, the current directory at its top."""
    (tmp_path / "scenarios").mkdir()
    for name in ("baseline_2022.yaml", "korea_new_gov.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / "scenarios" / name)
    commit_all(tmp_path, "the paper's world")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_diff_of_a_revision_against_the_working_file(repo: Path) -> None:
    # The working copy: France's forces are now under asset protection.
    korea = repo / "scenarios" / "korea_new_gov.yaml"
    korea.write_text(
        korea.read_text(encoding="utf-8") + "\nasset_protection:\n  - partner: FRA\n    since: 2022-05-20\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["diff", "HEAD:scenarios/korea_new_gov.yaml", "scenarios/korea_new_gov.yaml", "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["old"]["files"] == ["HEAD:scenarios/korea_new_gov.yaml", "HEAD:scenarios/baseline_2022.yaml"]
    assert [(f["change"], f["fact"], f["new_location"]) for f in data["facts"]] == [
        ("added", "asset_protection:FRA", "scenarios/korea_new_gov.yaml:38:5")
    ]
    assert [(o["change"], o["id"]) for o in data["recommendations"]] == [
        ("removed", "extend-asset-protection/FRA")
    ]
    assert data["recommendations"][0]["causes"][0]["how"] == "blocks"
    assert runner.invoke(cli, [*args, "--exit-code"]).exit_code == 1


def test_what_a_scenario_extends_is_read_at_the_revision_too(repo: Path) -> None:
    _edit(repo / "scenarios" / "baseline_2022.yaml", "    status: negotiating\n", "    status: signed\n")
    git(repo, "commit", "-q", "-am", "the UK RAA is signed")
    result = CliRunner().invoke(
        cli,
        [
            "diff",
            "HEAD~1:scenarios/korea_new_gov.yaml",
            "HEAD:scenarios/korea_new_gov.yaml",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (fact,) = data["facts"]
    assert fact["fact"] == "agreement:raa-jpn-gbr"
    assert fact["old_location"] == "HEAD~1:scenarios/baseline_2022.yaml:713:5"
    assert fact["new_location"] == "HEAD:scenarios/baseline_2022.yaml:713:5"
    assert fact["fields"] == [
        {
            "path": "status",
            "old": "negotiating",
            "new": "signed",
            "location": "HEAD:scenarios/baseline_2022.yaml:717:13",
        }
    ]
    assert "conclude-raa/GBR" in [o["id"] for o in data["recommendations"] if o["change"] == "removed"]


def test_paths_with_dot_are_relative_to_the_current_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "scenarios")
    loaded = load_revision("HEAD:./korea_new_gov.yaml")
    assert loaded.files == ["HEAD:scenarios/korea_new_gov.yaml", "HEAD:scenarios/baseline_2022.yaml"]
    # without './' the path is from the top of the repository, as in git
    assert load_revision("HEAD:scenarios/korea_new_gov.yaml").scenario == loaded.scenario


def test_a_revision_named_with_a_slash_is_shown_by_its_commit(repo: Path) -> None:
    git(repo, "branch", "feature/x")
    commit = git(repo, "rev-parse", "HEAD")
    loaded = load_revision("feature/x:scenarios/korea_new_gov.yaml")
    assert loaded.files == [
        f"{commit[:12]}:scenarios/korea_new_gov.yaml",
        f"{commit[:12]}:scenarios/baseline_2022.yaml",
    ]


def test_unknown_revision_is_a_located_error(repo: Path) -> None:
    result = CliRunner().invoke(
        cli, ["diff", "HEAD~5:scenarios/korea_new_gov.yaml", "scenarios/korea_new_gov.yaml"]
    )
    assert result.exit_code == 2
    assert result.output == (
        "HEAD~5:scenarios/korea_new_gov.yaml: E107: unknown revision 'HEAD~5'\n"
        "  hint: name a commit, branch or tag (see `git log --oneline`), e.g. "
        "HEAD~1:scenarios/korea_new_gov.yaml\n"
    )


def test_unknown_path_suggests_the_file(repo: Path) -> None:
    with pytest.raises(InputError) as err:
        load_revision("HEAD:scenarios/korea.yaml")
    (d,) = err.value.diagnostics
    assert d.code == "E101"
    assert d.message == "file not found in revision HEAD"
    assert d.hint is not None and d.hint.startswith("did you mean 'korea_new_gov.yaml'?")


def test_a_folder_is_not_a_scenario(repo: Path) -> None:
    with pytest.raises(InputError) as err:
        load_revision("HEAD:scenarios")
    assert err.value.codes == ["E102"]


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(InputError) as err:
        load_revision("HEAD:scenarios/korea_new_gov.yaml")
    assert err.value.codes == ["E108"]


def test_an_invalid_file_at_a_revision_is_located_there(repo: Path) -> None:
    _edit(repo / "scenarios" / "korea_new_gov.yaml", "kind: government-change", "kind: goverment-change")
    git(repo, "commit", "-q", "-am", "typo")
    with pytest.raises(InputError) as err:
        load_revision("HEAD:scenarios/korea_new_gov.yaml")
    (d,) = err.value.diagnostics
    assert (str(d.location), d.code) == ("HEAD:scenarios/korea_new_gov.yaml:19:11", "E204")


def test_an_existing_file_is_never_taken_for_a_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "HEAD:x.yaml").write_text("", encoding="utf-8")
    assert not is_revision_spec("HEAD:x.yaml")
    assert is_revision_spec("HEAD:y.yaml")
    assert not is_revision_spec("plain.yaml")

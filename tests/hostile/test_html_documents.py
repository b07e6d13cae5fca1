"""HTML outputs of the commands that render through the document model show untrusted text as
text: a scenario's title and a hostile file name come out escaped (no tag, script or URL
attribute of theirs), and still read, character for character, once unescaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hostile.test_markdown import _URL_ATTRIBUTE, EVIL_NAME, P, hostile  # noqa: F401 (a fixture)
from policyengine.cli import cli

EN = ["--lang", "en"]
HTML = ["--format", "html", *EN]
EVIL = f"scenarios/{EVIL_NAME}"
REC = "propose-framework/AUS+JPN+KOR"
#: name: (arguments, texts the page must show)
OUTPUTS: dict[str, tuple[list[str], list[str]]] = {
    "diff": (["diff", "scenarios/baseline_2022.yaml", EVIL, *HTML], [EVIL_NAME, P]),
    "diff --ids": (["diff", "scenarios/baseline_2022.yaml", EVIL, "--ids", *HTML], [EVIL_NAME]),
    "explain (graph)": (["explain", EVIL, REC, *HTML], [EVIL_NAME]),
    "whatif": (["whatif", EVIL, REC, "--max-changes", "1", "--max-evaluations", "30", *HTML], [EVIL_NAME]),
    "sensitivity": (["sensitivity", EVIL, *HTML], [EVIL_NAME]),
}  # fmt: skip


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_html_documents_escape_untrusted_text(
    hostile: Path,  # noqa: F811 (the fixture imported above)
    name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv, shows = OUTPUTS[name]
    monkeypatch.chdir(hostile)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code in (0, 1), result.output
    page = result.stdout
    body = page.split("<body>", 1)[1]
    for tag in ("<script", "<img", "<b>", "<javascript:", "<http:"):
        assert tag not in body, tag
    assert not _URL_ATTRIBUTE.search(body)
    seen = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    for text in shows:
        assert " ".join(text.split()) in seen, text

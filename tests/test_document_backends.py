"""The document model (render/blocks.py) and its backends (render/backends/): every backend draws
every block, escapes text by construction, and is offered by every command that renders a document."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from policyengine.cli import cli, document_formats
from policyengine.render.backends import FORMATS, render
from policyengine.render.blocks import (
    Bullets,
    Chain,
    Citation,
    Code,
    Document,
    Entry,
    Field,
    Heading,
    Para,
    Quote,
    Section,
    Strong,
    Table,
    Title,
    Tree,
)

#: The only elements a document's HTML holds: a text can add none.
OUR_TAGS = "h1 h2 h3 p ul ol li code strong table thead tbody tr th td blockquote br span section body html"
HOSTILE = '<script>alert("x")</script> & [link](javascript:alert(1)) *em* `tick` | # head'


def _every_block(text: str, compact: bool) -> Document:
    return Document(
        text,
        [
            Title(
                text, note=(text, text), fields=[(text, Chain([text, "b.yaml"])), (text, [Code(text), text])]
            ),
            Heading(2, text),
            Para([text, Strong(text), Code(text)]),
            Bullets([text, [Code(text), text]]),
            Table([text, text], [[text, Code(text)]]),
            Quote(text, cite=text, translation=text),
            Section([Para(text)]),
            Entry(
                Code(text),
                text,
                [Para(text), Field(text, [Code(text)]), Citation(text, text, text, translation=text)],
            ),
            Entry(text, None, [Quote(text, translation=text), Field(text, text)], number=1),
            Title(text, fields=[(text, text)], notes=[text], wrap=True),
            Tree(text, [text, [Code(text), text]], [Tree([Strong(text)], [text])]),
        ],
        lang="en",
        compact=compact,
    )


def test_the_three_backends_are_found_by_their_modules() -> None:
    assert {"text", "markdown", "html"} <= set(FORMATS)
    assert document_formats()[:2] == ("text", "json")
    assert set(document_formats()[2:]) == set(FORMATS) - {"text"}
    with pytest.raises(ValueError, match="no backend"):
        render(Document("t"), "docx")


@pytest.mark.parametrize("compact", [True, False])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_backend_draws_every_block(fmt: str, compact: bool) -> None:
    out = render(_every_block("needle", compact), fmt)
    assert out.endswith("\n")
    # each block's text appears (the Title's three, the Entry's, the Quote's ...)
    assert out.count("needle") >= 36


@pytest.mark.parametrize("compact", [True, False])
def test_html_escapes_every_text_by_construction(compact: bool) -> None:
    out = render(_every_block(HOSTILE, compact), "html")
    assert "<script>" not in out
    assert 'alert("x")' not in out
    body = out.split("<body>", 1)[1]
    tags = {tag.lstrip("/") for tag in re.findall(r"<(/?[a-z0-9]+)", body)}
    assert tags <= set(OUR_TAGS.split()), tags - set(OUR_TAGS.split())


@pytest.mark.parametrize("compact", [True, False])
def test_markdown_escapes_every_text(compact: bool) -> None:
    out = render(_every_block(HOSTILE, compact), "markdown")
    assert "<script>" not in out
    assert "](javascript:" not in out
    assert not re.search(r"(?m)^#+ #", out)


@given(st.text(max_size=40))
def test_text_shows_text_as_it_is(s: str) -> None:
    s = " ".join(s.split())
    out = render(Document("t", [Para(s)], compact=True), "text")
    assert " ".join(out.split()) == s


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "text"])
def test_evaluate_renders_through_every_backend(fmt: str) -> None:
    args = ["evaluate", "scenarios/korea_new_gov.yaml", "--format", fmt, "--lang", "en"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Suggested actions for Japan" in result.output
    assert "extend-asset-protection/GBR" in result.output

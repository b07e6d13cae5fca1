"""Rendering the framework x area table."""

from __future__ import annotations

import csv
import io

from policyengine.matrix import Matrix
from policyengine.models.names import format_date
from policyengine.models.vocabulary import LEVEL_SYMBOLS, VALUE_NAMES
from policyengine.render.blocks import Block, Document, Para, Table, Title, to_markdown, to_text
from policyengine.render.common import (
    esc,
    to_json,
)
from policyengine.text import Sentence, t

TITLE = Sentence("matrix.title")
#: Title of a table that shows alliances and multilateral bodies too (--all-kinds).
TITLE_ALL_KINDS = Sentence("matrix.title_all_kinds")
LEGEND = Sentence("matrix.legend")
NOT_COVERED = Sentence("matrix.not_covered")


def _title(m: Matrix, lang: str) -> str:
    return TITLE[lang] if tuple(m.kinds) == ("minilateral",) else TITLE_ALL_KINDS[lang]


def _subtitle(m: Matrix, lang: str) -> str:
    """Which world the table shows: the scenario's title and date."""
    if m.header is None:
        return ""
    title, day = m.header.title.get(lang), format_date(m.header.as_of, lang)
    return t("matrix.subtitle", lang, title=title, day=day)


def _level_name(level: str | None, lang: str) -> str:
    if level is None:
        return NOT_COVERED[lang]
    ja, en = VALUE_NAMES[level]
    return ja if lang == "ja" else en


def matrix_rows(m: Matrix, lang: str) -> tuple[list[str], list[list[str]]]:
    li = 0 if lang == "ja" else 1
    headers = ["" if lang == "ja" else "Area"] + [f.name.get(lang) for f in m.frameworks]
    rows = [[m.area_names[a][li]] + [LEVEL_SYMBOLS[m.level(f.id, a)] for f in m.frameworks] for a in m.areas]
    return headers, rows


def render_json(m: Matrix) -> str:
    return to_json(m.to_dict())


def document(m: Matrix, lang: str = "ja") -> Document:
    """The table with its title, the world it shows and the legend: text and Markdown are drawn from it."""
    headers, rows = matrix_rows(m, lang)
    sub = _subtitle(m, lang)
    blocks: list[Block] = [
        Title(_title(m, lang), notes=[sub] if sub else []),
        Table(headers, rows),
        Para(LEGEND[lang]),
    ]
    return Document(_title(m, lang), blocks, lang=lang, compact=True)


def render_text(m: Matrix, lang: str = "ja") -> str:
    return to_text(document(m, lang))


def render_markdown(m: Matrix, lang: str = "ja") -> str:
    return to_markdown(document(m, lang))


def render_csv(m: Matrix, lang: str = "ja") -> str:
    """One row per area; cells hold the level ids (focus, mentioned) or are empty."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["area", *[f.id for f in m.frameworks]])
    for a in m.areas:
        w.writerow([a, *[m.level(f.id, a) or "" for f in m.frameworks]])
    return buf.getvalue()


def html_table(m: Matrix, lang: str = "ja", *, changed: frozenset[tuple[str, str]] = frozenset()) -> str:
    """The table alone (for embedding in a larger page); ``changed`` cells (framework, area) are marked."""
    headers, rows = matrix_rows(m, lang)
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body_rows = []
    for a, row in zip(m.areas, rows, strict=True):
        cells = [f'<th scope="row">{esc(row[0])}</th>']
        for f, sym in zip(m.frameworks, row[1:], strict=True):
            level = m.level(f.id, a)
            cls = f"c {level}" if level else "c"
            if (f.id, a) in changed:
                cls += " changed"
            cells.append(f'<td class="{cls}" title="{esc(_level_name(level, lang))}">{esc(sym)}</td>')
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body_rows)
        + "\n</tbody>\n</table>\n"
    )


def render_html(m: Matrix, lang: str = "ja", *, against: Matrix | None = None) -> str:
    """The table as a heat map picture; with ``against`` (the table before), changed cells marked."""
    from policyengine.render.charts.matrix import render_html as heat_map

    return heat_map(m, lang, against=against)


def render(m: Matrix, fmt: str, lang: str) -> str:
    if fmt == "json":
        return render_json(m)
    if fmt == "csv":
        return render_csv(m, lang)
    if fmt == "markdown":
        return render_markdown(m, lang)
    if fmt == "html":
        return render_html(m, lang)
    return render_text(m, lang)

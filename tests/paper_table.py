"""The paper's table (表), parsed from the paper's own text, for tests to compare with.

Kept independent of ``policyengine.models.vocabulary``, so that tests check the library against
the paper rather than against itself.
"""

from __future__ import annotations

import re

# The table as the paper prints it: column headers and row labels, mapped to our identifiers.
# Kept here, independent of policyengine.models.vocabulary, so that the test checks the library.
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("日米韓", "jpn-usa-kor"),
    ("日米豪", "jpn-usa-aus"),
    ("日米豪印(QUAD)", "quad"),
    ("日豪印", "jpn-aus-ind"),
    ("豪英米(AUKUS)", "aukus"),
    ("豪尼印", "aus-idn-ind"),
    ("豪仏印", "aus-fra-ind"),
    ("尼馬比", "idn-mys-phl"),
)
TABLE_ROWS: dict[str, str] = {
    "海洋安全保障": "maritime-security",
    "テロ対策": "counter-terrorism",
    "北朝鮮": "north-korea",
    "宇宙・サイバー": "space-cyber",
    "重要・新興技術": "critical-emerging-tech",
    "不拡散": "non-proliferation",
    "人道支援・災害救援": "hadr",
    "能力構築支援": "capacity-building",
    "コロナ対策": "covid-19",
    "インフラ支援": "infrastructure",
    "サプライチェーン": "supply-chain",
    "気候変動": "climate-change",
}
SYMBOLS = {"◎": "focus", "〇": "mentioned", "-": None}
TABLE_TITLE = "表：インド太平洋地域における主要なミニラテラルの安全保障枠組みとその協力内容"
TABLE_FOOTNOTE = "＊〇は共同声明等で言及された問題。"
_ROW = re.compile(r"^\s*(\S+)((?:\s+[〇◎-]){8})\s*$")


def parse_table(raw: str) -> tuple[list[str], list[str], dict[str, dict[str, str]]]:
    """(framework ids, area ids, cells) of the table in the paper's raw text.

    ``cells[framework][area]`` is 'focus' (◎) or 'mentioned' (〇); uncovered cells (-) are absent.
    """
    start = raw.index(TABLE_TITLE)
    end = raw.index(TABLE_FOOTNOTE, start)
    lines = raw[start + len(TABLE_TITLE) : end].splitlines()

    rows: list[tuple[str, list[str]]] = []
    header: list[str] = []
    for line in lines:
        m = _ROW.match(line)
        if m:
            rows.append((m[1], m[2].split()))
        elif not rows:
            header.append(line)
    # The column headers are broken over several lines by the extraction: compare them squashed.
    assert re.sub(r"\s+", "", "".join(header)) == "".join(label for label, _ in TABLE_COLUMNS)
    assert [label for label, _ in rows] == list(TABLE_ROWS), "the paper's row labels, in order"

    frameworks = [fid for _, fid in TABLE_COLUMNS]
    areas = [TABLE_ROWS[label] for label, _ in rows]
    cells: dict[str, dict[str, str]] = {fid: {} for fid in frameworks}
    for (label, symbols), area in zip(rows, areas, strict=True):
        assert len(symbols) == len(frameworks), label
        for fid, symbol in zip(frameworks, symbols, strict=True):
            level = SYMBOLS[symbol]
            if level is not None:
                cells[fid][area] = level
    return frameworks, areas, cells

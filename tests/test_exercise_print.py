"""Every HTML exercise document printed to PDF through Debian's chromium, as a facilitator would.

For the after-action report, the player handout (the default, move 1, and --through all) and the
facilitator guide, in Japanese and English:

- ``chromium --headless --print-to-pdf`` writes a PDF whose page count is sane for the document
  (measured on sea_lane_crisis: AAR 12 (en) and 10 (ja), guide 14 and 12, player handout 3 and 2,
  5 and 4 with every move; the guide was 17 pages once it no longer shrank to fit its matrix);
- laid out at the width of a printed A4 page, nothing runs past the right edge, no table column
  that holds words is narrower than a few characters (the guide's MSEL title column was one
  character wide), no table header breaks inside a word (the matrix headers wrapped one
  character per line), no status or date cell wraps and no rating cell wraps inside a word;
- ◎ (a recent focus) is drawn larger and bolder than 〇 (mentioned);
- each kind of facilitator callout (condition, controller notes, fact changes, expected action)
  has a style of its own.

The layout is measured by a copy of each page with a small measuring script added (the documents
themselves hold no script); chromium runs it and ``--dump-dom`` returns its JSON. Without
chromium or a Japanese font the tests skip (tests/system.py); under CI they fail instead.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import system
import test_exercise_session as _fixtures
from policyengine.cli import cli
from test_exercise_browser import FLAGS

clock, world, session = _fixtures.clock, _fixtures.world, _fixtures.session

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"
#: The printable width of an A4 page with the documents' @page margins (210 - 2 x 12 mm) at 96 dpi.
A4_CONTENT_PX = 703
#: No column that holds a word of 4 or more characters may be narrower than this (about three
#: Japanese characters, or five Latin ones, at the body font's 16 px, with the cell's padding).
MIN_COLUMN_PX = 40
#: Sane page counts (A4), with room for the content to grow a little.
MAX_PAGES = {"aar": 14, "player": 3, "player-all": 6, "facilitator": 16}

MEASURE = """
<script>
(() => {
  document.body.style.margin = "0"; document.body.style.maxWidth = "none";
  const lines = (el) => {
    const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
  };
  const out = {columns: [], headers: [], status: [], marks: {}, callouts: {}, overflow: []};
  const page = document.documentElement.clientWidth;
  document.querySelectorAll("table, pre, p, li, h1, h2, h3").forEach(el => {
    const right = el.getBoundingClientRect().right;
    const what = `${el.tagName} ${Math.round(right)}px: ${el.innerText.slice(0, 40)}`;
    if (right > page + 1) out.overflow.push(what);
  });
  document.querySelectorAll("table").forEach((table, t) => {
    const widths = {};
    for (const row of table.rows) {
      let col = 0;
      for (const cell of row.cells) {
        const word = Math.max(0, ...cell.innerText.split(/\\s+/).map(w => w.length));
        if (cell.colSpan === 1 && word >= 4) {
          const w = cell.getBoundingClientRect().width;
          if (!(col in widths) || w < widths[col][0]) widths[col] = [w, cell.innerText.slice(0, 40)];
        }
        col += cell.colSpan;
      }
    }
    for (const [col, [w, text]] of Object.entries(widths)) out.columns.push({table: t, col: +col, w, text});
  });
  document.querySelectorAll("th").forEach(th => {
    const text = th.innerText.trim();
    // words: split at spaces, hyphens and brackets, where a line may break between words
    const words = text.split(/[\\s\\-（）()・、]+/).filter(Boolean).length;
    out.headers.push({text, lines: lines(th), words});
  });
  document.querySelectorAll(
    "td.matched, td.diverged, td.not-considered, td.anticipated, td.status, td.date"
  ).forEach(td => out.status.push({text: td.innerText, lines: lines(td), words: 1}));
  document.querySelectorAll("td.rating").forEach(td => out.status.push(
    {text: td.innerText, lines: lines(td), words: td.innerText.split(/[\\s（(]+/).filter(Boolean).length}
  ));
  const box = (sel) => {
    const td = document.querySelector(sel); if (!td) return null;
    const r = document.createRange(); r.selectNodeContents(td); const b = r.getBoundingClientRect();
    const style = getComputedStyle(td);
    return {w: b.width, h: b.height, weight: +style.fontWeight, size: parseFloat(style.fontSize)};
  };
  out.marks = {focus: box("td.c.focus"), mentioned: box("td.c.mentioned")};
  for (const kind of ["condition", "notes", "facts", "expected"]) {
    const el = document.querySelector(".callout." + kind);
    if (!el) continue;
    const s = getComputedStyle(el);
    out.callouts[kind] = [s.borderLeftStyle, s.borderLeftColor, s.backgroundColor].join(" ");
  }
  const pre = document.createElement("pre"); pre.id = "measure"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def chromium(page: Path, work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = work / f"profile-{page.stem}-{len(extra)}"
    return subprocess.run(
        [system.chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF chromium wrote: its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture(scope="module")
def fonts() -> None:
    system.chromium()
    system.japanese_font()


@pytest.fixture
def documents(session, tmp_path: Path) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    log, _ = session
    runner = CliRunner()
    out: dict[str, Path] = {}
    commands = {
        "aar": ["exercise", "report", str(log)],
        "player": ["exercise", "handout", str(EXERCISE), "--role", "player"],
        "player-all": ["exercise", "handout", str(EXERCISE), "--role", "player", "--through", "all"],
        "facilitator": ["exercise", "handout", str(EXERCISE), "--role", "facilitator"],
    }
    for lang in ("ja", "en"):
        for name, args in commands.items():
            page = tmp_path / f"{name}.{lang}.html"
            result = runner.invoke(cli, [*args, "--format", "html", "--lang", lang, "-o", str(page)])
            assert result.exit_code == 0, result.output
            out[f"{name}.{lang}"] = page
    return out


def test_every_document_prints_to_sane_pdf(fonts: None, documents: dict[str, Path], tmp_path: Path) -> None:
    pages: dict[str, int] = {}
    for key, page in documents.items():
        pdf = tmp_path / f"{key}.pdf"
        done = chromium(page, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        assert pdf.exists(), done.stderr[-2000:]
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-"), key
        pages[key] = pdf_pages(data)
    print("pages:", json.dumps(pages, sort_keys=True))  # shown with -s: the numbers for the docs
    for key, n in pages.items():
        assert 1 <= n <= MAX_PAGES[key.split(".")[0]], (key, n)
    # the player handout of move 1 is a part of the whole handout
    for lang in ("ja", "en"):
        assert pages[f"player.{lang}"] <= pages[f"player-all.{lang}"]


def measure(page: Path, work: Path) -> dict[str, object]:
    probe = work / f"measure-{page.name}"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    done = chromium(probe, work, f"--window-size={A4_CONTENT_PX},1000", "--hide-scrollbars", "--dump-dom")
    found = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    text = (
        found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    result: dict[str, object] = json.loads(text)
    return result


def test_tables_read_at_the_width_of_a_printed_page(
    fonts: None, documents: dict[str, Path], tmp_path: Path
) -> None:
    problems: list[str] = []
    for key, page in documents.items():
        m = measure(page, tmp_path)
        columns = m["columns"]
        assert isinstance(columns, list) and columns, key
        for c in columns:
            if c["w"] < MIN_COLUMN_PX:
                problems.append(
                    f"{key}: table {c['table']} column {c['col']} is {c['w']:.0f}px: {c['text']!r}"
                )
        for h in m["headers"]:  # type: ignore[attr-defined]
            # a header breaks between its words only: at most one line a word
            if h["lines"] > max(1, h["words"]):
                problems.append(f"{key}: header {h['text']!r} takes {h['lines']} lines")
        for s in m["status"]:  # type: ignore[attr-defined]
            if s["lines"] > s["words"]:
                problems.append(f"{key}: status cell {s['text']!r} wraps onto {s['lines']} lines")
        # nothing runs past the right edge of the page (a printed page would cut it off)
        problems += [f"{key}: {o}" for o in m["overflow"]]  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


def test_marks_and_callouts_are_drawn_apart(fonts: None, documents: dict[str, Path], tmp_path: Path) -> None:
    for lang in ("ja", "en"):
        m = measure(documents[f"facilitator.{lang}"], tmp_path)
        marks = m["marks"]
        assert isinstance(marks, dict)
        focus, mentioned = marks["focus"], marks["mentioned"]
        # ◎ larger and bolder than 〇, whatever the font draws at equal sizes
        assert focus["size"] > mentioned["size"] * 1.3, marks
        assert focus["weight"] > mentioned["weight"], marks
        assert focus["h"] > mentioned["h"], marks
        callouts = m["callouts"]
        assert isinstance(callouts, dict)
        assert set(callouts) == {"condition", "notes", "facts", "expected"}, callouts
        assert len(set(callouts.values())) == 4, callouts

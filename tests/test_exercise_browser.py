"""The HTML after-action report in a real headless browser (Debian's chromium).

- a screenshot is decoded (PNG, with zlib and struct) and must show many colours, not a blank page;
- the DOM chromium builds (``--dump-dom``) holds the report's key sections;
- no network request is made. Two checks, because neither alone is enough:
  1. statically, the HTML holds no http(s) or protocol-relative URL in ``src``, ``href`` or
     ``url()``, and no ``<script>``, ``<link>`` or ``@import``. (A protocol-relative URL opened
     from a file:// page resolves to another file:// URL, which chromium's net log does not show.)
  2. dynamically, chromium runs with name resolution disabled (``--host-resolver-rules``) and a
     net log (``--log-net-log``). Chromium logs its own background requests there too (component
     updates, time, accounts), so the test keeps only the requests made *for the page*: those whose
     network isolation key is the file:// origin. The file itself is read without the network
     stack, so there must be none. A control page with an external image proves the check sees
     a page's request when there is one.

- Japanese text renders as Japanese glyphs, not as replacement boxes (a font with them must be
  installed: Debian's fonts-noto-cjk).

Without chromium (or the font) these tests skip, saying how to install it; under CI, or with
POLICYENGINE_REQUIRE_SYSTEM=1, they fail instead (tests/system.py).
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import system
import test_exercise_session as _fixtures
from policyengine.cli import cli

# The scripted session and its fixtures, shared with test_exercise_session.py.
clock, world, session = _fixtures.clock, _fixtures.world, _fixtures.session

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
EXTERNAL_URL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|<script|<link|@import""",
    re.IGNORECASE,
)


def run_browser(page: Path, work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = work / f"profile-{len(list(work.iterdir()))}"
    return subprocess.run(
        [system.chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def page_requests(net_log: Path) -> list[str]:
    """URLs requested on behalf of a file:// page, from a chromium net log."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start_job and str(params.get("network_isolation_key", "")).startswith("file://"):
            out.append(str(params["url"]))
    return out


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA PNG: (width, height, rows of raw pixel bytes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        filt = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = prev[x]
            upleft = prev[x - channels] if x >= channels else 0
            if filt == 1:
                line[x] = (line[x] + left) & 0xFF
            elif filt == 2:
                line[x] = (line[x] + up) & 0xFF
            elif filt == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif filt == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i : i + 3]) for r in rows for i in range(0, stride, channels)]


@pytest.fixture
def report_html(session, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    log, _ = session
    out = tmp_path / "aar.html"
    result = CliRunner().invoke(cli, ["exercise", "report", str(log), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_renders_in_a_browser_without_network(report_html: Path, tmp_path: Path) -> None:
    html = report_html.read_text(encoding="utf-8")
    assert not EXTERNAL_URL.search(html), EXTERNAL_URL.search(html)
    work = tmp_path / "browser"
    work.mkdir()
    shot, net_log = work / "shot.png", work / "net.json"
    done = run_browser(
        report_html, work, "--window-size=800,600", f"--screenshot={shot}", f"--log-net-log={net_log}"
    )
    assert shot.exists(), done.stderr[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (800, 600)
    colours = set(pixels)
    non_white = sum(1 for p in pixels if p != b"\xff\xff\xff")
    assert len(colours) > 50, f"only {len(colours)} colours: a blank page?"
    assert non_white > len(pixels) // 100, f"only {non_white} non-white pixels"
    assert page_requests(net_log) == []
    dom = run_browser(report_html, work, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for anchor in ("summary", "objectives", "findings", "ip", "hot-wash", "timeline", "matrix"):
        assert f'id="{anchor}"' in dom.stdout, anchor
    assert "事後検証報告書（AAR/IP）" in dom.stdout
    assert '<td class="matched">一致</td>' in dom.stdout
    assert '<td class="diverged">相違</td>' in dom.stdout
    assert '<td class="not-considered">未検討</td>' in dom.stdout


def test_the_network_checks_can_fail(tmp_path: Path) -> None:
    """A page that does load something from the network is caught by both checks."""
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><html><body><p>control</p><img src="http://example.invalid/x.png">'
        '<div style="background:url(//cdn.example.invalid/bg.png)"></div></body></html>',
        encoding="utf-8",
    )
    assert EXTERNAL_URL.search(page.read_text(encoding="utf-8"))
    work = tmp_path / "browser"
    work.mkdir()
    net_log = work / "net.json"
    run_browser(page, work, f"--log-net-log={net_log}", "--dump-dom")
    assert page_requests(net_log) == ["http://example.invalid/x.png"]


def test_handouts_are_self_contained(tmp_path: Path) -> None:
    for role in ("player", "facilitator"):
        out = tmp_path / f"{role}.html"
        args = ["exercise", "handout", str(ROOT / "exercises" / "carrier_group.yaml"), "--role", role]
        result = CliRunner().invoke(cli, [*args, "--format", "html", "-o", str(out)])
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        assert not EXTERNAL_URL.search(html)
        assert "@media print" in html and "<style>" in html


# -- Japanese glyphs -----------------------------------------------------------------------------
# Without a font that has them, chromium draws every Japanese character as the same replacement
# box. The report's heading is drawn one character to a fixed cell, with the report's own style,
# beside a cell holding a private-use character (always a box): every character must look unlike
# the box and unlike each other.

CELL = 64
PRIVATE_USE = "\ue000"


def glyph_cells(page: Path, work: Path, count: int) -> list[list[bytes]]:
    """Screenshot ``page`` and cut the top row into ``count`` cells of CELL x CELL pixels."""
    shot = work / f"{page.stem}.png"
    done = run_browser(page, work, f"--window-size={CELL * count},{CELL * 2}", f"--screenshot={shot}")
    assert shot.exists(), done.stderr[-2000:]
    width, _, pixels = png_pixels(shot.read_bytes())
    return [
        [pixels[y * width + x] for y in range(CELL) for x in range(i * CELL, (i + 1) * CELL)]
        for i in range(count)
    ]


def test_japanese_text_renders_as_japanese_glyphs(report_html: Path, tmp_path: Path) -> None:
    system.japanese_font()
    html = report_html.read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    assert heading, "the report has no heading"
    chars = list(dict.fromkeys(c for c in heading.group(1) if "\u3040" <= c <= "\u9fff"))[:6]
    assert len(chars) >= 4, heading.group(1)
    style = re.search(r"<style>.*?</style>", html, re.DOTALL)
    assert style, "the report has no style"
    cells = "".join(f'<span class="g">{c}</span>' for c in [*chars, PRIVATE_USE])
    page = tmp_path / "glyphs.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">{style.group(0)}<style>'
        f"body{{margin:0;padding:0;max-width:none}}"
        f".g{{display:inline-block;width:{CELL}px;height:{CELL}px;font-size:{CELL * 3 // 4}px;"
        f"line-height:{CELL}px;text-align:center;vertical-align:top;overflow:hidden}}"
        f'</style></head><body><div style="white-space:nowrap;line-height:0">{cells}</div></body></html>',
        encoding="utf-8",
    )
    work = tmp_path / "browser"
    work.mkdir()
    *glyphs, box = glyph_cells(page, work, len(chars) + 1)
    assert len(set(box)) > 1, "the replacement box was not drawn: the check would prove nothing"
    for char, glyph in zip(chars, glyphs, strict=True):
        assert len(set(glyph)) > 1, f"{char} drew nothing"
        if glyph == box:
            pytest.fail(f"{char} drew as a replacement box: no font with Japanese glyphs", pytrace=False)
    distinct = {tuple(g) for g in glyphs}
    assert len(distinct) == len(chars), "different characters drew the same shape: replacement boxes"

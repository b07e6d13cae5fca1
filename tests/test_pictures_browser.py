"""Every picture (docs/pictures.md) in a real headless browser (Debian's chromium), networking off.

- each page is screenshotted and must not be blank: many colours, a fair share of non-white
  pixels, and a spread of brightness (pixel variance);
- no request is made for the page (the net log, as in tests/test_exercise_browser.py);
- CJK text really renders: with the pictures' font list, two different Japanese strings must
  give different images (missing glyphs would draw the same boxes for both), and neither may
  look like the rendering of characters no font has (tofu/replacement boxes).

Without chromium (or a font with Japanese glyphs) these tests skip, saying how to install it; under
CI or with POLICYENGINE_REQUIRE_SYSTEM=1 they fail instead (tests/system.py; .ci/run installs both).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import system
from test_exercise_browser import FLAGS, page_requests, png_pixels
from test_pictures import pictures, run, world_sized

SHOTS = os.environ.get("POLICYENGINE_SHOTS")  # keep the screenshots in this folder, to look at them


def chromium() -> str:
    return system.chromium()


def screenshot(page: Path, work: Path, size: str = "1400,1100", *extra: str) -> bytes:
    import subprocess

    shot = work / f"{page.stem}.png"
    profile = work / f"profile-{page.stem}"
    done = subprocess.run(
        [
            chromium(),
            *FLAGS,
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={size}",
            f"--screenshot={shot}",
            *extra,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), done.stderr[-2000:]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(SHOTS) / shot.name)
    return shot.read_bytes()


def _stats(png: bytes) -> tuple[int, float, float]:
    """Distinct colours, share of non-white pixels, variance of brightness."""
    _, _, pixels = png_pixels(png)
    grey = [(p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000 for p in pixels]
    mean = sum(grey) / len(grey)
    variance = sum((g - mean) ** 2 for g in grey) / len(grey)
    non_white = sum(1 for p in pixels if p != b"\xff\xff\xff") / len(pixels)
    return len(set(pixels)), non_white, variance


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    chromium()  # skip before the pictures are built
    from conftest import ROOT

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        built = pictures(tmp_path_factory.mktemp("built"))
        world = world_sized(tmp_path_factory.mktemp("world"))
        built["timeline/world_sized.en.html"] = run(
            "timeline", str(world), "--format", "html", "--lang", "en"
        )
    finally:
        os.chdir(here)
    out = tmp_path_factory.mktemp("pages")
    paths = {}
    for name, html in built.items():
        path = out / name.replace("/", "__").replace("+", "_")
        path.write_text(html, encoding="utf-8")
        paths[name] = path
    return paths


def test_every_picture_renders_and_is_not_blank(pages: dict[str, Path], tmp_path: Path) -> None:
    for name, page in pages.items():
        net_log = tmp_path / f"{page.stem}.net.json"
        png = screenshot(page, tmp_path, "1400,1100", f"--log-net-log={net_log}")
        colours, non_white, variance = _stats(png)
        assert colours > 40, f"{name}: only {colours} colours: a blank page?"
        assert non_white > 0.03, f"{name}: only {non_white:.1%} of the pixels are not white"
        assert variance > 300, f"{name}: brightness variance {variance:.0f}: next to nothing drawn"
        assert page_requests(net_log) == [], name


def _text_page(path: Path, text: str) -> Path:
    from policyengine.render.svg import FONT_FAMILY

    path.write_text(
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>body{margin:0;background:#fff}'
        "</style></head><body>"
        f'<svg width="600" height="80" font-family="{FONT_FAMILY}">'
        f'<text x="10" y="56" font-size="48">{text}</text></svg></body></html>',
        encoding="utf-8",
    )
    return path


def test_japanese_text_renders_with_real_glyphs(tmp_path: Path) -> None:
    system.japanese_font()
    a = screenshot(_text_page(tmp_path / "a.html", "日米豪印の協力"), tmp_path, "600,80")
    b = screenshot(_text_page(tmp_path / "b.html", "武器等防護の対象"), tmp_path, "600,80")
    # code points no font covers (private use): what missing glyphs look like here
    tofu = screenshot(
        _text_page(tmp_path / "tofu.html", "\ue000\ue001\ue002\ue003\ue004\ue005\ue006"), tmp_path, "600,80"
    )
    tofu2 = screenshot(
        _text_page(tmp_path / "tofu2.html", "\ue010\ue011\ue012\ue013\ue014\ue015\ue016"), tmp_path, "600,80"
    )
    _, pa = png_pixels(a)[0], png_pixels(a)[2]
    pb, pt = png_pixels(b)[2], png_pixels(tofu)[2]
    assert _stats(a)[1] > 0.02 and _stats(b)[1] > 0.02, "no text drawn"
    assert pa != pb, "two different Japanese strings look the same: the glyphs are missing"
    if png_pixels(tofu2)[2] == pt:  # missing glyphs all look alike here: Japanese must not look like that
        assert pa != pt and pb != pt

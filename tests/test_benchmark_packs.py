"""The scaling benchmark's connected pack leaves out exactly the rules whose supports are products."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import packs  # noqa: E402


def test_the_papers_cross_products_are_the_three_inherent_ones() -> None:
    # strengthen-information-security and public-private-rnd count the technology links (one
    # support per gap); a count, an absence and the scenario fact multiply nothing.
    # alienation-launch-risk joins a cancelled meeting to later launches by date only (an
    # ordering, not an equality): every pair is a match, as in a cross product.
    assert packs.cross_product_rules() == ["link-partner", "alienation-risk", "alienation-launch-risk"]


def test_the_connected_pack_compiles_without_them(tmp_path: Path) -> None:
    from policyengine.api import load_pack

    path, dropped = packs.connected_pack(tmp_path / "connected.yaml")
    assert dropped == ["alienation-launch-risk", "alienation-risk", "link-partner"]
    ids = [r.id for r in load_pack(str(path)).rules]
    assert "strengthen-information-security" in ids and "link-partner" not in ids
    assert len(ids) == len(load_pack().rules) - 3

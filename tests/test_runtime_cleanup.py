"""Sessions are cleaned up completely, whatever the pack: durable-rules crashes otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# In a fresh process, as a user would run it: a crash of the C engine kills the process, and
# whether memory corruption crashes depends on what the process did before.
SCRIPT = """
import sys
from policyengine.api import evaluate, load, load_pack
pack = load_pack(sys.argv[1])
loaded = load(sys.argv[2])
first = evaluate(loaded, pack).ids
for _ in range(3):
    assert evaluate(loaded, pack).ids == first
print(len(first))
"""


def test_a_pack_with_counts_evaluates_a_synthetic_world_again_and_again(tmp_path: Path) -> None:
    # This pack and world crashed the C engine when the cleanup retracted facts batch by batch.
    from benchmarks import generate, packs

    pack_path, dropped = packs.connected_pack(tmp_path / "connected.yaml")
    assert dropped
    (world,) = generate.write(generate.generate(1_000), tmp_path / "w.json")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(pack_path), str(world)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert int(done.stdout) > 100

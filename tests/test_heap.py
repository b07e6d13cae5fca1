"""Sessions reuse the memory earlier sessions freed (policyengine.system.heap, glibc only).

Each check runs in a child process: the malloc settings are the process's own, and whether
glibc gives a freed session's tables back to the system depends on the process's history.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


pytestmark = pytest.mark.skipif(not (sys.platform.startswith("linux") and _glibc()), reason="glibc only")

_CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from policyengine.api import evaluate, load, load_pack
    from policyengine.system import heap
    world = load(sys.argv[1])
    pack = load_pack(sys.argv[2])
    for _ in range(10):
        evaluate(world, pack)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        evaluate(world, pack)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    print(json.dumps({"faults_per_evaluation": faults / 20, "set": heap._done}))
    """
)


def _run(env: dict[str, str]) -> dict[str, float]:
    import json

    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ROOT / "scenarios" / "korea_new_gov.yaml"), str(ROOT / "rules")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, float] = json.loads(done.stdout)
    return result


_TUNING = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _TUNING}


def test_later_evaluations_fault_in_no_memory() -> None:
    # Without the settings a session faults its ~3 MB of tables in again (about 830 page faults
    # per evaluation of korea_new_gov in processes where glibc trims the heap; see the module).
    # With them, the tables come from pages the process already has.
    got = _run(_clean_env())
    assert got["set"]
    assert got["faults_per_evaluation"] < 100


def test_a_user_who_tunes_malloc_keeps_their_setting() -> None:
    # A small mmap threshold of the user's own: the large tables are mapped and unmapped for
    # every session, and policyengine does not override it.
    env = _clean_env() | {"MALLOC_MMAP_THRESHOLD_": "131072"}
    got = _run(env)
    assert got["faults_per_evaluation"] > 300


def test_set_once_per_process() -> None:
    code = textwrap.dedent(
        """
        from policyengine.system import heap
        print(heap.keep_freed_memory(), heap.keep_freed_memory())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(), timeout=60
    )
    assert done.stdout.split() == ["True", "False"], done.stderr

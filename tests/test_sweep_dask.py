"""Sweeps on a Dask cluster (``--executor dask``): the local pool's results, streamed, Ctrl-C safe.

Clusters here listen on the loopback interface only. Dask is the optional extra ``dask`` (also
in ``test``); without it these tests are skipped, unless CI=true (CI installs it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT, SCENARIOS
from policyengine.cli import cli
from policyengine.sweep import cluster
from policyengine.sweep.runner import run_sweep

if os.environ.get("CI") != "true":
    pytest.importorskip("distributed", reason="the 'dask' extra is not installed")

VARY = str(ROOT / "variations" / "korea_new_gov.yaml")
KOREA = str(SCENARIOS / "korea_new_gov.yaml")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster in this process (threads, no worker processes), over TCP on 127.0.0.1."""
    import distributed

    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as c:
        yield c.scheduler_address


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_dask_sweep_writes_the_same_file_as_the_local_pool(
    tmp_path: Path, scheduler: str, suffix: str
) -> None:
    local, dask = tmp_path / f"local{suffix}", tmp_path / f"dask{suffix}"
    a = run_sweep(KOREA, VARY, sample=40, seed=5, output=str(local), jobs=1)
    b = run_sweep(KOREA, VARY, sample=40, seed=5, output=str(dask), executor="dask", scheduler=scheduler)
    assert local.read_bytes() == dask.read_bytes()
    assert len(local.read_text(encoding="utf-8").splitlines()) == 40 + (suffix == ".csv")
    assert a.summary.to_dict() == b.summary.to_dict()
    assert not b.interrupted
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_worker_that_cannot_read_the_files_reports_the_located_error(
    tmp_path: Path, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a cluster whose machines do not see the scenario at the path the sweep sends.
    from policyengine.errors import InputError
    from policyengine.sweep.runner import WorkSpec

    missing = str(tmp_path / "elsewhere" / "korea_new_gov.yaml")
    monkeypatch.setattr(cluster, "_absolute", lambda spec: WorkSpec(missing, spec.variations, spec.rules))
    out = tmp_path / "results.jsonl"
    with pytest.raises(InputError) as info:
        run_sweep(KOREA, VARY, sample=16, output=str(out), executor="dask", scheduler=scheduler)
    assert info.value.codes == ["E101"]
    assert "korea_new_gov.yaml" in info.value.render() and "hint:" in info.value.render()
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_workers_running_another_policyengine_are_refused(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policyengine

    monkeypatch.setattr(cluster, "_version", lambda: "0.0.1")  # what the workers would report
    result = CliRunner().invoke(
        cli, ["sweep", KOREA, "--vary", VARY, "--executor", "dask", "--scheduler", scheduler, "-q"]
    )
    assert result.exit_code == 2, result.output
    assert (
        f"E501: the workers of the Dask cluster at '{scheduler}' run policyengine 0.0.1,"
        f" this is {policyengine.__version__}"
    ) in result.output


def test_chunks_are_submitted_a_bounded_number_ahead(
    tmp_path: Path, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 120 variants = 15 chunks; with 2 workers at most 2 * AHEAD + 1 are ever in flight.
    in_flight: list[int] = []
    real = cluster.evaluate_on_dask

    def watch(spec: Any, chunks: Any, **kw: Any) -> Iterator[Any]:
        taken = 0

        def counted() -> Iterator[list[int]]:
            nonlocal taken
            for c in chunks:
                taken += 1
                yield c

        for done, r in enumerate(real(spec, counted(), **kw), start=1):
            in_flight.append(taken - done // 8)
            yield r

    monkeypatch.setattr(cluster, "evaluate_on_dask", watch)
    run = run_sweep(KOREA, VARY, sample=120, seed=1, executor="dask", scheduler=scheduler)
    assert run.summary.done == 120
    assert max(in_flight) <= 2 * cluster.AHEAD + 1


def test_an_unreachable_scheduler_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    result = CliRunner().invoke(
        cli, ["sweep", KOREA, "--vary", VARY, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "-q"]
    )
    assert result.exit_code == 2, result.output
    assert "E501: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in result.output
    assert "hint:" in result.output and "Traceback" not in result.output


def test_a_scheduler_without_workers_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import distributed

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    with distributed.LocalCluster(
        n_workers=0, processes=False, protocol="tcp://", host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as empty:
        address = empty.scheduler_address
        result = CliRunner().invoke(
            cli, ["sweep", KOREA, "--vary", VARY, "--executor", "dask", "--scheduler", address, "-q"]
        )
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"E501: the Dask cluster at '{address}' has no workers (none joined within 1s)\n"
        f"  hint: start workers where the files can be read: dask worker {address} --nthreads 1\n"
    )


def test_a_tls_address_without_certificates_is_a_usage_error() -> None:
    result = CliRunner().invoke(
        cli, ["sweep", KOREA, "--vary", VARY, "--executor", "dask", "--scheduler", "tls://127.0.0.1:9", "-q"]
    )
    assert result.exit_code == 2, result.output
    assert "E501: cannot reach the Dask scheduler at 'tls://127.0.0.1:9'" in result.output
    assert "hint: configure Dask's TLS certificates" in result.output


def test_a_scheduler_lost_mid_sweep_keeps_the_finished_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import distributed

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "2s")  # how long the client waits to reconnect
    out = tmp_path / "results.jsonl"
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as lost:
        address = lost.scheduler_address

        def stop_the_cluster(done: int, total: int) -> None:
            if done == 16:
                lost.close()

        capfd.readouterr()
        dask = {"executor": "dask", "scheduler": address, "on_progress": stop_the_cluster}
        run = run_sweep(KOREA, VARY, sample=400, seed=2, output=str(out), **dask)
    assert run.lost == f"the connection to the Dask scheduler at '{address}' was lost"
    assert run.stopped_by is None and run.interrupted and run.summary.interrupted
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 16 <= len(lines) < 400 and run.summary.done == len(lines)
    local = tmp_path / "local.jsonl"
    run_sweep(KOREA, VARY, sample=400, seed=2, output=str(local))
    assert local.read_text(encoding="utf-8").splitlines()[: len(lines)] == lines
    assert not list(tmp_path.glob(".*.tmp"))
    assert "Traceback" not in capfd.readouterr().err  # Dask's own log lines are not printed


def test_a_chunk_that_kills_its_workers_stops_the_sweep_but_a_located_error_passes() -> None:
    import types

    import distributed

    from policyengine.errors import InputError, input_error
    from policyengine.sweep.runner import ExecutorLost

    class Future:
        def __init__(self, exc: BaseException) -> None:
            self.exc = exc

        def result(self) -> Any:
            raise self.exc

    worker = types.SimpleNamespace(address="tcp://127.0.0.1:1234")
    killed = Future(distributed.KilledWorker("evaluate_chunk-1", worker, 3))
    with pytest.raises(ExecutorLost) as lost:
        cluster._result(killed, "the local Dask cluster", distributed)
    assert str(lost.value) == (
        "each worker of the local Dask cluster that ran one chunk of variants died"
        " (KilledWorker: see their logs)"
    )
    located = Future(input_error("E101", "file not found", None, "check the path"))
    with pytest.raises(InputError):  # a worker's own error is the variants', reported as such
        cluster._result(located, "the local Dask cluster", distributed)


def test_the_command_says_the_cluster_was_lost_and_exits_with_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policyengine.sweep.runner import ExecutorLost

    def lost_after_8(spec: Any, chunks: Any, **kw: Any) -> Iterator[Any]:
        from policyengine.sweep.runner import evaluate_chunk

        yield from evaluate_chunk(spec, next(iter(chunks)))
        raise ExecutorLost("the connection to the Dask scheduler at 'tcp://10.0.0.5:8786' was lost")

    monkeypatch.setattr(cluster, "evaluate_on_dask", lost_after_8)
    out = tmp_path / "results.csv"
    argv = ["sweep", KOREA, "--vary", VARY, "--executor", "dask", "--scheduler", "tcp://10.0.0.5:8786"]
    result = CliRunner().invoke(cli, [*argv, "--sample", "40", "-o", str(out), "--format", "json", "-q"])
    assert result.exit_code == 2, result.output
    assert (
        f"{out}: E705: the sweep stopped after 8 of 40 variants: the connection to the Dask scheduler"
        " at 'tcp://10.0.0.5:8786' was lost\n"
        "  hint: the file holds the finished variants; check the cluster, then run the sweep again\n"
    ) in result.output
    summary = json.loads(result.output[: result.output.index(f"{out}: E705")])
    assert summary["variants"]["done"] == 8 and summary["variants"]["interrupted"] is True
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 8


def test_scheduler_without_the_dask_executor_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["sweep", KOREA, "--vary", VARY, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "E501: --scheduler names a Dask scheduler" in result.output
    assert "hint: add --executor dask" in result.output


def test_without_the_extra_the_dask_executor_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(
        cli, ["sweep", KOREA, "--vary", VARY, "--executor", "dask", "-o", str(out), "-q"]
    )
    assert result.exit_code == 2, result.output
    assert result.output == (
        "E501: --executor dask needs Dask's distributed scheduler, which is not installed\n"
        "  hint: install it with: pip install 'policyengine[dask]'\n"
    )
    assert not out.exists() and not list(tmp_path.iterdir())


def test_dask_is_imported_only_by_a_dask_sweep() -> None:
    code = (
        "import sys, policyengine.cli, policyengine.cli.whatif, policyengine.sweep.runner\n"
        "from policyengine.sweep.runner import run_sweep\n"
        f"run_sweep({KOREA!r}, {VARY!r}, sample=2)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert p.stdout == "[]\n", p.stdout + p.stderr


def _part_lines(folder: Path) -> int:
    for part in folder.glob(".results.jsonl.*.tmp"):
        try:
            return part.read_text(encoding="utf-8").count("\n")
        except OSError:
            return 0
    return 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupting_a_dask_sweep_keeps_the_finished_results(tmp_path: Path, sig: signal.Signals) -> None:
    # The CLI starts its own local cluster (one worker process) and the signal reaches the
    # whole process group, as Ctrl-C in a terminal does.
    out = tmp_path / "results.jsonl"
    cmd = [sys.executable, "-m", "policyengine", "sweep", KOREA, "--vary", VARY, "--executor", "dask"]
    cmd += ["--jobs", "1", "--output", str(out), "--format", "json", "--lang", "en"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while _part_lines(tmp_path) < 10 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, sig)
    try:
        stdout, stderr = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its cluster's processes
        proc.communicate()
        pytest.fail(f"the Dask sweep hung after {sig.name}")
    err = stderr.decode()
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err, err
    what = "interrupted" if sig == signal.SIGINT else "terminated"
    assert f"policyengine: {what}; the finished results were kept\n" in err, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 10 <= len(lines) < 7776
    assert [json.loads(line)["index"] for line in lines] == list(range(len(lines)))
    summary = json.loads(stdout)
    assert summary["variants"]["interrupted"] is True and summary["variants"]["done"] == len(lines)
    assert not list(tmp_path.glob(".*.tmp"))

"""Atomic writes and append-only JSON lines: nothing half-written, whatever happens."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from policyengine.errors import InputError
from policyengine.loading import jsonlines
from policyengine.system import fileio


def _tmp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- atomic_write_text ------------------------------------------------------------------------------


def test_atomic_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    fileio.atomic_write_text(target, "新しい 😀\n")
    assert target.read_text(encoding="utf-8") == "新しい 😀\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # permissions kept
    assert _tmp_files(tmp_path) == []


def test_a_new_file_gets_the_usual_permissions_not_the_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    umask = os.umask(0o022)
    try:
        fileio.atomic_write_text(target, "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_write_that_fails_half_way_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old content\n", encoding="utf-8")
    real_write = os.write
    calls = []

    def failing_write(fd: int, data: object) -> int:
        calls.append(1)
        real_write(fd, memoryview(data)[:3])  # type: ignore[arg-type]
        raise error

    monkeypatch.setattr(fileio.os, "write", failing_write)
    expected = InputError if isinstance(error, OSError) else KeyboardInterrupt
    with pytest.raises(expected) as info:
        fileio.atomic_write_text(target, "new content that is longer\n")
    assert calls
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert _tmp_files(tmp_path) == []
    if isinstance(info.value, InputError):
        assert info.value.codes == ["E109"]
        assert str(target) in info.value.render()
        assert "No space left on device" in info.value.render()


def test_output_to_a_directory_or_a_missing_folder_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        fileio.atomic_write_text(tmp_path, "x")
    assert info.value.codes == ["E102"]
    with pytest.raises(InputError) as info:
        fileio.atomic_write_text(tmp_path / "missing" / "out.txt", "x")
    assert info.value.codes == ["E101"]
    assert "hint:" in info.value.render()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_output_into_a_read_only_folder_is_exit_2_not_an_internal_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(InputError) as info:
            fileio.atomic_write_text(folder / "out.txt", "x")
        assert info.value.codes == ["E109"]
    finally:
        folder.chmod(0o755)


# -- append_jsonl / read_jsonl ----------------------------------------------------------------------


def test_records_round_trip_one_line_each(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    records = [{"seq": 0, "text": "日本 😀", "nested": {"a": [1, 2]}}, {"seq": 1, "text": "line\nbreak"}]
    for r in records:
        fileio.append_jsonl(log, r)
    assert log.read_bytes().count(b"\n") == 2
    got = jsonlines.read_jsonl(log)
    assert got.records == records
    assert got.torn is None


def test_nan_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    with pytest.raises(InputError) as info:
        fileio.append_jsonl(log, {"x": float("nan")})
    assert info.value.codes == ["E204"]
    assert not log.exists() or log.read_bytes() == b""


def test_a_torn_last_line_is_reported_earlier_records_kept_and_the_next_append_repairs(
    tmp_path: Path,
) -> None:
    log = tmp_path / "d.jsonl"
    for i in range(3):
        fileio.append_jsonl(log, {"seq": i})
    with log.open("ab") as fh:
        fh.write(b'{"seq": 3, "te')  # an append killed mid-write
    got = jsonlines.read_jsonl(log)
    assert [r["seq"] for r in got.records] == [0, 1, 2]
    assert got.torn is not None
    assert got.torn.code == "E118"
    assert str(got.torn.location) == f"{log}:4:1"
    assert "3 record(s) before it are intact" in got.torn.message
    fileio.append_jsonl(log, {"seq": 3})
    got = jsonlines.read_jsonl(log)
    assert [r["seq"] for r in got.records] == [0, 1, 2, 3]
    assert got.torn is None


def test_a_damaged_line_in_the_middle_is_a_located_error(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    log.write_bytes(b'{"seq": 0}\n{"seq": \n{"seq": 2}\n')
    with pytest.raises(InputError) as info:
        jsonlines.read_jsonl(log)
    assert info.value.codes == ["E110"]
    assert f"{log}:2:1" in info.value.render()
    log.write_bytes(b'{"seq": 0}\n[1, 2]\n')
    with pytest.raises(InputError) as info:
        jsonlines.read_jsonl(log)
    assert info.value.codes == ["E114"]


def test_every_damaged_line_is_reported_and_control_characters_are_refused(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    log.write_bytes(b'{"seq": 0}\n\n{"seq": \n{"text": "\\u001b[2J"}\n{"seq": 4}\n')
    with pytest.raises(InputError) as info:
        jsonlines.read_jsonl(log, code="E602")
    assert [(d.code, d.location.line if d.location else 0) for d in info.value.diagnostics] == [
        ("E602", 2),
        ("E602", 3),
        ("E117", 4),
    ]
    assert "U+001B (ESC)" in info.value.render()
    log.write_bytes(b"not json\n" * 1000)
    with pytest.raises(InputError) as info:
        jsonlines.read_jsonl(log)
    assert len(info.value.diagnostics) == jsonlines.MAX_DAMAGED  # not a log: reading stops


def test_reading_a_missing_log_or_a_folder_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        jsonlines.read_jsonl(tmp_path / "none.jsonl")
    assert info.value.codes == ["E101"]
    with pytest.raises(InputError) as info:
        jsonlines.read_jsonl(tmp_path)
    assert info.value.codes == ["E102"]


APPENDER = textwrap.dedent(
    """
    import sys
    from policyengine.system.fileio import append_jsonl
    path, writer, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pad = "x" * 3000  # lines longer than a pipe buffer: no help from small-write atomicity
    for i in range(n):
        append_jsonl(path, {"writer": writer, "seq": i, "pad": pad})
        if i == 0:
            print("ready", flush=True)
    """
)


def test_concurrent_appenders_never_interleave(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(log), w, "150"], stdout=subprocess.DEVNULL)
        for w in ("a", "b")
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    got = jsonlines.read_jsonl(log)
    assert got.torn is None
    for w in ("a", "b"):
        assert [r["seq"] for r in got.records if r["writer"] == w] == list(range(150))

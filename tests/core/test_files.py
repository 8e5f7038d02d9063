"""Safe file reading and writing."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tlsexplorer.core import files
from tlsexplorer.core.errors import FileAccessError
from tlsexplorer.core.files import FileToWrite, read_file, write_files


def test_read_refuses_above_limit_and_names_it(tmp_path: Path) -> None:
    big = tmp_path / "big.pem"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(FileAccessError, match=r"2 KiB, above the 1 KiB limit"):
        read_file(big, limit=1024)


def test_read_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="no such file"):
        read_file(tmp_path / "nope.pem")
    with pytest.raises(FileAccessError, match="is a folder"):
        read_file(tmp_path)


def test_write_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "ca.pem"
    target.write_bytes(b"original")
    other = tmp_path / "new.pem"
    with pytest.raises(FileAccessError, match="already exists"):
        write_files([FileToWrite(other, b"new"), FileToWrite(target, b"replaced")])
    assert target.read_bytes() == b"original"
    assert not other.exists(), "a refused group writes nothing"
    write_files([FileToWrite(target, b"replaced")], force=True)
    assert target.read_bytes() == b"replaced"


def test_private_files_are_0600_public_0644(tmp_path: Path) -> None:
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    written = write_files([FileToWrite(key, b"k", private=True), FileToWrite(cert, b"c")])
    assert written == [key.resolve(), cert.resolve()]
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cert).st_mode) == 0o644


def test_failed_group_leaves_no_partial_files(tmp_path: Path) -> None:
    ok = tmp_path / "ok.pem"
    blocked = tmp_path / "blocker"
    blocked.write_text("a file where a folder is needed")
    with pytest.raises(FileAccessError):
        write_files([FileToWrite(ok, b"x"), FileToWrite(blocked / "inner.pem", b"y")])
    assert not ok.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_failed_rename_restores_the_originals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.pem", tmp_path / "b.pem"
    first.write_bytes(b"old a")
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: str, dst: str | Path) -> None:
        # Fail when the second new file is renamed into place.
        if str(src).endswith(".tmp") and Path(dst) == second:
            calls["n"] += 1
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(FileAccessError, match="No space left"):
        write_files([FileToWrite(first, b"new a"), FileToWrite(second, b"new b")], force=True)
    assert calls["n"] == 1
    assert first.read_bytes() == b"old a"
    assert not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pem"]


def test_a_folder_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").mkdir()
    with pytest.raises(FileAccessError, match="is a folder"):
        write_files([FileToWrite(tmp_path / "cert.pem", b"x")], force=True)


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    # `ca init myca` where myca is a file: say so, write nothing, even with force.
    (tmp_path / "myca").write_bytes(b"notes")
    (tmp_path / "other.pem").write_bytes(b"keep")
    with pytest.raises(FileAccessError, match=r"myca is a file, not a folder"):
        write_files(
            [FileToWrite(tmp_path / "new.pem", b"x"), FileToWrite(tmp_path / "myca" / "ca.pem", b"x")],
            force=True,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["myca", "other.pem"]
    assert (tmp_path / "myca").read_bytes() == b"notes"


# Locking, crashes, stale files, folder modes ------------------------------------------------

# A group of three files, one of them a key in a sub-folder, replacing one existing file.
GROUP_SCRIPT = """
import os, sys
from pathlib import Path
from tlsexplorer.core.files import FileToWrite, write_files
folder = Path(sys.argv[1])
if len(sys.argv) > 2 and sys.argv[2] == "fail-third":
    real = os.replace
    def replace(src, dst):
        if str(dst).endswith("a.full.pem"):
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)
    os.replace = replace
write_files([FileToWrite(folder / "a.pem", b"new a"),
             FileToWrite(folder / "sub" / "a.key.pem", b"new key", private=True),
             FileToWrite(folder / "a.full.pem", b"new full")], force=True)
"""

BEFORE = {"a.pem": b"old a", "notes.txt": b"keep"}
AFTER = {"a.pem": b"new a", "sub/a.key.pem": b"new key", "a.full.pem": b"new full", "notes.txt": b"keep"}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run_group_writer(folder: Path, crash_at: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, files.CRASH_HOOK_ENV: crash_at}
    return subprocess.run([sys.executable, "-c", GROUP_SCRIPT, str(folder), *extra], env=env,
                          capture_output=True, timeout=120)


def make_before(folder: Path) -> None:
    folder.mkdir()
    for name, data in BEFORE.items():
        (folder / name).write_bytes(data)


@pytest.mark.parametrize(
    ("crash_at", "expected"),
    [("locked", BEFORE), ("staged:1", BEFORE), ("staged:2", BEFORE), ("staged:3", BEFORE),
     ("committed", AFTER), ("backed-up:1", AFTER), ("placed:1", AFTER), ("placed:2", AFTER),
     ("placed:3", AFTER)],
)
def test_a_group_killed_at_any_step_is_as_before_or_as_after(
    tmp_path: Path, crash_at: str, expected: dict[str, bytes]
) -> None:
    folder = tmp_path / "out"
    make_before(folder)
    result = run_group_writer(folder, crash_at)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    files.recover_writes(folder)
    assert snapshot(folder) == expected
    # and the next write works as on a clean folder
    write_files([FileToWrite(folder / "a.pem", b"again")], force=True)
    assert (folder / "a.pem").read_bytes() == b"again"
    assert {p.name for p in folder.iterdir() if p.name.startswith(".")} == set()


@pytest.mark.parametrize("crash_at", ["aborted", "restored:3", "restored:1"])
def test_a_failed_group_killed_while_rolling_back_is_as_before(tmp_path: Path, crash_at: str) -> None:
    folder = tmp_path / "out"
    make_before(folder)
    result = run_group_writer(folder, crash_at, "fail-third")
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    files.recover_writes(folder)
    assert snapshot(folder) == BEFORE


def test_the_next_write_recovers_without_being_asked(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    make_before(folder)
    assert run_group_writer(folder, "placed:1").returncode == -signal.SIGKILL
    with pytest.raises(FileAccessError, match="already exist"):
        write_files([FileToWrite(folder / "a.full.pem", b"other")])  # completed first, so it exists
    assert snapshot(folder) == AFTER


def test_keys_are_0600_and_staging_0700_from_creation_whatever_the_umask(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    make_before(folder)
    script = f"import os; os.umask(0); exec({GROUP_SCRIPT!r})"
    env = {**os.environ, files.CRASH_HOOK_ENV: "staged:2"}
    result = subprocess.run([sys.executable, "-c", script, str(folder)], env=env, capture_output=True,
                            timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    staging = [p for p in folder.iterdir() if p.name.startswith(files.STAGING_PREFIX)]
    assert len(staging) == 1
    assert stat.S_IMODE(staging[0].stat().st_mode) == 0o700
    key = next(p for p in staging[0].iterdir() if "a.key.pem" in p.name)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not (folder / "sub").exists(), "target folders are made after the commit"


def test_folders_it_makes_are_0700_whatever_the_umask(tmp_path: Path) -> None:
    script = (
        "import os, sys; from pathlib import Path; os.umask(0)\n"
        "from tlsexplorer.core.files import FileToWrite, write_files\n"
        "write_files([FileToWrite(Path(sys.argv[1]) / 'a' / 'b' / 'c.pem', b'x')])\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b" / "c.pem").stat().st_mode) == 0o644


def test_stale_temporary_files_of_an_older_writer_are_removed(tmp_path: Path) -> None:
    # What a writer killed before this fix left: `.NAME.XXXXXXXX.tmp` beside the target.
    stale = tmp_path / ".k.key.pem.ab12_xyz.tmp"
    stale.write_bytes(b"-----BEGIN PRIVATE KEY-----")
    kept = [tmp_path / ".hidden.tmp", tmp_path / "k.key.pem.ab12_xyz.tmp",
            tmp_path / ".k.pem.ab12xyz9.tmp.orig"]
    for path in kept:
        path.write_bytes(b"not ours to remove")
    write_files([FileToWrite(tmp_path / "k.pem", b"x")])
    assert not stale.exists()
    assert all(p.exists() for p in kept)


def test_a_held_lock_makes_a_writer_wait_then_fail_naming_the_holder(tmp_path: Path) -> None:
    busy = rf"process {os.getpid()}\b.*nothing was written"
    with files.folder_lock(tmp_path), pytest.raises(FileAccessError, match=busy):
        write_files([FileToWrite(tmp_path / "a.pem", b"x")], lock_timeout=0.2)
    assert not (tmp_path / "a.pem").exists()
    write_files([FileToWrite(tmp_path / "a.pem", b"x")], lock_timeout=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pem"], "the lock file goes with its holder"


def test_a_waiting_writer_goes_on_when_the_holder_lets_go(tmp_path: Path) -> None:
    acquired, release = threading.Event(), threading.Event()

    def hold() -> None:
        with files.folder_lock(tmp_path):
            acquired.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert acquired.wait(60)
    outcome: list[object] = []
    writer = threading.Thread(
        target=lambda: outcome.append(write_files([FileToWrite(tmp_path / "a.pem", b"x")], lock_timeout=120))
    )
    writer.start()
    assert not (tmp_path / "a.pem").exists()
    release.set()
    holder.join(60)
    writer.join(120)
    assert outcome == [[(tmp_path / "a.pem").resolve()]]


def test_a_dead_holder_does_not_block_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    make_before(folder)
    assert run_group_writer(folder, "locked").returncode == -signal.SIGKILL
    write_files([FileToWrite(folder / "b.pem", b"x")], lock_timeout=5)
    assert (folder / "b.pem").read_bytes() == b"x"


def test_without_fcntl_the_lock_is_an_exclusive_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "HAVE_FLOCK", False)
    busy = rf"process {os.getpid()}\b.*remove .*\.tlsexplorer\.lock"
    with files.folder_lock(tmp_path), pytest.raises(FileAccessError, match=busy):
        write_files([FileToWrite(tmp_path / "a.pem", b"x")], lock_timeout=0.2)
    write_files([FileToWrite(tmp_path / "a.pem", b"x")], lock_timeout=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pem"]


def test_a_half_written_journal_is_no_commit(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    make_before(folder)
    staging = folder / f"{files.STAGING_PREFIX}killed"
    staging.mkdir()
    (staging / "1.a.pem.tmp").write_bytes(b"new a")
    (staging / "journal.json").write_bytes(b'{"version": 1, "entries": [{"target": "a.pem", "na')
    files.recover_writes(folder)
    assert snapshot(folder) == BEFORE

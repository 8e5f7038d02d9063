"""Safe file reading and writing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

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

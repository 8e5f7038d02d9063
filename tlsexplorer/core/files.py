"""Reading and writing files safely.

Reads refuse anything above a stated size limit. Writes never overwrite
without ``force``, go to a temporary file in the same folder that is renamed
into place, give private material mode 0600, and a failure half-way through a
group of files leaves none of them behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tlsexplorer.core.errors import FileAccessError

#: Largest file any explorer reads (the limit is stated in every refusal).
MAX_INPUT_BYTES = 64 * 1024 * 1024

#: Mode for files holding private keys or passwords.
PRIVATE_MODE = 0o600
#: Mode for public material (certificates, CSRs, CRLs).
PUBLIC_MODE = 0o644


def human_size(size: int) -> str:
    """Format a byte count as a short human-readable string (``64 MiB``)."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            if unit == "bytes":
                return f"{int(value)} bytes"
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def check_size(size: int, what: str, limit: int = MAX_INPUT_BYTES, *, exact: bool = True) -> None:
    """Raise :class:`FileAccessError` when ``size`` exceeds ``limit``.

    ``exact=False`` says ``size`` is only how much was read before stopping
    (a pipe is read up to one byte past the limit), so the message says
    "more than" the limit instead of a size.
    """
    if size <= limit:
        return
    if not exact:
        amount = f"holds more than {human_size(limit)}, the limit"
    else:
        shown = human_size(size)
        if shown.replace(".0 ", " ") == human_size(limit):  # 64 MiB and one byte: say the bytes
            shown = f"{size:,} bytes"
        amount = f"is {shown}, above the {human_size(limit)} limit"
    raise FileAccessError(f"{what} {amount}; split it or point at the one object you need")


def read_file(path: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a whole file, refusing files above ``limit`` bytes.

    Raises:
        FileAccessError: missing, unreadable, a folder, or too large.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise FileAccessError(f"{p} is a folder, not a file")
        check_size(size, str(p), limit)
        with p.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise FileAccessError(f"{p}: no such file") from None
    except PermissionError:
        raise FileAccessError(f"{p}: permission denied") from None
    except IsADirectoryError:
        raise FileAccessError(f"{p} is a folder, not a file") from None
    except OSError as exc:
        raise FileAccessError(f"{p}: {exc.strerror or exc}") from None
    check_size(len(data), str(p), limit)
    return data


@dataclass(frozen=True)
class FileToWrite:
    """One file of a group written by :func:`write_files`."""

    path: Path
    """Where the file goes."""
    data: bytes
    """Its whole content."""
    private: bool = False
    """True for keys and passwords: written with mode 0600."""
    kind: str = "file"
    """What it is, for reports (``certificate``, ``private_key``...)."""


#: File name suffixes of certificate files taken from a folder (``--chain DIR``, ``--ca DIR``).
CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der", ".p7b", ".p7c")


def certificate_files(path: Path) -> list[Path]:
    """The certificate files a path stands for: the file itself, or a folder's
    files with a certificate suffix (:data:`CERT_SUFFIXES`), sorted by name."""
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CERT_SUFFIXES)


def write_files(files: Iterable[FileToWrite], *, force: bool = False) -> list[Path]:
    """Write a group of files all-or-nothing.

    Every file is first written to a temporary file beside its target. Then
    each existing target (only with ``force``) is moved aside and the new
    files are renamed into place. If anything fails, the new files are taken
    back, the originals restored and the temporary files removed: either the
    whole group is written or the folder is as it was.

    Args:
        files: the files to write.
        force: allow replacing existing files.

    Returns:
        The absolute paths written, in order.

    Raises:
        FileAccessError: a target exists (without ``force``), is a folder, or
            a write failed.
    """
    import tempfile  # only writers need it; every CLI command imports this module

    group = list(files)
    folders = [f.path for f in group if f.path.is_dir()]
    if folders:
        raise FileAccessError(f"{folders[0]} is a folder; nothing was written")
    for item in group:
        blocker = next((p for p in item.path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise FileAccessError(
                f"{blocker} is a file, not a folder: {item.path} cannot go inside it; nothing was written"
            )
    if not force:
        existing = [f.path for f in group if f.path.exists()]
        if existing:
            names = ", ".join(str(p) for p in existing)
            raise FileAccessError(
                f"{names} already exist{'s' if len(existing) == 1 else ''}; "
                "nothing was written (use --force to replace)"
            )
    temps: list[tuple[str, FileToWrite]] = []
    backups: list[tuple[str, Path]] = []
    placed: list[Path] = []
    try:
        for item in group:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{item.path.name}.", suffix=".tmp", dir=item.path.parent)
            temps.append((temp, item))
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), PRIVATE_MODE if item.private else PUBLIC_MODE)
                handle.write(item.data)
                handle.flush()
                os.fsync(handle.fileno())
        for temp, item in temps:
            if item.path.exists():
                backup = f"{temp}.orig"
                os.replace(item.path, backup)
                backups.append((backup, item.path))
            os.replace(temp, item.path)
            placed.append(item.path)
    except OSError as exc:
        for path in placed:
            with contextlib.suppress(OSError):
                os.unlink(path)
        for backup, original in backups:
            with contextlib.suppress(OSError):
                os.replace(backup, original)
        for temp, _item in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        raise FileAccessError(f"could not write {exc.filename or 'files'}: {exc.strerror}") from None
    for backup, _original in backups:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(backup)
    return [item.path.resolve() for item in group]


__all__ = [
    "CERT_SUFFIXES",
    "MAX_INPUT_BYTES",
    "PRIVATE_MODE",
    "PUBLIC_MODE",
    "FileToWrite",
    "certificate_files",
    "check_size",
    "human_size",
    "read_file",
    "write_files",
]

"""Reading and writing files safely.

Reads refuse anything above a stated size limit. Writes (:func:`write_files`)
never overwrite without ``force``, give private material mode 0600 from the
moment it exists, and write a group of files all or nothing, even when the
process is killed half-way:

1. the folder is locked (:func:`folder_lock`): one writer at a time, and the
   "already exists" check and the writing happen under the same lock;
2. what an earlier, killed writer left is finished or undone (:func:`recover_writes`);
3. every new file is written into a staging folder (``.tlsexplorer-write-*``,
   0700) inside the locked folder and flushed to disk;
4. a journal naming each staged file and its target is written into the
   staging folder and flushed: a whole journal is the commit;
5. each existing target is moved aside (only with ``force``) and its new file
   renamed into place;
6. the journal, then the staging folder with the replaced files, is removed.

Killed before 4 (no journal, or half of one), the next writer removes the
staging folder: the folder is as before. Killed after it, the next writer
completes the renames: as after. A
failure of ours after 4 marks the journal aborted and puts everything back.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tlsexplorer.core.errors import FileAccessError

if sys.platform != "win32":
    import fcntl

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


#: The lock file a writer holds in the folder it writes (it names the writer's pid; removed when done).
LOCK_FILE = ".tlsexplorer.lock"
#: How long a writer waits for another to finish with a folder before giving up, in seconds.
LOCK_TIMEOUT = 20.0
#: Name prefix of the staging folders a writer makes inside the folder it writes.
STAGING_PREFIX = ".tlsexplorer-write-"
#: Mode of every folder the writer makes, whatever the umask (see :func:`make_folder`).
FOLDER_MODE = 0o700
#: Tests only: a writer whose environment names one of its steps here (``locked``, ``staged:N``,
#: ``committed``, ``backed-up:N``, ``placed:N``, ``aborted``, ``restored:N``) kills itself there,
#: as ``kill -9`` would.
CRASH_HOOK_ENV = "TLSEXPLORER_TEST_CRASH_AT"
#: Whether the lock is ``fcntl.flock`` (POSIX). Elsewhere (Windows) it is the lock file made with
#: O_EXCL, which a killed writer leaves behind: the message then says to remove it.
HAVE_FLOCK = sys.platform != "win32"

_JOURNAL = "journal.json"
_ABORTED = "aborted"
# What writers before the staging folders left when killed: tempfile.mkstemp(prefix=".NAME.", suffix=".tmp").
_LEGACY_TEMP = r"\.[^/]+\.[a-z0-9_]{8}\.tmp"
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_HOOK_ENV) == step:
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def make_folder(path: Path) -> None:
    """Create ``path`` and its missing parents with mode 0700 (:data:`FOLDER_MODE`), whatever the umask.

    Why 0700: a CA folder holds the CA's key and issued keys. They are 0600
    anyway, but a folder others may write (umask 000 makes it 0777) lets them
    rename ca.pem away and put their own in its place, and one they may read
    lists everything issued. Nobody else needs to enter it: certificates are
    handed out by copying them. Folders that already exist are left as they are.

    Raises:
        OSError: a folder could not be made.
    """
    missing: list[Path] = []
    current = path
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, FOLDER_MODE)  # masked by the umask: never looser than 0700
        except FileExistsError:
            continue  # made meanwhile by another writer, which sets its mode
        os.chmod(folder, FOLDER_MODE)


def _lock_holder(fd: int) -> str | None:
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
        if text.isdigit():
            return text
    return None


def _lock_busy(folder: Path, holder: str | None, wait: float, stale_hint: bool) -> FileAccessError:
    who = f"process {holder}" if holder else "another process"
    hint = f" (or remove {folder / LOCK_FILE} if no tlsexplorer is running)" if stale_hint else ""
    return FileAccessError(
        f"{folder} is being written by another tlsexplorer ({who}) and was still locked after "
        f"{wait:g} s; nothing was written; try again when it has finished{hint}"
    )


def _open_lock(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags | _O_NOFOLLOW | _O_CLOEXEC, PRIVATE_MODE)
    except FileExistsError:
        raise
    except OSError as exc:
        raise FileAccessError(f"cannot lock {path.parent} for writing: {exc.strerror or exc}") from None


def _take_lock(folder: Path, wait: float) -> int:
    import time

    path = folder / LOCK_FILE
    deadline = time.monotonic() + wait
    pause = 0.005
    while True:
        if HAVE_FLOCK:
            fd = _open_lock(path, os.O_RDWR | os.O_CREAT)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _lock_holder(fd)
                os.close(fd)
            except OSError as exc:
                os.close(fd)
                raise FileAccessError(f"cannot lock {folder} for writing: {exc.strerror or exc}") from None
            else:
                try:
                    named = os.stat(path, follow_symlinks=False)
                except FileNotFoundError:
                    named = None
                mine = os.fstat(fd)
                if named is not None and (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino):
                    break
                os.close(fd)  # its last holder removed it as we took it: lock the file there now
                continue
        else:
            try:
                fd = _open_lock(path, os.O_RDWR | os.O_CREAT | os.O_EXCL)
                break
            except FileExistsError:
                holder = None
                with contextlib.suppress(OSError):
                    text = path.read_text("ascii", "replace").strip()
                    holder = text if text.isdigit() else None
        if time.monotonic() >= deadline:
            raise _lock_busy(folder, holder, wait, stale_hint=not HAVE_FLOCK)
        time.sleep(pause)  # waiting for another process, not synchronising our own threads
        pause = min(pause * 2, 0.1)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str], *, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock of ``folder`` (which must exist), waiting up to ``timeout`` seconds for it.

    POSIX: ``fcntl.flock`` on FOLDER/.tlsexplorer.lock, which names the
    holder's pid; the kernel lets go when the holder dies, however it dies.
    Without fcntl (Windows) the lock is that file made with O_EXCL. Not
    re-entrant: a process holds one lock per folder at a time.

    Raises:
        FileAccessError: another process held it for longer than ``timeout``
            (the message names it), or the folder cannot be written.
    """
    base = Path(folder)
    wait = LOCK_TIMEOUT if timeout is None else timeout
    fd = _take_lock(base, wait)
    _crash_point("locked")
    try:
        yield
    finally:
        # Removed while still held: a waiter holding the old file sees it is gone and tries again.
        with contextlib.suppress(OSError):
            os.unlink(base / LOCK_FILE)
        os.close(fd)


def _write_new(path: Path, data: bytes, private: bool) -> None:
    # 0600 from creation (O_EXCL, no symlink followed); public files are opened up once written.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, PRIVATE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, PRIVATE_MODE if private else PUBLIC_MODE)


@dataclass(frozen=True)
class _Entry:
    """One file of a committed group: its target and its names in the staging folder."""

    target: Path
    new: Path
    old: Path


def _entries(staging: Path, base: Path, raw: object) -> list[_Entry]:
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise ValueError("not a journal")
    out: list[_Entry] = []
    for item in raw["entries"]:
        if not isinstance(item, dict):
            raise ValueError("not a journal entry")
        target, name = item.get("target"), item.get("name")
        if not (isinstance(target, str) and isinstance(name, str)):
            raise ValueError("not a journal entry")
        relative = Path(target)
        if relative.is_absolute() or ".." in relative.parts or "/" in name or "\\" in name:
            raise ValueError("a journal entry points outside its folder")
        out.append(_Entry(base / relative, staging / f"{name}.tmp", staging / f"{name}.orig"))
    return out


def _roll_forward(entries: list[_Entry]) -> None:
    # Each step can be repeated: a writer killed here is finished by the next one.
    for number, entry in enumerate(entries, 1):
        if not os.path.lexists(entry.new):
            continue  # already in place
        make_folder(entry.target.parent)
        if os.path.lexists(entry.target) and not os.path.lexists(entry.old):
            os.replace(entry.target, entry.old)
            _crash_point(f"backed-up:{number}")
        os.replace(entry.new, entry.target)
        _crash_point(f"placed:{number}")


def _roll_back(entries: list[_Entry]) -> None:
    # Each step can be repeated: a new file gone from the staging folder is in place.
    for number, entry in reversed(list(enumerate(entries, 1))):
        if not os.path.lexists(entry.new) and os.path.lexists(entry.target):
            os.replace(entry.target, entry.new)
        if os.path.lexists(entry.old):
            os.replace(entry.old, entry.target)
        _crash_point(f"restored:{number}")


def _remove_staging(staging: Path) -> None:
    import shutil

    # The journal goes first: a staging folder without one is only ever deleted.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(staging / _JOURNAL)
    shutil.rmtree(staging, ignore_errors=True)


def _recover(base: Path, folders: Iterable[Path]) -> None:
    import json
    import re

    for staging in sorted(base.glob(STAGING_PREFIX + "*")):
        if staging.is_symlink() or not staging.is_dir():
            continue
        try:
            entries = _entries(staging, base, json.loads((staging / _JOURNAL).read_bytes()))
        except (OSError, ValueError):
            entries = []  # no whole journal: nothing was committed, so nothing was put in place
        if entries:
            try:
                if (staging / _ABORTED).exists():
                    _roll_back(entries)
                else:
                    _roll_forward(entries)
            except OSError as exc:
                raise FileAccessError(
                    f"could not finish an interrupted write ({staging}): {exc.strerror or exc}; "
                    "nothing was written"
                ) from None
        _remove_staging(staging)
    legacy = re.compile(_LEGACY_TEMP)
    for folder in {base, *folders}:
        with contextlib.suppress(OSError):
            for path in folder.iterdir():
                if legacy.fullmatch(path.name) and path.is_file() and not path.is_symlink():
                    with contextlib.suppress(OSError):
                        path.unlink()


def recover_writes(folder: str | os.PathLike[str], *, lock_timeout: float | None = None) -> None:
    """Finish or undo what a killed writer left in ``folder``, and remove its temporary files.

    Every :func:`write_files` does this first, under the folder's lock; this
    is the same on its own (a folder that does not exist has nothing to do).

    Raises:
        FileAccessError: the folder stayed locked, or a rename failed.
    """
    base = Path(folder)
    if not base.is_dir():
        return
    with folder_lock(base, timeout=lock_timeout):
        _recover(base, [base])


def _refuse_blocked(group: list[FileToWrite]) -> None:
    folders = [f.path for f in group if f.path.is_dir()]
    if folders:
        raise FileAccessError(f"{folders[0]} is a folder; nothing was written")
    for item in group:
        blocker = next((p for p in item.path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise FileAccessError(
                f"{blocker} is a file, not a folder: {item.path} cannot go inside it; nothing was written"
            )


def _commit(base: Path, group: list[FileToWrite]) -> None:
    import json
    import tempfile

    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=base))  # 0700
    try:
        raw: list[dict[str, str]] = []
        for number, item in enumerate(group, 1):
            name = f"{number}.{item.path.name}"
            _write_new(staging / f"{name}.tmp", item.data, item.private)
            raw.append({"target": os.path.relpath(item.path.absolute(), base.absolute()), "name": name})
            _crash_point(f"staged:{number}")
        _write_new(staging / _JOURNAL, json.dumps({"version": 1, "entries": raw}).encode(), private=True)
    except OSError as exc:
        _remove_staging(staging)
        raise FileAccessError(f"could not write {exc.filename or 'files'}: {exc.strerror}") from None
    _crash_point("committed")
    entries = _entries(staging, base, {"entries": raw})
    try:
        _roll_forward(entries)
    except OSError as exc:
        with contextlib.suppress(OSError):
            _write_new(staging / _ABORTED, b"", private=True)
        _crash_point("aborted")
        with contextlib.suppress(OSError):
            _roll_back(entries)
            _remove_staging(staging)
        raise FileAccessError(f"could not write {exc.filename or 'files'}: {exc.strerror}") from None
    _remove_staging(staging)


def write_files(
    files: Iterable[FileToWrite],
    *,
    force: bool = False,
    folder: str | os.PathLike[str] | None = None,
    lock_timeout: float | None = None,
    update: Callable[[], Iterable[FileToWrite]] | None = None,
) -> list[Path]:
    """Write a group of files all or nothing, even if the process is killed half-way.

    The steps are in this module's docstring: the folder is locked, an
    earlier writer's leftovers are finished or undone, the files are staged
    and committed with a journal, then renamed into place. Folders it makes
    are 0700 (:func:`make_folder`), private files 0600 from creation.

    Args:
        files: the files to write.
        force: allow replacing existing files.
        folder: the folder to lock and stage in, holding every target (a CA
            folder for its issued/ files); by default the targets' common folder.
        lock_timeout: seconds to wait for another writer (default :data:`LOCK_TIMEOUT`).
        update: read-modify-write of a record kept in the folder: called under the lock (after
            recovery and the existence check), it reads what it needs and returns further files,
            which replace what is there and are committed with ``files``; it may raise a
            ``TlsxError`` to write nothing.

    Returns:
        The absolute paths written, in order (``files``, then what ``update`` returned).

    Raises:
        FileAccessError: a target exists (without ``force``), is a folder,
            the folder stayed locked, or a write failed; nothing was written.
    """
    group = list(files)
    if not group and update is None:
        return []
    _refuse_blocked(group)
    parents = [str(item.path.parent.absolute()) for item in group]
    if folder is None and not parents:
        raise ValueError("write_files needs a folder for what update writes")
    base = Path(folder) if folder is not None else Path(os.path.commonpath(parents))
    _check_inside(base, parents)
    try:
        make_folder(base)
    except OSError as exc:
        raise FileAccessError(f"could not make {exc.filename or base}: {exc.strerror}") from None
    with folder_lock(base, timeout=lock_timeout):
        _recover(base, {item.path.parent for item in group})
        if not force:
            existing = [f.path for f in group if f.path.exists()]
            if existing:
                names = ", ".join(str(p) for p in existing)
                raise FileAccessError(
                    f"{names} already exist{'s' if len(existing) == 1 else ''}; "
                    "nothing was written (use --force to replace)"
                )
        if update is not None:
            more = list(update())
            _refuse_blocked(more)
            _check_inside(base, [str(item.path.parent.absolute()) for item in more])
            group.extend(more)
        if group:
            _commit(base, group)
    return [item.path.resolve() for item in group]


def _check_inside(base: Path, parents: list[str]) -> None:
    outside = [p for p in parents if os.path.commonpath([p, str(base.absolute())]) != str(base.absolute())]
    if outside:
        raise ValueError(f"{outside[0]} is not inside {base}")


__all__ = [
    "CERT_SUFFIXES",
    "CRASH_HOOK_ENV",
    "FOLDER_MODE",
    "HAVE_FLOCK",
    "LOCK_FILE",
    "LOCK_TIMEOUT",
    "MAX_INPUT_BYTES",
    "PRIVATE_MODE",
    "PUBLIC_MODE",
    "STAGING_PREFIX",
    "FileToWrite",
    "certificate_files",
    "check_size",
    "folder_lock",
    "human_size",
    "make_folder",
    "read_file",
    "recover_writes",
    "write_files",
]

"""Who listens on the lab's ports: the process behind each listening TCP socket, read from the system.

On Linux from ``/proc/net/tcp`` and ``tcp6`` (the sockets in state LISTEN and their inodes) and
``/proc/PID/fd`` (which process holds each inode), as ``ss -ltnp`` and ``lsof`` do; elsewhere with
psutil when it is installed, else a sentence saying it cannot. Only the ports asked about are shown
(the lab's own), each with the commands that show the same by hand (lsof, ss, netstat, nmap).
Bounded: at most :data:`MAX_PROCESSES` processes and :data:`MAX_FDS` descriptors each are looked at.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Ports the course names: the lab server's HTTPS and plain HTTP defaults.
COURSE_PORTS = (8443, 8080)

MAX_PROCESSES = 5000
"""Most processes whose descriptors are read."""
MAX_FDS = 5000
"""Most descriptors read per process."""

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


@dataclass(frozen=True)
class Listener:
    """One listening socket on one of the asked ports."""

    port: int
    address: str
    """Where it listens (``127.0.0.1``, ``0.0.0.0`` every IPv4 network, ``::``)."""
    pid: int | None
    """The process holding it; None when it cannot be seen (another user's process)."""
    process: str
    """Its name (``python3``), or why it is not known."""
    command: str
    """Its command line, shortened ("" when not known)."""

    @property
    def reach(self) -> str:
        """Who can connect: this machine only, or every network."""
        if self.address.startswith("127.") or self.address == "::1":
            return "this machine only"
        if self.address in ("0.0.0.0", "::"):
            return "every network this machine is on"
        return f"the network of {self.address}"


@dataclass(frozen=True)
class ListenReport:
    """Which process listens on each of the asked ports."""

    ports: tuple[int, ...]
    """The ports asked about."""
    listeners: tuple[Listener, ...]
    """What listens on them (none: nothing)."""
    source: str
    """Where it was read (``/proc/net/tcp and /proc/*/fd``, ``psutil``), or why it could not be."""
    supported: bool = True
    """False when this system could not be read."""

    def on(self, port: int) -> tuple[Listener, ...]:
        """The listeners on ``port``."""
        return tuple(item for item in self.listeners if item.port == port)


def commands(port: int) -> tuple[tuple[str, str], ...]:
    """(tool, command) pairs that show who listens on ``port`` by hand."""
    return (
        ("lsof", f"lsof -nP -iTCP:{port} -sTCP:LISTEN"),
        ("ss", f"ss -ltnp 'sport = :{port}'"),
        ("netstat", f"netstat -ltnp | grep ':{port} '   # Windows: netstat -ano | findstr :{port}"),
        ("nmap", f"nmap -p {port} 127.0.0.1   # from outside: open, closed or filtered, no process"),
    )


def _hex_address(text: str) -> str:
    """``0100007F`` -> ``127.0.0.1`` (the kernel writes each 32-bit word in host byte order)."""
    import ipaddress

    raw = bytes.fromhex(text)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)) if sys.byteorder == "little" else raw
    return str(ipaddress.ip_address(words))


def read_proc_net(text: str, ports: Iterable[int]) -> list[tuple[int, str, int]]:
    """(port, address, inode) of the LISTEN sockets on ``ports`` in a ``/proc/net/tcp`` table."""
    wanted = set(ports)
    found = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != _LISTEN:
            continue
        address, _, port_hex = fields[1].partition(":")
        try:
            port, inode = int(port_hex, 16), int(fields[9])
            if port in wanted:
                found.append((port, _hex_address(address), inode))
        except ValueError:
            continue
    return found


def _socket_owners(proc: Path, inodes: set[int]) -> dict[int, int]:
    """inode -> pid for the sockets in ``inodes``, from the descriptors we may read."""
    owners: dict[int, int] = {}
    try:
        pids = [entry for entry in os.listdir(proc) if entry.isdigit()][:MAX_PROCESSES]
    except OSError:
        return owners
    for pid in pids:
        try:
            fds = os.listdir(proc / pid / "fd")[:MAX_FDS]
        except OSError:
            continue  # another user's process, or it ended
        for fd in fds:
            try:
                target = os.readlink(proc / pid / "fd" / fd)
            except OSError:
                continue
            if target.startswith("socket:[") and (inode := int(target[8:-1])) in inodes:
                owners[inode] = int(pid)
        if len(owners) == len(inodes):
            break
    return owners


def _process(proc: Path, pid: int) -> tuple[str, str]:
    try:
        name = (proc / str(pid) / "comm").read_text(errors="replace").strip()
        argv = (proc / str(pid) / "cmdline").read_bytes()[:4096].split(b"\0")
    except OSError:
        return "(ended)", ""
    command = " ".join(part.decode(errors="replace") for part in argv if part)
    return name, command[:200]


def _from_proc(ports: Sequence[int], proc: Path) -> ListenReport:
    sockets: list[tuple[int, str, int]] = []
    for table in ("tcp", "tcp6"):
        try:
            sockets += read_proc_net((proc / "net" / table).read_text(), ports)
        except OSError:
            continue
    owners = _socket_owners(proc, {inode for _p, _a, inode in sockets})
    listeners = []
    for port, address, inode in sockets:
        pid = owners.get(inode)
        name, command = _process(proc, pid) if pid is not None else (
            "another user's process (run as root to see which)", "")
        listeners.append(Listener(port, address, pid, name, command))
    return ListenReport(tuple(ports), tuple(sorted(listeners, key=lambda item: (item.port, item.address))),
                        f"{proc}/net/tcp and {proc}/*/fd")


def _from_psutil(ports: Sequence[int], psutil: Any) -> ListenReport:
    listeners = []
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status != psutil.CONN_LISTEN or not conn.laddr or conn.laddr.port not in ports:
            continue
        name, command = "another user's process (run as administrator to see which)", ""
        if conn.pid is not None:
            try:
                process = psutil.Process(conn.pid)
                name, command = process.name(), " ".join(process.cmdline())[:200]
            except (psutil.Error, OSError):
                name = "(ended)"
        listeners.append(Listener(conn.laddr.port, conn.laddr.ip, conn.pid, name, command))
    return ListenReport(tuple(ports), tuple(sorted(listeners, key=lambda item: (item.port, item.address))),
                        "psutil")


def who_listens(ports: Iterable[int], *, proc: Path = Path("/proc")) -> ListenReport:
    """Who listens on ``ports`` (TCP), read from the system: never raises."""
    wanted = tuple(sorted({port for port in ports if 0 < port < 65536}))
    if (proc / "net" / "tcp").exists():
        return _from_proc(wanted, proc)
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return ListenReport(wanted, (), "this system has no /proc and psutil is not installed "
                            "(pip install psutil), so it cannot be read here: use the commands", False)
    try:
        return _from_psutil(wanted, psutil)
    except (psutil.Error, OSError) as exc:  # macOS wants privileges for every process's sockets
        return ListenReport(wanted, (), f"psutil could not read the sockets ({exc}): use the commands", False)


__all__ = ["COURSE_PORTS", "ListenReport", "Listener", "commands", "read_proc_net", "who_listens"]

"""slowloris: a normal client's latency while 1,000 clients trickle their requests, and the server's threads.

``tlsexplorer tls serve`` runs in its own process on 127.0.0.1 with the built-in
alice.example.net sample. A normal client (this process) makes 100 HTTPS requests
one after the other, each on a new connection with a full handshake and
verification: first with nothing else going on, then while 1,000 clients (another
process, see :func:`trickle`) each finish a handshake and send their request one
byte every 3 s, reconnecting whenever the server drops them, as a slowloris attack
does. Two comparisons, same run:

- the normal client's median latency under the attack against without it
  (target: at most 2.0);
- the server's largest thread count during the attack against its connection cap
  (target: at most the cap, ratio at most 1.0).

The open-files limit is raised to its hard limit first (each trickling client is a
descriptor on both sides); when the hard limit is too low for 1,000, fewer clients
trickle and the line says how many. Every process started is stopped at the end.

Run alone: ``python -m benchmarks slowloris``; the trickling side alone:
``python -m benchmarks.bench_slowloris PORT CLIENTS SECONDS`` (stops when stdin closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import PYTHON, ROOT, Comparison, free_port, wait_listening

SAMPLES = ROOT / "tlsexplorer" / "samples"
CLIENTS = 1000
REQUESTS = 100
EVERY = 3.0
"""Seconds between two bytes of one trickling client."""
REQUEST = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


@dataclass(frozen=True)
class CountComparison(Comparison):
    """A count (threads) against a limit (the cap), reported as counts rather than seconds."""

    unit: str = "threads"
    """What is counted."""

    def report(self) -> str:
        """One line: the count, the limit, the ratio and the verdict."""
        ours, limit = max(self.ours), max(self.reference)
        line = (f"{self.name}: {ours:.0f} {self.unit}, {self.reference_name} {limit:.0f}, "
                f"ratio {self.ratio:.3f}")
        if self.target is not None:
            line += f" (target <= {self.target}: {'OK' if self.ok else 'MISSED'})"
        return line


def raise_open_files_limit() -> int:
    """Raise this process's soft open-files limit to the hard one (children inherit it); returns it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 1 << 30 if soft == resource.RLIM_INFINITY else soft





def _latencies(port: int, requests: int) -> tuple[list[float], int]:
    """Seconds per request of ``requests`` sequential GETs (new connection, full handshake), and failures."""
    context = ssl.create_default_context(cafile=str(SAMPLES / "charlies-root-ca.pem"))
    times: list[float] = []
    failed = 0
    for _ in range(requests):
        start = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock, \
                    context.wrap_socket(sock, server_hostname="localhost") as tls:
                tls.sendall(REQUEST)
                data = b""
                while chunk := tls.recv(65536):
                    data += chunk
            if b" 200 " not in data.split(b"\r\n", 1)[0]:
                raise ValueError(data[:40])
        except (OSError, ValueError):
            failed += 1
            continue
        times.append(time.perf_counter() - start)
    return times, failed


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


class _ThreadWatch(threading.Thread):
    """Samples a process's thread count until stopped; keeps the largest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.most = pid, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            with contextlib.suppress(OSError, ValueError):
                self.most = max(self.most, _threads(self.pid))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def run(runs: int = 1, clients: int = CLIENTS, requests: int = REQUESTS) -> list[Comparison]:
    """``runs`` rounds of: requests alone, then requests while ``clients`` trickle."""
    limit = raise_open_files_limit()
    clients = max(1, min(clients, limit - 200))
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "tlsexplorer", "tls", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    calm: list[float] = []
    attacked: list[float] = []
    failed = 0
    most_threads = 0
    cap_line = ""
    try:
        wait_listening(port, server)
        _latencies(port, 10)  # warm-up
        for _ in range(runs):
            times, lost = _latencies(port, requests)
            calm += times
            failed += lost
            trickler = subprocess.Popen(
                [PYTHON, "-m", "benchmarks.bench_slowloris", str(port), str(clients), str(EVERY)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
            )
            watch = _ThreadWatch(server.pid)
            watch.start()
            try:
                assert trickler.stdout is not None
                if trickler.stdout.readline().strip() != b"ready":
                    raise RuntimeError("the trickling clients did not all connect")
                times, lost = _latencies(port, requests)
                attacked += times
                failed += lost
            finally:
                watch.done.set()
                watch.join(5)
                if trickler.stdin is not None:
                    with contextlib.suppress(OSError):
                        trickler.stdin.close()
                _stop(trickler)
            most_threads = max(most_threads, watch.most)
    finally:
        _stop(server)
        if server.stdout is not None:
            cap_line = next((line for line in server.stdout.read().decode(errors="replace").splitlines()
                             if "cap of" in line), "")
            server.stdout.close()
    if not calm or not attacked:
        raise RuntimeError(f"every request failed ({failed})")
    from tlsexplorer.core.tls.server import connection_cap

    cap = connection_cap()  # what the server computed: it inherited this process's raised limit
    note = f"; {failed} request(s) failed" if failed else ""
    if cap_line:
        note += f"; the server said: {cap_line.strip()}"
    return [
        Comparison(
            f"slowloris ({requests} sequential HTTPS requests while {clients:,} clients trickle theirs, "
            f"one byte every {EVERY:g} s{note})",
            attacked, calm, "the same without them", target=2.0,
        ),
        CountComparison(
            f"slowloris (the server's threads while {clients:,} clients trickle)",
            [float(most_threads)], [float(cap)], "its connection cap", target=1.0,
        ),
    ]


# The trickling side --------------------------------------------------------


async def trickle(port: int, clients: int, every: float) -> None:
    """``clients`` connections that each finish a TLS handshake, then send a request one byte every
    ``every`` seconds, reconnecting when dropped. Prints ``ready`` once every one has connected;
    stops when stdin closes."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"z" * 4000 + b"\r\n\r\n"
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)),
                     daemon=True).start()
    connecting = asyncio.Semaphore(64)
    connected: set[int] = set()

    async def one(number: int) -> None:
        while not stop.is_set():
            writer = None
            try:
                async with connecting:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", port, ssl=context, server_hostname="localhost"),
                        60)
                if number not in connected:
                    connected.add(number)
                    if len(connected) == clients:
                        print("ready", flush=True)
                await asyncio.sleep(random.uniform(0, every))
                for byte in request:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    with contextlib.suppress(asyncio.TimeoutError):
                        if await asyncio.wait_for(reader.read(1), every) == b"":
                            break  # dropped: connect again
            except (OSError, ssl.SSLError, asyncio.TimeoutError):
                await asyncio.sleep(0.5)
            finally:
                if writer is not None:
                    writer.close()

    tasks = [asyncio.ensure_future(one(i)) for i in range(clients)]
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    raise_open_files_limit()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(trickle(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))

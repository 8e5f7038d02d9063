"""decrypt: ``tlsexplorer tls decrypt --json`` on a pcapng of a 50 MB HTTPS download, against
``tshark -r FILE -o tls.keylog_file:KEYLOG -q -z io,stat,0`` on the same file, same run.

The download is made here by OpenSSL through memory (Python's ssl client and server, TLS 1.3,
the client logging its secrets), then written as a loopback pcapng with
:func:`tlsexplorer.core.tls.capture.write_pcapng`; both tools get the key log as a file.
"""

from __future__ import annotations

import contextlib
import shutil
import ssl
import tempfile
from functools import partial
from pathlib import Path

from benchmarks.common import PYTHON, Comparison, alternate, time_process

DOWNLOAD_BYTES = 50 * 1024 * 1024


def make_capture(folder: Path, size: int = DOWNLOAD_BYTES) -> tuple[Path, Path]:
    """Write download.pcapng and download.keylog into ``folder``."""
    from tlsexplorer.core.tls.capture import write_pcapng
    from tlsexplorer.core.tls.records import Exchange, Segment
    from tlsexplorer.samples import SAMPLES_DIR

    keylog = folder / "download.keylog"
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.check_hostname = False
    client_ctx.verify_mode = ssl.CERT_NONE
    client_ctx.keylog_filename = str(keylog)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(SAMPLES_DIR / "alice.example.net.fullchain.pem",
                               SAMPLES_DIR / "alice.example.net.key.pem")
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname="alice.example.net")
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    segments: list[Segment] = []

    def pump() -> None:
        for direction, source, target in (("client", c_out, s_in), ("server", s_out, c_in)):
            data = source.read()
            if data:
                segments.append(Segment(direction, data))  # type: ignore[arg-type]
                target.write(data)

    for _ in range(10):
        for side in (client, server):
            with contextlib.suppress(ssl.SSLWantReadError):
                side.do_handshake()
        pump()
    client.write(b"GET /download HTTP/1.1\r\nHost: alice.example.net\r\n\r\n")
    pump()
    with contextlib.suppress(ssl.SSLWantReadError):
        server.read(65536)
    server.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
    chunk = bytes(range(256)) * 256
    sent = 0
    while sent < size:
        server.write(chunk[: size - sent])
        sent += min(len(chunk), size - sent)
        pump()
        with contextlib.suppress(ssl.SSLWantReadError):
            while client.read(1 << 20):
                pass
    capture = folder / "download.pcapng"
    capture.write_bytes(write_pcapng(Exchange(tuple(segments))))
    return capture, keylog


def run(runs: int = 3) -> list[Comparison]:
    """Alternate ``runs`` decryptions by tlsexplorer and by tshark."""
    tshark = shutil.which("tshark")
    if tshark is None:
        return []
    with tempfile.TemporaryDirectory(prefix="tlsx-bench-decrypt-") as tmp:
        capture, keylog = make_capture(Path(tmp))
        ours = [PYTHON, "-m", "tlsexplorer", "tls", "decrypt", str(capture), "--keylog", str(keylog),
                "--json"]
        reference = [tshark, "-r", str(capture), "-o", f"tls.keylog_file:{keylog}", "-q", "-z", "io,stat,0"]
        a, b = alternate(partial(time_process, ours), partial(time_process, reference), runs)
    return [Comparison("decrypt", a, b, "tshark -r FILE -o tls.keylog_file:KEYLOG -q -z io,stat,0",
                       target=1.0)]

"""Load client for bench_serve: N HTTPS GETs, each on a new connection with a full handshake.

Usage: ``python serve_client.py PORT REQUESTS CONCURRENCY CAFILE`` prints one JSON line:
``{"seconds": ..., "ok": ..., "errors": ..., "first_error": ...}``. The client verifies the
server (CA file, host name localhost) as a real client would and never resumes a session,
so every request pays for a full handshake.
"""

from __future__ import annotations

import json
import socket
import ssl
import sys
import threading
import time


def main() -> int:
    port, total, concurrency, cafile = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    context = ssl.create_default_context(cafile=cafile)
    request = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
    lock = threading.Lock()
    remaining = [total]
    ok = [0]
    errors: list[str] = []

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as sock, \
                        context.wrap_socket(sock, server_hostname="localhost") as tls:
                    tls.sendall(request)
                    data = b""
                    while chunk := tls.recv(65536):
                        data += chunk
                if not data.startswith(b"HTTP/1.") or b" 200 " not in data.split(b"\r\n", 1)[0]:
                    raise ValueError(f"unexpected answer {data[:40]!r}")
                with lock:
                    ok[0] += 1
            except (OSError, ValueError) as exc:
                with lock:
                    errors.append(f"{exc.__class__.__name__}: {exc}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "ok": ok[0], "errors": len(errors),
                      "first_error": errors[0] if errors else None}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

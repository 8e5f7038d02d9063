"""``tlsexplorer web``: the app in a browser, one app per tab, on 127.0.0.1 unless told otherwise.

The server is textual-serve, wrapped in :mod:`tlsexplorer.tui.web`. It has no authentication,
so any other address needs ``--host`` together with ``--i-know-this-is-unauthenticated``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tlsexplorer.cli.base import CliError, add_command

DEFAULT_PORT = 8000
"""The port used when none is given."""

DESCRIPTION = """\
Serve the explorer to a web browser: each tab gets its own app, the same as in a
terminal (textual-serve runs it behind a page with xterm.js). Use it when your
terminal draws the app badly, or to show it to a class on one machine.

It listens on 127.0.0.1 only: there is no password, and whoever opens the page
can read and write files as you. Files the app opens or writes are on the
machine that serves the page; the CA workbench's Download sends a copy to the
browser. Keys a browser keeps for itself (F1, F5, ctrl+t, ctrl+n...) have alt+
alternatives, shown in the footer.

Ctrl+C stops the server and every app it started, open tabs or not."""


def register(subparsers: Any) -> None:
    """Add ``web``."""
    parser = add_command(
        subparsers, "web", "the explorer in a web browser (textual-serve), on 127.0.0.1",
        DESCRIPTION,
        "tlsexplorer web",
        "tlsexplorer web --port 8080 --open",
        "tlsexplorer web --port 0            # any free port; the URL is printed",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open the page in your web browser")
    parser.add_argument("--host", default=None, metavar="ADDRESS",
                        help="listen on another address than 127.0.0.1: only with "
                             "--i-know-this-is-unauthenticated")
    parser.add_argument("--i-know-this-is-unauthenticated", dest="unauthenticated", action="store_true",
                        help="allow --host to be an address other machines can reach; anyone who "
                             "reaches it can use the app, and your files, without a password")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    from tlsexplorer.core.listen import LOOPBACK, is_loopback

    host = args.host or LOOPBACK
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port} is not a port number (0 to 65535; 0 picks a free one)")
    if not is_loopback(host) and not args.unauthenticated:
        raise CliError(
            f"--host {host} would let other machines use the app, and your files, without a password; "
            "add --i-know-this-is-unauthenticated if that is what you want"
        )
    from tlsexplorer.tui.web import serve

    def ready(url: str) -> None:
        print(f"tlsexplorer web: serving the app on {url}", flush=True)
        reach = "this machine only" if is_loopback(host) else "every machine that can reach this address"
        print(f"  No authentication: {reach}; whoever opens the page uses the app, and reads and "
              "writes files, as you.", flush=True)
        print("  Files are read from and written to this machine. Press Ctrl+C to stop.", flush=True)
        if args.open:
            import threading
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    serve(host=host, port=args.port, ready=ready)
    sys.stdout.write("tlsexplorer web: stopped\n")
    return 0


__all__ = ["DEFAULT_PORT", "register", "run"]

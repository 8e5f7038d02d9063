"""The TLS lab's Targets tab: many servers checked at once, a table filling in as they answer.

A targets file (one ``HOST:PORT`` a line, ``#`` comments) is read with
:func:`tlsexplorer.core.tls.targets.parse_targets` and checked in a thread
worker with :func:`tlsexplorer.core.tls.targets.check_targets` (a bounded pool);
results reach the table in batches, so 10,000 lines do not flood the UI.
Lines that could not be used are listed under the table, one message each.
``tlsexplorer tls probe --targets FILE`` is the CLI twin.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Static, TabPane

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.core.tls.targets import BadLine, TargetResult

#: Seconds between two batches of results sent to the table.
BATCH_SECONDS = 0.25

_STYLES = {"ok": "bold green", "expiring": "bold yellow", "failed": "bold red"}


class TargetsChecked(Message):
    """A batch of results from the worker (``done``: the last one)."""

    def __init__(self, results: list[TargetResult], done: bool = False) -> None:
        super().__init__()
        self.results = results
        """The results of this batch."""
        self.done = done
        """Every target has been checked."""


class TargetsTab(TabPane):
    """The Targets tab: a targets file checked concurrently, the CI verdict on top."""

    DEFAULT_CSS = """
    TargetsTab { padding: 0 1; }
    TargetsTab .row { height: auto; }
    TargetsTab .row Input { width: 1fr; }
    TargetsTab #tg-days { width: 16; }
    TargetsTab .row Button { margin-left: 1; min-width: 8; width: auto; }
    TargetsTab #tg-summary { height: auto; }
    TargetsTab #tg-table { height: 1fr; }
    TargetsTab #tg-bad { height: auto; max-height: 6; color: $warning; }
    """

    def __init__(self) -> None:
        super().__init__("Targets", id="tab-targets")
        self.results: list[TargetResult] = []
        """The results so far, in the order they arrived."""
        self.bad: list[BadLine] = []
        """The lines that could not be used."""
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        """The file, the days warned of, the table."""
        with Horizontal(classes="row"):
            yield Input(placeholder="targets file: one HOST:PORT a line, # comments", id="tg-file")
            yield Input("30", id="tg-days", type="integer")
            yield Button("Check", id="tg-check", variant="primary")
        yield Static(Text("Check a list of servers at once: each verified with the system's roots, its "
                          "first expiry against the days warned of (tls probe --targets FILE in CI).",
                          style="dim"), id="tg-summary")
        yield DataTable(id="tg-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="tg-bad")

    def on_mount(self) -> None:
        """Titles and columns."""
        self.query_one("#tg-file").border_title = "targets file"
        self.query_one("#tg-days").border_title = "warn days"
        table = self.query_one("#tg-table", DataTable)
        for label, key in (("line", "line"), ("target", "target"), ("status", "status"), ("TLS", "tls"),
                           ("expires", "expires"), ("days", "days"), ("detail", "detail")):
            table.add_column(label, key=key)

    @on(Button.Pressed, "#tg-check")
    @on(Input.Submitted, "#tg-file, #tg-days")
    def start_check(self) -> None:
        """Read the file and check every target in a worker."""
        from tlsexplorer.core.files import read_file
        from tlsexplorer.core.tls.targets import MAX_TARGETS_BYTES, parse_targets

        path = self.query_one("#tg-file", Input).value.strip()
        days_text = self.query_one("#tg-days", Input).value.strip() or "30"
        summary = self.query_one("#tg-summary", Static)
        try:
            days = int(days_text)
            if not 0 <= days <= 3650:
                raise ValueError
        except ValueError:
            summary.update(Text(f"✗ {days_text!r} is not a number of days from 0 to 3650", style="bold red"))
            return
        if not path:
            summary.update(Text("✗ give a targets file (one HOST:PORT a line)", style="bold red"))
            return
        try:
            targets, bad = parse_targets(read_file(path, MAX_TARGETS_BYTES), path)
        except TlsxError as exc:
            summary.update(Text(f"✗ {exc}", style="bold red"))
            return
        self._cancel.set()
        self._cancel = threading.Event()
        self.results, self.bad = [], bad
        self.query_one("#tg-table", DataTable).clear()
        self.query_one("#tg-bad", Static).update(Text("\n".join(printable(b.message) for b in bad)))
        if not targets:
            summary.update(Text(f"✗ {path} names no target; write one HOST:PORT a line", style="bold red"))
            return
        summary.update(Text(f"checking {len(targets):,} target(s)…", style="italic"))
        self.run_check(targets, days, self._cancel)

    @work(thread=True, exclusive=True, group="tls-targets", exit_on_error=False)
    def run_check(self, targets: list[Any], days: int, cancel: threading.Event) -> None:
        """Check the targets (in a thread), posting results in batches."""
        from tlsexplorer.core.tls.targets import check_targets

        pending: list[TargetResult] = []
        lock = threading.Lock()
        last = [time.monotonic()]

        def arrived(result: TargetResult) -> None:
            with lock:
                pending.append(result)
                if time.monotonic() - last[0] < BATCH_SECONDS:
                    return
                batch = pending[:]
                pending.clear()
                last[0] = time.monotonic()
            self.post_message(TargetsChecked(batch))

        check_targets(targets, now=self._now(), warn_days=days, timeout=5.0, on_result=arrived, cancel=cancel)
        with lock:
            batch = pending[:]
            pending.clear()
        if not cancel.is_set():
            self.post_message(TargetsChecked(batch, done=True))

    def _now(self) -> Any:
        from tlsexplorer.core.timeutil import utcnow
        from tlsexplorer.tui.screens.base import ExplorerScreen

        screen = self.screen
        return screen.host.now() if isinstance(screen, ExplorerScreen) else utcnow()

    def on_targets_checked(self, message: TargetsChecked) -> None:
        """Add a batch of rows; on the last, the verdict."""
        table = self.query_one("#tg-table", DataTable)
        for result in message.results:
            self.results.append(result)
            table.add_row(
                str(result.target.line), Text(printable(result.target.text)),
                Text(result.status, style=_STYLES[result.status]), result.tls_version or "-",
                format_iso8601(result.not_after) if result.not_after else "-",
                "-" if result.days_left is None else str(result.days_left),
                Text(printable(result.error or result.subject or "")),
            )
        counts = {s: sum(1 for r in self.results if r.status == s) for s in _STYLES}
        text = Text.assemble(f"{len(self.results):,} checked: ", (f"{counts['ok']} ok", _STYLES["ok"]), ", ",
                             (f"{counts['expiring']} expiring", _STYLES["expiring"]), ", ",
                             (f"{counts['failed']} failed", _STYLES["failed"]))
        if self.bad:
            text.append(f"; {len(self.bad)} line(s) not used (below)", style="yellow")
        if message.done:
            from tlsexplorer.core.tls.targets import exit_status

            table.sort("line", key=int)  # rows came in as targets answered: back to the file's order
            good = exit_status(self.results, self.bad) == 0
            text.append("   all good (exit 0)" if good else "   something needs attention (exit 1)",
                        style="bold green" if good else "bold red")
        self.query_one("#tg-summary", Static).update(text)

    def on_unmount(self) -> None:
        """Targets not started yet are skipped when the lab goes away."""
        self._cancel.set()


__all__ = ["TargetsChecked", "TargetsTab"]

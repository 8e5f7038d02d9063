"""Chain: build and verify a certificate chain, every check of every link explained.

Inputs on top (leaf, intermediates, trust anchors, time, purpose, host or IP,
maximum depth); below, the verifier's verdict, the chain as a tree from leaf
to root, the checklist of the certificate selected in the tree, and the
equivalent openssl command line. Files are read and the chain verified in a
thread worker, so a 10,000-certificate bundle never freezes the screen.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from cryptography.hazmat.primitives import hashes
from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Header, Input, Select, Static, Tree
from textual.widgets.tree import TreeNode

from tlsexplorer.core.chain.gather import ChainInput, InputNames, Source, Verification, gather_and_verify
from tlsexplorer.core.chain.model import ChainReport
from tlsexplorer.core.errors import TlsxError, UsageError
from tlsexplorer.core.text import name_text
from tlsexplorer.core.timeutil import parse_iso8601
from tlsexplorer.render import chain as render
from tlsexplorer.samples import SAMPLES_DIR
from tlsexplorer.tui.payloads import VerifyChain
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.widgets.footer import KeyFooter

#: The demonstration the screen opens on: a full chain whose leaf has expired.
DEMO_LEAF = "expired.pem"
DEMO_CHAIN = "charlies-intermediate-ca.pem"
DEMO_ROOT = "charlies-root-ca.pem"
DEMO_HOST = "old.example.net"
#: Prefix of the leaf field when the material was sent by another screen.
SENT_PREFIX = "sent: "


@dataclass(frozen=True)
class _Request:
    leaf_field: str
    chain_field: str
    anchors_field: str
    system_roots: bool
    bundle_root: bool
    at: dt.datetime
    host: str | None
    purpose: str
    max_depth: int | None
    sent: VerifyChain | None


def _paths(field: str) -> list[Path]:
    return [Path(p.strip()).expanduser() for p in field.replace(";", ",").split(",") if p.strip()]


def _resolve(path: Path) -> Path:
    if not path.is_absolute() and not path.exists() and (SAMPLES_DIR / path).exists():
        return SAMPLES_DIR / path
    return path


def _sources(field: str) -> tuple[Source, ...]:
    """The files and folders of a comma-separated field; openssl names them as typed, and a
    built-in sample found by its bare name by its full path, so the line works when pasted."""
    sources = []
    for path in _paths(field):
        real = _resolve(path)
        sources.append(Source.file(real, name=str(path) if real == path else _pasteable(real)))
    return tuple(sources)


def _pasteable(path: Path) -> str:
    """``path`` from the current folder when it lies below it (``tlsexplorer/samples/...`` at the
    repository's root), else in full: either way it names the file when pasted here."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


#: How messages name the screen's inputs.
INPUT_NAMES = InputNames(
    leaf="Leaf", intermediates="Intermediates", anchors="Anchors", bundle_root="Trust the root in the bundle"
)

#: The openssl line names material sent by another screen (not on disk) as if saved in these files
#: (the leaf; the intermediates, with whatever followed the leaf; the trust anchors).
SENT_NAMES = SENT_LEAF, SENT_CHAIN, SENT_ROOTS = ("leaf.pem", "chain.pem", "roots.pem")


def _compute(request: _Request) -> Verification:
    """Read the inputs and verify (runs in a worker thread)."""
    sent = request.sent
    leaf = _sources(request.leaf_field)
    intermediates = _sources(request.chain_field)
    anchors = _sources(request.anchors_field)
    if sent is not None:
        leaf = (
            Source.memory(sent.leaf, label=sent.label or "sent chain", name=SENT_LEAF, rest_name=SENT_CHAIN),
        )
        if sent.intermediates:
            intermediates += (Source.memory(sent.intermediates, label="sent intermediates", name=SENT_CHAIN),)
        if sent.roots:
            anchors += (Source.memory(sent.roots, label="sent trust anchors", name=SENT_ROOTS),)
    return gather_and_verify(
        ChainInput(
            leaf=leaf,
            intermediates=intermediates,
            anchors=anchors,
            system_roots=request.system_roots,
            trust_bundle_root=request.bundle_root,
            at=request.at,
            host=request.host,
            purpose="client" if request.purpose == "client" else "server",
            max_depth=request.max_depth,
            names=INPUT_NAMES,
        )
    )


class ChainScreen(ExplorerScreen):
    """Build a chain from what is loaded and explain every check of every link."""

    EXPLORER_ID = "chain"
    TITLE = "Chain"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "verify", "Verify"),
        Binding("f9", "demo", "Demo chain"),
    ]

    DEFAULT_CSS = """
    ChainScreen #inputs { height: auto; padding: 1 1 0 1; }
    ChainScreen .row { height: 1; margin-bottom: 1; }
    ChainScreen .label { width: auto; padding: 0 1 0 0; }
    ChainScreen Input { margin-right: 2; }
    ChainScreen #leaf, ChainScreen #chain-files, ChainScreen #anchors { width: 1fr; }
    ChainScreen #host { width: 1fr; }
    ChainScreen #at { width: 24; }
    ChainScreen #depth { width: 6; }
    ChainScreen Select { width: 12; margin-right: 2; }
    ChainScreen Checkbox { width: auto; height: 1; border: none; padding: 0; margin-right: 1; }
    ChainScreen Checkbox:focus { border: none; }
    ChainScreen #bundle-root { color: $foreground; background: $warning-muted; }
    ChainScreen #verify { min-width: 10; }
    ChainScreen #verdict { height: auto; padding: 0 1; }
    ChainScreen #body { height: 1fr; }
    ChainScreen #tree { width: 40%; max-width: 48; border: round $primary; }
    ChainScreen #details { width: 1fr; border: round $primary; padding: 0 1; }
    ChainScreen #command { height: auto; padding: 0 1; }
    ChainScreen.-short .row { margin-bottom: 0; }
    """
    #: Below 34 lines the input rows drop their spacing so the chain keeps room.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # noqa: RUF012 (Screen declares it)

    def __init__(self) -> None:
        super().__init__()
        self.report: ChainReport | None = None
        """The last verification's report."""
        self.input_notes: tuple[str, ...] = ()
        """What reading the last verification's input noted (files skipped, the bundle's root trusted)."""
        self.sent: VerifyChain | None = None
        """Material another screen sent (instead of files)."""
        self.selected: tuple[int, int] = (0, 0)
        """(path, certificate) whose checklist is shown; certificate -1 is the missing issuer."""
        self._pending: VerifyChain | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        """Inputs, verdict, tree + checklist, command line."""
        yield Header()
        with Vertical(id="inputs"):
            with Horizontal(classes="row"):
                yield Static("Leaf", classes="label")
                yield Input(DEMO_LEAF, placeholder="leaf or fullchain file", id="leaf", compact=True)
                yield Static("Intermediates", classes="label")
                yield Input(
                    DEMO_CHAIN,
                    placeholder="files or folders, comma-separated",
                    id="chain-files",
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Static("Anchors", classes="label")
                yield Input(
                    DEMO_ROOT, placeholder="trusted root files or folders", id="anchors", compact=True
                )
                yield Checkbox("System roots", id="system-roots")
            with Horizontal(classes="row"):
                yield Checkbox("Trust the root in the bundle (proves nothing)", id="bundle-root")
                yield Select(
                    [("server", "server"), ("client", "client")],
                    value="server",
                    allow_blank=False,
                    id="purpose",
                    compact=True,
                )
                yield Static("Depth", classes="label")
                yield Input("8", placeholder="8", id="depth", type="integer", compact=True)
            with Horizontal(classes="row"):
                yield Static("Host/IP", classes="label")
                yield Input(
                    DEMO_HOST, placeholder="host name or IP (empty: the leaf's own)", id="host", compact=True
                )
                yield Static("At", classes="label")
                yield Input(placeholder="ISO 8601 (empty: now)", id="at", compact=True)
                yield Button("Verify", id="verify", variant="primary", compact=True)
        yield Static(id="verdict")
        with Horizontal(id="body"):
            yield Tree(Text("chain, leaf → root"), id="tree")
            with VerticalScroll(id="details"):
                yield Static(id="checklist")
        yield Static(id="command")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Verify the demonstration (the time field stays empty: each verification is at its now)."""
        tree = self.query_one("#tree", Tree)
        tree.show_root = False
        self._ready = True
        if self._pending is not None:
            self._apply(self._pending)
        else:
            self.action_verify()

    def _now(self) -> dt.datetime:
        return self.host.now()

    # Input ------------------------------------------------------------------

    def receive(self, payload: object) -> None:
        """Verify a chain another screen sent (Inspector, CA workbench, TLS lab)."""
        if not isinstance(payload, VerifyChain):
            return
        self._pending = payload
        if self._ready:
            self._apply(payload)

    def _apply(self, payload: VerifyChain) -> None:
        self._pending = None
        self.sent = payload
        leaf = self.query_one("#leaf", Input)
        leaf.value = SENT_PREFIX + (payload.label or "certificate from another screen")
        leaf.cursor_position = 0  # show where it came from, not the end of a long label
        self.query_one("#chain-files", Input).value = ""
        self.query_one("#anchors", Input).value = ""
        self.query_one("#system-roots", Checkbox).value = not payload.roots
        self.query_one("#bundle-root", Checkbox).value = False
        self.query_one("#host", Input).value = payload.host or ""
        self.query_one("#at", Input).value = ""
        self.action_verify()

    @on(Input.Changed, "#leaf")
    def _leaf_changed(self, event: Input.Changed) -> None:
        # The field's value now, not the event's: the Changed of the initial demo value can
        # arrive after a payload was applied, and must not drop it.
        if self.sent is not None and not event.input.value.startswith(SENT_PREFIX):
            self.sent = None

    @on(Input.Submitted)
    @on(Button.Pressed, "#verify")
    def _submit(self) -> None:
        self.action_verify()

    def action_demo(self) -> None:
        """Back to the built-in demonstration."""
        self.sent = None
        self.query_one("#leaf", Input).value = DEMO_LEAF
        self.query_one("#chain-files", Input).value = DEMO_CHAIN
        self.query_one("#anchors", Input).value = DEMO_ROOT
        self.query_one("#system-roots", Checkbox).value = False
        self.query_one("#bundle-root", Checkbox).value = False
        self.query_one("#host", Input).value = DEMO_HOST
        self.query_one("#at", Input).value = ""
        self.query_one("#depth", Input).value = "8"
        self.action_verify()

    def _request(self) -> _Request:
        at_text = self.query_one("#at", Input).value.strip()
        at = parse_iso8601(at_text) if at_text else self._now()
        depth_text = self.query_one("#depth", Input).value.strip()
        try:
            depth = int(depth_text) if depth_text else None
        except ValueError:
            raise UsageError(f"maximum depth {depth_text!r} is not a whole number") from None
        purpose = self.query_one("#purpose", Select).value
        host = self.query_one("#host", Input).value.strip() or None
        return _Request(
            self.query_one("#leaf", Input).value,
            self.query_one("#chain-files", Input).value,
            self.query_one("#anchors", Input).value,
            self.query_one("#system-roots", Checkbox).value,
            self.query_one("#bundle-root", Checkbox).value,
            at,
            host,
            str(purpose),
            depth,
            self.sent,
        )

    def action_verify(self) -> None:
        """Read the inputs and verify in a worker."""
        try:
            request = self._request()
        except TlsxError as exc:
            self._show_error(str(exc))
            return
        self.query_one("#verdict", Static).update(Text("verifying…", style="dim"))
        self._run(request)

    @work(thread=True, exclusive=True, group="chain-verify", exit_on_error=False)
    def _run(self, request: _Request) -> None:
        try:
            result = _compute(request)
        except TlsxError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        except Exception as exc:  # anything unexpected is shown, never a crash
            self.app.call_from_thread(self._show_error, f"could not verify: {exc}")
            return
        chain = result.report.chain
        anchor = result.gathered.origin(chain[-1]) if chain else None
        self.app.call_from_thread(self._show, result.report, result.gathered.notes, anchor)
        sample = request.sent is None and any(
            SAMPLES_DIR in _resolve(path).parents for path in _paths(request.leaf_field))
        self.app.call_from_thread(self.host.record, "chain.verified", valid=result.report.valid,
                                  host=request.host, sample=sample)

    # Output -----------------------------------------------------------------

    def _show_error(self, message: str) -> None:
        self.report = None
        self.input_notes = ()
        self.query_one("#verdict", Static).update(Text.assemble(("✘ ", "bold red"), (message, "red")))
        self.query_one("#tree", Tree).clear()
        self.query_one("#checklist", Static).update("")
        self.query_one("#command", Static).update("")

    def _show(
        self, report: ChainReport, input_notes: tuple[str, ...] = (), anchor: str | None = None
    ) -> None:
        self.report = report
        self.input_notes = input_notes
        verdict = render.verdict_text(report)
        used = render.anchor_text(report, anchor)
        if used:
            verdict.append("\n").append_text(used)
        self.query_one("#verdict", Static).update(verdict)
        tree = self.query_one("#tree", Tree)
        tree.clear()
        # Every path as one tree: shared beginnings once, alternatives as branches.
        children: dict[int, dict[bytes, TreeNode[Any]]] = {}
        first: TreeNode[Any] | None = None
        chosen: list[TreeNode[Any]] = []
        paths = report.paths or (report.chain,)
        for number, path in enumerate(paths):
            node = tree.root
            for index, cert in enumerate(path):
                key = cert.fingerprint(hashes.SHA256())
                known = children.setdefault(id(node), {})
                if key not in known:
                    label = render.path_label(report, number, index)
                    known[key] = node.add(label, data=(number, index), expand=True)
                node = known[key]
                if number == 0:
                    chosen.append(node)
        if report.missing is not None and chosen:
            missing = Text.assemble(("✘ missing issuer ", "bold red"), (report.missing.issuer, "red"))
            chosen[-1].add_leaf(missing, data=(0, -1))
        tree.root.expand_all()
        for index, node in enumerate(chosen):
            if any(not f.ok for f in report.findings_for(index)):
                first = node
                break
        target = first or (chosen[0] if chosen else None)
        data = target.data if target is not None else None
        self.selected = data if isinstance(data, tuple) else (0, 0)
        if target is not None:
            tree.move_cursor(target)
        self._show_details()
        self.query_one("#command", Static).update(render.command_text(report, self._legend(report)))

    def _legend(self, report: ChainReport) -> str:
        """What the openssl line's file names stand for, when the material was sent, not read."""
        if self.sent is None:
            return ""
        words = report.openssl_command.split()
        names = [name for name in SENT_NAMES if name in words]
        source = self.sent.label or "another screen"
        return f"{', '.join(names)}: the certificates sent from {source}, saved as PEM" if names else ""

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Any]) -> None:
        data = event.node.data
        if isinstance(data, tuple) and data != self.selected:
            self.selected = data
            self._show_details()

    def _show_details(self) -> None:
        report = self.report
        target = self.query_one("#checklist", Static)
        if report is None:
            target.update("")
            return
        number, index = self.selected
        if index < 0 and report.missing is not None:
            missing = report.missing
            lines = Text(f"Missing issuer: {missing.issuer}\n", style="bold red")
            if missing.urls:
                lines.append(f"It can be downloaded from: {', '.join(missing.urls)}\n", style="yellow")
            lines.append(f"fix: {missing.fix}", style="yellow")
            target.update(lines)
            return
        paths = report.paths or (report.chain,)
        number = max(0, min(number, len(paths) - 1))
        index = max(0, min(index, len(paths[number]) - 1))
        cert = paths[number][index]
        title = render.path_label(report, number, index, details=True)
        subject = Text(
            f"subject {name_text(cert.subject)}\nissuer  {name_text(cert.issuer)}", "dim"
        )
        parts: list[Any] = [title, subject]
        if number > 0:
            parts.append(Text(f"alternative path {number + 1} of {len(paths)}", style="bold yellow"))
        parts.append(render.findings_table(render.path_findings(report, number, index)))
        alternatives = render.paths_text(report)
        if alternatives is not None:
            parts.append(alternatives)
        parts.extend(Text(f"note: {note}", style="dim") for note in (*self.input_notes, *report.notes))
        target.update(Group(*parts))


__all__ = ["ChainScreen"]

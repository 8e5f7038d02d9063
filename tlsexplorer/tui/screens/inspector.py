"""The Inspector: every object in PEM/DER/PKCS#7/PKCS#12 files and folders, explained.

Left: the objects found (a virtual table, so a 10,000-certificate bundle lists
at once), a file browser with crypto-looking files first, and recent files.
Right: details with lint, the PEM text, a hex dump, the DER tree (choosing a
node highlights its bytes) and a CRL's revoked serials. Files are read in a
worker thread; objects are decoded only when chosen.
"""

from __future__ import annotations

import base64
import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    DirectoryTree,
    Header,
    Input,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    Tree,
)
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.x509.dertree import DerNode, parse_der
from tlsexplorer.core.x509.loader import LoadedObject, LoadResult, load_objects
from tlsexplorer.core.x509.model import CrlInfo, Info
from tlsexplorer.core.x509.naming import oid_name
from tlsexplorer.core.x509.recent import add_recent, load_recent
from tlsexplorer.core.x509.summary import object_title, summarize
from tlsexplorer.core.x509.sweep import SweepReport, collect_files, looks_crypto, match_keys, read_path, sweep
from tlsexplorer.render.x509 import (
    KIND_LABEL,
    OCSP_STATUS_STYLE,
    object_heading,
    render_info,
    render_ocsp_check,
    render_sweep,
)
from tlsexplorer.samples import SAMPLES_DIR, manifest
from tlsexplorer.tui.payloads import CheckSignature, OpenFiles, OpenPem, VerifyChain
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.widgets.footer import KeyFooter
from tlsexplorer.tui.widgets.hexview import HexView
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

SHORT_KIND = {
    "certificate": "cert",
    "certificate_request": "csr",
    "crl": "crl",
    "private_key": "key",
    "public_key": "pub",
    "pkcs12": "p12",
    "pkcs7": "p7",
    "ocsp_response": "ocsp",
    "ocsp_request": "oreq",
}


@dataclass
class LoadedFile:
    """One file (or pasted material) as the Inspector holds it."""

    label: str
    """Path or label shown."""
    path: Path | None
    """The file on disk (None for material sent by another screen)."""
    result: LoadResult
    """What the loader found."""
    password_hint: str | None = None
    """The sample passphrase, shown next to built-in encrypted samples."""
    data: bytes | None = None
    """The bytes, for material that is not on disk (so it can be unlocked)."""


@dataclass
class Row:
    """One row of the object table."""

    kind: str
    """file, object, problem, sweep or note."""
    file: int
    """Index of its file (-1 for the sweep)."""
    obj: LoadedObject | None = None
    """The object, for object rows."""
    text: str = ""
    """The problem or note text."""
    cells: tuple[Any, Any, Any] = ("", "", "")
    """What the table shows."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything else the details need."""


def _status_cell(obj: LoadedObject, now: Any) -> Text:
    value = obj.value
    if obj.kind == "certificate":
        end = value.not_valid_after_utc
        if now > end:
            return Text("expired", style="bold red")
        if now < value.not_valid_before_utc:
            return Text("not yet", style="red")
        days = (end - now).days
        return Text(f"{days} d", style="yellow" if days < 30 else "green")
    if obj.kind in ("private_key", "pkcs12") and obj.encrypted and value is None:
        return Text("locked", style="yellow")
    if obj.kind == "crl":
        nxt = value.next_update_utc
        return Text("overdue", style="red") if nxt and now > nxt else Text(f"{len(value)} rev")
    if obj.kind == "certificate_request":
        return Text("csr")
    if obj.kind == "ocsp_response":
        state = object_title(obj).removeprefix("OCSP response").lstrip(": ").split(" ")[0]
        return Text(state[:8], style=OCSP_STATUS_STYLE.get(state, "bold red" if state else ""))
    return Text("")


def build_rows(
    files: list[LoadedFile], now: Any, with_sweep: bool, notes: Sequence[str] = ()
) -> list[Row]:
    """Rows for every file: a header, its objects (containers' items indented), its problems.

    ``notes`` (a folder cut at the file limit) come first, where they are seen.
    """
    rows: list[Row] = []
    if with_sweep:
        rows.append(Row("sweep", -1, cells=(Text("≡", style="bold"), Text("Folder sweep", style="bold"), "")))
    for note in notes:
        cells = (Text("!", style="bold yellow"), Text(note, style="yellow"), "")
        rows.append(Row("note", -1, text=note, cells=cells))
    for index, entry in enumerate(files):
        result = entry.result
        count = len(result.objects)
        state = (
            Text(f"{len(result.problems)} err", style="bold red")
            if result.problems
            else Text(f"{count} obj", style="dim")
        )
        name = entry.path.name if entry.path is not None else entry.label
        rows.append(Row("file", index, cells=(Text("▸", style="bold"), Text(name, style="bold"), state)))
        for depth, obj in result.flat():
            try:
                title = object_title(obj)
                status = _status_cell(obj, now)
            except Exception:  # a strange object still gets a row
                title, status = obj.kind, Text("")
            indent = "  " * (depth + 1)
            rows.append(
                Row("object", index, obj, cells=(SHORT_KIND.get(obj.kind, obj.kind), indent + title, status))
            )
        for problem in result.problems:
            rows.append(
                Row(
                    "problem",
                    index,
                    text=problem,
                    cells=(Text("!", style="bold red"), Text("  " + problem, style="red"), ""),
                )
            )
        for note in result.notes:
            rows.append(Row("note", index, text=note, cells=("", Text("  " + note, style="dim"), "")))
    return rows


class CryptoTree(DirectoryTree):
    """A directory tree that lists folders, then crypto-looking files, then the rest.

    Backspace goes up a folder, the cursor on the folder it came from; ctrl+e goes
    into the folder under the cursor (back where it was).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "up_folder", "Up a folder"),
        Binding("ctrl+e", "into_folder", "Into folder"),
    ]

    _came_from: Path | None = None

    def action_up_folder(self) -> None:
        """Show the parent folder, the cursor on the folder shown until now."""
        here = Path(self.path).expanduser().resolve()
        if here.parent == here:
            self.app.bell()
            return
        self._came_from = here
        self.path = here.parent

    def action_into_folder(self) -> None:
        """Show the folder under the cursor (a file's folder when the cursor is on a file)."""
        node = self.cursor_node
        if node is None or node.data is None or node is self.root:
            return
        target = node.data.path if self._safe_is_dir(node.data.path) else node.data.path.parent
        if target.resolve() != Path(self.path).expanduser().resolve():
            self._came_from = None
            self.path = target

    async def watch_path(self) -> None:
        """Reload for the new root, then put the cursor on the folder it came from."""
        await super().watch_path()
        came_from, self._came_from = self._came_from, None
        for child in self.root.children:
            if came_from is not None and child.data is not None and child.data.path.resolve() == came_from:
                self.move_cursor(child, animate=False)
                break

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Hide dot files."""
        return [p for p in paths if not p.name.startswith(".")]

    @work(thread=True, exit_on_error=False)
    def _load_directory(self, node: TreeNode[Any]) -> list[Path]:
        # Textual's own loader sorts folders first, then by name; here crypto-looking files
        # come before the rest (same worker shape as DirectoryTree._load_directory).
        from textual.worker import get_current_worker

        assert node.data is not None
        path = node.data.path.expanduser().resolve()
        entries = self.filter_paths(self._directory_content(path, get_current_worker()))
        return sorted(entries, key=lambda p: (not self._safe_is_dir(p), not looks_crypto(p), p.name.lower()))


class PasswordScreen(ModalScreen[str | None]):
    """Ask for a passphrase without echoing it."""

    DEFAULT_CSS = """
    PasswordScreen { align: center middle; }
    #password-box { width: 70; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    #password-buttons { height: auto; margin-top: 1; }
    #password-buttons Button { margin-right: 2; }
    """

    def __init__(self, what: str, hint: str | None = None) -> None:
        super().__init__()
        self.what = what
        """What is being unlocked."""
        self.hint = hint
        """A sample's passphrase, shown because it is a sample."""

    def compose(self) -> ComposeResult:
        """A prompt, a hidden input and two buttons."""
        with Vertical(id="password-box"):
            yield Label(f"Enter PEM pass phrase for {self.what}")
            if self.hint:
                yield Label(f"[yellow]Built-in sample: its passphrase is {self.hint}[/yellow]")
            yield Input(password=True, id="password-input", placeholder="passphrase (not shown)")
            with Horizontal(id="password-buttons"):
                yield Button("Unlock", variant="primary", id="password-ok")
                yield Button("Cancel", id="password-cancel")

    @on(Input.Submitted, "#password-input")
    @on(Button.Pressed, "#password-ok")
    def _submit(self) -> None:
        self.dismiss(self.query_one("#password-input", Input).value)

    @on(Button.Pressed, "#password-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class InspectorScreen(ExplorerScreen):
    """Every object in files and folders: list, details, lint, raw views, sweep."""

    EXPLORER_ID = "inspector"
    TITLE = "Inspector"

    DEFAULT_CSS = """
    #insp-path { margin: 0 1; }
    #insp-main { height: 1fr; }
    #insp-left { width: 46; }
    InspectorScreen.-narrow #insp-left { width: 36; }
    #insp-right { width: 1fr; }
    #insp-objects { height: 1fr; }
    #insp-status { height: 1; padding: 0 1; color: $text-muted; }
    #insp-details-scroll { padding: 0 1; }
    #insp-der-tree { height: 1fr; }
    #insp-der-hex { height: 12; border-top: solid $primary; }
    InspectorScreen.-short #insp-der-hex { height: 7; }
    #insp-pem { padding: 0 1; }
    """

    #: Below 100 columns the object list narrows so the details keep room.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Screen declares it)
    #: Below 30 rows the DER tab's hex view gives the tree room.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 (Screen declares it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "focus_path", "Open path"),
        Binding("u", "unlock", "Unlock"),
        Binding("v", "verify_chain", "Verify chain"),
        Binding("s", "check_signature", "Check signature"),
        Binding("ctrl+l", "focus_list", "Objects", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: list[LoadedFile] = []
        """Everything open."""
        self.rows: list[Row] = []
        """The table's rows."""
        self.report: SweepReport | None = None
        """The sweep, when a folder or several files are open."""
        self.matches: dict[int, list[Any]] = {}
        """Keys to the certificates carrying them."""
        self._pending: list[object] = []
        self._ready = False
        self._info_cache: dict[int, Info] = {}
        self._current: Row | None = None
        self._passwords: dict[str, bytes] = {}

    # Layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Path input; objects/files/recent on the left; views on the right."""
        yield Header()
        yield Input(placeholder="Path of a file or folder, Enter opens it (ctrl+o)", id="insp-path")
        with Horizontal(id="insp-main"):
            with TabbedContent(id="insp-left"):
                with TabPane("Objects", id="tab-objects"):
                    yield Static("", id="insp-status")
                    yield VirtualTable([("kind", 4), ("object", 0), ("status", 8)], id="insp-objects")
                with TabPane("Files", id="tab-files"):
                    # The tree is mounted when the tab is first shown: its loader worker
                    # never ends, which would keep "wait for workers" waiting forever.
                    yield Static("", id="insp-files-holder")
                with TabPane("Recent", id="tab-recent"):
                    yield OptionList(id="insp-recent")
            with TabbedContent(id="insp-right"):
                with TabPane("Details", id="tab-details"), VerticalScroll(id="insp-details-scroll"):
                    yield Static("", id="insp-details")
                with TabPane("PEM", id="tab-pem"), VerticalScroll():
                    yield Static("", id="insp-pem")
                with TabPane("Hex", id="tab-hex"):
                    yield HexView(id="insp-hex")
                with TabPane("DER", id="tab-der"):
                    yield Tree("DER", id="insp-der-tree")
                    yield HexView(id="insp-der-hex")
                with TabPane("Revoked", id="tab-revoked"):
                    yield VirtualTable(
                        [("serial", 42), ("revoked at", 17), ("reason", 22)], id="insp-revoked"
                    )
        yield KeyFooter()

    def on_mount(self) -> None:
        """Set up the tables; open what was sent, or the samples."""
        table = self.query_one("#insp-objects", VirtualTable)
        self._refresh_recent()
        table.focus()
        self._ready = True
        pending, self._pending = self._pending, []
        if pending:
            for payload in pending:
                self.receive(payload)
        elif not self.files:
            self.open_samples()

    # Payloads ---------------------------------------------------------------

    def receive(self, payload: object) -> None:
        """Open files (OpenFiles) or material from another screen (OpenPem)."""
        if not self._ready:
            self._pending.append(payload)
            return
        if isinstance(payload, OpenFiles):
            self.open_paths(list(payload.paths))
        elif isinstance(payload, OpenPem):
            self.open_bytes(payload.label, payload.data)

    def open_samples(self) -> None:
        """Open the built-in samples in teaching order."""
        self._set_status("reading the built-in samples...")
        self._load([s.path for s in manifest()], remember=False, folder_label="built-in samples")

    def open_paths(self, paths: list[Path], *, remember: bool = True) -> None:
        """Open files and folders from disk."""
        self._set_status(f"reading {', '.join(str(p) for p in paths)}...")
        self._load(paths, remember=remember)

    def open_bytes(self, label: str, data: bytes) -> None:
        """Show material that is not on disk."""
        result = load_objects(data, label)
        self._show([LoadedFile(label, None, result, data=data)], with_sweep=False)

    @work(thread=True, exclusive=True, group="inspector-load", exit_on_error=False)
    def _load(self, paths: list[Path], remember: bool = True, folder_label: str | None = None) -> None:
        try:
            self._load_now(paths, remember, folder_label)
        except Exception as exc:  # a bug of ours must not leave the screen saying "reading..."
            self.app.call_from_thread(self._set_status, f"could not read: {exc}")
            self.app.call_from_thread(self.notify, f"could not read: {exc}", severity="error")

    def _load_now(self, paths: list[Path], remember: bool, folder_label: str | None) -> None:
        files: list[LoadedFile] = []
        folder = any(p.is_dir() for p in paths)
        expanded, notes = collect_files(paths, recursive=True)
        hints = {s.path: s.password for s in manifest() if s.password}
        collecting = gc.isenabled()
        gc.disable()  # thousands of certificates, no cycles: the collector would only slow this down
        try:
            for file in expanded:
                password = self._passwords.get(str(file))
                result = read_path(file, password)
                if folder and not result.recognised and file not in paths:
                    continue
                files.append(LoadedFile(str(file), file, result, hints.get(file)))
            with_sweep = folder or (len(files) > 1 and folder_label is not None)
            rows = build_rows(files, self.app_now(), with_sweep, notes)
            matches = match_keys([f.result for f in files]) if len(files) < 500 else {}
        finally:
            if collecting:
                gc.enable()
        if remember:
            add_recent([p for p in paths if p.exists()])
        self.app.call_from_thread(self._show, files, with_sweep, rows, matches, len(notes))
        if with_sweep:
            self._sweep_now([f.result for f in files])

    def _sweep_now(self, results: list[Any]) -> None:
        """Sweep in this worker thread; any failure reaches the screen (never "sweeping..." forever)."""
        try:
            report = sweep(results, self.app_now())
        except Exception as exc:  # a bug of ours must not leave the sweep saying "sweeping..." forever
            self.app.call_from_thread(self._set_status, f"could not sweep: {exc}")
            self.app.call_from_thread(self.notify, f"could not sweep: {exc}", severity="error")
            return
        self.app.call_from_thread(self._set_sweep, report)

    def app_now(self) -> Any:
        """The app's clock (fixed in screenshots)."""
        return self.host.now()

    def _show(
        self,
        files: list[LoadedFile],
        with_sweep: bool,
        rows: list[Row] | None = None,
        matches: dict[int, list[Any]] | None = None,
        cut: int = 0,
    ) -> None:
        self.files = files
        self.report = None
        self._info_cache.clear()
        if matches is None:
            matches = match_keys([f.result for f in files])
        self.matches = matches
        self.rows = rows if rows is not None else build_rows(files, self.app_now(), with_sweep)
        table = self.query_one("#insp-objects", VirtualTable)
        table.clear()
        table.add_rows(row.cells for row in self.rows)
        objects = sum(1 for r in self.rows if r.kind == "object")
        problems = sum(1 for r in self.rows if r.kind == "problem")
        plural = "s" if objects != 1 else ""
        self._set_status(
            f"{len(files)} file{'s' if len(files) != 1 else ''} · {objects} object{plural}"
            + (f" · {problems} problem{'s' if problems != 1 else ''}" if problems else "")
            + (" · not all read: too many files, see the note at the top" if cut
               else "" if problems else " · all read")
        )
        self._refresh_recent()
        first = next((i for i, r in enumerate(self.rows) if r.kind == "object"), 0)
        if self.rows:
            table.move_cursor(row=first, animate=False)
            self._select(first)

    def _set_sweep(self, report: SweepReport) -> None:
        self.report = report
        if self._current is not None and self._current.kind == "sweep":
            self._show_details(self._current)
        if self.rows and self.rows[0].kind == "sweep":
            table = self.query_one("#insp-objects", VirtualTable)
            flags = len(report.flags)
            table.update_cell(
                0,
                2,
                Text(f"{flags} flag{'s' if flags != 1 else ''}", style="yellow" if flags else "green"),
            )

    def _set_status(self, text: str) -> None:
        self.query_one("#insp-status", Static).update(text)

    # Selection --------------------------------------------------------------

    @on(VirtualTable.RowHighlighted, "#insp-objects")
    def _highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self._select(event.cursor_row)

    def _select(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        self._current = row
        self._show_details(row)
        self._show_raw(row)

    def info_for(self, obj: LoadedObject) -> Info:
        """The summary of ``obj`` (decoded once, when first chosen)."""
        key = id(obj)
        if key not in self._info_cache:
            self._info_cache[key] = summarize(obj, self.app_now())
        return self._info_cache[key]

    def _show_details(self, row: Row) -> None:
        details = self.query_one("#insp-details", Static)
        revoked = self.query_one("#insp-revoked", VirtualTable)
        revoked.clear()
        if row.kind == "sweep":
            body: RenderableType = (
                render_sweep(self.report) if self.report else Text("sweeping...", style="dim")
            )
            details.update(Group(Text("Folder sweep", style="bold"), Text(""), body))
            return
        entry = self.files[row.file] if 0 <= row.file < len(self.files) else None
        if row.kind in ("problem", "note"):
            style = "bold red" if row.kind == "problem" else "dim"
            more = (
                "\n\nThe rest of the file is still read: the other rows are what could be."
                if row.kind == "problem"
                else ""
            )
            details.update(Text(row.text + more, style=style))
            return
        if row.kind == "file" and entry is not None:
            details.update(self._file_summary(entry))
            return
        obj = row.obj
        if obj is None or entry is None:
            details.update("")
            return
        try:
            info = (
                self.info_for(obj) if obj.value is not None or obj.kind in ("private_key", "pkcs12") else None
            )
        except Exception as exc:  # an odd object must not take the screen down
            details.update(Text(f"could not decode this object: {exc}", style="red"))
            return
        parts: list[RenderableType] = [object_heading(obj, object_title(obj)), Text("")]
        if info is not None:
            refs = [ref.describe() for ref in self.matches.get(id(obj), [])]
            if obj.kind in ("certificate", "certificate_request"):
                refs = self._keys_for(entry, obj)
            hint: str | None = None
            if obj.encrypted and obj.value is None:
                hint = "Press u to enter the passphrase."
                if entry.password_hint:
                    hint += f" Built-in sample: its passphrase is {entry.password_hint}"
            parts.append(render_info(info, matches=refs, crl_limit=20, password_hint=hint))
            if isinstance(info, CrlInfo):
                revoked.add_rows(
                    (format(r.serial, "x"), f"{r.revoked_at:%Y-%m-%d %H:%M}", r.reason or "-")
                    for r in info.revoked
                )
                parts.append(Text(f"\nAll {len(info.revoked)} revoked serials: Revoked tab", style="dim"))
            if obj.kind == "ocsp_response":
                parts += [Text(""), self._ocsp_check(obj)]
        actions = self._actions_hint(obj)
        if actions:
            parts += [Text(""), Text(actions, style="dim")]
        details.update(Group(*parts))
        self.query_one("#insp-details-scroll", VerticalScroll).scroll_home(animate=False)

    def _ocsp_check(self, obj: LoadedObject) -> RenderableType:
        """The response checked against the certificate it answers about and its issuer, when they are
        open (in any file: a second file loaded beside the response)."""
        from tlsexplorer.core.chain.ocsp_match import check_among

        certificates = [o.value for o in self._certificates()]
        return render_ocsp_check(check_among(obj.der, certificates, self.app_now()))

    def _keys_for(self, entry: LoadedFile, obj: LoadedObject) -> list[str]:
        """The private keys among the open files that carry this object's public key."""
        by_id = {id(o): (f, o) for f in self.files for _d, o in f.result.flat() if o.kind == "private_key"}
        found = []
        for key_id, refs in self.matches.items():
            if key_id in by_id and any(r.path == entry.label and r.where == obj.where for r in refs):
                key_file, key_obj = by_id[key_id]
                found.append(f"private key in {Path(key_file.label).name}, {key_obj.where}")
        return found

    def _actions_hint(self, obj: LoadedObject) -> str:
        hints = []
        if obj.kind == "certificate" and obj.value is not None:
            if self._has_explorer("chain"):
                hints.append("v: verify its chain")
            if self._has_explorer("rsa") and self._rsa_signed(obj):
                hints.append("s: check its signature by hand (RSA)")
        if obj.encrypted and obj.value is None:
            hints.append("u: unlock with the passphrase")
        return " · ".join(hints)

    def _file_summary(self, entry: LoadedFile) -> RenderableType:
        result = entry.result
        lines: list[RenderableType] = [Text(entry.label, style="bold"), Text(f"{result.size} bytes")]
        kinds: dict[str, int] = {}
        for _d, obj in result.flat():
            kinds[obj.kind] = kinds.get(obj.kind, 0) + 1
        for kind, count in kinds.items():
            lines.append(Text(f"{KIND_LABEL.get(kind, kind)}: {count}"))
        for problem in result.problems:
            lines.append(Text(f"problem: {problem}", style="bold red"))
        for note in result.notes:
            lines.append(Text(f"note: {note}", style="dim"))
        if result.problems and result.objects:
            lines.append(Text("The rest of the file is still shown.", style="dim"))
        return Group(*lines)

    def _show_raw(self, row: Row) -> None:
        obj = row.obj
        pem = self.query_one("#insp-pem", Static)
        hexview = self.query_one("#insp-hex", HexView)
        tree: Tree[DerNode] = self.query_one("#insp-der-tree", Tree)
        der_hex = self.query_one("#insp-der-hex", HexView)
        tree.clear()
        if obj is None:
            pem.update(Text("Choose an object to see its PEM text.", style="dim"))
            hexview.show(b"")
            der_hex.show(b"")
            tree.root.set_label("DER")
            return
        if obj.pem:
            text = Text(obj.pem.decode("ascii", errors="replace"))
            if obj.kind == "private_key" and not obj.encrypted:
                warning = Text(
                    "A private key, unencrypted: whoever sees this text can act as its owner. "
                    "Mind who is watching your screen.\n\n",
                    style="bold yellow",
                )
                text = warning + text
            pem.update(text)
        elif obj.der:
            body = base64.encodebytes(obj.der).decode()
            label = {
                "certificate": "CERTIFICATE",
                "certificate_request": "CERTIFICATE REQUEST",
                "crl": "X509 CRL",
                "public_key": "PUBLIC KEY",
                "ocsp_response": "OCSP RESPONSE",
                "ocsp_request": "OCSP REQUEST",
            }.get(obj.kind, "DER")
            pem.update(
                Text(
                    f"(read as DER; the same bytes in PEM)\n-----BEGIN {label}-----\n{body}"
                    f"-----END {label}-----"
                )
            )
        else:
            pem.update(Text("no PEM or DER bytes for this object", style="dim"))
        hexview.show(obj.der)
        der_hex.show(obj.der)
        if not obj.der:
            tree.root.set_label("no DER bytes")
            return
        try:
            node = parse_der(obj.der)
        except TlsxError as exc:
            tree.root.set_label(f"not DER: {exc}")
            return
        tree.root.set_label(node.label())
        tree.root.data = node
        self._add_der(tree.root, node)
        tree.root.expand_all()

    def _add_der(self, parent: TreeNode[DerNode], node: DerNode) -> None:
        for child in node.children:
            label = Text(child.name, style="bold")
            label.append(f" @{child.offset} len {child.length}", style="dim")
            if child.summary:
                label.append(f" {child.summary}")
            if child.children:
                branch = parent.add(label, data=child)
                self._add_der(branch, child)
            else:
                parent.add_leaf(label, data=child)

    @on(Tree.NodeHighlighted, "#insp-der-tree")
    def _der_node(self, event: Tree.NodeHighlighted[DerNode]) -> None:
        node = event.node.data
        if node is not None:
            self.query_one("#insp-der-hex", HexView).highlight(node.offset, node.end)

    # Opening ------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#insp-left")
    def _left_tab(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-files" and not self.query("#insp-files"):
            root = self.files[0].path.parent if self.files and self.files[0].path else Path.cwd()
            if self.files and self.files[0].path is not None and self.files[0].path.parent == SAMPLES_DIR:
                root = Path.cwd()
            event.pane.mount(CryptoTree(root, id="insp-files"))

    @on(Input.Submitted, "#insp-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if not path.exists():
            self.notify(f"{path}: no such file or folder", severity="error")
            return
        self.open_paths([path])
        self.query_one("#insp-left", TabbedContent).active = "tab-objects"
        self.query_one("#insp-objects", VirtualTable).focus()

    @on(DirectoryTree.FileSelected, "#insp-files")
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.open_paths([event.path])
        self.query_one("#insp-left", TabbedContent).active = "tab-objects"

    @on(OptionList.OptionSelected, "#insp-recent")
    def _recent_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            path = Path(event.option.id)
            if not path.exists():
                self.notify(f"{path} is gone", severity="warning")
                return
            self.open_paths([path])
            self.query_one("#insp-left", TabbedContent).active = "tab-objects"

    def _refresh_recent(self) -> None:
        options = self.query_one("#insp-recent", OptionList)
        options.clear_options()
        recent = load_recent()
        if not recent:
            options.add_option(
                Option("No recent files yet: open one with ctrl+o or the Files tab", disabled=True)
            )
            return
        for path in recent:
            shown = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
            options.add_option(Option(shown, id=str(path)))

    # Actions ------------------------------------------------------------------

    def action_focus_path(self) -> None:
        """Focus the path input."""
        self.query_one("#insp-path", Input).focus()

    def action_focus_list(self) -> None:
        """Focus the object list."""
        self.query_one("#insp-left", TabbedContent).active = "tab-objects"
        self.query_one("#insp-objects", VirtualTable).focus()

    def action_unlock(self) -> None:
        """Ask for the passphrase of the chosen encrypted object and reload its file."""
        row = self._current
        if row is None or row.obj is None or not (row.obj.encrypted and row.obj.value is None):
            self.notify("Choose an encrypted key or PKCS#12 file first", severity="warning")
            return
        entry = self.files[row.file]

        def done(value: str | None) -> None:
            if value is None:
                return
            self._unlock(entry, value.encode())

        self.app.push_screen(PasswordScreen(Path(entry.label).name, entry.password_hint), done)

    def _unlock(self, entry: LoadedFile, password: bytes) -> None:
        if entry.path is not None:
            result = read_path(entry.path, password)
        elif entry.data is not None:
            result = load_objects(entry.data, entry.label, password)
        else:
            return
        if not result.ok:
            self.notify(result.problems[0], severity="error", title="Still locked")
            return
        if entry.path is not None:
            self._passwords[str(entry.path)] = password
        entry.result = result
        self._info_cache.clear()
        table = self.query_one("#insp-objects", VirtualTable)
        cursor = table.cursor_row
        with_sweep = bool(self.rows) and self.rows[0].kind == "sweep"
        self.rows = build_rows(self.files, self.app_now(), with_sweep)
        self.matches = match_keys([f.result for f in self.files]) if len(self.files) < 500 else {}
        table.clear()
        table.add_rows(r.cells for r in self.rows)
        table.move_cursor(row=min(cursor, len(self.rows) - 1), animate=False)
        self._select(table.cursor_row)
        self.notify("Unlocked", severity="information")
        if with_sweep:  # the opened key now pairs with its certificate: sweep again
            self._resweep([f.result for f in self.files])

    @work(thread=True, exclusive=True, group="inspector-sweep", exit_on_error=False)
    def _resweep(self, results: list[Any]) -> None:
        self._sweep_now(results)

    def _has_explorer(self, explorer_id: str) -> bool:
        from tlsexplorer.tui.explorers import EXPLORERS

        return any(item.id == explorer_id for item in EXPLORERS)

    @staticmethod
    def _rsa_signed(obj: LoadedObject) -> bool:
        return "RSA" in oid_name(obj.value.signature_algorithm_oid).upper()

    def _certificates(self) -> list[LoadedObject]:
        return [
            o
            for f in self.files
            for _d, o in f.result.flat()
            if o.kind == "certificate" and o.value is not None
        ]

    def _chosen_certificate(self) -> LoadedObject | None:
        row = self._current
        if row is None or row.obj is None or row.obj.kind != "certificate" or row.obj.value is None:
            self.notify("Choose a certificate first", severity="warning")
            return None
        return row.obj

    def action_verify_chain(self) -> None:
        """Send the chosen certificate (and the others open) to the Chain screen."""
        obj = self._chosen_certificate()
        if obj is None:
            return
        if not self._has_explorer("chain"):
            self.notify("The Chain explorer is not available", severity="warning")
            return
        from cryptography.hazmat.primitives.serialization import Encoding

        from tlsexplorer.core.chain.verify import split_bundle_roots

        leaf = obj.value
        row = self._current
        # A root in the leaf's own file is part of what a server sends: not trusted unless the
        # person ticks "trust the root in the bundle". Roots in other open files are anchors they hold;
        # what a root is, is core's one rule (self-signed: its own key verifies its signature).
        same_file = (
            {id(o) for _d, o in self.files[row.file].result.flat()}
            if row is not None and 0 <= row.file < len(self.files)
            else set()
        )
        others = [o for o in self._certificates() if o.value != leaf]
        _, found = split_bundle_roots([o.value for o in others if id(o) not in same_file])
        roots = [o.value for o in others if id(o) not in same_file and o.value in found]
        inter = [o.value for o in others if id(o) in same_file or o.value not in found]
        payload = VerifyChain(
            leaf=leaf.public_bytes(Encoding.PEM),
            intermediates=b"".join(c.public_bytes(Encoding.PEM) for c in inter),
            roots=b"".join(c.public_bytes(Encoding.PEM) for c in roots),
            label=f"{object_title(obj)} (from the Inspector)",
        )
        self._open("chain", payload)

    def action_check_signature(self) -> None:
        """Send the chosen RSA-signed certificate and its issuer to the RSA screen."""
        obj = self._chosen_certificate()
        if obj is None:
            return
        if not self._rsa_signed(obj):
            self.notify("Its signature is not RSA; the RSA screen checks RSA signatures", severity="warning")
            return
        if not self._has_explorer("rsa"):
            self.notify("The RSA explorer is not available", severity="warning")
            return
        from cryptography.hazmat.primitives.serialization import Encoding

        cert = obj.value
        issuer = None
        for other in self._certificates():
            try:
                cert.verify_directly_issued_by(other.value)
            except Exception:
                continue
            issuer = other.value
            break
        if issuer is None:
            self.notify(
                "Its issuer is not among the open files; open the issuer's certificate too",
                severity="warning",
            )
            return
        self._open("rsa", CheckSignature(cert.public_bytes(Encoding.PEM), issuer.public_bytes(Encoding.PEM)))

    def _open(self, explorer_id: str, payload: object) -> None:
        self.host.open_explorer(explorer_id, payload)


__all__ = ["CryptoTree", "InspectorScreen", "LoadedFile", "PasswordScreen", "Row", "build_rows"]

"""The CA workbench's Revoke tab: what a CA issued, revoking it, publishing CRLs, answering OCSP.

A view over :mod:`tlsexplorer.core.ca.registry` (the folder's ``record.json``:
``load_record``, ``revoke``, ``publish_crl``) and
:class:`tlsexplorer.core.ca.responder.OcspResponder`, the same calls as
``tlsexplorer ca revoke|crl|ocsp``. The CA folder is the form's (followed until
another is typed here). Every action runs in a thread worker and a core error
comes back as one line; revoking and replacing a CRL file are confirmed
first. The responder listens on 127.0.0.1, logs each request as it is
answered, and is stopped when the tab is unmounted (the app quitting). It
signs with the CA itself or with a delegated responder the record lists
(:func:`tlsexplorer.core.ca.ocsp.delegated_signers`, opened by
:func:`~tlsexplorer.core.ca.ocsp.delegated_signer` as ``ca ocsp --signer``
does; the CA key is then not read).
:class:`~tlsexplorer.tui.screens.ca.CaScreen` holds the tab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, RichLog, Select, Static, TabPane

import tlsexplorer.core.ca.ocsp as ocsp
import tlsexplorer.core.ca.registry as registry
import tlsexplorer.render.ca_revoke as render
from tlsexplorer.core.ca.responder import DEFAULT_PORT, OcspResponder, ResponderEvent
from tlsexplorer.core.ca.store import LoadedCa
from tlsexplorer.core.errors import FileAccessError, PasswordRequired, TlsxError, WrongPassword
from tlsexplorer.core.text import printable
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.render.ca import shown_path
from tlsexplorer.tui.widgets.confirm import Confirm
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

#: How long a CRL published from the tab stays valid by default (the CLI's default).
DEFAULT_CRL_DAYS = 7

NO_FOLDER = ("choose a CA folder first: type its path in the CA folder field above (the form's CA folder "
             "fills it), or make a root CA with the form")


CA_ITSELF = ""
"""The signer menu's value for the CA itself (the default)."""
CA_ITSELF_LABEL = "the CA itself"
"""How the signer menu names it."""
FORM_SIGNER_ACTION = "Make ▸ OCSP signer (delegated)"
"""The form's action that issues a delegated responder (tui/screens/ca.py ACTIONS)."""


class ResponderLogged(Message):
    """The responder answered a request (posted from its thread)."""

    def __init__(self, event: ResponderEvent) -> None:
        super().__init__()
        self.event = event
        """What was asked and answered."""


class RevokeTab(TabPane):
    """The Revoke tab: the record's certificates and their status, revoke, CRL, OCSP responder."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "revoke", "Revoke"),
        Binding("ctrl+n", "publish", "Publish CRL"),
        Binding("ctrl+b", "toggle_responder", "OCSP on/off"),
    ]
    DEFAULT_CSS = """
    RevokeTab { padding: 0 1; }
    RevokeTab .rv-row { height: 1; }
    RevokeTab .rv-row Label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    RevokeTab .rv-row Button { width: auto; min-width: 8; margin: 0 1; }
    RevokeTab #rv-folder { width: 1fr; }
    RevokeTab #rv-password { width: 24; }
    RevokeTab #rv-reason { width: 26; }
    RevokeTab #rv-days { width: 5; }
    RevokeTab #rv-output { width: 1fr; }
    RevokeTab #rv-port { width: 7; }
    RevokeTab #rv-ocsp-status { width: 1fr; height: 1; }
    RevokeTab #rv-signer { width: 1fr; }
    RevokeTab #rv-signer-password { width: 24; margin-left: 1; }
    RevokeTab #rv-signer-help { height: auto; color: $text-muted; }
    RevokeTab #rv-status { height: auto; margin-top: 1; }
    RevokeTab #rv-status.-error { color: $error; }
    RevokeTab #rv-table { height: 2fr; min-height: 3; }
    RevokeTab #rv-detail { height: auto; }
    RevokeTab #rv-crl { height: auto; }
    RevokeTab #rv-log { height: 1fr; min-height: 4; max-height: 10; border: round $primary; }
    """

    def __init__(self, workdir: Callable[[], Path | None] = lambda: None) -> None:
        super().__init__("Revoke", id="tab-revoke")
        self.workdir = workdir
        """Where relative folder and file names are taken from (None: the current folder)."""
        self.record: registry.Record | None = None
        """The record on screen (None before a CA folder was read)."""
        self.responder: OcspResponder | None = None
        """The running OCSP responder (None when stopped)."""
        self._followed = ""
        """What the form's CA folder last put in this tab's folder field."""
        self._signer_options: list[tuple[str, str]] = [(CA_ITSELF_LABEL, CA_ITSELF)]
        """What the signer menu offers: (label, NAME of issued/NAME.pem, or CA_ITSELF)."""

    # Layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The folder, the three actions, the table, what was published and the responder's log."""
        with Horizontal(classes="rv-row"):
            yield Label("CA folder")
            yield Input(placeholder="e.g. myca (the form's CA folder)", id="rv-folder", compact=True)
            yield Input(placeholder="CA passphrase (if any)", id="rv-password", password=True, compact=True)
            yield Button("Load", id="rv-load", compact=True)
        with Horizontal(classes="rv-row"):
            yield Select([(r, r) for r in registry.REASONS], value="unspecified", allow_blank=False,
                         id="rv-reason", compact=True)
            yield Button("Revoke", id="rv-revoke", variant="error", compact=True)
            yield Label("days")
            yield Input(str(DEFAULT_CRL_DAYS), id="rv-days", type="integer", compact=True)
            yield Input(placeholder="CRL file (empty: DIR/crl.pem)", id="rv-output", compact=True)
            yield Button("Publish CRL", id="rv-publish", variant="primary", compact=True)
        with Horizontal(classes="rv-row"):
            yield Label("OCSP port")
            yield Input(str(DEFAULT_PORT), id="rv-port", type="integer", compact=True)
            yield Button("Start OCSP", id="rv-ocsp", variant="success", compact=True)
            yield Static(Text("responder stopped", style="dim"), id="rv-ocsp-status")
        with Horizontal(classes="rv-row"):
            yield Label("OCSP signer")
            yield Select(self._signer_options, value=CA_ITSELF, allow_blank=False, id="rv-signer",
                         compact=True)
            yield Input(placeholder="signer passphrase", id="rv-signer-password", password=True,
                        compact=True)
        yield Static(Text(render.SIGNER_WHY), id="rv-signer-help")
        yield Static(Text(NO_FOLDER, style="dim"), id="rv-status")
        yield VirtualTable([(title, width) for title, width in render.ENTRY_COLUMNS], id="rv-table",
                           placeholder="no certificates: load a CA folder")
        yield Static("", id="rv-detail")
        yield Static("", id="rv-crl")
        yield RichLog(id="rv-log", max_lines=1000, wrap=True, markup=False)

    def on_mount(self) -> None:
        """Tips, and the log's title."""
        self.query_one("#rv-reason", Select).tooltip = "the RFC 5280 reason written into the CRL and OCSP"
        self.query_one("#rv-port", Input).tooltip = "a port on 127.0.0.1 (0 picks a free one)"
        self.query_one("#rv-signer", Select).tooltip = ("who signs the OCSP answers: the CA, or a delegated "
                                                        "responder it issued (EKU OCSPSigning)")
        self.query_one("#rv-signer-password", Input).display = False
        self.query_one("#rv-log", RichLog).border_title = "OCSP requests"

    # Helpers ----------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return self._clock()()

    def _clock(self) -> Callable[[], dt.datetime]:
        """The app's clock (fixed in scenes and tests), through the screen's host."""
        from tlsexplorer.core.timeutil import utcnow
        from tlsexplorer.tui.screens.base import ExplorerScreen

        screen = self.screen
        return screen.host.now if isinstance(screen, ExplorerScreen) else utcnow

    def _path(self, text: str) -> Path:
        path = Path(text).expanduser()
        base = self.workdir()
        return path if base is None or path.is_absolute() else base / path

    def _base(self) -> Path:
        """What paths on screen are shown relative to."""
        return self.workdir() or Path.cwd()

    def _folder_text(self) -> str:
        return self.query_one("#rv-folder", Input).value.strip()

    def say(self, message: str, *, error: bool = False) -> None:
        """One line under the actions: what was done, or the core's error."""
        status = self.query_one("#rv-status", Static)
        status.update(Text(("✗ " if error else "") + message))
        status.set_class(error, "-error")

    def _fail(self, message: str) -> None:
        """From a worker: say an error."""
        self.app.call_from_thread(self.say, message, error=True)

    @staticmethod
    def _load_ca(folder: Path, password: str) -> LoadedCa:
        from tlsexplorer.core.ca.store import ca_key_is_encrypted, load_ca

        registry.require_ca_folder(folder)
        encrypted = ca_key_is_encrypted(folder)
        return load_ca(folder, password.encode() if encrypted and password else None)

    # The CA folder ----------------------------------------------------------

    def follow_folder(self, value: str) -> None:
        """The form's CA folder changed: take it, unless another folder was typed here."""
        field = self.query_one("#rv-folder", Input)
        followed, self._followed = self._followed, value
        if field.value.strip() not in ("", followed.strip()) or field.value == value:
            return
        field.value = value
        if self.display and value.strip():  # the tab is showing: show the folder's record at once
            self.load()

    def shown(self) -> None:
        """The tab came into view: read the folder's record again (the form may have issued since)."""
        if self._folder_text():
            self.load()
        self.call_after_refresh(self.query_one("#rv-table", VirtualTable).focus)

    @on(Button.Pressed, "#rv-load")
    def load(self) -> None:
        """Read the CA folder's record in a worker and show it."""
        text = self._folder_text()
        if not text:
            self.say(NO_FOLDER, error=True)
            return
        self._load_worker(self._path(text), keep_cursor=False)

    @work(thread=True, exclusive=True, group="ca-revoke-load", exit_on_error=False)
    def _load_worker(self, folder: Path, *, keep_cursor: bool) -> None:
        try:
            record = registry.load_record(folder)
        except TlsxError as exc:
            self.app.call_from_thread(self._unloaded, str(exc))
            return
        self.app.call_from_thread(self.show_record, record, keep_cursor=keep_cursor)

    def _unloaded(self, message: str) -> None:
        self.record = None
        self._show_signers(None)
        self.query_one("#rv-table", VirtualTable).clear()
        self.query_one("#rv-detail", Static).update("")
        self.say(message, error=True)

    def show_record(self, record: registry.Record, *, keep_cursor: bool = False, message: str = "") -> None:
        """Put a record's certificates in the table, with ``message`` (else a summary) as the status."""
        self.record = record
        table = self.query_one("#rv-table", VirtualTable)
        table.set_rows(render.EntryRows(record, self._now()), keep_cursor=keep_cursor)
        self._show_signers(record)
        if not record.entries:
            self.query_one("#rv-detail", Static).update("")
        self.say(message or render.record_summary(record, self._base()))

    @on(VirtualTable.RowHighlighted, "#rv-table")
    def _row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        entry = self.selected()
        self.query_one("#rv-detail", Static).update(
            render.entry_detail(entry, self._now()) if entry is not None else "")

    def selected(self) -> registry.Entry | None:
        """The certificate under the table's cursor."""
        record = self.record
        if record is None or not record.entries:
            return None
        row = self.query_one("#rv-table", VirtualTable).cursor_row
        return record.entries[min(max(row, 0), len(record.entries) - 1)]

    def _require_record(self) -> registry.Record | None:
        if self.record is None:
            self.say(NO_FOLDER if not self._folder_text() else
                     "the CA folder is not loaded: press Load (or Enter in its field)", error=True)
        return self.record

    # Revoking ---------------------------------------------------------------

    @on(Button.Pressed, "#rv-revoke")
    def action_revoke(self) -> None:
        """Revoke the selected certificate for the chosen reason, once confirmed."""
        record = self._require_record()
        if record is None:
            return
        entry = self.selected()
        if entry is None:
            self.say(f"the CA in {record.folder} has issued no certificate yet; issue one with the form "
                     "(ctrl+s), then revoke it here", error=True)
            return
        reason = str(self.query_one("#rv-reason", Select).value)
        now = self._now()
        if entry.revoked:  # the core refuses it and says when and why: no question to ask
            self._revoke_worker(record.folder, entry.serial, reason, now)
            return
        question = Text.assemble(
            ("Revoke this certificate?\n\n", "bold"),
            f"serial {entry.serial:x}\n{printable(entry.subject)}\nreason {reason}\n\n",
            ("A revocation cannot be undone: ", "bold"),
            "the next CRL lists it and the OCSP responder answers 'revoked' from now on.",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.say("revoking… (waiting for the CA folder if another tlsexplorer is writing it)")
                self._revoke_worker(record.folder, entry.serial, reason, now)
            else:
                self.say("nothing was revoked")

        self.app.push_screen(Confirm(question, yes="Revoke", no="Cancel", yes_id="rv-yes", no_id="rv-no"),
                             answered)

    @work(thread=True, exclusive=True, group="ca-revoke-write", exit_on_error=False)
    def _revoke_worker(self, folder: Path, serial: int, reason: str, now: dt.datetime) -> None:
        try:
            entry = registry.revoke(folder, serial, reason, now)
            record = registry.load_record(folder)
        except TlsxError as exc:
            self._fail(str(exc))
            return
        why = f", reason {entry.reason}" if entry.reason else ""
        when = format_iso8601(entry.revoked_at) if entry.revoked_at is not None else "?"
        message = (f"revoked serial {entry.serial:x} ({printable(entry.subject)}) on {when}{why}; "
                   "publish a CRL (ctrl+n) or ask the OCSP responder")
        self.app.call_from_thread(self.show_record, record, keep_cursor=True, message=message)

    # Publishing a CRL -------------------------------------------------------

    @on(Button.Pressed, "#rv-publish")
    def action_publish(self) -> None:
        """Sign a CRL of everything revoked and write it (a file there is replaced only if confirmed)."""
        record = self._require_record()
        if record is None:
            return
        days_text = self.query_one("#rv-days", Input).value.strip() or str(DEFAULT_CRL_DAYS)
        try:
            days = int(days_text)
        except ValueError:
            self.say(f"days {days_text!r} is not a whole number; give how many days until nextUpdate",
                     error=True)
            return
        output_text = self.query_one("#rv-output", Input).value.strip()
        output = self._path(output_text) if output_text else None
        password = self.query_one("#rv-password", Input).value
        self.say("signing the CRL…")
        self._publish_worker(record.folder, password, days, output, self._now(), force=False)

    @work(thread=True, exclusive=True, group="ca-revoke-write", exit_on_error=False)
    def _publish_worker(self, folder: Path, password: str, days: int, output: Path | None,
                        now: dt.datetime, *, force: bool) -> None:
        try:
            loaded = self._load_ca(folder, password)
            done = registry.publish_crl(folder, loaded.certificate, loaded.key, now, days, output,
                                        force=force)
            record = registry.load_record(folder)
        except FileAccessError as exc:
            target = output if output is not None else folder / registry.CRL_FILE
            if not force and target.is_file():  # the core refused to replace it: ask
                self.app.call_from_thread(self._confirm_replace, target, folder, password, days, output, now)
                return
            self._fail(str(exc))
            return
        except TlsxError as exc:
            self._fail(str(exc))
            return
        self.app.call_from_thread(self._published, done, loaded, record)

    def _confirm_replace(self, target: Path, folder: Path, password: str, days: int, output: Path | None,
                         now: dt.datetime) -> None:
        question = Text.assemble(("This CRL file already exists:\n", "bold"), f"  {target}\n\n",
                                 "Replace it with a new CRL? The old one is lost.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.say("signing the CRL…")
                self._publish_worker(folder, password, days, output, now, force=True)
            else:
                self.say(f"nothing was written; {target} is kept")

        self.app.push_screen(Confirm(question, yes="Replace", no="Keep it", yes_id="rv-yes", no_id="rv-no"),
                             answered)

    def _published(self, done: registry.PublishedCrl, loaded: LoadedCa, record: registry.Record) -> None:
        lines = render.crl_lines(done, loaded.directory / "ca.pem", self._base())
        self.query_one("#rv-crl", Static).update(Text(lines[0] + "\n" + lines[1], style="cyan"))
        count = len(done.entries)
        where = shown_path(done.path, self._base())
        self.show_record(record, keep_cursor=True, message=f"published CRL number {done.number} "
                         f"({count} entr{'ies' if count != 1 else 'y'}) to {where}")

    # The OCSP responder -----------------------------------------------------

    def _show_signers(self, record: registry.Record | None) -> None:
        """Offer the CA and the delegated responders ``record`` lists; say why, or how to make one."""
        choices = ocsp.delegated_signers(record) if record is not None else ()
        now = self._now()
        options = [(CA_ITSELF_LABEL, CA_ITSELF)] + [(render.signer_label(c, now), c.name) for c in choices]
        select = self.query_one("#rv-signer", Select)
        if options != self._signer_options:
            chosen = select.value
            self._signer_options = options
            select.set_options(options)
            select.value = chosen if any(value == chosen for _label, value in options) else CA_ITSELF
        help_text = Text(render.SIGNER_WHY)
        if record is not None and not choices:
            help_text.append("\n" + render.no_signer_hint(self._folder_text(), FORM_SIGNER_ACTION))
        self.query_one("#rv-signer-help", Static).update(help_text)
        self._signer_chosen()

    @on(Select.Changed, "#rv-signer")
    def _signer_chosen(self) -> None:
        """A delegated responder's key may need a passphrase: its field shows only then."""
        delegated = self.query_one("#rv-signer", Select).value != CA_ITSELF
        self.query_one("#rv-signer-password", Input).display = delegated

    @on(Button.Pressed, "#rv-ocsp")
    def action_toggle_responder(self) -> None:
        """Start the OCSP responder for the CA folder, or stop it when it runs."""
        if self.responder is not None:
            responder, self.responder = self.responder, None
            self._ocsp_status(Text("stopping…", style="dim"))
            self._stop_worker(responder)
            return
        record = self._require_record()
        if record is None:
            return
        port_text = self.query_one("#rv-port", Input).value.strip() or str(DEFAULT_PORT)
        try:
            port = int(port_text)
            if not 0 <= port < 65536:
                raise ValueError
        except ValueError:
            self.say(f"{port_text!r} is not a port number (0-65535; 0 picks a free one)", error=True)
            return
        chosen = self.query_one("#rv-signer", Select).value
        signer = str(chosen) if chosen != CA_ITSELF else None
        secret = self.query_one("#rv-signer-password" if signer else "#rv-password", Input).value
        self._ocsp_status(Text("starting…", style="dim"))
        self._start_worker(record.folder, signer, secret, port, self._clock())

    def _ocsp_status(self, text: Text) -> None:
        self.query_one("#rv-ocsp-status", Static).update(text)

    @work(thread=True, exclusive=True, group="ca-revoke-ocsp", exit_on_error=False)
    def _start_worker(self, folder: Path, signer_name: str | None, password: str, port: int,
                      clock: Callable[[], dt.datetime]) -> None:
        """Open the signer (the CA with its key, or a delegated responder with its own: the CA's
        certificate alone, as ``ca ocsp --signer``) and start the responder."""
        from tlsexplorer.core.ca.store import read_ca_chain

        try:
            if signer_name is None:
                loaded = self._load_ca(folder, password)
                issuer, signer = loaded.certificate, ocsp.ca_signer(loaded.certificate, loaded.key)
            else:
                issuer = read_ca_chain(folder)[0]
                signer = ocsp.delegated_signer(folder, signer_name, issuer, password.encode() or None,
                                               now=clock())
            responder = OcspResponder(folder, issuer, signer, port=port, clock=clock,
                                      on_event=self._post_event).start()
        except TlsxError as exc:
            message = str(exc)
            if signer_name is not None and isinstance(exc, PasswordRequired | WrongPassword):
                message += " (type it in the signer passphrase field)"
            self.app.call_from_thread(self._not_started, message)
            return
        self.app.call_from_thread(self._started, responder, folder)

    def _not_started(self, message: str) -> None:
        self._ocsp_status(Text("responder stopped", style="dim"))
        self.say(f"the OCSP responder did not start: {message}", error=True)

    def _post_event(self, event: ResponderEvent) -> None:
        self.post_message(ResponderLogged(event))

    def _started(self, responder: OcspResponder, folder: Path) -> None:
        if not self.is_attached or self.responder is not None:
            responder.stop()  # the screen went away, or a second start raced the first: keep one
            return
        self.responder = responder
        self.query_one("#rv-ocsp", Button).label = "Stop OCSP"
        self.query_one("#rv-signer", Select).disabled = True  # the running responder keeps its signer
        self._ocsp_status(Text.assemble(("● answering ", "bold green"), (responder.url, "bold")))
        ca_pem = folder / "ca.pem"
        subject = printable(responder.issuer.subject.rfc4514_string())
        self.say(f"OCSP responder on {responder.url} for {subject}, signed by "
                 f"{printable(responder.signer.description)}; ask it: openssl ocsp -issuer {ca_pem} -cert "
                 f"CERT -url {responder.url.rstrip('/')} -CAfile {ca_pem}")
        log = self.query_one("#rv-log", RichLog)
        signed = "" if not responder.signer.delegated else f", signed by {responder.signer.description}"
        log.write(Text(printable(f"listening on 127.0.0.1:{responder.port}{signed}"), style="dim"))

    def on_responder_logged(self, message: ResponderLogged) -> None:
        """Append a request and its answer to the log."""
        self.query_one("#rv-log", RichLog).write(render.event_text(message.event))

    @work(thread=True, exclusive=True, group="ca-revoke-ocsp-stop", exit_on_error=False)
    def _stop_worker(self, responder: OcspResponder) -> None:
        responder.stop()
        count = responder.events[-1].number if responder.events else 0
        message = f"responder stopped after {count} request{'s' if count != 1 else ''}"
        self.app.call_from_thread(self._stopped, message)

    def _stopped(self, message: str) -> None:
        self.query_one("#rv-ocsp", Button).label = "Start OCSP"
        self.query_one("#rv-signer", Select).disabled = False
        self._ocsp_status(Text(message, style="dim"))
        self.query_one("#rv-log", RichLog).write(Text(message, style="dim"))

    def on_unmount(self) -> None:
        """The responder never outlives the workbench (the app quitting unmounts it)."""
        responder, self.responder = self.responder, None
        if responder is not None:
            responder.stop()

    # Keys in the fields -----------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field does that field's action (and never the form's Make)."""
        event.stop()
        field = event.input.id
        if field in ("rv-folder", "rv-password"):
            self.load()
        elif field in ("rv-days", "rv-output"):
            self.action_publish()
        elif field in ("rv-port", "rv-signer-password"):
            self.action_toggle_responder()


__all__ = [
    "CA_ITSELF",
    "CA_ITSELF_LABEL",
    "DEFAULT_CRL_DAYS",
    "FORM_SIGNER_ACTION",
    "NO_FOLDER",
    "ResponderLogged",
    "RevokeTab",
]

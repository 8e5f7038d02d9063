"""The RSA explorer: textbook RSA by hand, real keys, real signatures, key exchange.

Tabs (:mod:`tlsexplorer.tui.screens.rsa_tabs`): the worked example walked step
by step (an explanation beside the current step), the same as one scrollable
table, the square-and-multiply trace (virtual: a 4096-bit trace has thousands
of rows and only the visible ones are drawn), real keys and certificate
signatures, why textbook RSA is unsafe, and key exchange. Every computation
runs in a worker; F8 and F9 change the screen's :class:`NumberStyle`, which
every tab follows by itself.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    Static,
    TabbedContent,
)

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.hazmat.textbook_rsa import Attacks
from tlsexplorer.core.rsa.keys import KeyIdentities, load_rsa_key
from tlsexplorer.core.rsa.numbers import ModexpTrace, Radix, parse_int
from tlsexplorer.core.rsa.signature import SignatureCheck, check_certificate_signature
from tlsexplorer.core.rsa.workbook import PRESETS, RsaWorkbook, WorkedStep, build_workbook, decryption_trace
from tlsexplorer.tui.payloads import CheckSignature
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.screens.rsa_tabs import (
    SHORT,
    AttacksTab,
    DhParts,
    DhTab,
    NumberStyle,
    RealTab,
    TraceTab,
    TraceView,
    WholeTab,
    WorkedTab,
)
from tlsexplorer.tui.widgets.footer import KeyFooter

REAL_KEY_TEXT = "hello, RSA"
"""The message used when a real key is worked through."""


class RsaScreen(ExplorerScreen):
    """RSA by hand: toy primes to real keys, signatures, attacks, key exchange."""

    EXPLORER_ID = "rsa"
    TITLE = "RSA"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Screen types it oddly)
    """Below 110 columns the rows of inputs and buttons become a grid, so no button is off screen."""
    AUTO_FOCUS = "#steps"

    factor_budget: float = 1.0
    """Seconds the factoring attack may spend before it gives up (tests lower it)."""

    DEFAULT_CSS = """
    RsaScreen .inputs { height: auto; }
    RsaScreen .inputs Input { width: 1fr; }
    /* 19: 13 characters on screen, so e = 65537 and a 12-digit prime are read whole */
    RsaScreen .inputs Input.num { width: 19; }
    RsaScreen .inputs Input#text { width: 1fr; min-width: 16; }
    RsaScreen .inputs Button { min-width: 6; margin-left: 1; }
    RsaScreen .error { color: $error; text-style: bold; height: auto; padding: 0 1; }
    RsaScreen .warning { color: $warning; height: auto; padding: 0 1; }
    RsaScreen #walk { height: 1fr; }
    /* 60: the '#' and step columns take 39, and an abbreviated value up to 19
       ('12…34 (1233 digits)', a 4096-bit n) with its padding 21 */
    RsaScreen #steps { width: 60; height: 1fr; }
    RsaScreen.-narrow #steps { width: 52; }
    RsaScreen #explain-box { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; }
    RsaScreen #trace-explain-box { height: 7; border: round $secondary; padding: 0 1; }
    RsaScreen #trace-title { height: auto; padding: 0 1; }
    RsaScreen .out { height: 1fr; padding: 0 1; }
    RsaScreen TabPane { padding: 0; }
    RsaScreen.-narrow #worked-inputs, RsaScreen.-narrow #key-inputs, RsaScreen.-narrow #cert-inputs,
    RsaScreen.-narrow #dh-inputs { layout: grid; grid-size: 5; grid-rows: 3; grid-columns: 1fr; }
    RsaScreen.-narrow #key-inputs, RsaScreen.-narrow #cert-inputs { grid-size: 3; }
    RsaScreen.-narrow #dh-inputs { grid-size: 4; }
    RsaScreen.-narrow #dh-hybrid { column-span: 2; }
    RsaScreen.-narrow .inputs Input, RsaScreen.-narrow .inputs Input.num,
    RsaScreen.-narrow .inputs Input#text, RsaScreen.-narrow .inputs Button { width: 1fr; margin-left: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n,ctrl+down", "walk(1)", "Next step"),
        Binding("ctrl+b,ctrl+up", "walk(-1)", "Prev step"),
        Binding("f8", "toggle_radix", "Hex/Dec"),
        Binding("f9", "toggle_expand", "Expand numbers"),
    ]

    numbers: reactive[NumberStyle] = reactive(NumberStyle())
    """Hex or decimal, whole or abbreviated: bound to every tab, which redraws itself when it changes."""

    def __init__(self) -> None:
        super().__init__()
        self.book: RsaWorkbook | None = None
        """The worked example on screen."""
        self._pending: list[CheckSignature] = []

    # Layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Tabs for each part of the explorer."""
        yield Header()
        with TabbedContent(initial="worked", id="rsa-tabs"):
            with WorkedTab("Worked example", id="worked").data_bind(RsaScreen.numbers):
                with Horizontal(classes="inputs", id="worked-inputs"):
                    yield Input(placeholder="p", id="p", classes="num")
                    yield Input(placeholder="q", id="q", classes="num")
                    yield Input(placeholder="e (65537)", id="e", classes="num")
                    yield Input(placeholder="message m", id="m", classes="num")
                    yield Input(placeholder="…or text", id="text")
                    yield Button("Compute", id="compute", variant="primary")
                    yield Button("Wikipedia", id="preset-wikipedia")
                    yield Button("Tiny", id="preset-tiny")
                yield Static("", id="worked-error", classes="error")
                with Horizontal(id="walk"):
                    yield DataTable(id="steps", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(id="explain-box"):
                        yield Static("", id="explain")
            with WholeTab("Whole table", id="whole-tab").data_bind(RsaScreen.numbers), VerticalScroll(
                classes="out", id="whole-box"
            ):
                yield Static("", id="whole")
            with TraceTab("Trace", id="trace-tab").data_bind(RsaScreen.numbers):
                with Horizontal(classes="inputs"):
                    yield Button("m^e (encrypt)", id="trace-encrypt")
                    yield Button("c^d (decrypt)", id="trace-decrypt")
                    yield Button("CRT: mod p", id="trace-crt_p")
                    yield Button("CRT: mod q", id="trace-crt_q")
                yield Static("", id="trace-title")
                yield TraceView(id="trace")
                with VerticalScroll(id="trace-explain-box"):
                    yield Static("", id="trace-explain")
            with RealTab("Real key & signature", id="real").data_bind(RsaScreen.numbers):
                with Horizontal(classes="inputs", id="key-inputs"):
                    yield Input(placeholder="key file (PEM/DER)", id="key-path")
                    yield Input(placeholder="passphrase", password=True, id="key-password")
                    yield Button("Load key", id="load-key", variant="primary")
                    yield Button("Sample root key", id="sample-root")
                    yield Button("Work this key", id="work-key")
                with Horizontal(classes="inputs", id="cert-inputs"):
                    yield Input(placeholder="certificate file", id="cert-path")
                    yield Input(placeholder="issuer certificate file", id="issuer-path")
                    yield Button("Check signature", id="check-sig", variant="primary")
                    yield Button("Sample: alice", id="sample-sig")
                    yield Button("Sample: EC-key leaf", id="sample-ec")
                yield Static("", id="real-error", classes="error")
                with VerticalScroll(classes="out"):
                    yield Static("Load an RSA key to see p, q, n, e, d, dP, dQ, qInv and every identity, "
                                 "or check a certificate's signature by hand.", id="real-out")
            with AttacksTab("Why textbook RSA is unsafe", id="attacks-tab").data_bind(
                RsaScreen.numbers
            ), VerticalScroll(classes="out", id="attacks-box"):
                yield Static("", id="attacks-out")
            with DhTab("Key exchange", id="dh-tab").data_bind(RsaScreen.numbers):
                with Horizontal(classes="inputs", id="dh-inputs"):
                    yield Input("23", placeholder="p", id="dh-p", classes="num")
                    yield Input("5", placeholder="g", id="dh-g", classes="num")
                    yield Input("6", placeholder="a", id="dh-a", classes="num")
                    yield Input("15", placeholder="b", id="dh-b", classes="num")
                    yield Button("Exchange", id="dh-run", variant="primary")
                    yield Button("Fresh X25519 keys", id="dh-fresh")
                    yield Button("Hybrid RSA-OAEP + Fernet", id="dh-hybrid")
                yield Static("", id="dh-error", classes="error")
                with VerticalScroll(classes="out"):
                    yield Static("", id="dh-out")
        yield KeyFooter()

    FIELD_TITLES: ClassVar[dict[str, str]] = {
        "p": "p", "q": "q", "e": "e", "m": "m", "text": "or text",
        "key-path": "key file", "key-password": "passphrase",
        "cert-path": "certificate", "issuer-path": "issuer's certificate",
        "dh-p": "p", "dh-g": "g", "dh-a": "a", "dh-b": "b",
    }
    """A title on each field's border, so a filled-in number still says what it is."""

    def on_mount(self) -> None:
        """Start on the Wikipedia example."""
        for widget_id, title in self.FIELD_TITLES.items():
            self.query_one(f"#{widget_id}", Input).border_title = title
        self.load_preset("wikipedia")
        self.run_dh(fresh=False, hybrid=False)
        self.call_after_refresh(self._receive_pending)

    def _receive_pending(self) -> None:
        pending, self._pending = self._pending, []
        for payload in pending:
            self.receive(payload)

    # The tabs and what they show ------------------------------------------------------

    @property
    def worked_tab(self) -> WorkedTab:
        """The worked example, step by step."""
        return self.query_one(WorkedTab)

    @property
    def trace_tab(self) -> TraceTab:
        """The square-and-multiply trace."""
        return self.query_one(TraceTab)

    @property
    def real_tab(self) -> RealTab:
        """Real keys and signatures."""
        return self.query_one(RealTab)

    @property
    def steps(self) -> tuple[WorkedStep, ...]:
        """The worked example's steps, in the order of its table."""
        return self.worked_tab.steps

    @property
    def key(self) -> KeyIdentities | None:
        """The real key shown, if any."""
        return self.real_tab.key

    @property
    def signature(self) -> SignatureCheck | None:
        """The last signature checked, if it is shown."""
        return self.real_tab.signature

    @property
    def radix(self) -> Radix:
        """Decimal or hex (F8)."""
        return self.numbers.radix

    @property
    def expanded(self) -> bool:
        """Whole numbers (True) or head…tail (False) (F9)."""
        return self.numbers.whole

    # Payloads -----------------------------------------------------------------------

    def receive(self, payload: object) -> None:
        """Accept :class:`CheckSignature` from the Inspector (kept until mounted)."""
        if not isinstance(payload, CheckSignature):
            return
        if not self.is_mounted:
            self._pending.append(payload)
            return
        self._switch_tab("real", "#cert-path")
        self.check_signature(payload.certificate, payload.issuer, ("the certificate", "its issuer"))

    TAB_FOCUS: ClassVar[dict[str, str]] = {
        "worked": "#steps",
        "whole-tab": "#whole-box",
        "trace-tab": "#trace",
        "real": "#key-path",
        "attacks-tab": "#attacks-box",
        "dh-tab": "#dh-p",
    }
    """The widget that takes the focus when a tab is shown."""

    def show_tab(self, tab: str) -> None:
        """Show one of the tabs (``worked``, ``whole-tab``, ``trace-tab``, ``real``,
        ``attacks-tab``, ``dh-tab``) with the focus inside it."""
        self._switch_tab(tab, self.TAB_FOCUS[tab])

    def _switch_tab(self, tab: str, focus: str | type[Widget]) -> None:
        """Show ``tab`` and move the focus into it (a focused widget in another
        pane would switch the tabs back)."""
        self.query_one("#rsa-tabs", TabbedContent).active = tab
        target = self.query_one(focus)
        if target.focusable:
            target.focus()
        else:
            self.set_focus(None)

    # Worked example ------------------------------------------------------------------

    def load_preset(self, name: str) -> None:
        """Fill the inputs with a preset and compute it."""
        p, q, e, m = PRESETS[name]
        for widget_id, value in (("p", p), ("q", q), ("e", e), ("m", m)):
            self.query_one(f"#{widget_id}", Input).value = str(value)
        self.query_one("#text", Input).value = ""
        self.compute_from_inputs()

    def compute_from_inputs(self) -> None:
        """Read the inputs and compute the worked example in a worker."""
        values = {w: self.query_one(f"#{w}", Input).value.strip() for w in ("p", "q", "e", "m", "text")}
        self.compute_workbook(values)

    @work(thread=True, exclusive=True, group="rsa-book", exit_on_error=False)
    def compute_workbook(self, values: dict[str, str]) -> None:
        """Parse and compute (in a thread); report back to the UI."""
        try:
            if not values["p"] or not values["q"]:
                raise TlsxError("give p and q (or press Wikipedia / Tiny for a worked example)")
            p = parse_int(values["p"], "p")
            q = parse_int(values["q"], "q")
            e = parse_int(values["e"], "e") if values["e"] else None
            if values["m"] and values["text"]:
                raise TlsxError("give the message as a number or as text, not both (clear one)")
            m = parse_int(values["m"], "the message") if values["m"] else None
            text = values["text"] or None
            book = build_workbook(p, q, e, message=m, text=text)
        except TlsxError as exc:
            self.app.call_from_thread(self._show_worked_error, str(exc))
            return
        except (ValueError, ArithmeticError, MemoryError) as exc:
            self.app.call_from_thread(self._show_worked_error, f"cannot compute this: {exc}")
            return
        self.app.call_from_thread(self.show_workbook, book)

    def _show_worked_error(self, message: str) -> None:
        self.worked_tab.show_error(message)
        self.notify(message, severity="error", title="RSA")

    def show_workbook(self, book: RsaWorkbook, *, keep_step: bool = True) -> None:
        """Put a computed workbook on every tab."""
        self.book = book
        self.host.record("rsa.workbook", p=book.p, q=book.q, n=book.n, e=book.e, d=book.d)
        self.worked_tab.show(book, keep_step=keep_step)
        self.query_one(WholeTab).show(book)
        self.trace_tab.show_book(book)
        self.run_attacks(book)

    def action_walk(self, delta: int) -> None:
        """Walk the worked example (or the trace, on the Trace tab) forward or back."""
        tabs = self.query_one("#rsa-tabs", TabbedContent)
        if tabs.active == "trace-tab":
            self.query_one(TraceView).action_cursor(delta)
            return
        if tabs.active != "worked":
            self._switch_tab("worked", "#steps")
        self.worked_tab.walk(delta)

    def action_toggle_radix(self) -> None:
        """Switch every number between decimal and hex."""
        radix: Radix = "hex" if self.numbers.radix == "dec" else "dec"
        self.numbers = replace(self.numbers, radix=radix)
        self.notify(f"numbers in {'hex' if radix == 'hex' else 'decimal'}", timeout=2)

    def action_toggle_expand(self) -> None:
        """Show whole numbers, or head…tail with the digit count."""
        self.numbers = replace(self.numbers, whole=not self.numbers.whole)
        whole = self.numbers.whole
        self.notify("whole numbers" if whole else "long numbers abbreviated (head…tail)", timeout=2)

    # Real keys and signatures -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="rsa-real", exit_on_error=False)
    def load_key(self, data: bytes, password: bytes | None, name: str) -> None:
        """Read a key and check its identities (in a thread)."""
        from tlsexplorer.core.errors import PasswordRequired, WrongPassword

        try:
            ids = load_rsa_key(data, password, name)
        except (PasswordRequired, WrongPassword) as exc:
            self.app.call_from_thread(self._ask_password, str(exc))
            return
        except TlsxError as exc:
            self.app.call_from_thread(self._show_real_error, str(exc))
            return
        except Exception as exc:  # a bug of ours must reach the screen, never vanish in the worker
            self.app.call_from_thread(self._show_real_error, f"could not read the key: {exc}")
            return
        self.app.call_from_thread(self.real_tab.show_key, ids)

    def _ask_password(self, message: str) -> None:
        self._show_real_error(f"{message}: type it in the passphrase field and press Enter")
        field = self.query_one("#key-password", Input)
        field.value = ""
        field.focus()

    def _show_real_error(self, message: str) -> None:
        self.real_tab.show_error(message)
        self.notify(message, severity="error", title="RSA")

    @work(thread=True, exclusive=True, group="rsa-real", exit_on_error=False)
    def check_signature(self, certificate: bytes, issuer: bytes, names: tuple[str, str]) -> None:
        """Check a certificate's signature by hand (in a thread)."""
        try:
            check = check_certificate_signature(certificate, issuer, names=names)
        except TlsxError as exc:
            self.app.call_from_thread(self._show_real_error, str(exc))
            return
        except Exception as exc:  # a bug of ours must reach the screen, never vanish in the worker
            self.app.call_from_thread(self._show_real_error, f"could not check the signature: {exc}")
            return
        self.app.call_from_thread(self.real_tab.show_signature, check)

    def work_key(self, p: int, q: int, e: int, text: str = REAL_KEY_TEXT) -> None:
        """Run the worked example on a real key's numbers; the trace first."""
        self._switch_tab("trace-tab", TraceView)
        self.trace_tab.computing((p * q).bit_length())
        self._work_key(p, q, e, text)

    @work(thread=True, exclusive=True, group="rsa-book", exit_on_error=False)
    def _work_key(self, p: int, q: int, e: int, text: str) -> None:
        try:
            trace = decryption_trace(p, q, e, text)
            self.app.call_from_thread(self._show_early_trace, trace)
            book = build_workbook(p, q, e, text=text)
        except (TlsxError, ValueError) as exc:
            self.app.call_from_thread(self._show_worked_error, str(exc))
            return
        self.app.call_from_thread(self._show_key_book, book)

    def _show_early_trace(self, trace: ModexpTrace) -> None:
        self.trace_tab.show_decryption(trace)

    def _show_key_book(self, book: RsaWorkbook) -> None:
        for widget_id, value in (("p", book.p), ("q", book.q), ("e", book.e)):
            shown = str(value) if value.bit_length() < 4000 else hex(value)
            self.query_one(f"#{widget_id}", Input).value = shown
        self.query_one("#m", Input).value = ""
        self.query_one("#text", Input).value = REAL_KEY_TEXT
        view = self.query_one(TraceView)
        cursor = view.cursor_row
        self.show_workbook(book, keep_step=False)
        view.action_jump(cursor)

    @on(Button.Pressed, "#load-key")
    def _load_key_pressed(self) -> None:
        from tlsexplorer.core.files import read_file

        path = self.query_one("#key-path", Input).value.strip()
        password = self.query_one("#key-password", Input).value
        if not path:
            self._show_real_error("type the path of a key file first")
            return
        try:
            data = read_file(str(Path(path).expanduser()))
        except TlsxError as exc:
            self._show_real_error(str(exc))
            return
        self.load_key(data, password.encode() if password else None, path)

    @on(Button.Pressed, "#sample-root")
    def _sample_root(self) -> None:
        from tlsexplorer.samples import sample

        item = sample("charlies-root-ca.key.pem")
        self.query_one("#key-path", Input).value = str(item.path)
        self.query_one("#key-password", Input).value = item.password or ""
        self.notify(f"sample key, encrypted; its passphrase is {item.password!r} (a sample)", timeout=4)
        self.load_key(item.path.read_bytes(), (item.password or "").encode() or None, item.file)

    @on(Button.Pressed, "#work-key")
    def _work_key_pressed(self) -> None:
        ids = self.key
        if ids is None or ids.p is None or ids.q is None:
            self._show_real_error("load a private RSA key first (a public key has no p and q)")
            return
        self.work_key(ids.p, ids.q, ids.e)

    @on(Button.Pressed, "#check-sig")
    def _check_pressed(self) -> None:
        from tlsexplorer.core.files import read_file

        cert_path = self.query_one("#cert-path", Input).value.strip()
        issuer_path = self.query_one("#issuer-path", Input).value.strip()
        if not cert_path or not issuer_path:
            self._show_real_error("type the certificate's path and its issuer's path")
            return
        try:
            cert = read_file(str(Path(cert_path).expanduser()))
            issuer = read_file(str(Path(issuer_path).expanduser()))
        except TlsxError as exc:
            self._show_real_error(str(exc))
            return
        self.check_signature(cert, issuer, (cert_path, issuer_path))

    @on(Button.Pressed, "#sample-sig, #sample-ec")
    def _sample_sig(self, event: Button.Pressed) -> None:
        from tlsexplorer.samples import sample_path

        leaf = "alice.example.net.pem" if event.button.id == "sample-sig" else "expired.pem"
        cert = sample_path(leaf)
        issuer = sample_path("charlies-intermediate-ca.pem")
        self.check_signature(cert.read_bytes(), issuer.read_bytes(), (cert.name, issuer.name))

    # Attacks -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="rsa-attacks", exit_on_error=False)
    def run_attacks(self, book: RsaWorkbook) -> None:
        """Run the textbook attacks on the current numbers (factoring may take a moment)."""
        from tlsexplorer.core.hazmat.textbook_rsa import run_attacks

        tab = self.query_one(AttacksTab)
        self.app.call_from_thread(tab.running)
        attacks = run_attacks(book.p, book.q, book.e, book.d, book.message, budget_seconds=self.factor_budget)
        self.app.call_from_thread(tab.show, attacks)

    @property
    def attacks(self) -> Attacks | None:
        """The textbook attacks on the current numbers, once run."""
        return self.query_one(AttacksTab).attacks

    # Key exchange ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="rsa-dh", exit_on_error=False)
    def run_dh(
        self, fresh: bool, hybrid: bool, values: tuple[str, str, str, str] = ("23", "5", "6", "15")
    ) -> None:
        """Diffie-Hellman, X25519 and (on request) hybrid encryption, in a thread."""
        from tlsexplorer.core.rsa.dh import hybrid_encrypt, small_dh, x25519_exchange

        try:
            numbers = [parse_int(v, name) for v, name in zip(values, ("p", "g", "a", "b"), strict=True)]
            small = small_dh(*numbers)
        except TlsxError as exc:
            self.app.call_from_thread(self._show_dh_error, str(exc))
            return
        x = x25519_exchange() if fresh else x25519_exchange(bytes(range(1, 33)), bytes(range(33, 65)))
        hyb = hybrid_encrypt(b"attack at dawn") if hybrid else None
        parts: DhParts = (small, x, hyb)
        self.app.call_from_thread(self.query_one(DhTab).show, parts)
        self.app.call_from_thread(self.host.record, "dh.small", p=small.p, g=small.g, a=small.a, b=small.b,
                                  shared=small.shared_secret)
        if hyb is not None:
            self.app.call_from_thread(self.host.record, "dh.hybrid", rsa_bits=hyb.rsa_bits)

    def _show_dh_error(self, message: str) -> None:
        self.query_one(DhTab).show_error(message)
        self.notify(message, severity="error", title="Key exchange")

    def _dh_values(self) -> tuple[str, str, str, str]:
        a, b, c, d = (self.query_one(f"#dh-{w}", Input).value for w in ("p", "g", "a", "b"))
        return a, b, c, d

    @on(Button.Pressed, "#dh-run, #dh-fresh, #dh-hybrid")
    def _dh_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "dh-hybrid":
            self.query_one(DhTab).busy("Making a 2048-bit RSA key…")
        self.run_dh(event.button.id == "dh-fresh", event.button.id == "dh-hybrid", self._dh_values())

    # Buttons and inputs -----------------------------------------------------------------

    @on(Button.Pressed, "#compute")
    def _compute_pressed(self) -> None:
        self.compute_from_inputs()

    @on(Button.Pressed, "#preset-wikipedia, #preset-tiny")
    def _preset_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.load_preset(event.button.id.removeprefix("preset-"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        widget_id = event.input.id or ""
        if widget_id in ("p", "q", "e", "m", "text"):
            self.compute_from_inputs()
        elif widget_id in ("key-path", "key-password"):
            self._load_key_pressed()
        elif widget_id in ("cert-path", "issuer-path"):
            self._check_pressed()
        elif widget_id.startswith("dh-"):
            self.run_dh(False, False, self._dh_values())


__all__ = ["SHORT", "NumberStyle", "RsaScreen", "TraceView"]

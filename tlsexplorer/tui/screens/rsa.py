"""The RSA explorer: textbook RSA by hand, real keys, real signatures, key exchange.

Tabs: the worked example walked step by step (an explanation beside the
current step), the same as one scrollable table, the square-and-multiply
trace (virtual: a 4096-bit trace has thousands of rows and only the visible
ones are drawn), real keys and certificate signatures, why textbook RSA is
unsafe, and key exchange. Every computation runs in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, overload

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    Static,
    TabbedContent,
    TabPane,
)

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.hazmat.textbook_rsa import Attacks
from tlsexplorer.core.rsa.dh import HybridEncryption, SmallDh, X25519Exchange
from tlsexplorer.core.rsa.keys import KeyIdentities, load_rsa_key
from tlsexplorer.core.rsa.numbers import ModexpTrace, Radix, parse_int, square_and_multiply
from tlsexplorer.core.rsa.signature import SignatureCheck, check_certificate_signature
from tlsexplorer.core.rsa.workbook import PRESETS, RsaWorkbook, WorkedStep, build_workbook, worked_steps
from tlsexplorer.tui.payloads import CheckSignature
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.widgets.footer import KeyFooter
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

SHORT = 48
"""Characters a number may take in the explanation before it is abbreviated."""

REAL_KEY_TEXT = "hello, RSA"
"""The message used when a real key is worked through."""

MORE = "the Trace tab has them all"
"""Where the rows a short trace table leaves out are."""


class TraceRows(Sequence[tuple[object, ...]]):
    """The rows of a square-and-multiply trace, formatted only when indexed.

    A 4096-bit decryption has 4096 rows of 1233-digit numbers: the table asks
    for the few on screen, and each number is abbreviated to its column's width
    (head…tail with the digit count, never cut silently).
    """

    def __init__(self, trace: ModexpTrace, radix: Radix) -> None:
        self.trace = trace
        self.radix = radix
        self._cache: dict[tuple[int, int, int], str] = {}

    def __len__(self) -> int:
        return len(self.trace.steps)

    def _number(self, index: int, which: int, width: int) -> str:
        key = (index, which, width)
        cached = self._cache.get(key)
        if cached is None:
            from tlsexplorer.render.rsa import fit_number

            step = self.trace.steps[index]
            cached = fit_number(step.squared if which == 0 else step.value, self.radix, width)
            if len(self._cache) > 4000:
                self._cache.clear()
            self._cache[key] = cached
        return cached

    @overload
    def __getitem__(self, index: int) -> tuple[object, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[object, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[object, ...] | Sequence[tuple[object, ...]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        step = self.trace.steps[index]
        style = "cyan" if step.multiplied else ""
        return (
            Text(str(step.position), style=style),
            Text(str(step.bit), style=style),
            lambda width: Text(self._number(index, 0, width), style=style),
            Text("· base" if step.multiplied else "—", style=style),
            lambda width: Text(self._number(index, 1, width), style=style),
        )


class TraceView(VirtualTable):
    """A square-and-multiply trace, one row per exponent bit, drawn lazily.

    A :class:`VirtualTable` over :class:`TraceRows`: only the rows on screen
    are formatted, the header stays put and the cursor moves with the arrow
    keys (posting ``RowHighlighted``).
    """

    DEFAULT_CSS = """
    TraceView { height: 1fr; border: round $primary; overflow-x: hidden; }
    TraceView:focus { border: heavy $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [("bit #", 6, "right"), ("bit", 3, "center"), ("squared (mod n)", 0, "right"),
             ("multiply", 8, "center"), ("value", 0, "right")],
            id=id,
            placeholder="No trace yet: compute a worked example or work a real key.",
        )
        self.trace: ModexpTrace | None = None
        """The trace shown (None: nothing yet)."""
        self.radix: Radix = "dec"
        """Decimal or hex."""

    def set_trace(self, trace: ModexpTrace | None, radix: Radix) -> None:
        """Show ``trace`` from its first row."""
        self.trace = trace
        self.radix = radix
        self.set_rows(TraceRows(trace, radix) if trace is not None else [])

    def set_radix(self, radix: Radix) -> None:
        """Switch between decimal and hex, keeping the cursor."""
        self.radix = radix
        if self.trace is not None:
            self.set_rows(TraceRows(self.trace, radix), keep_cursor=True)


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
    RsaScreen .inputs Input.num { width: 11; }
    RsaScreen .inputs Input#text { width: 30; }
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

    def __init__(self) -> None:
        super().__init__()
        self.book: RsaWorkbook | None = None
        """The worked example on screen."""
        self.steps: tuple[WorkedStep, ...] = ()
        """Its steps, in the order of the table."""
        self.radix: Radix = "dec"
        """Decimal or hex."""
        self.expanded = False
        """Whole numbers (True) or head…tail (False)."""
        self.key: KeyIdentities | None = None
        """The real key loaded, if any."""
        self.signature: SignatureCheck | None = None
        """The last signature checked."""
        self.trace_name = "decrypt"
        """Which trace the Trace tab shows."""
        self.traces: dict[str, ModexpTrace] = {}
        """Traces of the current example by name."""
        self._pending: list[CheckSignature] = []
        self.attacks: Attacks | None = None
        """The textbook attacks on the current numbers."""
        self.dh_parts: tuple[SmallDh, X25519Exchange, HybridEncryption | None] | None = None
        """The key exchange on screen."""

    # Layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Tabs for each part of the explorer."""
        yield Header()
        with TabbedContent(initial="worked", id="rsa-tabs"):
            with TabPane("Worked example", id="worked"):
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
            with TabPane("Whole table", id="whole-tab"), VerticalScroll(classes="out", id="whole-box"):
                yield Static("", id="whole")
            with TabPane("Trace", id="trace-tab"):
                with Horizontal(classes="inputs"):
                    yield Button("m^e (encrypt)", id="trace-encrypt")
                    yield Button("c^d (decrypt)", id="trace-decrypt")
                    yield Button("CRT: mod p", id="trace-crt_p")
                    yield Button("CRT: mod q", id="trace-crt_q")
                yield Static("", id="trace-title")
                yield TraceView(id="trace")
                with VerticalScroll(id="trace-explain-box"):
                    yield Static("", id="trace-explain")
            with TabPane("Real key & signature", id="real"):
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
            with TabPane("Why textbook RSA is unsafe", id="attacks-tab"), VerticalScroll(
                classes="out", id="attacks-box"
            ):
                yield Static("", id="attacks-out")
            with TabPane("Key exchange", id="dh-tab"):
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
        table = self.query_one("#steps", DataTable)
        table.add_column("#", key="n")
        table.add_column("step", key="step")
        table.add_column("value", key="value")
        self.load_preset("wikipedia")
        self.run_dh(fresh=False, hybrid=False)
        self.call_after_refresh(self._receive_pending)

    def _receive_pending(self) -> None:
        pending, self._pending = self._pending, []
        for payload in pending:
            self.receive(payload)

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
        self.query_one("#worked-error", Static).update(f"✗ {message}")
        self.notify(message, severity="error", title="RSA")

    def show_workbook(self, book: RsaWorkbook, *, keep_step: bool = True) -> None:
        """Put a computed workbook on every tab."""
        self.book = book
        self.steps = worked_steps(book)
        self.traces = {
            "encrypt": book.encrypt,
            "decrypt": book.decrypt,
            "crt_p": book.crt.trace_p,
            "crt_q": book.crt.trace_q,
        }
        self.query_one("#worked-error", Static).update("")
        table = self.query_one("#steps", DataTable)
        row = table.cursor_row if keep_step else 0
        self._fill_steps()
        table.move_cursor(row=min(max(row, 0), len(self.steps) - 1))
        self._update_explanation()
        self._update_whole()
        self._show_trace(self.trace_name)
        self.run_attacks(book)

    def _fill_steps(self) -> None:
        from tlsexplorer.render.rsa import fit_number

        table = self.query_one("#steps", DataTable)
        table.clear()
        for i, step in enumerate(self.steps, 1):
            table.add_row(str(i), step.title, fit_number(step.value, self.radix, 16), key=step.key)

    def _update_explanation(self) -> None:
        from tlsexplorer.render.rsa import (
            crt_table,
            euclid_table,
            primality_table,
            terms_text,
            trace_table,
        )

        box = self.query_one("#explain", Static)
        if self.book is None or not self.steps:
            box.update("")
            return
        table = self.query_one("#steps", DataTable)
        index = min(max(table.cursor_row, 0), len(self.steps) - 1)
        step = self.steps[index]
        book = self.book
        limit = None if self.expanded else SHORT
        parts: list[RenderableType] = [
            Text(f"Step {index + 1} of {len(self.steps)}: {step.title}", style="bold"),
            Text(step.formula, style="italic"),
            terms_text(step, self.radix, limit),
            Text(""),
            Text(step.explanation),
        ]
        detail: RenderableType | None = None
        if step.key == "p":
            detail = primality_table("p", book.p_check, self.radix, limit)
        elif step.key == "q":
            detail = primality_table("q", book.q_check, self.radix, limit)
        elif step.key in ("e", "d"):
            detail = euclid_table(book.euclid, self.radix, limit)
        elif step.key == "encrypt":
            detail = trace_table("c = m^e mod n", book.encrypt, self.radix, limit, 20, MORE)
        elif step.key == "decrypt":
            detail = trace_table("m = c^d mod n", book.decrypt, self.radix, limit, 20, MORE)
        elif step.key in ("crt_values", "crt"):
            detail = crt_table(book, self.radix, limit)
        if detail is not None:
            parts += [Text(""), detail]
        parts.append(Text(
            "\n↑/↓ in the table, or ctrl+n / ctrl+b (ctrl+↓ / ctrl+↑) anywhere, walk the steps · "
            "F8 hex/dec · F9 whole numbers",
            style="dim",
        ))
        box.update(Group(*parts))

    def _update_whole(self) -> None:
        from tlsexplorer.render.rsa import workbook_renderable

        if self.book is None:
            return
        self.query_one("#whole", Static).update(workbook_renderable(
            self.book, self.radix, None if self.expanded else SHORT, 40, "the Trace tab has them all"
        ))

    @on(DataTable.RowHighlighted, "#steps")
    def _step_highlighted(self) -> None:
        self._update_explanation()

    def action_walk(self, delta: int) -> None:
        """Walk the worked example (or the trace, on the Trace tab) forward or back."""
        tabs = self.query_one("#rsa-tabs", TabbedContent)
        if tabs.active == "trace-tab":
            self.query_one(TraceView).action_cursor(delta)
            return
        if tabs.active != "worked":
            self._switch_tab("worked", "#steps")
        table = self.query_one("#steps", DataTable)
        if self.steps:
            table.move_cursor(row=min(max(table.cursor_row + delta, 0), len(self.steps) - 1))

    def action_toggle_radix(self) -> None:
        """Switch every number between decimal and hex."""
        self.radix = "hex" if self.radix == "dec" else "dec"
        self.notify(f"numbers in {'hex' if self.radix == 'hex' else 'decimal'}", timeout=2)
        self._refresh_numbers()

    def action_toggle_expand(self) -> None:
        """Show whole numbers, or head…tail with the digit count."""
        self.expanded = not self.expanded
        self.notify("whole numbers" if self.expanded else "long numbers abbreviated (head…tail)", timeout=2)
        self._refresh_numbers()

    def _refresh_numbers(self) -> None:
        if self.book is not None:
            table = self.query_one("#steps", DataTable)
            row = table.cursor_row
            self._fill_steps()
            table.move_cursor(row=row)
            self._update_explanation()
            self._update_whole()
        view = self.query_one(TraceView)
        view.set_radix(self.radix)
        self._update_trace_explain(view.cursor_row)
        if self.key is not None:
            self._show_key(self.key)
        if self.signature is not None:
            self._show_signature(self.signature)
        if self.attacks is not None:
            self._show_attacks(self.attacks)
        if self.dh_parts is not None:
            self._show_dh_parts(self.dh_parts)

    # Trace ---------------------------------------------------------------------------------

    def _show_trace(self, name: str) -> None:
        self.trace_name = name
        trace = self.traces.get(name)
        titles = {
            "encrypt": "c = m^e mod n",
            "decrypt": "m = c^d mod n",
            "crt_p": "m1 = c^dP mod p (CRT)",
            "crt_q": "m2 = c^dQ mod q (CRT)",
        }
        title = self.query_one("#trace-title", Static)
        if trace is None:
            title.update("")
        else:
            title.update(Text.assemble(
                (titles[name], "bold"),
                f": {len(trace.steps)} bits of the exponent → {trace.squarings} squarings, "
                f"{trace.multiplications} multiplications (modulus of {trace.modulus.bit_length()} bits). "
                "↑/↓ PgUp/PgDn Home/End move; rows with · base multiply.",
            ))
        view = self.query_one(TraceView)
        view.set_trace(trace, self.radix)
        self._update_trace_explain(view.cursor_row)

    @on(Button.Pressed, "#trace-encrypt, #trace-decrypt, #trace-crt_p, #trace-crt_q")
    def _trace_button(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self._show_trace(event.button.id.removeprefix("trace-"))
        self.query_one(TraceView).focus()

    @on(VirtualTable.RowHighlighted, "#trace")
    def _trace_moved(self, event: VirtualTable.RowHighlighted) -> None:
        self._update_trace_explain(event.cursor_row)

    def _update_trace_explain(self, index: int) -> None:
        from tlsexplorer.render.rsa import explain_trace_step

        view = self.query_one(TraceView)
        box = self.query_one("#trace-explain", Static)
        if view.trace is None or not view.trace.steps:
            box.update("")
            return
        index = min(index, len(view.trace.steps) - 1)
        box.update(Text.assemble(
            (f"Row {index + 1} of {len(view.trace.steps)}. ", "bold"),
            explain_trace_step(view.trace, index, self.radix, None if self.expanded else SHORT),
        ))

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
        self.app.call_from_thread(self._show_key, ids)

    def _ask_password(self, message: str) -> None:
        self._show_real_error(f"{message}: type it in the passphrase field and press Enter")
        field = self.query_one("#key-password", Input)
        field.value = ""
        field.focus()

    def _show_real_error(self, message: str) -> None:
        self.query_one("#real-error", Static).update(f"✗ {message}")
        self.notify(message, severity="error", title="RSA")

    def _show_key(self, ids: KeyIdentities) -> None:
        from tlsexplorer.render.rsa import identities_renderable

        self.key = ids
        self.signature = None
        self.query_one("#real-error", Static).update("")
        hint = Text(
            "“Work this key” runs the worked example on its p, q and e (the decryption trace "
            f"has {ids.bits} rows).",
            style="dim",
        ) if ids.kind == "private" else Text("")
        self.query_one("#real-out", Static).update(
            Group(identities_renderable(ids, self.radix, None if self.expanded else SHORT), hint)
        )

    @work(thread=True, exclusive=True, group="rsa-real", exit_on_error=False)
    def check_signature(self, certificate: bytes, issuer: bytes, names: tuple[str, str]) -> None:
        """Check a certificate's signature by hand (in a thread)."""
        try:
            check = check_certificate_signature(certificate, issuer, names=names)
        except TlsxError as exc:
            self.app.call_from_thread(self._show_real_error, str(exc))
            return
        self.app.call_from_thread(self._show_signature, check)

    def _show_signature(self, check: SignatureCheck) -> None:
        from tlsexplorer.render.rsa import signature_renderable

        self.signature = check
        self.key = None
        self.query_one("#real-error", Static).update("")
        self.query_one("#real-out", Static).update(
            signature_renderable(check, self.radix, None if self.expanded else SHORT)
        )

    def work_key(self, p: int, q: int, e: int, text: str = REAL_KEY_TEXT) -> None:
        """Run the worked example on a real key's numbers; the trace first."""
        self._switch_tab("trace-tab", TraceView)
        self.query_one("#trace-title", Static).update(
            Text(f"Computing the decryption trace of a {(p * q).bit_length()}-bit key…", style="italic")
        )
        self.query_one(TraceView).set_trace(None, self.radix)
        self._work_key(p, q, e, text)

    @work(thread=True, exclusive=True, group="rsa-book", exit_on_error=False)
    def _work_key(self, p: int, q: int, e: int, text: str) -> None:
        try:
            n = p * q
            phi = (p - 1) * (q - 1)
            d = pow(e, -1, phi)
            m = int.from_bytes(text.encode("utf-8"), "big")
            trace = square_and_multiply(pow(m, e, n), d, n)
            self.app.call_from_thread(self._show_early_trace, trace)
            book = build_workbook(p, q, e, text=text)
        except (TlsxError, ValueError) as exc:
            self.app.call_from_thread(self._show_worked_error, str(exc))
            return
        self.app.call_from_thread(self._show_key_book, book)

    def _show_early_trace(self, trace: ModexpTrace) -> None:
        self.traces = {"decrypt": trace}
        self._show_trace("decrypt")

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

        self.app.call_from_thread(
            self.query_one("#attacks-out", Static).update, Text("Running the attacks…", style="italic")
        )
        attacks = run_attacks(book.p, book.q, book.e, book.d, book.message, budget_seconds=self.factor_budget)
        self.app.call_from_thread(self._show_attacks, attacks)

    def _show_attacks(self, attacks: Attacks) -> None:
        from tlsexplorer.render.rsa import attacks_renderable

        self.attacks = attacks
        self.query_one("#attacks-out", Static).update(
            attacks_renderable(attacks, self.radix, None if self.expanded else SHORT)
        )

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
            self.app.call_from_thread(self._show_dh, None, str(exc))
            return
        x = x25519_exchange() if fresh else x25519_exchange(bytes(range(1, 33)), bytes(range(33, 65)))
        hyb = hybrid_encrypt(b"attack at dawn") if hybrid else None
        self.app.call_from_thread(self._show_dh_parts, (small, x, hyb))

    def _show_dh_parts(self, parts: tuple[SmallDh, X25519Exchange, HybridEncryption | None]) -> None:
        from tlsexplorer.render.rsa import dh_renderable

        self.dh_parts = parts
        self._show_dh(dh_renderable(*parts, radix=self.radix), "")

    def _show_dh(self, renderable: RenderableType | None, error: str) -> None:
        self.query_one("#dh-error", Static).update(f"✗ {error}" if error else "")
        if renderable is not None:
            self.query_one("#dh-out", Static).update(renderable)
        elif error:
            self.notify(error, severity="error", title="Key exchange")

    def _dh_values(self) -> tuple[str, str, str, str]:
        a, b, c, d = (self.query_one(f"#dh-{w}", Input).value for w in ("p", "g", "a", "b"))
        return a, b, c, d

    @on(Button.Pressed, "#dh-run, #dh-fresh, #dh-hybrid")
    def _dh_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "dh-hybrid":
            self.query_one("#dh-out", Static).update(Text("Making a 2048-bit RSA key…", style="italic"))
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


__all__ = ["RsaScreen", "TraceView"]

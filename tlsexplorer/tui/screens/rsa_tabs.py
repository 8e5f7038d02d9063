"""The tabs of the RSA screen, each showing its own part and following the number switches by itself.

The screen holds one reactive :class:`NumberStyle` (hex or decimal, whole or
abbreviated numbers) and binds it to every tab; a tab redraws what it shows
when the style changes (:meth:`RsaTab.restyle`). The screen runs the
computations in workers and hands each tab its results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, overload

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.reactive import reactive
from textual.widgets import Button, DataTable, Static, TabPane

from tlsexplorer.core.hazmat.textbook_rsa import Attacks
from tlsexplorer.core.rsa.dh import HybridEncryption, SmallDh, X25519Exchange
from tlsexplorer.core.rsa.keys import KeyIdentities
from tlsexplorer.core.rsa.numbers import ModexpTrace, Radix
from tlsexplorer.core.rsa.signature import SignatureCheck
from tlsexplorer.core.rsa.workbook import RsaWorkbook, WorkedStep, worked_steps
from tlsexplorer.tui.widgets.virtual_table import VirtualTable

SHORT = 48
"""Characters a number may take before it is abbreviated (head…tail with its length)."""

MORE = "the Trace tab has them all"
"""Where the rows a short trace table leaves out are."""


@dataclass(frozen=True)
class NumberStyle:
    """How the RSA screen shows numbers: the F8 (hex/decimal) and F9 (whole numbers) switches."""

    radix: Radix = "dec"
    """Decimal or hex."""
    whole: bool = False
    """Whole numbers (True) or head…tail with the digit count (False)."""

    @property
    def limit(self) -> int | None:
        """The most characters a number may take (None: whole)."""
        return None if self.whole else SHORT


class RsaTab(TabPane):
    """A tab that redraws its numbers when the screen's :class:`NumberStyle` changes."""

    numbers: reactive[NumberStyle] = reactive(NumberStyle(), init=False)
    """The number style, bound to the screen's."""

    def watch_numbers(self) -> None:
        """The switches changed: redraw."""
        if self.is_mounted:
            self.restyle()

    def restyle(self) -> None:
        """Redraw what the tab shows in the current :attr:`numbers` style (default: nothing to do)."""


# Worked example -----------------------------------------------------------------------------


class WorkedTab(RsaTab):
    """The worked example walked step by step: the steps on the left, the current one explained."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.book: RsaWorkbook | None = None
        """The worked example shown."""
        self.steps: tuple[WorkedStep, ...] = ()
        """Its steps, in the order of the table."""

    def on_mount(self) -> None:
        """The step table's columns."""
        table = self.query_one("#steps", DataTable)
        table.add_column("#", key="n")
        table.add_column("step", key="step")
        table.add_column("value", key="value")

    def show(self, book: RsaWorkbook, *, keep_step: bool = True) -> None:
        """Show a workbook (on the same step, or from the first)."""
        self.book = book
        self.steps = worked_steps(book)
        self.show_error("")
        table = self.query_one("#steps", DataTable)
        row = table.cursor_row if keep_step else 0
        self._fill_steps()
        table.move_cursor(row=min(max(row, 0), len(self.steps) - 1))
        self._update_explanation()

    def show_error(self, message: str) -> None:
        """Show why the inputs could not be computed ("" clears it)."""
        self.query_one("#worked-error", Static).update(f"✗ {message}" if message else "")

    def restyle(self) -> None:
        """Redraw the steps and the explanation, on the same step."""
        if self.book is None:
            return
        table = self.query_one("#steps", DataTable)
        row = table.cursor_row
        self._fill_steps()
        table.move_cursor(row=row)
        self._update_explanation()

    def walk(self, delta: int) -> None:
        """Move ``delta`` steps forward (back when negative)."""
        table = self.query_one("#steps", DataTable)
        if self.steps:
            table.move_cursor(row=min(max(table.cursor_row + delta, 0), len(self.steps) - 1))

    def _fill_steps(self) -> None:
        from tlsexplorer.render.rsa import fit_number

        table = self.query_one("#steps", DataTable)
        table.clear()
        for i, step in enumerate(self.steps, 1):
            table.add_row(str(i), step.title, fit_number(step.value, self.numbers.radix, 16), key=step.key)

    @on(DataTable.RowHighlighted, "#steps")
    def _step_highlighted(self) -> None:
        self._update_explanation()

    def _update_explanation(self) -> None:
        from tlsexplorer.render.rsa import crt_table, euclid_table, primality_table, terms_text, trace_table

        box = self.query_one("#explain", Static)
        if self.book is None or not self.steps:
            box.update("")
            return
        table = self.query_one("#steps", DataTable)
        index = min(max(table.cursor_row, 0), len(self.steps) - 1)
        step = self.steps[index]
        book = self.book
        radix, limit = self.numbers.radix, self.numbers.limit
        parts: list[RenderableType] = [
            Text(f"Step {index + 1} of {len(self.steps)}: {step.title}", style="bold"),
            Text(step.formula, style="italic"),
            terms_text(step, radix, limit),
            Text(""),
            Text(step.explanation),
        ]
        detail: RenderableType | None = None
        if step.key == "p":
            detail = primality_table("p", book.p_check, radix, limit)
        elif step.key == "q":
            detail = primality_table("q", book.q_check, radix, limit)
        elif step.key in ("e", "d"):
            detail = euclid_table(book.euclid, radix, limit)
        elif step.key == "encrypt":
            detail = trace_table("c = m^e mod n", book.encrypt, radix, limit, 20, MORE)
        elif step.key == "decrypt":
            detail = trace_table("m = c^d mod n", book.decrypt, radix, limit, 20, MORE)
        elif step.key in ("crt_values", "crt"):
            detail = crt_table(book, radix, limit)
        if detail is not None:
            parts += [Text(""), detail]
        parts.append(Text(
            "\n↑/↓ in the table, or ctrl+n / ctrl+b (ctrl+↓ / ctrl+↑) anywhere, walk the steps · "
            "F8 hex/dec · F9 whole numbers",
            style="dim",
        ))
        box.update(Group(*parts))


class WholeTab(RsaTab):
    """The worked example as one scrollable table."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.book: RsaWorkbook | None = None
        """The worked example shown."""

    def show(self, book: RsaWorkbook) -> None:
        """Show a workbook."""
        self.book = book
        self.restyle()

    def restyle(self) -> None:
        """Redraw the table."""
        from tlsexplorer.render.rsa import workbook_renderable

        if self.book is None:
            return
        self.query_one("#whole", Static).update(
            workbook_renderable(self.book, self.numbers.radix, self.numbers.limit, 40, MORE)
        )


# Trace ----------------------------------------------------------------------------------------


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


class TraceTab(RsaTab):
    """One square-and-multiply trace of the worked example, bit by bit, each row explained."""

    TITLES: ClassVar[dict[str, str]] = {
        "encrypt": "c = m^e mod n",
        "decrypt": "m = c^d mod n",
        "crt_p": "m1 = c^dP mod p (CRT)",
        "crt_q": "m2 = c^dQ mod q (CRT)",
    }
    """The formula of each trace."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.trace_name = "decrypt"
        """Which trace is shown."""
        self.traces: dict[str, ModexpTrace] = {}
        """The traces of the current example by name."""

    def show_book(self, book: RsaWorkbook) -> None:
        """Take the traces of a workbook; show the same one as before."""
        self.traces = {
            "encrypt": book.encrypt,
            "decrypt": book.decrypt,
            "crt_p": book.crt.trace_p,
            "crt_q": book.crt.trace_q,
        }
        self.show_trace(self.trace_name)

    def show_decryption(self, trace: ModexpTrace) -> None:
        """Show a decryption trace alone, before the rest of its workbook."""
        self.traces = {"decrypt": trace}
        self.show_trace("decrypt")

    def computing(self, bits: int) -> None:
        """Say a key's decryption trace is being computed; clear the old one."""
        self.query_one("#trace-title", Static).update(
            Text(f"Computing the decryption trace of a {bits}-bit key…", style="italic")
        )
        self.query_one(TraceView).set_trace(None, self.numbers.radix)

    def show_trace(self, name: str) -> None:
        """Show the trace called ``name`` (encrypt, decrypt, crt_p, crt_q) from its first row."""
        self.trace_name = name
        trace = self.traces.get(name)
        title = self.query_one("#trace-title", Static)
        if trace is None:
            title.update("")
        else:
            title.update(Text.assemble(
                (self.TITLES[name], "bold"),
                f": {len(trace.steps)} bits of the exponent → {trace.squarings} squarings, "
                f"{trace.multiplications} multiplications (modulus of {trace.modulus.bit_length()} bits). "
                "↑/↓ PgUp/PgDn Home/End move; rows with · base multiply.",
            ))
        view = self.query_one(TraceView)
        view.set_trace(trace, self.numbers.radix)
        self._update_explain(view.cursor_row)

    def restyle(self) -> None:
        """Redraw the rows and the explanation, on the same row."""
        view = self.query_one(TraceView)
        view.set_radix(self.numbers.radix)
        self._update_explain(view.cursor_row)

    @on(Button.Pressed, "#trace-encrypt, #trace-decrypt, #trace-crt_p, #trace-crt_q")
    def _trace_button(self, event: Button.Pressed) -> None:
        event.stop()
        assert event.button.id is not None
        self.show_trace(event.button.id.removeprefix("trace-"))
        self.query_one(TraceView).focus()

    @on(VirtualTable.RowHighlighted, "#trace")
    def _trace_moved(self, event: VirtualTable.RowHighlighted) -> None:
        self._update_explain(event.cursor_row)

    def _update_explain(self, index: int) -> None:
        from tlsexplorer.render.rsa import explain_trace_step

        view = self.query_one(TraceView)
        box = self.query_one("#trace-explain", Static)
        if view.trace is None or not view.trace.steps:
            box.update("")
            return
        index = min(index, len(view.trace.steps) - 1)
        box.update(Text.assemble(
            (f"Row {index + 1} of {len(view.trace.steps)}. ", "bold"),
            explain_trace_step(view.trace, index, self.numbers.radix, self.numbers.limit),
        ))


# Real keys, attacks, key exchange ---------------------------------------------------------------


class RealTab(RsaTab):
    """A real RSA key's numbers and identities, or a certificate's signature checked by hand."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.key: KeyIdentities | None = None
        """The real key shown, if any."""
        self.signature: SignatureCheck | None = None
        """The signature check shown, if any."""

    def show_key(self, ids: KeyIdentities) -> None:
        """Show a key's numbers and identities."""
        self.key, self.signature = ids, None
        self.show_error("")
        self.restyle()

    def show_signature(self, check: SignatureCheck) -> None:
        """Show a signature checked by hand."""
        self.signature, self.key = check, None
        self.show_error("")
        self.restyle()

    def show_error(self, message: str) -> None:
        """Show what went wrong ("" clears it)."""
        self.query_one("#real-error", Static).update(f"✗ {message}" if message else "")

    def restyle(self) -> None:
        """Redraw the key or the signature."""
        from tlsexplorer.render.rsa import identities_renderable, signature_renderable

        radix, limit = self.numbers.radix, self.numbers.limit
        out = self.query_one("#real-out", Static)
        if self.key is not None:
            ids = self.key
            hint = Text(
                "“Work this key” runs the worked example on its p, q and e (the decryption trace "
                f"has {ids.bits} rows).",
                style="dim",
            ) if ids.kind == "private" else Text("")
            out.update(Group(identities_renderable(ids, radix, limit), hint))
        elif self.signature is not None:
            out.update(signature_renderable(self.signature, radix, limit))


class AttacksTab(RsaTab):
    """Why textbook RSA is unsafe, on the current numbers."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.attacks: Attacks | None = None
        """The attacks shown."""

    def running(self) -> None:
        """Say the attacks are running."""
        self.query_one("#attacks-out", Static).update(Text("Running the attacks…", style="italic"))

    def show(self, attacks: Attacks) -> None:
        """Show the attacks' results."""
        self.attacks = attacks
        self.restyle()

    def restyle(self) -> None:
        """Redraw the attacks."""
        from tlsexplorer.render.rsa import attacks_renderable

        if self.attacks is not None:
            self.query_one("#attacks-out", Static).update(
                attacks_renderable(self.attacks, self.numbers.radix, self.numbers.limit)
            )


DhParts = tuple[SmallDh, X25519Exchange, HybridEncryption | None]
"""Diffie-Hellman with small numbers, X25519 and (on request) hybrid encryption."""


class DhTab(RsaTab):
    """Key exchange: Diffie-Hellman by hand, X25519, hybrid encryption."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.parts: DhParts | None = None
        """The key exchange shown."""

    def show(self, parts: DhParts) -> None:
        """Show a key exchange."""
        self.parts = parts
        self.show_error("")
        self.restyle()

    def show_error(self, message: str) -> None:
        """Show why the numbers were refused ("" clears it)."""
        self.query_one("#dh-error", Static).update(f"✗ {message}" if message else "")

    def busy(self, message: str) -> None:
        """Say what is being computed (a slow step: an RSA key for hybrid encryption)."""
        self.query_one("#dh-out", Static).update(Text(message, style="italic"))

    def restyle(self) -> None:
        """Redraw the exchange."""
        from tlsexplorer.render.rsa import dh_renderable

        if self.parts is not None:
            self.query_one("#dh-out", Static).update(
                dh_renderable(*self.parts, radix=self.numbers.radix, max_chars=self.numbers.limit)
            )


__all__ = [
    "SHORT",
    "AttacksTab",
    "DhParts",
    "DhTab",
    "NumberStyle",
    "RealTab",
    "RsaTab",
    "TraceRows",
    "TraceTab",
    "TraceView",
    "WholeTab",
    "WorkedTab",
]

"""The TLS 1.3 handshake by hand, rendered: each step with its bytes and numbers, and the whole walk.

Shared by ``tlsexplorer tls handshake`` and the TLS lab's Handshake tab, so
both show the same steps (:mod:`tlsexplorer.core.hazmat.tls13_client`).
Values come from servers and are data: plain ``Text``, never markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from tlsexplorer.core.hazmat.tls13_model import Field, HandshakeWalk, Step
from tlsexplorer.core.hazmat.tls13_support import NOT_FOR_PRODUCTION
from tlsexplorer.core.rsa.numbers import Radix
from tlsexplorer.core.text import printable
from tlsexplorer.render.rsa import format_number
from tlsexplorer.render.x509 import hex_dump

#: The mark before a step's title: a check passed, the walk stopped, or a step that shows something.
MARKS = {"ok": ("✓", "green"), "failed": ("✗", "bold red"), "info": ("·", "dim")}

#: Bytes of a step's data shown as a hex dump (the rest is counted).
DUMP_ROWS = 32


def banner() -> Text:
    """The warning every view of this client starts with."""
    return Text(f"⚠ {NOT_FOR_PRODUCTION}", style="bold yellow")


def value_text(value: bytes | int | str, radix: Radix = "hex", max_chars: int | None = None) -> Text:
    """A field's value: bytes as lowercase hex, a number in hex or decimal, text made printable."""
    if isinstance(value, bytes):
        shown = value.hex()
        if max_chars is not None and len(shown) > max_chars:
            keep = max(8, (max_chars - 20) // 2)
            shown = f"{shown[:keep]}…{shown[-keep:]} ({len(value)} bytes)"
        return Text(shown or "(empty)", style="cyan" if value else "dim")
    if isinstance(value, int):
        return Text(format_number(value, radix, max_chars), style="magenta")
    text = printable(value, backslash=False)
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return Text(text)


def step_mark(step: Step) -> Text:
    """✓, ✗ or · for a step."""
    mark, style = MARKS[step.status]
    return Text(mark, style=style)


def step_title(step: Step, index: int | None = None, total: int | None = None) -> Text:
    """``✓ Step 3 of 37: ServerHello`` (or just the mark and title)."""
    text = step_mark(step)
    text.append(" ")
    if index is not None and total is not None:
        text.append(f"Step {index + 1} of {total}: ", style="bold")
    text.append(step.title, style="bold red" if step.status == "failed" else "bold")
    return text


def fields_view(fields: tuple[Field, ...], radix: Radix = "hex", max_chars: int | None = None) -> Text:
    """The step's values, each as its name (and what it means) over the value, indented."""
    out = Text()
    for index, item in enumerate(fields):
        if index:
            out.append("\n")
        out.append(item.label, style="bold")
        if item.note:
            out.append(f"  {printable(item.note)}", style="italic dim")
        out.append("\n  ")
        out.append_text(value_text(item.value, radix, max_chars))
    return out


def step_view(
    step: Step, radix: Radix = "hex", *, index: int | None = None, total: int | None = None,
    max_chars: int | None = None, dump_rows: int = DUMP_ROWS,
) -> RenderableType:
    """One step: its title, what happens, its values, and its bytes as a hex dump."""
    parts: list[RenderableType] = [step_title(step, index, total), Text(step.detail)]
    if step.fields:
        parts += [Text(""), fields_view(step.fields, radix, max_chars)]
    if step.data:
        parts += [Text(""), Text(f"{len(step.data)} bytes:", style="dim"),
                  hex_dump(step.data, max_rows=dump_rows)]
    return Group(*parts)


def summary_text(walk: HandshakeWalk) -> Text:
    """One paragraph: where, what was negotiated, the verdict."""
    text = Text(f"{walk.host}:{walk.port}", style="bold")
    if walk.servername:
        text.append(f" (SNI {printable(walk.servername)})")
    text.append("  ")
    if walk.group:
        text.append(f"{walk.group}, ")
    if walk.cipher:
        text.append(f"{walk.cipher}, ")
    if walk.hello_retry:
        text.append("after a HelloRetryRequest, ")
    if walk.completed:
        text.append("handshake complete, every check passed, response read", style="green")
    else:
        text.append(f"stopped at {walk.stopped_at}: {printable(walk.reason or '')}", style="bold red")
    if walk.chain_note:
        text.append("\n")
        text.append(printable(walk.chain_note), style="yellow")
    return text


def walk_view(walk: HandshakeWalk, radix: Radix = "hex") -> RenderableType:
    """The whole walk, every step in order (the CLI's view)."""
    parts: list[RenderableType] = [banner(), summary_text(walk)]
    total = len(walk.steps)
    for index, step in enumerate(walk.steps):
        parts += [Text(""), Text("─" * 40, style="dim"), step_view(step, radix, index=index, total=total)]
    parts += [Text(""), summary_text(walk)]
    return Group(*parts)


__all__ = [
    "DUMP_ROWS",
    "MARKS",
    "banner",
    "fields_view",
    "step_mark",
    "step_title",
    "step_view",
    "summary_text",
    "value_text",
    "walk_view",
]

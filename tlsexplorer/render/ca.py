"""What the CA workbench made, as rich renderables (TUI, ``--recipe``) and as plain lines (CLI).

The plain-line functions import nothing heavy, so ``tlsexplorer ca issue``
starts about as fast as a bare script; rich is imported only by the
functions that return renderables.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.x509.oid import ExtensionOID

import tlsexplorer.core.ca.build as ca
from tlsexplorer.core.ca.verdicts import flaw_verdicts
from tlsexplorer.core.text import name_text, printable
from tlsexplorer.core.timeutil import format_iso8601
from tlsexplorer.core.x509.naming import describe_key, extension_name, oid_name

SAN_OID = ExtensionOID.SUBJECT_ALTERNATIVE_NAME

if TYPE_CHECKING:
    from cryptography import x509
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.text import Text

    from tlsexplorer.core.ca.recipes import Recipe
    from tlsexplorer.core.ca.store import Product, WrittenFile
    from tlsexplorer.core.ca.trust_help import TrustHelp

KIND_LABELS = {
    "certificate": "certificate",
    "private_key": "private key",
    "chain": "CA chain",
    "fullchain": "full chain",
    "pkcs12": "PKCS#12 bundle",
    "csr": "signing request",
}
"""How each kind of written file is named on screen."""

STATUS_STYLES = {"kept": "green", "changed": "yellow", "added": "cyan", "dropped": "red"}
"""Colour of each CSR-comparison status."""


def headline(product: Product) -> str:
    """One line saying what was made."""
    what = {
        "init": "root CA",
        "intermediate": "intermediate CA",
        "issue": "certificate",
        "csr": "key and signing request",
        "sign": "certificate from the request",
    }[product.action]
    name = ""
    subject = product.certificate.subject if product.certificate is not None else (
        product.csr.subject if product.csr is not None else None
    )
    if subject is not None:
        name = f" {name_text(subject)}"
    text = f"{what}{name}"
    if product.flaw is not None:
        text = f"{product.flaw.label}: {text}"
    return text


def certificate_rows(cert: x509.Certificate) -> list[tuple[str, str]]:
    """(field, value) rows: names, serial, validity, key, signature, every extension."""
    sig = cert.signature_hash_algorithm
    rows = [
        ("subject", name_text(cert.subject)),
        ("issuer", name_text(cert.issuer)),
        ("serial", f"{cert.serial_number:x} ({(cert.serial_number.bit_length() + 7) // 8} bytes)"),
        ("not before", format_iso8601(cert.not_valid_before_utc)),
        ("not after", format_iso8601(cert.not_valid_after_utc)),
        ("public key", describe_key(cert.public_key())),
        ("signature", f"{sig.name if sig else 'EdDSA'} ({oid_name(cert.signature_algorithm_oid)})"),
    ]
    for ext in cert.extensions:
        label = extension_name(ext) + (" (critical)" if ext.critical else "")
        rows.append((label, printable(ca.describe_extension(ext.value), backslash=False)))
    return rows


def _mode(path: object) -> str:
    try:
        return oct(stat.S_IMODE(path.stat().st_mode))[2:]  # type: ignore[attr-defined]
    except OSError:
        return "?"


def summary_lines(product: Product, written: Sequence[WrittenFile] = ()) -> list[str]:
    """Plain-text report for the CLI: what was made, the files, the notes."""
    lines = [headline(product)]
    if product.certificate is not None:
        cert = product.certificate
        start, end = format_iso8601(cert.not_valid_before_utc), format_iso8601(cert.not_valid_after_utc)
        lines.append(f"  valid {start} to {end}")
        sans = [ext.value for ext in cert.extensions if ext.oid == SAN_OID]
        if product.action in ("init", "intermediate"):
            pass
        elif sans:
            lines.append("  names " + printable(ca.describe_extension(sans[0]), backslash=False))
        else:
            lines.append("  names (no subject alternative name)")
    if product.key_description:
        lines.append(f"  new key {product.key_description}")
    if product.changes:
        lines.append("What the CA did with the request:")
        width = max(len(c.field) for c in product.changes)
        for change in product.changes:
            detail = change.issued or change.requested
            if change.status == "changed":
                detail = f"{change.requested} -> {change.issued}"
            detail = printable(detail, backslash=False)
            lines.append(f"  {change.status:<8} {change.field:<{width}}  {detail}")
    if written:
        lines.append("Wrote:")
        for item in written:
            lines.append(f"  {item.path}  ({KIND_LABELS.get(item.kind, item.kind)}, mode {_mode(item.path)})")
    for note in product.notes:
        lines.append(f"Note: {note}")
    rows = verdict_rows(product)
    if rows:
        lines.append("What clients say (each trusting the root, asking for this name):")
        width = max(len(client) for client, _ in rows)
        lines += [f"  {client:<{width}}  {said}" for client, said in rows]
    return lines


def verdict_rows(product: Product) -> tuple[tuple[str, str], ...]:
    """(client, what it says) for a flawed certificate: curl, openssl, Python, browsers; empty otherwise."""
    verdicts = flaw_verdicts(product.flaw.kind) if product.flaw is not None else None
    return verdicts.rows(product.host or "the site") if verdicts is not None else ()


def trust_help_lines(found: TrustHelp) -> list[str]:
    """Plain text for ``ca trust-help``: the warnings, then per platform the commands to trust and undo."""
    lines = [f"Make browsers trust {found.name} ({found.ca_file}), SHA-1 {found.sha1}",
             "tlsexplorer runs none of this: copy the commands you want.", ""]
    lines += [f"! {warning}" for warning in found.warnings]
    for step in found.steps:
        lines += ["", f"## {step.platform}", "# trust it"]
        lines += list(step.trust)
        lines += ["# see what is trusted", *step.check, "# undo it", *step.undo]
        lines += [f"# note: {note}" for note in step.notes]
    return lines


def recipe_text(recipe: Recipe) -> str:
    """The recipe as plain text (openssl commands, then the Python script)."""
    parts = [f"# {recipe.title}", "", "# openssl"]
    parts += list(recipe.openssl)
    parts += [f"# note: {note}" for note in recipe.notes]
    parts += ["", "# Python (cryptography)", recipe.python]
    return "\n".join(parts)


# Rich renderables -----------------------------------------------------------------


def product_view(
    product: Product, written: Sequence[WrittenFile] = (), *, base: Path | None = None
) -> RenderableType:
    """The whole result: headline, certificate fields, CSR comparison, files, notes.

    Paths under ``base`` (the folder the person works in) are shown relative to it.
    """
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = []
    style = "bold red" if product.flaw is not None else "bold green"
    parts.append(Text(headline(product), style=style))
    if product.flaw is not None:
        parts.append(Text(product.flaw.explanation, style="red"))
    if product.changes:
        parts.append(changes_table(product.changes))
    if product.certificate is not None:
        # Text: a name holding "[/]" is not markup
        rows = [(field, Text(value)) for field, value in certificate_rows(product.certificate)]
        parts.append(FieldList(rows))
    elif product.csr is not None:
        rows = [("subject", Text(name_text(product.csr.subject))),
                ("public key", Text(describe_key(product.csr.public_key())))]
        for ext in product.csr.extensions:
            rows.append(("requests " + extension_name(ext),
                         Text(printable(ca.describe_extension(ext.value), backslash=False))))
        parts.append(FieldList(rows))
    if written:
        parts.append(files_table(written, base=base))
    else:
        planned = [(Text(shown_path(Path(item.path), base)),
                    KIND_LABELS.get(item.kind, item.kind) + (" (0600)" if item.private else ""))
                   for item in product.files]
        parts.append(PathRows("Files it will write", ("path", "kind"), planned))
    for note in product.notes:
        parts.append(Text(f"• {note}", style="yellow"))
    said_by = verdict_rows(product)
    if said_by:
        verdicts = [(client, Text(said, style="green" if said == "accepts" else "red"))
                    for client, said in said_by]
        parts.append(Text("What clients say (each trusting the root, asking for this name)", style="italic"))
        parts.append(FieldList(verdicts))
    return Group(*parts)


def trust_view(found: TrustHelp) -> RenderableType:
    """The trust-help commands per platform, as shell, under the warnings."""
    from rich.console import Group
    from rich.syntax import Syntax
    from rich.text import Text

    parts: list[RenderableType] = [
        Text(f"Make browsers trust {found.name}", style="bold"),
        Text(f"{found.ca_file}  (SHA-1 {found.sha1})", style="dim"),
        Text("tlsexplorer runs none of this: copy the commands you want.", style="italic"),
    ]
    parts += [Text(f"! {warning}", style="yellow") for warning in found.warnings]
    for step in found.steps:
        parts.append(Text(f"\n{step.platform}", style="bold cyan"))
        code = "\n".join(["# trust it", *step.trust, "# see what is trusted", *step.check, "# undo it",
                          *step.undo])
        parts.append(Syntax(code, "bash", word_wrap=True, theme="ansi_dark"))
        parts += [Text(f"note: {note}", style="dim") for note in step.notes]
    return Group(*parts)


def changes_table(changes: Sequence[ca.FieldChange]) -> RenderableType:
    """CSR signing: requested vs issued, with kept/changed/added/dropped."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="What the CA did with the request", title_justify="left", expand=True)
    table.add_column("", no_wrap=True)
    table.add_column("field", ratio=2, overflow="fold")
    table.add_column("requested", overflow="fold", ratio=3)
    table.add_column("issued", overflow="fold", ratio=3)
    for change in changes:
        table.add_row(Text(change.status, style=STATUS_STYLES[change.status]), change.field,
                      Text(printable(change.requested, backslash=False) or "-"),
                      Text(printable(change.issued, backslash=False) or "-"))
    return table


def shown_path(path: Path, base: Path | None) -> str:
    """``path`` relative to ``base`` when it lies under it (as it would be typed there), else as is."""
    if base is not None:
        try:
            return str(path.relative_to(base))
        except ValueError:
            pass
    return str(path)


def files_table(written: Sequence[WrittenFile], *, base: Path | None = None) -> RenderableType:
    """The files written, with kind and mode (paths under ``base`` relative to it)."""
    from rich.text import Text

    rows = [(Text(shown_path(item.path, base)), KIND_LABELS.get(item.kind, item.kind), _mode(item.path))
            for item in written]
    return PathRows("Files written", ("path", "kind", "mode"), rows)


NARROW = 48
"""Below this many columns, field lists and file tables are stacked: a label line, then its value indented."""


class FieldList:
    """Field/value rows: a two-column table when wide, stacked when narrow.

    Words are never broken: at 80 columns the CA result pane is under 30
    wide, where a table column cut ``digitalSignature`` and dates in two.
    Values longer than the line (fingerprints, paths) fold.
    """

    def __init__(self, rows: Sequence[tuple[str, Text]]) -> None:
        self.rows = list(rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """A table when ``options.max_width`` leaves the values room, else stacked lines."""
        from rich.table import Table
        from rich.text import Text

        if options.max_width >= NARROW:
            table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
            table.add_column("field", style="bold", overflow="fold", min_width=10)
            table.add_column("value", overflow="fold", min_width=12)
            for field, value in self.rows:
                table.add_row(field, value)
            yield table
            return
        for field, value in self.rows:
            yield Text(field, style="bold", overflow="fold")
            yield _indented(value)


def _indented(value: Text) -> RenderableType:
    """``value`` two columns in, wrapped at spaces, folding only what is longer than the line."""
    from rich.padding import Padding

    value = value.copy()
    value.overflow = "fold"
    return Padding(value, (0, 0, 0, 2))


class PathRows:
    """A titled table of paths and short labels; when narrow, each path on its line, its labels under it."""

    def __init__(self, title: str, headers: Sequence[str],
                 rows: Sequence[tuple[Text | str, ...]]) -> None:
        self.title, self.headers, self.rows = title, tuple(headers), list(rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """A table when wide, stacked lines when narrow."""
        from rich.table import Table
        from rich.text import Text

        if options.max_width >= NARROW:
            table = Table(title=self.title, title_justify="left", expand=True, box=None)
            table.add_column(self.headers[0], overflow="fold")
            for header in self.headers[1:]:
                table.add_column(header, no_wrap=True)
            for row in self.rows:
                table.add_row(*row)
            yield table
            return
        yield Text(self.title, style="italic")
        for path, *labels in self.rows:
            yield Text.assemble(path, overflow="fold")  # a path may fold anywhere
            yield _indented(Text("  ".join(str(label) for label in labels), style="dim"))


def openssl_view(recipe: Recipe) -> RenderableType:
    """The openssl commands, highlighted as shell."""
    from rich.console import Group
    from rich.syntax import Syntax
    from rich.text import Text

    code = "\n\n".join(recipe.openssl)
    parts: list[RenderableType] = [Syntax(code, "bash", word_wrap=True, theme="ansi_dark")]
    parts += [Text(f"note: {note}", style="dim") for note in recipe.notes]
    return Group(*parts)


def python_view(recipe: Recipe) -> RenderableType:
    """The Python script, highlighted, with line numbers."""
    from rich.syntax import Syntax

    return Syntax(recipe.python, "python", line_numbers=True, word_wrap=True, theme="ansi_dark")


__all__ = [
    "KIND_LABELS",
    "STATUS_STYLES",
    "certificate_rows",
    "changes_table",
    "files_table",
    "headline",
    "openssl_view",
    "product_view",
    "python_view",
    "recipe_text",
    "shown_path",
    "summary_lines",
    "trust_help_lines",
    "trust_view",
    "verdict_rows",
]

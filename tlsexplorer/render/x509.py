"""Rich renderables for the Inspector: certificates, CSRs, CRLs, OCSP, keys, lint, raw bytes.

Shared by ``tlsexplorer inspect`` and the Inspector screen. Every function
takes core summaries (:mod:`tlsexplorer.core.x509.model`) and returns a
renderable; nothing here reads files or knows about Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from tlsexplorer.core.text import printable
from tlsexplorer.core.x509.dertree import DerNode
from tlsexplorer.core.x509.lint import strict_verdict
from tlsexplorer.core.x509.loader import PASSWORD_HINT, LoadedObject, LoadResult
from tlsexplorer.core.x509.model import (
    CertIdInfo,
    CertificateInfo,
    ContainerInfo,
    CrlInfo,
    CsrInfo,
    ExtensionInfo,
    Finding,
    Info,
    KeyInfo,
    OcspRequestInfo,
    OcspResponseInfo,
    PublicKeyInfo,
    RevokedEntry,
)
from tlsexplorer.core.x509.sweep import SweepReport

if TYPE_CHECKING:
    from tlsexplorer.core.chain.ocsp_match import OcspCheck

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
KIND_LABEL = {
    "certificate": "Certificate",
    "certificate_request": "CSR",
    "crl": "CRL",
    "private_key": "Private key",
    "public_key": "Public key",
    "pkcs12": "PKCS#12",
    "pkcs7": "PKCS#7",
    "ocsp_response": "OCSP response",
    "ocsp_request": "OCSP request",
}

#: How each OCSP certificate status is coloured.
OCSP_STATUS_STYLE = {"good": "bold green", "revoked": "bold red", "unknown": "bold yellow"}


class _DataTable(Table):
    """A table whose text cells are data from a file, not markup: "[/]" in a name stays as it
    is (rich would raise on it), and control characters are spelled out (never sent)."""

    def add_row(self, *renderables: RenderableType | None, **options: object) -> None:
        super().add_row(*(_as_text(cell) if isinstance(cell, str) else cell for cell in renderables),
                        **options)  # type: ignore[arg-type]


def _as_text(value: str) -> Text:
    return Text("\n".join(printable(line, backslash=False) for line in value.split("\n")))


def _fields() -> Table:
    table = _DataTable.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    return table


def _colon_hex(value: str) -> str:
    return ":".join(value[i : i + 2] for i in range(0, len(value), 2))


def expiry_style(info: CertificateInfo) -> str:
    """Red when expired or not yet valid, yellow under 30 days, green otherwise."""
    if info.expired or info.not_yet_valid:
        return "bold red"
    if (info.not_after - info.now).days < 30:
        return "yellow"
    return "green"


def key_text(key: PublicKeyInfo) -> str:
    """The key's one name, with its public exponent for RSA: ``RSA 2048, e = 65537``, ``EC P-256``."""
    name = key.describe()
    return f"{name}, e = {key.exponent}" if key.exponent is not None else name


def render_extensions(extensions: Sequence[ExtensionInfo]) -> RenderableType:
    """A table of extensions: name, critical, value lines."""
    if not extensions:
        return Text("no extensions", style="dim")
    table = _DataTable(show_edge=False, box=None, padding=(0, 1), expand=False)
    table.add_column("extension", style="bold", no_wrap=True)
    table.add_column("crit", no_wrap=True)
    table.add_column("value", overflow="fold")
    for ext in extensions:
        crit = Text("yes", style="bold") if ext.critical else Text("no", style="dim")
        table.add_row(ext.name, crit, "\n".join(ext.lines) or "-")
    return table


def render_findings(findings: Iterable[Finding]) -> RenderableType:
    """Lint findings, one per line, coloured by severity, naming the rule and its enforcer."""
    items = list(findings)
    if not items:
        return Text("lint: nothing a strict client would object to", style="green")
    lines: list[RenderableType] = []
    for f in items:
        line = Text()
        line.append(f"{f.severity.upper():7} ", style=SEVERITY_STYLE.get(f.severity, ""))
        line.append(f"{f.rule}", style="bold")
        line.append(f"  {f.message}")
        line.append(f"\n          enforced by: {f.enforced_by}", style="dim")
        lines.append(line)
    verdict = strict_verdict(tuple(items))
    if verdict:
        lines.append(Text(verdict, style="bold red"))
    return Group(*lines)


def unreadable_lines(unreadable: Sequence[str]) -> list[RenderableType]:
    """One red line per field that could not be read (the rest of the object is still shown)."""
    return [Text(f"unreadable: {sentence}", style="bold red") for sentence in unreadable]


def render_certificate(info: CertificateInfo, keys: Sequence[str] = ()) -> RenderableType:
    """Every field of a certificate, its extensions, fingerprints and lint (``keys``: where its
    private key was found)."""
    fields = _fields()
    fields.add_row("Version", str(info.version))
    fields.add_row(
        "Serial", _colon_hex(info.serial_hex if len(info.serial_hex) % 2 == 0 else "0" + info.serial_hex)
    )
    fields.add_row("Subject", info.subject or "(empty)")
    issuer = _as_text(info.issuer)
    if info.self_issued:
        issuer.append("  (self-issued)", style="dim")
    fields.add_row("Issuer", issuer)
    validity = Text(f"{info.not_before:%Y-%m-%d %H:%M:%S} to {info.not_after:%Y-%m-%d %H:%M:%S} UTC  ")
    validity.append(info.expiry_text(), style=expiry_style(info))
    fields.add_row("Validity", validity)
    fields.add_row("Public key", key_text(info.public_key))
    fields.add_row("Signature", info.signature_algorithm)
    fields.add_row("SHA-256", info.fingerprint_sha256)
    fields.add_row("SHA-1", info.fingerprint_sha1)
    if keys:
        fields.add_row("Private key", "\n".join(keys))
    parts: list[RenderableType] = [Text(info.sentence(), style="bold"), *unreadable_lines(info.unreadable)]
    verdict = strict_verdict(info.lint)
    if verdict:
        parts.append(Text(verdict + " (see Lint below)", style="bold red"))
    parts += [
        Text(""),
        fields,
        Text(""),
        Text("Extensions", style="bold underline"),
        render_extensions(info.extensions),
    ]
    if info.extension_error:
        parts.append(Text(f"extensions unreadable: {info.extension_error}", style="red"))
    parts += [Text(""), Text("Lint", style="bold underline"), render_findings(info.lint)]
    return Group(*parts)


def render_csr(info: CsrInfo, keys: Sequence[str] = ()) -> RenderableType:
    """A CSR: subject, key, requested extensions, signature check (``keys``: its private key)."""
    fields = _fields()
    fields.add_row("Subject", info.subject or "(empty)")
    fields.add_row("Public key", key_text(info.public_key))
    fields.add_row("Signature", info.signature_algorithm)
    ok = (
        Text("valid (the requester holds the key)", style="green")
        if info.signature_valid
        else Text(f"not checked: {info.signature_note}", style="bold yellow")
        if info.signature_note
        else Text("INVALID", style="bold red")
    )
    fields.add_row("Self-signature", ok)
    if keys:
        fields.add_row("Private key", "\n".join(keys))
    parts: list[RenderableType] = [
        Text(info.sentence(), style="bold"),
        *unreadable_lines(info.unreadable),
        Text(""),
        fields,
        Text(""),
        Text("Requested extensions", style="bold underline"),
        render_extensions(info.extensions),
    ]
    if info.lint:
        parts += [Text(""), render_findings(info.lint)]
    return Group(*parts)


def render_crl(info: CrlInfo, limit: int | None = 50) -> RenderableType:
    """A CRL: issuer, updates, and revoked serials (the first ``limit`` of them)."""
    fields = _fields()
    fields.add_row("Issuer", info.issuer)
    fields.add_row("This update", f"{info.this_update:%Y-%m-%d %H:%M:%S} UTC")
    nxt = Text(f"{info.next_update:%Y-%m-%d %H:%M:%S} UTC" if info.next_update else "(none)")
    if info.overdue:
        nxt.append("  overdue", style="bold red")
    fields.add_row("Next update", nxt)
    fields.add_row("Signature", info.signature_algorithm)
    fields.add_row("CRL number", str(info.crl_number) if info.crl_number is not None else "(none)")
    if info.delta_of is not None:
        fields.add_row("Delta CRL", Text(f"yes: the changes since base CRL number {info.delta_of}",
                                         style="bold yellow"))
    scope = info.scope_lines()
    fields.add_row("Scope", "\n".join(scope) if scope else Text(
        "every certificate of the issuer (no issuing distribution point)", style="dim"))
    fields.add_row("Revoked", str(len(info.revoked)))
    revoked = _DataTable(show_edge=False, box=None, padding=(0, 1))
    revoked.add_column("serial", no_wrap=True)
    revoked.add_column("revoked at", no_wrap=True)
    revoked.add_column("reason")
    shown = info.revoked if limit is None else info.revoked[:limit]
    extra = any(e.invalidity_date is not None or e.certificate_issuer for e in shown)
    if extra:
        revoked.add_column("entry extensions", overflow="fold")
    for entry in shown:
        cells = [format(entry.serial, "x"), f"{entry.revoked_at:%Y-%m-%d %H:%M}", entry.reason or "-"]
        if extra:
            cells.append(entry_extension_text(entry))
        revoked.add_row(*cells)
    parts: list[RenderableType] = [Text(info.sentence(), style="bold"), *unreadable_lines(info.unreadable)]
    parts += [Text(""), fields, Text("")]
    parts += [Text("Extensions", style="bold underline"), render_extensions(info.extensions), Text("")]
    parts += [Text("Revoked serials", style="bold underline"), revoked]
    if len(shown) < len(info.revoked):
        parts.append(Text(f"... and {len(info.revoked) - len(shown)} more", style="dim"))
    return Group(*parts)


def entry_extension_text(entry: RevokedEntry) -> str:
    """A CRL entry's invalidity date and certificate issuer, for people (empty when it has neither)."""
    parts = []
    if entry.invalidity_date is not None:
        parts.append(f"invalid since {entry.invalidity_date:%Y-%m-%d %H:%M}")
    if entry.certificate_issuer:
        parts.append("issued by " + ", ".join(entry.certificate_issuer))
    return "; ".join(parts)


def _cert_id_rows(fields: Table, cert_id: CertIdInfo | None, prefix: str = "") -> None:
    if cert_id is None:
        fields.add_row(f"{prefix}Certificate id", Text("(unreadable)", style="red"))
        return
    serial = format(cert_id.serial, "x")
    fields.add_row(f"{prefix}Serial", _colon_hex(serial if len(serial) % 2 == 0 else "0" + serial))
    fields.add_row(f"{prefix}Hash algorithm", cert_id.hash_algorithm)
    fields.add_row(f"{prefix}Issuer name hash", cert_id.issuer_name_hash)
    fields.add_row(f"{prefix}Issuer key hash", cert_id.issuer_key_hash)


def _when(moment: object) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment is not None else "(none)"


def render_ocsp_response(info: OcspResponseInfo) -> RenderableType:
    """An OCSP response: its status, the responder, each answer with its certID and times."""
    head = Text(info.sentence(), style="bold")
    fields = _fields()
    status = Text(info.response_status, style="bold green" if info.successful else "bold red")
    fields.add_row("Response status", status)
    parts: list[RenderableType] = [head, *unreadable_lines(info.unreadable), Text(""), fields]
    if not info.successful:
        return Group(*parts)
    fields.add_row("Responder", info.responder or "(unreadable)")
    fields.add_row("Produced at", _when(info.produced_at))
    fields.add_row("Signature", info.signature_algorithm or "(unreadable)")
    fields.add_row("Nonce", info.nonce or Text("(none: a replayed answer cannot be told apart)", style="dim"))
    carried = "\n".join(info.certificates) if info.certificates else Text(
        "(none: signed by the issuer itself, or the client must have the responder's certificate)",
        style="dim")
    fields.add_row("Certificates", carried)
    for number, single in enumerate(info.responses, 1):
        answer = _fields()
        state = Text(single.status, style=OCSP_STATUS_STYLE.get(single.status, ""))
        if single.status == "revoked":
            state.append(f" on {_when(single.revoked_at)}" + (f" ({single.reason})" if single.reason else ""))
        answer.add_row("Status", state)
        _cert_id_rows(answer, single.cert_id)
        answer.add_row("This update", _when(single.this_update))
        nxt = Text(_when(single.next_update) if single.next_update else "(none: newer news at any time)")
        if single.next_update is not None and info.now > single.next_update:
            nxt.append("  past: stale", style="bold red")
        answer.add_row("Next update", nxt)
        parts += [Text(""), Text(f"Answer {number}", style="bold underline"), answer]
    parts += [Text(""), Text("Extensions", style="bold underline"), render_extensions(info.extensions)]
    return Group(*parts)


def render_ocsp_check(result: OcspCheck) -> RenderableType:
    """A response checked against the certificate it answers about and its issuer, step by step."""
    check = result.check
    if check is None:
        return Group(Text("Check against the issuer", style="bold underline"),
                     Text(result.sentence(), style="yellow"))
    bad = check.status == "revoked" or any(not s.ok for s in check.steps)
    parts: list[RenderableType] = [
        Text("Check against the issuer", style="bold underline"),
        Text(result.sentence(), style="bold red" if bad else "bold green"),
    ]
    steps = _fields()
    for step in check.steps:
        mark = Text("✔ " if step.ok else "✘ ", style="green" if step.ok else "bold red")
        line = Text(step.message)
        if step.fix:
            line.append(f"\nfix: {step.fix}", style="dim")
        steps.add_row(mark + Text(step.title, style="bold"), line)
    parts.append(steps)
    return Group(*parts)


def render_ocsp_request(info: OcspRequestInfo) -> RenderableType:
    """An OCSP request: the certificate asked about (its certID) and the nonce."""
    fields = _fields()
    for number, cert_id in enumerate(info.cert_ids, 1):
        _cert_id_rows(fields, cert_id, f"{number}. " if len(info.cert_ids) > 1 else "")
    fields.add_row("Nonce", info.nonce or Text("(none)", style="dim"))
    parts: list[RenderableType] = [
        Text(info.sentence(), style="bold"), *unreadable_lines(info.unreadable), Text(""), fields,
        Text(""), Text("Extensions", style="bold underline"), render_extensions(info.extensions),
    ]
    return Group(*parts)


def render_key(
    info: KeyInfo, matches: Sequence[str] = (), password_hint: str | None = None
) -> RenderableType:
    """A key: type, size, encryption, and which certificates carry it.

    ``password_hint`` says how to give the passphrase where the key is shown (the
    TUI's "press u"); the loader's CLI hint "(--password-file FILE)" is then left out.
    """
    def told(text: str) -> str:
        return text.replace(f" ({PASSWORD_HINT})", "") if password_hint else text

    fields = _fields()
    fields.add_row("Kind", "private key" if info.private else "public key")
    fields.add_row("Format", info.format)
    fields.add_row("Type", key_text(info.public_key) if info.public_key is not None else info.describe())
    enc = Text("yes", style="yellow") if info.encrypted else Text("no")
    if info.note:
        enc.append(f"  ({told(info.note)})", style="dim")
    fields.add_row("Encrypted", enc)
    if info.public_key is not None:
        fields.add_row("SPKI SHA-256", info.public_key.spki_sha256)
    if info.comment:
        fields.add_row("Comment", info.comment)
    if info.private or matches:
        if matches:
            owner: Text | str = "\n".join(matches)
        elif info.public_key is None:
            owner = Text("unknown until it is decrypted", style="dim")
        else:
            owner = Text("no certificate or CSR here", style="dim")
        fields.add_row("Belongs to", owner)
    parts: list[RenderableType] = [Text(told(info.sentence()), style="bold"), Text(""), fields]
    if password_hint:
        parts += [Text(""), Text(password_hint, style="yellow")]
    return Group(*parts)


def render_container(info: ContainerInfo, password_hint: str | None = None) -> RenderableType:
    """A PKCS#7 or PKCS#12 container (its items are shown one by one)."""
    if not password_hint:
        return Text(info.sentence(), style="bold")
    sentence = info.sentence().replace(f" ({PASSWORD_HINT})", "")
    return Group(Text(sentence, style="bold"), Text(""), Text(password_hint, style="yellow"))


def render_info(
    info: Info, *, matches: Sequence[str] = (), crl_limit: int | None = 50, password_hint: str | None = None
) -> RenderableType:
    """The renderable of any summary."""
    if isinstance(info, CertificateInfo):
        return render_certificate(info, matches)
    if isinstance(info, CsrInfo):
        return render_csr(info, matches)
    if isinstance(info, CrlInfo):
        return render_crl(info, crl_limit)
    if isinstance(info, KeyInfo):
        return render_key(info, matches, password_hint)
    if isinstance(info, OcspResponseInfo):
        return render_ocsp_response(info)
    if isinstance(info, OcspRequestInfo):
        return render_ocsp_request(info)
    return render_container(info, password_hint)


def object_heading(obj: LoadedObject, title: str) -> Text:
    """``Certificate · line 12 · alice.example.net``."""
    text = Text()
    text.append(KIND_LABEL.get(obj.kind, obj.kind), style="bold magenta")
    text.append(f" · {obj.where} · {obj.format}", style="dim")
    text.append(f"  {title}", style="bold")
    return text


def render_problems(result: LoadResult) -> RenderableType:
    """What could not be read in a file, and notes."""
    lines = [Text(f"problem: {p}", style="bold red") for p in result.problems]
    lines += [Text(f"note: {n}", style="dim") for n in result.notes]
    return Group(*lines)


def render_sweep(report: SweepReport) -> RenderableType:
    """The folder sweep: files, key pairs, chains, flags."""
    parts: list[RenderableType] = [Text("Files", style="bold underline")]
    files = _DataTable(show_edge=False, box=None, padding=(0, 1))
    files.add_column("file", no_wrap=True)
    files.add_column("holds", overflow="fold")
    for path, classification in report.files:
        style = (
            "dim"
            if classification.startswith("not crypto")
            else "red"
            if "unreadable" in classification
            else ""
        )
        files.add_row(path.rsplit("/", 1)[-1], Text(classification, style=style))
    parts.append(files)
    parts += [Text(""), Text("Keys and what carries them", style="bold underline")]
    if not report.keys:
        parts.append(Text("no private keys", style="dim"))
    for match in report.keys:
        line = Text(match.key.describe(), style="bold")
        if match.matches:
            for ref in match.matches:
                line.append(f"\n  -> {ref.kind.replace('_', ' ')} {ref.describe()}")
        else:
            line.append("\n  -> nothing here (orphan)", style="yellow")
        parts.append(line)
    parts += [Text(""), Text("Chains", style="bold underline")]
    if not report.chains:
        parts.append(Text("no certificates", style="dim"))
    for chain in report.chains:
        tree = Tree(Text(chain.members[0].describe(), style="bold"))
        node = tree
        for ref in chain.members[1:]:
            node = node.add(Text(f"issued by {ref.describe()}"))
        if not chain.complete:
            node.add(Text("issuer not found here", style="yellow"))
        parts.append(tree)
    parts += [Text(""), Text("Flags", style="bold underline")]
    if not report.flags:
        parts.append(Text("nothing flagged", style="green"))
    flag_style = {
        "expired": "red",
        "orphan": "yellow",
        "duplicate": "cyan",
        "issuer-missing": "yellow",
        "unreadable": "bold red",
    }
    for flag in report.flags:
        line = Text(f"{flag.kind:15}", style=flag_style.get(flag.kind, ""))
        line.append(flag.message)
        parts.append(line)
    return Group(*parts)


def hex_row_width(width: int = 16, offset_digits: int = 8) -> int:
    """Columns one ``hex_row`` of ``width`` bytes takes: offset, hex (a gap after 8), ASCII."""
    return offset_digits + 2 + width * 3 + (1 if width > 8 else 0) + 1 + width


def hex_row(
    data: bytes,
    row: int,
    highlight: tuple[int, int] | None = None,
    width: int = 16,
    offset_digits: int = 8,
) -> Text:
    """One hex dump row: offset, hex bytes, ASCII; bytes in ``highlight`` [start, end) reversed."""
    start = row * width
    chunk = data[start : start + width]
    text = Text(f"{start:0{offset_digits}x}  ", style="dim")
    lo, hi = highlight if highlight else (-1, -1)
    for i in range(width):
        if i == 8:
            text.append(" ")
        if i < len(chunk):
            pos = start + i
            style = "reverse bold" if lo <= pos < hi else ""
            text.append(f"{chunk[i]:02x}", style=style)
            text.append(" ")
        else:
            text.append("   ")
    text.append(" ")
    for i, byte in enumerate(chunk):
        pos = start + i
        char = chr(byte) if 32 <= byte < 127 else "."
        text.append(char, style="reverse" if lo <= pos < hi else "dim")
    return text


def hex_dump(data: bytes, highlight: tuple[int, int] | None = None, max_rows: int | None = None) -> Text:
    """A whole hex dump (at most ``max_rows`` rows)."""
    rows = (len(data) + 15) // 16
    shown = rows if max_rows is None else min(rows, max_rows)
    out = Text()
    for row in range(shown):
        out.append_text(hex_row(data, row, highlight))
        out.append("\n")
    if shown < rows:
        out.append(f"... {rows - shown} more rows\n", style="dim")
    return out


def der_tree(node: DerNode, tree: Tree | None = None) -> Tree:
    """The DER structure as a rich Tree (tag, offset, lengths, summary)."""
    label = Text(node.name, style="bold")
    label.append(f" @{node.offset} hdr {node.header_length} len {node.length}", style="dim")
    if node.summary:
        label.append(f"  {node.summary}")
    if node.encapsulates:
        label.append("  (holds DER)", style="cyan")
    branch = Tree(label) if tree is None else tree.add(label)
    for child in node.children:
        der_tree(child, branch)
    return branch


__all__ = [
    "KIND_LABEL",
    "OCSP_STATUS_STYLE",
    "SEVERITY_STYLE",
    "der_tree",
    "entry_extension_text",
    "expiry_style",
    "hex_dump",
    "hex_row",
    "hex_row_width",
    "key_text",
    "object_heading",
    "render_certificate",
    "render_container",
    "render_crl",
    "render_csr",
    "render_extensions",
    "render_findings",
    "render_info",
    "render_key",
    "render_ocsp_check",
    "render_ocsp_request",
    "render_ocsp_response",
    "render_problems",
    "render_sweep",
]

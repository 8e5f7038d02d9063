"""Rich renderables of the RSA explorer: the worked example, traces, keys,
signatures, the textbook attacks and key exchange. Shared by CLI and TUI.

Big numbers are never cut silently: either whole (wrapped by the table) or
``head…tail`` followed by the digit count, in decimal or hex.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tlsexplorer.core.hazmat.textbook_rsa import WARNING, Attacks
from tlsexplorer.core.rsa.dh import HybridEncryption, SmallDh, X25519Exchange
from tlsexplorer.core.rsa.keys import KeyIdentities
from tlsexplorer.core.rsa.numbers import EuclidTable, ModexpStep, ModexpTrace, PrimalityResult, Radix, decimal
from tlsexplorer.core.rsa.signature import SignatureCheck
from tlsexplorer.core.rsa.workbook import RsaWorkbook, WorkedStep, worked_steps

DEFAULT_MAX_CHARS = 48
"""How many characters a number may take before it is abbreviated."""


def digits_of(value: int, radix: Radix) -> str:
    """The number's digits (``0x``-less hex, or decimal)."""
    return format(value, "x") if radix == "hex" else decimal(value)


def format_number(value: int, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS) -> str:
    """``value`` in decimal or hex; above ``max_chars`` as ``head…tail (N digits)``.

    ``max_chars=None`` gives the whole number.
    """
    sign = "-" if value < 0 else ""
    body = digits_of(abs(value), radix)
    prefix = "0x" if radix == "hex" else ""
    if max_chars is None or len(body) <= max_chars:
        return f"{sign}{prefix}{body}"
    keep = max(4, (max_chars - 2) // 2)
    unit = "hex digits" if radix == "hex" else "digits"
    return f"{sign}{prefix}{body[:keep]}…{body[-keep:]} ({len(body)} {unit})"


def number(value: int, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS) -> Text:
    """A number as styled text (abbreviation marked in dim)."""
    return Text(format_number(value, radix, max_chars), style="bold cyan")


def _table(title: str | None = None, **kwargs: object) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold", **kwargs)  # type: ignore[arg-type]


def terms_text(step: WorkedStep, radix: Radix, max_chars: int | None) -> Text:
    """The step's numbers, one ``name = value`` per line."""
    text = Text()
    for i, (label, value) in enumerate(step.terms):
        if i:
            text.append("\n")
        text.append(f"{label} = ", style="dim")
        text.append(format_number(value, radix, max_chars), style="bold cyan")
    return text


def steps_table(book: RsaWorkbook, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS) -> Table:
    """The worked example as one table: step, formula, numbers."""
    table = _table(f"Textbook RSA, step by step (n has {book.bits} bits)")
    table.add_column("#", justify="right", style="dim")
    table.add_column("step", style="bold")
    table.add_column("formula")
    table.add_column("numbers", overflow="fold")
    for i, step in enumerate(worked_steps(book), 1):
        table.add_row(str(i), step.title, step.formula, terms_text(step, radix, max_chars))
    return table


def primality_table(name: str, result: PrimalityResult, radix: Radix = "dec",
                    max_chars: int | None = DEFAULT_MAX_CHARS) -> Table:
    """Miller-Rabin's rounds: witness, the squaring sequence, verdict."""
    title = f"Miller-Rabin on {name}: {result.reason}"
    if result.rounds:
        title += f"  ({name} - 1 = 2^{result.s} · {format_number(result.d, radix, max_chars)})"
    table = _table(title)
    table.add_column("witness a", justify="right")
    table.add_column("a^d, a^2d, … mod " + name, overflow="fold")
    table.add_column("verdict")
    for rnd in result.rounds:
        seq = ", ".join(format_number(x, radix, max_chars) for x in rnd.sequence)
        verdict = Text("no witness (passes)", style="green") if rnd.passed else Text(
            "witness: composite" + (f", factor {rnd.factor}" if rnd.factor else ""), style="bold red"
        )
        table.add_row(format_number(rnd.witness, radix, max_chars), seq, verdict)
    return table


def euclid_table(table_data: EuclidTable, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS,
                 a_name: str = "phi", b_name: str = "e") -> Table:
    """The extended Euclid table: quotient, remainder, s, t (remainder = s·a + t·b)."""
    inv = (
        f"; {b_name}^-1 mod {a_name} = {format_number(table_data.inverse, radix, max_chars)}"
        if table_data.inverse is not None
        else ""
    )
    table = _table(f"Extended Euclid on ({a_name}, {b_name}): gcd = {table_data.gcd}{inv}")
    table.add_column("quotient", justify="right")
    table.add_column("remainder", justify="right")
    table.add_column(f"s (of {a_name})", justify="right")
    table.add_column(f"t (of {b_name})", justify="right")
    for row in table_data.rows:
        mark = "bold green" if row.remainder == table_data.gcd and row.quotient is not None else ""
        table.add_row(
            "" if row.quotient is None else format_number(row.quotient, radix, max_chars),
            Text(format_number(row.remainder, radix, max_chars), style=mark),
            format_number(row.s, radix, max_chars),
            format_number(row.t, radix, max_chars),
        )
    return table


def trace_row_cells(step: ModexpStep, radix: Radix, max_chars: int | None) -> tuple[str, str, str, str, str]:
    """One trace row as text cells: position, bit, squared, multiply, value."""
    return (
        str(step.position),
        str(step.bit),
        format_number(step.squared, radix, max_chars),
        "· base" if step.multiplied else "—",
        format_number(step.value, radix, max_chars),
    )


def explain_trace_step(trace: ModexpTrace, index: int, radix: Radix = "dec",
                       max_chars: int | None = DEFAULT_MAX_CHARS) -> str:
    """One sentence on what row ``index`` of a trace does."""
    step = trace.steps[index]
    before = trace.steps[index - 1].value if index else 1
    text = (
        f"Bit {step.position} of the exponent is {step.bit}. Square the running value: "
        f"{format_number(before, radix, max_chars)}² mod n = {format_number(step.squared, radix, max_chars)}."
    )
    if step.multiplied:
        text += (
            f" The bit is 1, so multiply by the base {format_number(trace.base, radix, max_chars)}: "
            f"→ {format_number(step.value, radix, max_chars)}."
        )
    else:
        text += " The bit is 0: no multiplication."
    if index == len(trace.steps) - 1:
        text += f" Last bit: the result is {format_number(trace.result, radix, max_chars)}."
    return text


def fit_number(value: int, radix: Radix, width: int) -> str:
    """A number in at most ``width`` cells: whole, or ``head…tail (N digits)``."""
    whole = format_number(value, radix, None)
    if len(whole) <= width:
        return whole
    body = digits_of(abs(value), radix)
    unit = "hex" if radix == "hex" else "digits"
    suffix = f" ({len(body)} {unit})"
    prefix = "0x" if radix == "hex" else ""
    keep = max(2, (width - len(suffix) - len(prefix) - 1) // 2)
    return f"{prefix}{body[:keep]}…{body[-keep:]}{suffix}"


def trace_table(title: str, trace: ModexpTrace, radix: Radix = "dec",
                max_chars: int | None = DEFAULT_MAX_CHARS, limit: int | None = 40,
                more_hint: str = "--json has them all") -> Table:
    """A square-and-multiply trace; above ``limit`` rows the middle is skipped, saying so."""
    table = _table(
        f"{title}: {trace.squarings} squarings, {trace.multiplications} multiplications → "
        f"{format_number(trace.result, radix, max_chars)}"
    )
    table.add_column("bit #", justify="right", style="dim")
    table.add_column("bit", justify="center")
    table.add_column("squared", justify="right")
    table.add_column("multiply", justify="center")
    table.add_column("value", justify="right")
    steps: Sequence[ModexpStep] = trace.steps
    if limit is not None and len(steps) > limit:
        half = limit // 2
        for step in steps[:half]:
            table.add_row(*trace_row_cells(step, radix, max_chars))
        skipped = len(steps) - 2 * half
        gap = Text(f"{skipped} rows not shown ({more_hint})", style="yellow")
        table.add_row("…", "", gap, "", "")
        for step in steps[-half:]:
            table.add_row(*trace_row_cells(step, radix, max_chars))
    else:
        for step in steps:
            table.add_row(*trace_row_cells(step, radix, max_chars))
    return table


def crt_table(book: RsaWorkbook, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS) -> Table:
    """Decryption with the CRT, value by value."""
    crt = book.crt
    table = _table(f"Decryption with the CRT: about {crt.speedup:.1f} times less work than c^d mod n")
    table.add_column("value")
    table.add_column("formula")
    table.add_column("number", overflow="fold")
    rows = [
        ("dP", "d mod (p - 1)", crt.dp),
        ("dQ", "d mod (q - 1)", crt.dq),
        ("qInv", "q^-1 mod p", crt.qinv),
        ("m1", f"c^dP mod p ({crt.trace_p.squarings} squarings)", crt.m1),
        ("m2", f"c^dQ mod q ({crt.trace_q.squarings} squarings)", crt.m2),
        ("h", "qInv · (m1 - m2) mod p", crt.h),
        ("m", "m2 + h · q", crt.message),
    ]
    for name, formula, value in rows:
        table.add_row(name, formula, number(value, radix, max_chars))
    return table


def workbook_renderable(book: RsaWorkbook, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS,
                        trace_limit: int | None = 40, more_hint: str = "--json has them all") -> Group:
    """The whole worked example: steps, primality, Euclid, traces, CRT, signature."""
    parts: list[RenderableType] = [
        Text(WARNING, style="bold yellow"),
        steps_table(book, radix, max_chars),
    ]
    for note in book.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    if book.message_bytes is not None:
        parts.append(Text(f"message bytes (UTF-8, big endian): {book.message_bytes.hex(' ')}", style="dim"))
    parts += [
        primality_table("p", book.p_check, radix, max_chars),
        primality_table("q", book.q_check, radix, max_chars),
        euclid_table(book.euclid, radix, max_chars),
        trace_table("Encrypt c = m^e mod n", book.encrypt, radix, max_chars, trace_limit, more_hint),
        trace_table("Decrypt m = c^d mod n", book.decrypt, radix, max_chars, trace_limit, more_hint),
        crt_table(book, radix, max_chars),
    ]
    ok = book.verified == book.message
    parts.append(Text.assemble(
        ("Sign s = m^d mod n = ", ""), number(book.signature, radix, max_chars),
        ("; verify s^e mod n = ", ""), number(book.verified, radix, max_chars),
        (" = m ✓" if ok else " ≠ m ✗", "bold green" if ok else "bold red"),
    ))
    return Group(*parts)


def identities_renderable(ids: KeyIdentities, radix: Radix = "dec",
                          max_chars: int | None = DEFAULT_MAX_CHARS) -> Group:
    """A real key's numbers and every identity between them."""
    table = _table(f"RSA {ids.kind} key, {ids.bits} bits")
    table.add_column("name", style="bold")
    table.add_column("value", overflow="fold")
    values: list[tuple[str, int | None]] = [
        ("n", ids.n), ("e", ids.e), ("p", ids.p), ("q", ids.q), ("d", ids.d),
        ("dP", ids.dp), ("dQ", ids.dq), ("qInv", ids.qinv),
    ]
    for name, value in values:
        if value is not None:
            table.add_row(name, number(value, radix, max_chars))
    parts: list[RenderableType] = [table]
    if ids.identities:
        checks = _table("Identities, checked by hand")
        checks.add_column("", width=2)
        checks.add_column("identity", style="bold")
        checks.add_column("detail")
        for item in ids.identities:
            checks.add_row(Text("✓", style="green") if item.ok else Text("✗", style="bold red"),
                           item.name, item.detail)
        parts.append(checks)
    else:
        parts.append(Text("A public key holds only n and e: nothing else to check.", style="dim"))
    return Group(*parts)


def _hexdump_block(data: bytes, start: int, end: int, limit: int = 48) -> str:
    chunk = data[start:end]
    if len(chunk) <= limit:
        return chunk.hex(" ")
    return f"{chunk[:limit // 2].hex(' ')} … {chunk[-limit // 2:].hex(' ')} ({len(chunk)} bytes)"


def signature_renderable(check: SignatureCheck, radix: Radix = "dec",
                         max_chars: int | None = DEFAULT_MAX_CHARS) -> Group:
    """A certificate's signature checked by hand, step by step."""
    verdict = check.valid
    title = Text.assemble(
        ("Signature of ", ""), (check.subject, "bold"), (" checked with ", ""), (check.issuer, "bold"),
    )
    facts = _table()
    facts.add_column("what", style="bold")
    facts.add_column("value", overflow="fold")
    facts.add_row("algorithm", f"{check.algorithm} ({check.algorithm_oid})")
    facts.add_row("hash", check.hash_name or "none (the scheme hashes internally)")
    facts.add_row("scheme", {
        "pkcs1v15": "RSA PKCS#1 v1.5", "pss": "RSA-PSS", "ecdsa": "ECDSA", "ed25519": "Ed25519",
        "ed448": "Ed448", "dsa": "DSA",
    }.get(check.kind, "unknown"))
    facts.add_row("issuer key", check.issuer_key)
    if check.n is not None and check.e is not None:
        facts.add_row("n", number(check.n, radix, max_chars))
        facts.add_row("e", number(check.e, radix, max_chars))
    if check.s is not None:
        facts.add_row("s (signature)", number(check.s, radix, max_chars))
    if check.recovered is not None:
        facts.add_row("s^e mod n", number(check.recovered, radix, max_chars))
    label = "by hand" if check.by_hand is not None else "by the library"
    result = Text.assemble(
        ("Result: ", "bold"),
        (f"signature valid ({label})" if verdict else f"signature INVALID ({label})",
         "bold green" if verdict else "bold red"),
        (f"; cryptography {'agrees' if check.library == verdict else 'DISAGREES'}", "dim"),
        (f" · hash {check.hash_name}" if check.hash_name else "", "dim"),
    )
    parts: list[RenderableType] = [title, result, facts]
    block = check.block
    if block is not None and check.kind == "pkcs1v15":
        layout = _table("The recovered block, split")
        layout.add_column("part", style="bold")
        layout.add_column("bytes", overflow="fold")
        layout.add_column("meaning")
        layout.add_row("leading", block.leading.hex(" "), "00 01 = block type 1 (signature)")
        layout.add_row("padding", f"ff ({block.padding_length} bytes)", "at least 8 bytes of ff")
        if block.digest_info is not None:
            info = block.digest_info
            layout.add_row("separator", "00", "end of padding")
            layout.add_row("DigestInfo", _hexdump_block(info.der, 0, len(info.der), 96),
                           f"SEQUENCE {{ {info.hash_name} ({info.hash_oid}), OCTET STRING }}")
            layout.add_row("digest in signature", info.digest.hex(), info.hash_name)
        if check.tbs_digest is not None:
            layout.add_row(f"{check.hash_name} of TBS", check.tbs_digest.hex(),
                           f"computed over the {check.tbs_length} to-be-signed bytes")
        parts.append(layout)
    elif block is not None:
        dump = _hexdump_block(block.block, 0, len(block.block))
        parts.append(Text(f"s^e mod n as bytes: {dump}", style="dim"))
    parts.append(Text(check.explanation))
    parts.append(result)
    return Group(*parts)


def attacks_renderable(attacks: Attacks, radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS,
                       show_time: bool = True) -> Group:
    """Why textbook RSA is unsafe, on the current numbers, each beside what OAEP changes."""
    f = attacks.factoring
    det = attacks.determinism
    mal = attacks.malleability
    sh = attacks.shared

    def fmt(value: int | None) -> str:
        return "—" if value is None else format_number(value, radix, max_chars)

    table = _table("Why textbook RSA is unsafe (tlsexplorer.core.hazmat.textbook_rsa)")
    table.add_column("attack", style="bold", width=16)
    table.add_column("on these numbers", overflow="fold", ratio=3)
    table.add_column("what OAEP changes", ratio=2)
    table.add_row(
        "same message, same ciphertext",
        f"m = {fmt(det.message)} → c = {fmt(det.first)}, and again → c = {fmt(det.second)} "
        f"({'identical' if det.first == det.second else 'different'})",
        det.oaep_note,
    )
    table.add_row(
        "malleability",
        f"c' = c · {mal.factor}^e mod n = {fmt(mal.forged)} decrypts to {fmt(mal.decrypted)} = "
        f"{mal.factor}·m mod n ({'✓' if mal.decrypted == mal.expected else '✗'}), without knowing d",
        mal.oaep_note,
    )
    timing = f" in {f.seconds * 1000:.1f} ms" if show_time else ""
    if f.factor is not None:
        found = (f"n = {fmt(f.factor)} · {fmt(f.cofactor)} by {f.method} ({f.iterations} steps{timing}); "
                 f"d recovered = {fmt(f.recovered_d)}")
    else:
        found = f"{f.method}: no factor ({f.iterations} steps{timing}). {f.note}"
    table.add_row("factor n", found,
                  "Nothing: padding does not help a small n. Only a big n does (2048+ bits).")
    if sh.q1 is not None:
        shared = (f"a second key n2 = {fmt(sh.n2)} reused p: gcd(n, n2) = {fmt(sh.gcd)}, so "
                  f"n = {fmt(sh.gcd)} · {fmt(sh.q1)} and n2 = {fmt(sh.gcd)} · {fmt(sh.q2)}")
    else:
        shared = sh.note
    table.add_row("shared prime", shared, "Nothing: only good random primes help. " + sh.note)
    parts: list[RenderableType] = [Text(WARNING, style="bold yellow"), table]
    o = attacks.oaep
    if o is None:
        parts.append(Text(
            "With OAEP, on this key: n is too small to show it (OAEP with SHA-256 needs room for two "
            "hashes and a seed). Work a real key (Real key & signature tab) to see it.",
            style="dim",
        ))
    else:
        oaep = _table("The same with OAEP (cryptography's padding.OAEP, SHA-256), on this key")
        oaep.add_column("experiment", style="bold", width=16)
        oaep.add_column("result", overflow="fold")
        oaep.add_row(f"encrypt {o.message.decode('utf-8', 'replace')!r} twice",
                     f"{_hexdump_block(o.first, 0, len(o.first), 32)}\n"
                     f"{_hexdump_block(o.second, 0, len(o.second), 32)}\n"
                     + ("different ciphertexts ✓" if o.first != o.second else "identical ✗"))
        oaep.add_row("c · 2^e mod n", "decryption refused: the OAEP check failed ✓" if o.tampered_rejected
                     else "decrypted ✗")
        oaep.add_row("round trip", "the first ciphertext decrypts to the message ✓" if o.round_trip else "✗")
        parts.append(oaep)
    return Group(*parts)


def dh_renderable(small: SmallDh, x: X25519Exchange | None = None, hybrid: HybridEncryption | None = None,
                  radix: Radix = "dec", max_chars: int | None = DEFAULT_MAX_CHARS) -> Group:
    """Diffie-Hellman with small numbers, X25519 and hybrid encryption."""
    def fmt(value: int) -> str:
        return format_number(value, radix, max_chars)

    steps = _table("Diffie-Hellman with small numbers")
    steps.add_column("who", style="bold")
    steps.add_column("computes")
    # fold, never cut: a number shortened by the table's ellipsis would teach a wrong value
    steps.add_column("value", justify="right", overflow="fold")
    steps.add_row("both", "agree in public on a prime p and a generator g",
                  f"p = {fmt(small.p)}, g = {fmt(small.g)}")
    steps.add_row("Alice", "picks a secret a", fmt(small.a))
    steps.add_row("Bob", "picks a secret b", fmt(small.b))
    steps.add_row("Alice", "sends A = g^a mod p", fmt(small.alice_public))
    steps.add_row("Bob", "sends B = g^b mod p", fmt(small.bob_public))
    steps.add_row("Alice", "computes B^a mod p", fmt(small.alice_shared))
    steps.add_row("Bob", "computes A^b mod p", fmt(small.bob_shared))
    same = small.alice_shared == small.bob_shared
    steps.add_row("both", "hold the same secret g^(ab) mod p",
                  Text(("✓ equal: " if same else "✗ differ: ") + fmt(small.shared_secret),
                       style="bold green" if same else "bold red"))
    seen = ", ".join(f"{name} = {fmt(value)}" for name, value in small.eavesdropper_sees)
    parts: list[RenderableType] = [steps, Text.assemble(("Eve (the eavesdropper) sees: ", "bold"), seen,
                                                        " — but neither a, b nor the secret.")]
    parts += [Text(note, style="yellow") for note in small.notes]
    if x is not None:
        xt = _table("The same with real X25519 keys" + (" (fixed demo keys)" if x.fixed else " (fresh keys)"))
        xt.add_column("value", style="bold")
        xt.add_column("bytes (hex)", overflow="fold")
        xt.add_row("Alice's public key", x.alice_public.hex())
        xt.add_row("Bob's public key", x.bob_public.hex())
        xt.add_row("Alice's shared secret", x.alice_shared.hex())
        xt.add_row("Bob's shared secret", x.bob_shared.hex())
        xt.add_row("HKDF-SHA256 → key", x.derived_key.hex())
        parts.append(xt)
        ok = x.alice_shared == x.bob_shared
        parts.append(Text("Both sides computed the same 32-byte secret ✓" if ok else "Secrets differ ✗",
                          style="bold green" if ok else "bold red"))
    if hybrid is not None:
        ht = _table(f"Hybrid encryption: RSA-OAEP ({hybrid.rsa_bits} bits) wraps a fresh Fernet key")
        ht.add_column("step", style="bold")
        ht.add_column("value", overflow="fold")
        ht.add_row("1. fresh Fernet key", hybrid.fernet_key.decode())
        ht.add_row("2. RSA-OAEP(public key, Fernet key)",
                   f"{_hexdump_block(hybrid.wrapped_key, 0, len(hybrid.wrapped_key))}")
        ht.add_row("3. Fernet(key).encrypt(message)", hybrid.token.decode())
        ht.add_row("4. recipient: RSA-OAEP decrypt", hybrid.unwrapped_key.decode())
        ht.add_row("5. recipient: Fernet decrypt", hybrid.decrypted.decode("utf-8", "replace"))
        parts.append(ht)
        parts.append(Text("RSA moves only the 44-byte key; the symmetric cipher carries the message, "
                          "of any length, fast.", style="dim"))
    return Group(*parts)


def lines(items: Iterable[str]) -> Text:
    """Join plain lines into one Text."""
    return Text("\n".join(items))


__all__ = [
    "DEFAULT_MAX_CHARS",
    "attacks_renderable",
    "crt_table",
    "dh_renderable",
    "digits_of",
    "euclid_table",
    "explain_trace_step",
    "fit_number",
    "format_number",
    "identities_renderable",
    "lines",
    "number",
    "primality_table",
    "signature_renderable",
    "steps_table",
    "terms_text",
    "trace_row_cells",
    "trace_table",
    "workbook_renderable",
]

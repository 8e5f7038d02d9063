"""Renderables for the Symmetric explorer: Caesar crack, Fernet keys, token anatomy, checks.

Shared by ``tlsexplorer caesar``/``fernet`` and the Symmetric screen. Every
renderable caps what it draws (a 100 MB paste shows its first bytes and says
how many more there are).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tlsexplorer.core.symmetric.caesar import ALPHABET, ENGLISH_FREQUENCIES, CrackResult
from tlsexplorer.core.symmetric.fernet import (
    MAX_CLOCK_SKEW,
    FernetKey,
    TokenFields,
    TokenReport,
    describe_epoch,
)

#: Colour of each token field, used by the hex map, the legend and the field table.
FIELD_STYLES: dict[str, str] = {
    "version": "bold magenta",
    "timestamp": "bold yellow",
    "iv": "bold cyan",
    "ciphertext": "green",
    "hmac": "bold red",
}
FIELD_TITLES: dict[str, str] = {
    "version": "version",
    "timestamp": "time",
    "iv": "IV",
    "ciphertext": "ciphertext",
    "hmac": "HMAC",
}
SIGNING_STYLE = "bold red"
ENCRYPTION_STYLE = "bold green"
BAR_CIPHER = "cyan"
BAR_ENGLISH = "magenta"
_EIGHTHS = " ▁▂▃▄▅▆▇█"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a note of how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def describe_bytes(data: bytes, limit: int = 2000) -> Text:
    """Bytes as text when they are UTF-8, else as hex (marked so); at most ``limit`` shown."""
    head = data[:limit]
    more = len(data) - len(head)
    decoded: str | None
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        decoded = None
        if more > 0 and exc.start >= len(head) - 3:
            # The cut fell inside a multi-byte character: drop its first bytes.
            try:
                decoded = head[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                decoded = None
    if decoded is not None:
        shown = Text(decoded)
    else:
        shown = Text.assemble(("not UTF-8, shown as hex: ", "italic yellow"), head.hex(" "))
    if more > 0:
        shown.append(f"… ({more:,} more bytes)", style="dim")
    return shown


# Caesar ------------------------------------------------------------------------


def crack_ranking(result: CrackResult, *, top: int = 26, preview: int = 60) -> Table:
    """The candidates, best first: rank, shift, chi-squared score, plaintext."""
    table = Table(
        title="All 26 shifts ranked by chi-squared (smaller is more English)",
        title_justify="left",
        expand=False,
        pad_edge=False,
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("shift", justify="right", min_width=5, no_wrap=True)
    table.add_column("chi²", justify="right", min_width=8, no_wrap=True)
    table.add_column("plaintext", overflow="ellipsis", no_wrap=True)
    for rank, candidate in enumerate(result.ranking[:top], start=1):
        style = "bold green" if rank == 1 else ""
        table.add_row(
            str(rank),
            str(candidate.shift),
            f"{candidate.score:,.1f}",
            _cut(candidate.plaintext.replace("\n", " "), preview),
            style=style,
        )
    return table


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def crack_summary(result: CrackResult) -> Text:
    """One paragraph: the winning shift and how sure the crack is."""
    text = Text()
    text.append("Best shift: ", style="bold")
    text.append(f"{result.shift}", style="bold green")
    text.append(f" (decrypt by shifting back {result.shift}; {result.letters:,} letters analysed)")
    if not result.confident:
        text.append("\nFewer than 40 letters: frequency analysis may pick the wrong shift.", style="yellow")
    return text


def frequency_chart(result: CrackResult, *, height: int = 8) -> Group:
    """A vertical bar chart: the ciphertext's letter frequencies against English."""
    cipher = result.frequencies
    peak = max(max(cipher), max(ENGLISH_FREQUENCIES))
    rows: list[Text] = []
    for level in range(height, 0, -1):
        line = Text()
        for index in range(26):
            for value, style in ((cipher[index], BAR_CIPHER), (ENGLISH_FREQUENCIES[index], BAR_ENGLISH)):
                eighths = round(value / peak * height * 8)
                filled = eighths - (level - 1) * 8
                char = _EIGHTHS[max(0, min(8, filled))]
                line.append(char, style=style)
            line.append(" ")
        rows.append(line)
    axis = Text()
    for letter in ALPHABET:
        axis.append(f"{letter} ", style="bold")
        axis.append(" ")
    legend = Text.assemble(
        ("██", BAR_CIPHER),
        " ciphertext   ",
        ("██", BAR_ENGLISH),
        " English   ",
        (f"(peak {peak:.1f}%)", "dim"),
    )
    return Group(legend, *rows, axis)


# Fernet keys -----------------------------------------------------------------


def key_panel(key: FernetKey) -> Group:
    """A key as base64 and as its 16 + 16 bytes, each half coloured by its job."""
    hex_line = Text()
    hex_line.append(key.signing_key.hex(" "), style=SIGNING_STYLE)
    hex_line.append("  ")
    hex_line.append(key.encryption_key.hex(" "), style=ENCRYPTION_STYLE)
    return Group(
        Text.assemble(("key (url-safe base64, 44 characters): ", "bold"), key.encoded),
        Text.assemble(("32 bytes: ", "bold"), hex_line),
        Text.assemble(
            ("  bytes 0-15  ", SIGNING_STYLE), "signing key: HMAC-SHA256 proves the token is unchanged"
        ),
        Text.assemble(("  bytes 16-31 ", ENCRYPTION_STYLE), "encryption key: AES-128-CBC hides the message"),
    )


# Token anatomy -----------------------------------------------------------------


def field_legend() -> Text:
    """A one-line legend of the field colours."""
    text = Text()
    for name, style in FIELD_STYLES.items():
        text.append("██ ", style=style)
        text.append(f"{FIELD_TITLES[name]}  ")
    return text


def hex_map(
    decoded: bytes,
    fields: TokenFields | None,
    *,
    highlight: int | None = None,
    max_rows: int = 24,
    width: int = 16,
) -> Text:
    """The decoded token as a hex dump, each field in its colour.

    Long tokens show their first and last rows with a note of how many were
    left out. ``highlight`` marks one byte (the tamper lab's choice).
    """
    spans = fields.spans if fields is not None else ()

    def style_of(index: int) -> str:
        for name, start, end in spans:
            if start <= index < end:
                return FIELD_STYLES[name]
        return "dim"

    total_rows = (len(decoded) + width - 1) // width
    if total_rows <= max_rows:
        row_indexes: list[int | None] = list(range(total_rows))
    else:
        head = max_rows - 3
        row_indexes = [*range(head), None, total_rows - 2, total_rows - 1]
    text = Text()
    for row in row_indexes:
        if row is None:
            skipped = total_rows - (max_rows - 3) - 2
            text.append(f"   … {skipped:,} rows ({skipped * width:,} bytes) not shown …\n", style="dim")
            continue
        start = row * width
        text.append(f"{start:06x}  ", style="dim")
        for index in range(start, min(start + width, len(decoded))):
            style = style_of(index)
            if index == highlight:
                style += " reverse"
            text.append(f"{decoded[index]:02x}", style=style)
            text.append(" ")
        text.append("\n")
    text.rstrip()
    return text


def fields_table(fields: TokenFields, *, preview: int = 24) -> Table:
    """The five fields: offset, length and value (timestamp as a date)."""
    table = Table(title="Token fields", title_justify="left", pad_edge=False)
    table.add_column("field")
    table.add_column("bytes", justify="right")
    table.add_column("value", overflow="fold")
    values = {
        "version": f"0x{fields.version:02x}" + (" (Fernet v1)" if fields.version == 0x80 else " (unknown)"),
        "timestamp": f"{fields.timestamp} = {describe_epoch(fields.timestamp)}",
        "iv": fields.iv.hex(),
        "ciphertext": _hex_preview(fields.ciphertext, preview),
        "hmac": fields.hmac.hex(),
    }
    for name, start, end in fields.spans:
        table.add_row(
            Text(FIELD_TITLES[name], style=FIELD_STYLES[name]),
            f"{start}-{end - 1}" if end > start else f"{start} (empty)",
            values[name],
        )
    return table


def _hex_preview(data: bytes, limit: int) -> str:
    if len(data) <= limit:
        return data.hex()
    return f"{data[:limit].hex()}… ({len(data):,} bytes)"


_MARKS = {True: ("✓", "bold green"), False: ("✗", "bold red"), None: ("·", "dim")}


def checks_table(report: TokenReport) -> Table:
    """Every check in the order of the specification, passed, failed or not run."""
    table = Table(
        title="Verification, in the order of the Fernet specification", title_justify="left", pad_edge=False
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("", width=1)
    table.add_column("check")
    table.add_column("detail", overflow="fold")
    for number, check in enumerate(report.checks, start=1):
        mark, style = _MARKS[check.ok]
        table.add_row(
            str(number),
            Text(mark, style=style),
            check.title,
            Text(check.detail, style="dim" if check.ok is None else ""),
        )
    return table


def verdict(report: TokenReport) -> Text:
    """One line: valid, rejected with its reason code, or "needs the key"."""
    if report.valid:
        return Text.assemble(("✓ VALID", "bold green"), ": the library would accept this token")
    if report.reason is not None:
        failed = report.failed
        where = f" at '{failed.title}'" if failed is not None else ""
        return Text.assemble(
            ("✗ REJECTED ", "bold red"), (report.reason, "bold"), f"{where}: the library raises InvalidToken"
        )
    return Text.assemble(
        ("? NOT VERIFIED", "bold yellow"),
        ": the structure is fine; give the key to check the HMAC and decrypt",
    )


def ttl_note(report: TokenReport) -> Text:
    """Which clock and TTL the timestamp was checked against."""
    if report.ttl is None:
        return Text(
            "No TTL: the token's age is not checked (Fernet.decrypt(token) without ttl).", style="dim"
        )
    return Text(
        f"TTL {report.ttl} s against now = {describe_epoch(report.now)} "
        f"(up to {MAX_CLOCK_SKEW} s of clock skew allowed).",
        style="dim",
    )


def token_report(report: TokenReport, *, highlight: int | None = None, max_rows: int = 24) -> Group:
    """The whole explanation: verdict, fields, hex map, checks, plaintext."""
    parts: list[RenderableType] = [verdict(report)]
    if report.decoded is not None:
        if report.fields is not None:
            parts.append(fields_table(report.fields))
        parts.append(
            Text.assemble(("Decoded token, ", "bold"), f"{len(report.decoded):,} bytes  ", field_legend())
        )
        parts.append(hex_map(report.decoded, report.fields, highlight=highlight, max_rows=max_rows))
    parts.append(checks_table(report))
    parts.append(ttl_note(report))
    if report.plaintext is not None:
        parts.append(Text.assemble(("Plaintext: ", "bold"), describe_bytes(report.plaintext)))
    return Group(*parts)


__all__ = [
    "FIELD_STYLES",
    "FIELD_TITLES",
    "checks_table",
    "crack_ranking",
    "crack_summary",
    "describe_bytes",
    "field_legend",
    "fields_table",
    "frequency_chart",
    "hex_map",
    "key_panel",
    "shorten",
    "token_report",
    "ttl_note",
    "verdict",
]

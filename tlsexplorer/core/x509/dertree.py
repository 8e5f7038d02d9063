"""The DER tree the Inspector shows: every TLV of an object, with its offsets and a summary.

:func:`parse_der` turns DER bytes into a tree of :class:`DerNode`, each with
its offset, header length and value length, so a viewer can highlight exactly
the bytes of the node chosen. OCTET STRINGs and BIT STRINGs that hold DER
themselves (extension values, public keys) are opened too. The bytes are read
with :mod:`tlsexplorer.core.der`; OIDs are named by
:func:`tlsexplorer.core.x509.naming.oid_name`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tlsexplorer.core.der import decode_oid, read_header
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.x509.naming import oid_name

#: Names of the universal tags people meet in certificates and keys.
UNIVERSAL_TAGS: dict[int, str] = {
    1: "BOOLEAN",
    2: "INTEGER",
    3: "BIT STRING",
    4: "OCTET STRING",
    5: "NULL",
    6: "OBJECT IDENTIFIER",
    10: "ENUMERATED",
    12: "UTF8String",
    16: "SEQUENCE",
    17: "SET",
    18: "NumericString",
    19: "PrintableString",
    20: "T61String",
    22: "IA5String",
    23: "UTCTime",
    24: "GeneralizedTime",
    26: "VisibleString",
    28: "UniversalString",
    30: "BMPString",
}

_CLASSES = ("universal", "application", "context", "private")

#: Depth and node limits: a hostile file cannot make the tree unbounded.
MAX_DEPTH = 48
MAX_NODES = 50_000


@dataclass(frozen=True)
class DerNode:
    """One TLV (tag, length, value) of a DER encoding."""

    offset: int
    """Offset of the tag byte from the start of the parsed bytes."""
    header_length: int
    """Bytes of tag and length."""
    length: int
    """Bytes of the value."""
    tag_class: str
    """universal, application, context or private."""
    constructed: bool
    """True when the value is itself a sequence of TLVs."""
    tag_number: int
    """The tag number within its class."""
    name: str
    """``SEQUENCE``, ``INTEGER``, ``[0]``..."""
    summary: str
    """A short reading of the value (the integer, the OID and its name, the text)."""
    children: tuple[DerNode, ...] = ()
    """Nested TLVs (constructed values and encapsulated DER)."""
    encapsulates: bool = False
    """True when the children were found inside an OCTET/BIT STRING."""

    @property
    def end(self) -> int:
        """Offset just past this node."""
        return self.offset + self.header_length + self.length

    @property
    def value_offset(self) -> int:
        """Offset of the first value byte."""
        return self.offset + self.header_length

    def label(self) -> str:
        """One line for a tree view: name, offset, lengths and summary."""
        text = f"{self.name} @{self.offset} (hdr {self.header_length}, len {self.length})"
        return f"{text} {self.summary}" if self.summary else text


def _summary(cls: int, number: int, value: bytes) -> str:
    if cls != 0:
        return ""
    try:
        if number == 1:
            return "TRUE" if value and value[0] else "FALSE"
        if number in (2, 10):
            n = int.from_bytes(value, "big", signed=True)
            return str(n) if abs(n) < 1 << 64 else f"0x{value.hex()} ({len(value) * 8} bits)"
        if number == 6:
            return oid_name(decode_oid(value), with_dotted=True)
        if number in (12, 18, 19, 20, 22, 26):
            return repr(value.decode("utf-8", errors="replace"))[:80]
        if number == 30:
            return repr(value.decode("utf-16-be", errors="replace"))[:80]
        if number == 23:
            return _time(value, "%y%m%d%H%M%SZ")
        if number == 24:
            return _time(value, "%Y%m%d%H%M%SZ")
        if number == 3:
            unused = value[0] if value else 0
            return f"{max(len(value) - 1, 0) * 8 - unused} bits"
        if number == 4:
            return f"{len(value)} bytes"
    except (InvalidInput, ValueError):
        return "(unreadable)"
    return ""


def _time(value: bytes, fmt: str) -> str:
    text = value.decode("ascii", errors="replace")
    try:
        parsed = dt.datetime.strptime(text, fmt)
    except ValueError:
        return repr(text)
    return parsed.strftime("%Y-%m-%d %H:%M:%S UTC")


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0

    def spend(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InvalidInput(f"more than {MAX_NODES} DER nodes; not shown as a tree")


def _parse_many(data: bytes, start: int, end: int, depth: int, budget: _Budget) -> tuple[DerNode, ...]:
    nodes: list[DerNode] = []
    pos = start
    while pos < end:
        node = _parse_one(data, pos, end, depth, budget)
        nodes.append(node)
        pos = node.end
    return tuple(nodes)


def _try_encapsulated(data: bytes, start: int, end: int, depth: int, budget: _Budget) -> tuple[DerNode, ...]:
    if end - start < 2 or data[start] not in (0x30, 0x31, 0x02, 0x04, 0x03):
        return ()
    try:
        children = _parse_many(data, start, end, depth, budget)
    except InvalidInput:
        return ()
    return children


def _parse_one(data: bytes, offset: int, end: int, depth: int, budget: _Budget) -> DerNode:
    if depth > MAX_DEPTH:
        raise InvalidInput(f"byte {offset}: nested deeper than {MAX_DEPTH} levels")
    budget.spend()
    cls, number, constructed, header, length = read_header(data, offset, end)
    value_start = offset + header
    value_end = value_start + length
    name = UNIVERSAL_TAGS.get(number, f"UNIVERSAL {number}") if cls == 0 else f"[{number}]"
    if cls == 1:
        name = f"[APPLICATION {number}]"
    elif cls == 3:
        name = f"[PRIVATE {number}]"
    children: tuple[DerNode, ...] = ()
    encapsulates = False
    if constructed:
        children = _parse_many(data, value_start, value_end, depth + 1, budget)
        summary = f"{len(children)} item{'s' if len(children) != 1 else ''}"
    else:
        value = data[value_start:value_end]
        summary = _summary(cls, number, value)
        if cls == 0 and number == 4:
            children = _try_encapsulated(data, value_start, value_end, depth + 1, budget)
        elif cls == 0 and number == 3 and length > 1 and data[value_start] == 0:
            children = _try_encapsulated(data, value_start + 1, value_end, depth + 1, budget)
        encapsulates = bool(children)
    return DerNode(
        offset=offset,
        header_length=header,
        length=length,
        tag_class=_CLASSES[cls],
        constructed=constructed,
        tag_number=number,
        name=name,
        summary=summary,
        children=children,
        encapsulates=encapsulates,
    )


def parse_der(data: bytes) -> DerNode:
    """The TLV tree of one DER object.

    Raises:
        InvalidInput: the bytes are not DER (with the byte offset and reason),
            or there are bytes left after the object.
    """
    if not data:
        raise InvalidInput("no bytes to read")
    node = _parse_one(data, 0, len(data), 0, _Budget())
    if node.end != len(data):
        raise InvalidInput(f"byte {node.end}: {len(data) - node.end} bytes follow the DER object")
    return node


def walk(node: DerNode) -> list[DerNode]:
    """Every node of the tree, depth first, the root first."""
    out = [node]
    for child in node.children:
        out.extend(walk(child))
    return out


__all__ = ["MAX_DEPTH", "MAX_NODES", "UNIVERSAL_TAGS", "DerNode", "parse_der", "walk"]

"""The --json writer: long byte strings are spliced in as hex, and what comes out is the document."""

from __future__ import annotations

import io
import json

from tlsexplorer.cli.base import PRETTY_JSON_LIMIT, emit_json


def test_long_byte_strings_come_out_as_the_same_hex() -> None:
    document = {"a": b"\x01" * 5000, "b": [b"\xff" * 10, {"c": bytes(range(256)) * 20, "t": "caf\u00e9"}]}
    out = io.StringIO()
    emit_json(document, out)
    assert json.loads(out.getvalue()) == {
        "a": "01" * 5000, "b": ["ff" * 10, {"c": (bytes(range(256)) * 20).hex(), "t": "caf\u00e9"}],
    }
    assert out.getvalue().startswith('{\n  "a"')  # small: indented for people


def test_a_string_that_looks_like_a_placeholder_is_left_alone() -> None:
    out = io.StringIO()
    emit_json({"t": "\x00tlsx:0\x00", "b": b"\x02" * 5000}, out)
    assert json.loads(out.getvalue()) == {"t": "\x00tlsx:0\x00", "b": "02" * 5000}


def test_a_large_document_is_written_compact_and_still_loads() -> None:
    document = {"records": [b"\xab" * 5000] * (PRETTY_JSON_LIMIT // 5000 + 1)}
    out = io.StringIO()
    emit_json(document, out)
    text = out.getvalue()
    assert "\n  " not in text
    assert json.loads(text)["records"][-1] == "ab" * 5000

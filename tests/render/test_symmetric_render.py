"""Renderables of the Symmetric explorer: what a person reads, and caps on big input."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

from tlsexplorer.core.hazmat.fernet_fixed import encrypt_fixed
from tlsexplorer.core.symmetric import caesar, fernet as fs
from tlsexplorer.render import symmetric as render

KEY = fs.parse_key("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")


def plain(renderable: RenderableType, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def test_key_panel_shows_the_split() -> None:
    text = plain(render.key_panel(KEY))
    assert KEY.signing_key.hex(" ") in text and KEY.encryption_key.hex(" ") in text
    assert "signing key" in text and "encryption key" in text


def test_hex_map_colours_fields_and_caps_rows() -> None:
    token = encrypt_fixed(KEY, b"x" * 100_000, iv=bytes(16), at=0)
    report = fs.explain_token(token, KEY, now=0)
    assert report.decoded is not None
    text = render.hex_map(report.decoded, report.fields, max_rows=10)
    assert text.plain.count("\n") <= 10
    assert "not shown" in text.plain
    styles = {span.style for span in text.spans}
    assert render.FIELD_STYLES["version"] in styles and render.FIELD_STYLES["hmac"] in styles
    # The last row (the HMAC's end) is still shown.
    assert report.decoded[-1:].hex() in text.plain.splitlines()[-1]


def test_hex_map_highlights_the_chosen_byte() -> None:
    token = encrypt_fixed(KEY, b"hi", iv=bytes(16), at=0)
    report = fs.explain_token(token, KEY, now=0)
    assert report.decoded is not None
    text = render.hex_map(report.decoded, report.fields, highlight=30)
    assert any("reverse" in str(span.style) for span in text.spans)


def test_token_report_reads_well() -> None:
    token = encrypt_fixed(KEY, b"hello", iv=bytes(range(16)), at=499162800)
    text = plain(render.token_report(fs.explain_token(token, KEY, ttl=60, now=499162801)))
    assert "VALID" in text and "1985-10-26T08:20:00Z" in text and "Plaintext: hello" in text
    rejected = plain(render.token_report(fs.explain_token(fs.flip_byte(token, 0), KEY, now=0)))
    assert "REJECTED unsupported-version" in rejected
    nokey = plain(render.token_report(fs.explain_token(token, None, now=0)))
    assert "NOT VERIFIED" in nokey and "needs the key" in nokey


def test_describe_bytes_hex_for_binary_and_capped() -> None:
    assert "not UTF-8" in render.describe_bytes(b"\xff\xfe").plain
    long = render.describe_bytes(b"a" * 10_000, limit=100).plain
    assert long.startswith("a" * 100) and "9,900 more bytes" in long
    # A cut inside a multi-byte character still shows text.
    assert render.describe_bytes("é".encode() * 10, limit=5).plain.startswith("éé")


def test_frequency_chart_and_ranking() -> None:
    sentence = "It was the best of times, it was the worst of times, it was the age"
    result = caesar.crack(caesar.encrypt(sentence, 5))
    chart = plain(render.frequency_chart(result))
    assert "a  b  c" in chart and "English" in chart
    ranking = plain(render.crack_ranking(result, top=3))
    assert ranking.count("\n") < 12 and "chi²" in ranking

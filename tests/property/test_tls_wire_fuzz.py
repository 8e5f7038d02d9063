"""The wire parser reads whatever bytes it is given without crashing."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tlsexplorer.core.tls.records import Exchange, Segment, analyse_exchange

segments = st.lists(
    st.tuples(st.sampled_from(["client", "server"]), st.binary(min_size=1, max_size=300)), max_size=6
)


@settings(max_examples=150, deadline=None)
@given(segments, st.binary(max_size=200))
def test_any_bytes_are_analysed_without_error(parts: list[tuple[str, bytes]], hello_tail: bytes) -> None:
    # Start some exchanges like a TLS handshake so the record parser is exercised, not only the fallback.
    chosen = [Segment(d, b) for d, b in parts]  # type: ignore[arg-type]
    tls_like = [Segment("client", b"\x16\x03\x01" + len(hello_tail).to_bytes(2, "big") + hello_tail), *chosen]
    for exchange in (Exchange(tuple(chosen)), Exchange(tuple(tls_like))):
        analysis = analyse_exchange(exchange)
        assert analysis.client_bytes + analysis.server_bytes == sum(len(s.data) for s in exchange.segments)
        for record in analysis.records:
            assert record.length == len(record.fragment)

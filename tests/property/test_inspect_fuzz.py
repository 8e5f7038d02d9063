"""Random and mutated bytes into the loader: only a result (with problems) comes out."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings, strategies as st

from tlsexplorer.core.errors import TlsxError
from tlsexplorer.core.x509.dertree import parse_der
from tlsexplorer.core.x509.loader import LoadResult, load_objects
from tlsexplorer.core.x509.summary import summarize
from tlsexplorer.samples import SAMPLE_NOW, manifest

SEEDS = [s.path.read_bytes() for s in manifest()]
DER_SEED = load_objects(SEEDS[0]).objects[0].der


def check(data: bytes, password: bytes | None = None) -> None:
    result = load_objects(data, "fuzz", password)
    assert isinstance(result, LoadResult)
    for _depth, obj in result.flat():
        if obj.value is not None:
            summarize(obj, SAMPLE_NOW)  # must not raise on whatever was read
    with contextlib.suppress(TlsxError):
        parse_der(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    check(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([*SEEDS, DER_SEED]),
    st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=8),
    st.integers(0, 1 << 16),
    st.booleans(),
)
def test_mutated_samples(seed: bytes, flips: list[tuple[int, int]], cut: int, password: bool) -> None:
    data = bytearray(seed)
    for position, value in flips:
        data[position % len(data)] = value
    data = data[: max(1, cut % (len(data) + 1))]
    check(bytes(data), b"secret_password" if password else None)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SEEDS), st.binary(max_size=64), st.binary(max_size=64))
def test_pem_with_junk_around_blocks(seed: bytes, before: bytes, after: bytes) -> None:
    result = load_objects(before + b"\n" + seed + b"\n" + after, "junk")
    clean = load_objects(seed, "clean")
    # Whatever surrounds the blocks, every block of the clean file is still found.
    assert len(result.objects) >= len(clean.objects) or result.problems

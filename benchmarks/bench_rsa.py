"""rsa: the 4096-bit decryption trace against pow(), and the trace's first page on screen.

1. Building the full square-and-multiply trace of c^d mod n (one row per bit
   of d, every intermediate value kept) for a 4096-bit key, against Python's
   ``pow(c, d, n)`` on the same numbers. Target: at most 10 times slower.
2. Time from asking the RSA screen to work a 4096-bit key until the first
   page of its decryption trace is drawn, headless, against a budget of
   1 second (the ratio is the time in seconds). Target: under 1 s.

The 4096-bit key is generated once, here (never in the tests).
"""

from __future__ import annotations

import asyncio
import time

from cryptography.hazmat.primitives.asymmetric import rsa

from benchmarks.common import Comparison, alternate


def _key() -> tuple[int, int, int, int]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    numbers = key.private_numbers()
    return numbers.p, numbers.q, numbers.public_numbers.e, numbers.d


def _trace_vs_pow(p: int, q: int, e: int, d: int, runs: int) -> Comparison:
    from tlsexplorer.core.rsa.numbers import square_and_multiply

    n = p * q
    c = pow(int.from_bytes(b"hello, RSA", "big"), e, n)

    def ours() -> float:
        start = time.perf_counter()
        trace = square_and_multiply(c, d, n)
        elapsed = time.perf_counter() - start
        assert len(trace.steps) == d.bit_length()
        return elapsed

    def reference() -> float:
        start = time.perf_counter()
        pow(c, d, n)
        return time.perf_counter() - start

    a, b = alternate(ours, reference, runs)
    return Comparison("rsa trace 4096", a, b, "pow(c, d, n) on the same numbers", target=10.0)


async def _first_page(p: int, q: int, e: int) -> float:
    from tlsexplorer.tui.app import TlsExplorerApp
    from tlsexplorer.tui.scenes import settle
    from tlsexplorer.tui.screens.rsa import RsaScreen, TraceView

    app = TlsExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RsaScreen)
        view = screen.query_one(TraceView)
        start = time.perf_counter()
        screen.work_key(p, q, e)
        while view.trace is None or view.rows_drawn == 0:
            await asyncio.sleep(0.002)
        elapsed = time.perf_counter() - start
        assert view.trace is not None and len(view.trace.steps) > 4000
        await app.workers.wait_for_complete()
    return elapsed


def run(runs: int = 5) -> list[Comparison]:
    """Generate a 4096-bit key, then measure both comparisons."""
    p, q, e, d = _key()
    first = _trace_vs_pow(p, q, e, d, runs)
    pages = [asyncio.run(_first_page(p, q, e)) for _ in range(max(3, runs // 2))]
    budget = [1.0] * len(pages)
    second = Comparison("rsa first page 4096", pages, budget, "a 1 s budget (ratio = seconds)", target=1.0)
    return [first, second]

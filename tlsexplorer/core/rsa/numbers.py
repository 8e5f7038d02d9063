"""The arithmetic under RSA, with its work kept: reading big numbers, Miller-Rabin,
the extended Euclid table and square-and-multiply.

Tests cross-check every step against ``pow()`` and :func:`math.gcd`."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from tlsexplorer.core.errors import InvalidInput, UsageError

MAX_BITS = 16384
"""The largest number (p, q, n, e, m) the explorer accepts, in bits."""

SMALL_PRIMES: tuple[int, ...] = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
"""Witnesses that make Miller-Rabin exact below 3.3 * 10^24."""

DETERMINISTIC_LIMIT = 3317044064679887385961981
"""Below this bound the witnesses in :data:`SMALL_PRIMES` decide primality exactly."""

EXTRA_ROUNDS = 8
"""Pseudo-random witnesses added above :data:`DETERMINISTIC_LIMIT` (error below 4^-21)."""

Radix = Literal["dec", "hex"]

Progress = Callable[[str, int, int], None]
"""Long work reports itself: ``progress(what, done, total)`` (``done`` of ``total`` steps of ``what``)."""

Tick = Callable[[int, int], None]
"""One routine's progress: ``tick(done, total)``."""

TRACE_TICK_BITS = 256
""":func:`square_and_multiply` reports progress every this many bits."""


# Parsing --------------------------------------------------------------------


def parse_int(text: str, what: str) -> int:
    """A non-negative integer from user text: decimal, or hex with ``0x``.

    Underscores, spaces and colons between digits are ignored (so a
    colon-separated hex dump pastes as it is).

    Raises:
        UsageError: not a number, negative, or above :data:`MAX_BITS` bits.
    """
    raw = text.strip()
    cleaned = raw.replace("_", "").replace(" ", "")
    if not cleaned:
        raise UsageError(f"{what} is empty; give a whole number such as 61 or 0x3d")
    if cleaned.startswith("-"):
        raise UsageError(f"{what} = {_short(raw)} is negative; give a whole number of 0 or more")
    try:
        if cleaned.lower().startswith("0x"):
            value = int(cleaned[2:].replace(":", ""), 16)
        elif ":" in cleaned:
            value = int(cleaned.replace(":", ""), 16)
        else:
            if not cleaned.isdigit():
                raise ValueError(cleaned)
            if len(cleaned) > MAX_BITS // 3 + 2:
                raise UsageError(f"{what} has {len(cleaned)} digits; the limit is {MAX_BITS} bits "
                                 f"(about {int(MAX_BITS * 0.30103) + 1} digits)")
            value = int_from_decimal(cleaned)
    except ValueError:
        raise UsageError(
            f"{what} = {_short(raw)} is not a whole number (use decimal digits, or hex with 0x)"
        ) from None
    check_size(value, what)
    return value


def check_size(value: int, what: str) -> None:
    """Refuse numbers above :data:`MAX_BITS` bits (and negative ones).

    Raises:
        UsageError: with the limit.
    """
    if value < 0:
        raise UsageError(f"{what} is negative; give a whole number of 0 or more")
    if value.bit_length() > MAX_BITS:
        raise UsageError(
            f"{what} has {value.bit_length()} bits; the limit is {MAX_BITS} bits"
        )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CHUNK = 10**1000


def decimal(value: int) -> str:
    """``str(value)`` without Python's 4300-digit conversion limit (16384 bits is 4933 digits)."""
    if value < 0:
        return "-" + decimal(-value)
    if value < _CHUNK:
        return str(value)
    parts: list[str] = []
    while value >= _CHUNK:
        value, rest = divmod(value, _CHUNK)
        parts.append(str(rest).zfill(1000))
    parts.append(str(value))
    return "".join(reversed(parts))


def int_from_decimal(digits: str) -> int:
    """``int(digits)`` without Python's 4300-digit conversion limit."""
    value = 0
    for start in range(0, len(digits), 1000):
        chunk = digits[start : start + 1000]
        value = value * 10 ** len(chunk) + int(chunk, 10)
    return value


def short(value: int, limit: int = 40) -> str:
    """A number for a message: whole when short, else ``head…tail (N digits)``."""
    text = decimal(value)
    if len(text) <= limit:
        return text
    keep = (limit - 2) // 2
    return f"{text[:keep]}…{text[-keep:]} ({len(text)} digits)"


# Primality --------------------------------------------------------------------


@dataclass(frozen=True)
class WitnessRound:
    """One Miller-Rabin round: is ``witness`` a witness that n is composite?"""

    witness: int
    """The base a."""
    sequence: tuple[int, ...]
    """a^d, a^2d, a^4d ... mod n (as far as the round needed)."""
    passed: bool
    """True when the round says "probably prime" (a is no witness)."""
    factor: int | None = None
    """A factor found when a non-trivial square root of 1 appeared."""


@dataclass(frozen=True)
class PrimalityResult:
    """Whether a number is prime, and the evidence."""

    n: int
    """The number tested."""
    is_prime: bool
    """The verdict."""
    s: int
    """n - 1 = 2^s * d."""
    d: int
    """The odd part of n - 1."""
    rounds: tuple[WitnessRound, ...]
    """The Miller-Rabin rounds run, in order (stops at the first witness)."""
    factor: int | None
    """A non-trivial factor, when one was found for a composite."""
    exact: bool
    """True when the verdict is certain (small n, or composite)."""
    reason: str
    """One sentence saying how the verdict was reached."""


def _derived_witnesses(n: int, count: int) -> list[int]:
    """Witnesses 2 <= a <= n-2 derived from n (deterministic, spread out)."""
    out: list[int] = []
    seed = n.to_bytes((n.bit_length() + 7) // 8 or 1, "big")
    counter = 0
    while len(out) < count:
        digest = hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
        value = int.from_bytes(digest * ((n.bit_length() // 256) + 1), "big") % (n - 3) + 2
        out.append(value)
    return out


def miller_rabin(
    n: int, witnesses: Sequence[int] | None = None, *, find_factor: bool = True, tick: Tick | None = None
) -> PrimalityResult:
    """Test ``n`` with Miller-Rabin, keeping every round.

    Below :data:`DETERMINISTIC_LIMIT` the first 13 primes as witnesses give an
    exact answer; above it, :data:`EXTRA_ROUNDS` more witnesses derived from
    n make an error less likely than 4^-21. A composite gets a factor when
    one is cheap to find (a small divisor, a non-trivial square root of 1, or
    Pollard's rho within a short budget); ``find_factor=False`` skips the search.
    ``tick(done, total)`` is called before each round and once at the end.
    """
    if n < 2:
        return PrimalityResult(n, False, 0, 0, (), None, True, "below 2, so not prime")
    for small in SMALL_PRIMES:
        if n == small:
            return PrimalityResult(n, True, 0, 0, (), None, True, "a small prime")
        if n % small == 0:
            return PrimalityResult(
                n, False, 0, 0, (), small, True, f"divisible by {small}, so not prime"
            )
    d = n - 1
    s = 0
    while d % 2 == 0:
        d //= 2
        s += 1
    if witnesses is None:
        chosen = [a for a in SMALL_PRIMES if a < n - 1]
        exact = n < DETERMINISTIC_LIMIT
        if not exact:
            chosen += _derived_witnesses(n, EXTRA_ROUNDS)
    else:
        chosen = list(witnesses)
        exact = False
    rounds: list[WitnessRound] = []
    for a in chosen:
        if tick is not None:
            tick(len(rounds), len(chosen))
        x = pow(a, d, n)
        seq = [x]
        if x in (1, n - 1):
            rounds.append(WitnessRound(a, tuple(seq), True))
            continue
        passed = False
        root_factor: int | None = None
        for _ in range(s - 1):
            y = x * x % n
            seq.append(y)
            if y == n - 1:
                passed = True
                break
            if y == 1:
                # x is a square root of 1 other than ±1: gcd(x - 1, n) splits n.
                root_factor = math.gcd(x - 1, n)
                break
            x = y
        rounds.append(WitnessRound(a, tuple(seq), passed, root_factor))
        if not passed:
            if root_factor and 1 < root_factor < n:
                factor: int | None = root_factor
            else:
                factor = find_small_factor(n) if find_factor else None
            how = f"witness {a} proves it composite"
            if factor:
                how += f"; it has the factor {short(factor)}"
            else:
                how += " (no small factor found quickly; the witness is the proof)"
            return PrimalityResult(n, False, s, d, tuple(rounds), factor, True, how)
    if tick is not None:
        tick(len(chosen), len(chosen))
    if exact:
        reason = f"no witness among {len(rounds)} bases; below 3.3·10^24 that proves it prime"
    else:
        reason = f"probably prime: {len(rounds)} Miller-Rabin rounds passed (error below 4^-{len(rounds)})"
    return PrimalityResult(n, True, s, d, tuple(rounds), None, exact, reason)


def is_probable_prime(n: int) -> bool:
    """Miller-Rabin's verdict, without the evidence (and without looking for a factor)."""
    return miller_rabin(n, find_factor=False).is_prime


def find_small_factor(n: int, *, trial_limit: int = 100_000, budget_seconds: float = 0.2) -> int | None:
    """A non-trivial factor of composite ``n`` if one is cheap to find, else None.

    Trial division up to ``trial_limit``, then Pollard's rho (Brent's
    variant) until ``budget_seconds`` have passed.
    """
    factor, _method, _iterations = factor_with_budget(
        n, trial_limit=trial_limit, budget_seconds=budget_seconds
    )
    return factor


def factor_with_budget(
    n: int, *, trial_limit: int = 100_000, budget_seconds: float = 0.2
) -> tuple[int | None, str, int]:
    """Find a factor of ``n``: (factor or None, method used, iterations spent)."""
    if n % 2 == 0 and n > 2:
        return 2, "trial division", 1
    deadline = time.perf_counter() + budget_seconds
    limit = min(trial_limit, math.isqrt(n))
    i = 3
    while i <= limit:
        if n % i == 0:
            return i, "trial division", i // 2
        i += 2
        if i % 8192 == 1 and time.perf_counter() > deadline:
            return None, "trial division (gave up)", i // 2
    if n < (trial_limit + 1) ** 2:
        return None, "trial division", limit // 2
    iterations = 0
    for c in range(1, 50):
        y, r, q, g = 2, 1, 1, 1
        x = ys = 2
        while g == 1:
            x = y
            for i in range(r):
                y = (y * y + c) % n
                if i % 1024 == 1023 and time.perf_counter() > deadline:
                    return None, "Pollard's rho (gave up)", iterations
            k = 0
            while k < r and g == 1:
                ys = y
                for _ in range(min(128, r - k)):
                    y = (y * y + c) % n
                    q = q * abs(x - y) % n
                iterations += min(128, r - k)
                g = math.gcd(q, n)
                k += 128
                if time.perf_counter() > deadline:
                    return None, "Pollard's rho (gave up)", iterations
            r *= 2
        if g == n:
            g = 1
            while g == 1:
                ys = (ys * ys + c) % n
                g = math.gcd(abs(x - ys), n)
        if 1 < g < n:
            return g, "Pollard's rho", iterations
    return None, "Pollard's rho (gave up)", iterations


# Extended Euclid ---------------------------------------------------------------


@dataclass(frozen=True)
class EuclidRow:
    """One row of the extended Euclidean table: remainder = s·a + t·b."""

    quotient: int | None
    """q_i = r_(i-2) // r_(i-1) (None on the two starting rows)."""
    remainder: int
    """r_i."""
    s: int
    """Coefficient of a."""
    t: int
    """Coefficient of b."""


@dataclass(frozen=True)
class EuclidTable:
    """The extended Euclidean algorithm on (a, b), row by row."""

    a: int
    """The first number (phi or lambda)."""
    b: int
    """The second number (e)."""
    rows: tuple[EuclidRow, ...]
    """From (a, 1, 0) and (b, 0, 1) down to the remainder 0."""
    gcd: int
    """The last non-zero remainder."""
    inverse: int | None
    """b^-1 mod a when gcd is 1 (t of the gcd row, reduced into 0..a-1)."""


def extended_euclid(a: int, b: int) -> EuclidTable:
    """The full extended Euclid table of ``a`` and ``b`` (a > 0, b >= 0)."""
    rows = [EuclidRow(None, a, 1, 0), EuclidRow(None, b, 0, 1)]
    r0, r1, s0, s1, t0, t1 = a, b, 1, 0, 0, 1
    while r1 != 0:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
        t0, t1 = t1, t0 - q * t1
        rows.append(EuclidRow(q, r1, s1, t1))
    inverse = t0 % a if r0 == 1 else None
    return EuclidTable(a, b, tuple(rows), r0, inverse)


def totient(p: int, q: int) -> int:
    """Euler's phi of n = p·q for primes p and q: (p - 1)(q - 1)."""
    return (p - 1) * (q - 1)


def modinv(value: int, modulus: int) -> int:
    """value^-1 mod modulus by the extended Euclidean algorithm.

    Raises:
        InvalidInput: the two are not coprime (with their gcd).
    """
    table = extended_euclid(modulus, value % modulus)
    if table.inverse is None:
        raise InvalidInput(f"{short(value)} has no inverse mod {short(modulus)}: gcd = {short(table.gcd)}")
    return table.inverse


# Square and multiply ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModexpStep:
    """One exponent bit of left-to-right square-and-multiply."""

    position: int
    """Bit position (the highest first)."""
    bit: int
    """The exponent bit, 0 or 1."""
    squared: int
    """The running value squared mod n."""
    multiplied: bool
    """True when the bit is 1 and the square was multiplied by the base."""
    value: int
    """The running value after this bit."""


@dataclass(frozen=True)
class ModexpTrace:
    """base^exponent mod modulus, one row per exponent bit."""

    base: int
    """The number raised."""
    exponent: int
    """The exponent."""
    modulus: int
    """The modulus."""
    steps: tuple[ModexpStep, ...]
    """One row per bit, from the highest."""
    result: int
    """The final value."""

    @property
    def squarings(self) -> int:
        """How many modular squarings were done."""
        return len(self.steps)

    @property
    def multiplications(self) -> int:
        """How many modular multiplications by the base were done."""
        return sum(1 for step in self.steps if step.multiplied)


def square_and_multiply(base: int, exponent: int, modulus: int, tick: Tick | None = None) -> ModexpTrace:
    """Compute base^exponent mod modulus bit by bit and keep every row.

    Start at 1; for each bit from the highest: square; if the bit is 1,
    multiply by the base. ``pow()`` does the same (with windows), faster.
    ``tick(bits done, bits)`` is called every :data:`TRACE_TICK_BITS` bits and at the end.
    """
    if modulus < 1:
        raise UsageError("the modulus must be at least 1")
    if exponent < 0:
        raise UsageError("the exponent must not be negative")
    b = base % modulus
    value = 1 % modulus
    steps: list[ModexpStep] = []
    append = steps.append
    top = exponent.bit_length() - 1
    for position in range(top, -1, -1):
        if tick is not None and not position % TRACE_TICK_BITS:
            tick(top - position, top + 1)
        squared = value * value % modulus
        if (exponent >> position) & 1:
            value = squared * b % modulus
            append(ModexpStep(position, 1, squared, True, value))
        else:
            value = squared
            append(ModexpStep(position, 0, squared, False, value))
    if tick is not None:
        tick(top + 1, top + 1)
    return ModexpTrace(base, exponent, modulus, tuple(steps), value)


__all__ = [
    "MAX_BITS",
    "TRACE_TICK_BITS",
    "EuclidRow",
    "EuclidTable",
    "ModexpStep",
    "ModexpTrace",
    "PrimalityResult",
    "Progress",
    "Radix",
    "Tick",
    "WitnessRound",
    "check_size",
    "decimal",
    "extended_euclid",
    "factor_with_budget",
    "find_small_factor",
    "int_from_decimal",
    "is_probable_prime",
    "miller_rabin",
    "modinv",
    "parse_int",
    "short",
    "square_and_multiply",
    "totient",
]

"""RSA arithmetic by hand: every step of the textbook computation, kept.

From two primes to a signature, each step returns its numbers *and* the work
behind them (Miller-Rabin witnesses, the extended Euclid table, one row per
exponent bit of square-and-multiply, the CRT recombination) so a person can
walk through it. The same functions describe real keys (their identities)
and real certificate signatures (the recovered PKCS#1 v1.5 block).

Nothing here is a way to encrypt anything for real: the raw operations m^e
mod n without padding live in :mod:`tlsexplorer.core.hazmat.textbook_rsa`,
which says why they are unsafe. Tests cross-check every step against
``pow()``, :func:`math.gcd` and cryptography's ``rsa_crt_*`` helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tlsexplorer.core.errors import InvalidInput, UsageError

if TYPE_CHECKING:  # cryptography is imported where it is used, to keep the toy arithmetic light
    from cryptography import x509

MAX_BITS = 16384
"""The largest number (p, q, n, e, m) the explorer accepts, in bits."""

SMALL_PRIMES: tuple[int, ...] = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
"""Witnesses that make Miller-Rabin exact below 3.3 * 10^24."""

DETERMINISTIC_LIMIT = 3317044064679887385961981
"""Below this bound the witnesses in :data:`SMALL_PRIMES` decide primality exactly."""

EXTRA_ROUNDS = 8
"""Pseudo-random witnesses added above :data:`DETERMINISTIC_LIMIT` (error below 4^-21)."""

Radix = Literal["dec", "hex"]


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
        raise UsageError(f"{what} = {_short(raw)} is negative; RSA works with positive whole numbers")
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
        raise UsageError(f"{what} is negative; RSA works with positive whole numbers")
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
    n: int, witnesses: Sequence[int] | None = None, *, find_factor: bool = True
) -> PrimalityResult:
    """Test ``n`` with Miller-Rabin, keeping every round.

    Below :data:`DETERMINISTIC_LIMIT` the first 13 primes as witnesses give an
    exact answer; above it, :data:`EXTRA_ROUNDS` more witnesses derived from
    n make an error less likely than 4^-21. A composite gets a factor when
    one is cheap to find (a small divisor, a non-trivial square root of 1, or
    Pollard's rho within a short budget); ``find_factor=False`` skips the search.
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


def square_and_multiply(base: int, exponent: int, modulus: int) -> ModexpTrace:
    """Compute base^exponent mod modulus bit by bit and keep every row.

    Start at 1; for each bit from the highest: square; if the bit is 1,
    multiply by the base. ``pow()`` does the same (with windows), faster.
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
        squared = value * value % modulus
        if (exponent >> position) & 1:
            value = squared * b % modulus
            append(ModexpStep(position, 1, squared, True, value))
        else:
            value = squared
            append(ModexpStep(position, 0, squared, False, value))
    return ModexpTrace(base, exponent, modulus, tuple(steps), value)


# The worked example ----------------------------------------------------------------


@dataclass(frozen=True)
class CrtDecryption:
    """Decryption with the Chinese remainder theorem (what real RSA does)."""

    dp: int
    """d mod (p - 1)."""
    dq: int
    """d mod (q - 1)."""
    qinv: int
    """q^-1 mod p."""
    m1: int
    """c^dP mod p."""
    m2: int
    """c^dQ mod q."""
    h: int
    """qInv · (m1 - m2) mod p."""
    message: int
    """m2 + h · q, the message."""
    trace_p: ModexpTrace
    """c^dP mod p bit by bit."""
    trace_q: ModexpTrace
    """c^dQ mod q bit by bit."""
    speedup: float
    """Estimated work of the full c^d mod n over the two half-size ones."""


@dataclass(frozen=True)
class WorkedStep:
    """One row of the worked example as the screen walks through it."""

    key: str
    """Short id (``n``, ``phi``, ``encrypt``...)."""
    title: str
    """What the step is."""
    formula: str
    """The formula, symbolic (``c = m^e mod n``)."""
    terms: tuple[tuple[str, int], ...]
    """The numbers the step uses or makes, labelled."""
    value: int
    """The step's result."""
    explanation: str
    """Why the step is done and what to notice."""


@dataclass(frozen=True)
class RsaWorkbook:
    """Textbook RSA from p and q, every step kept."""

    p: int
    """The first prime."""
    q: int
    """The second prime."""
    p_check: PrimalityResult
    """Why p is prime."""
    q_check: PrimalityResult
    """Why q is prime."""
    n: int
    """p · q, the modulus."""
    phi: int
    """(p - 1)(q - 1)."""
    lam: int
    """lcm(p - 1, q - 1), Carmichael's lambda."""
    e: int
    """The public exponent."""
    e_rule: str
    """Which rule chose e."""
    euclid: EuclidTable
    """Extended Euclid on (phi, e): gcd 1 and d."""
    d: int
    """e^-1 mod phi."""
    d_lambda: int
    """e^-1 mod lambda (the smaller d real keys use)."""
    message: int
    """m, the message as an integer."""
    message_bytes: bytes | None
    """The text's bytes when the message came from text (big endian)."""
    encrypt: ModexpTrace
    """c = m^e mod n."""
    decrypt: ModexpTrace
    """m = c^d mod n."""
    crt: CrtDecryption
    """m again, with the CRT."""
    signature: int
    """s = m^d mod n."""
    verified: int
    """s^e mod n (equals m)."""
    notes: tuple[str, ...] = field(default=())
    """Remarks on the input (tiny n, trivial messages...)."""

    @property
    def ciphertext(self) -> int:
        """c."""
        return self.encrypt.result

    @property
    def decrypted(self) -> int:
        """c^d mod n."""
        return self.decrypt.result

    @property
    def bits(self) -> int:
        """Size of n in bits."""
        return self.n.bit_length()


PRESETS: dict[str, tuple[int, int, int, int]] = {
    "wikipedia": (61, 53, 17, 65),
    "tiny": (11, 13, 7, 9),
}
"""Named worked examples: (p, q, e, m)."""

DEFAULT_E = 65537


def choose_e(phi: int) -> tuple[int, str]:
    """65537 when it fits, otherwise the smallest valid e, and the rule used.

    Raises:
        InvalidInput: phi is too small for any e (p and q of 2 and 3).
    """
    if phi > DEFAULT_E and math.gcd(DEFAULT_E, phi) == 1:
        return DEFAULT_E, (
            "65537 (2^16 + 1), the standard choice: prime, and only two 1-bits so encrypting is fast"
        )
    why = (
        f"65537 is not below phi = {short(phi)}"
        if phi <= DEFAULT_E
        else f"gcd(65537, phi) = {math.gcd(DEFAULT_E, phi)}"
    )
    for e in range(3, phi):
        if math.gcd(e, phi) == 1:
            return e, f"{why}, so the smallest e with 1 < e < phi and gcd(e, phi) = 1"
    raise InvalidInput(
        f"phi = {short(phi)} is too small: no e with 1 < e < phi is coprime to it; use bigger primes"
    )


def check_e(e: int, phi: int) -> None:
    """Refuse an e that is out of range or shares a factor with phi.

    Raises:
        InvalidInput: with the rule broken (and the gcd).
    """
    if not 1 < e < phi:
        raise InvalidInput(f"e = {short(e)} must satisfy 1 < e < phi = {short(phi)}")
    g = math.gcd(e, phi)
    if g != 1:
        raise InvalidInput(
            f"e = {short(e)} is not coprime to phi = {short(phi)}: gcd(e, phi) = {short(g)}, "
            "so e has no inverse d; pick an e sharing no factor with phi"
        )


def text_to_int(text: str) -> tuple[int, bytes]:
    """The UTF-8 bytes of ``text`` read as one big-endian integer."""
    data = text.encode("utf-8")
    return int.from_bytes(data, "big"), data


def check_prime(value: int, name: str) -> PrimalityResult:
    """Miller-Rabin on ``value``.

    Raises:
        InvalidInput: not prime, naming a factor when one was found.
    """
    result = miller_rabin(value)
    if not result.is_prime:
        if result.factor:
            raise InvalidInput(
                f"{name} = {short(value)} is not prime: it is {short(result.factor)} · "
                f"{short(value // result.factor)}"
            )
        raise InvalidInput(f"{name} = {short(value)} is not prime ({result.reason})")
    return result


def crt_decrypt(c: int, d: int, p: int, q: int) -> CrtDecryption:
    """m = c^d mod pq computed with two half-size exponentiations."""
    dp = d % (p - 1)
    dq = d % (q - 1)
    qinv = modinv(q, p)
    trace_p = square_and_multiply(c % p, dp, p)
    trace_q = square_and_multiply(c % q, dq, q)
    m1, m2 = trace_p.result, trace_q.result
    h = qinv * (m1 - m2) % p
    message = m2 + h * q
    # Schoolbook cost: bits of exponent times (bits of modulus)^2, each side.
    n_bits = (p * q).bit_length()
    full = d.bit_length() * n_bits**2
    split = dp.bit_length() * p.bit_length() ** 2 + dq.bit_length() * q.bit_length() ** 2
    speedup = full / split if split else 1.0
    return CrtDecryption(dp, dq, qinv, m1, m2, h, message, trace_p, trace_q, speedup)


def build_workbook(
    p: int,
    q: int,
    e: int | None = None,
    *,
    message: int | None = None,
    text: str | None = None,
    check_primes: bool = True,
) -> RsaWorkbook:
    """Every step of textbook RSA for p, q, e and a message.

    Args:
        p, q: two different primes.
        e: the public exponent (None: 65537 when it fits, else the smallest).
        message: the message as an integer, or
        text: a text whose UTF-8 bytes become the integer.
        check_primes: False skips nothing visible; it is kept for callers
            that already proved p and q prime (a loaded key).

    Raises:
        UsageError: a number above the size limit, or both message and text.
        InvalidInput: p or q not prime (with a factor), p == q, a bad e
            (with the gcd), m >= n.
    """
    for name, value in (("p", p), ("q", q)):
        check_size(value, name)
    if e is not None:
        check_size(e, "e")
    if message is not None and text is not None:
        raise UsageError("give the message as a number or as text, not both")
    p_check = check_prime(p, "p") if check_primes else miller_rabin(p)
    q_check = check_prime(q, "q") if check_primes else miller_rabin(q)
    if p == q:
        raise InvalidInput(
            f"p and q are both {short(p)}: they must differ (with p = q, phi is not (p-1)(q-1) and n = p² "
            "is factored by a square root)"
        )
    n = p * q
    check_size(n, "n = p·q")
    phi = (p - 1) * (q - 1)
    lam = phi // math.gcd(p - 1, q - 1)
    if e is None:
        e, e_rule = choose_e(phi)
    else:
        check_e(e, phi)
        e_rule = "given"
    euclid = extended_euclid(phi, e)
    assert euclid.inverse is not None
    d = euclid.inverse
    d_lambda = d % lam
    notes: list[str] = []
    message_bytes: bytes | None = None
    if text is not None:
        m, message_bytes = text_to_int(text)
    elif message is not None:
        m = message
    else:
        m = 65 if n > 65 else 2
        notes.append(f"no message given: m = {m}")
    check_size(m, "the message")
    if m >= n:
        fit = (n.bit_length() - 1) // 8
        room = "no text fits under an n this small" if fit == 0 else (
            "1 byte of text fits" if fit == 1 else f"at most {fit} bytes of text fit"
        )
        raise InvalidInput(
            f"the message m = {short(m)} is not below n = {short(n)}: "
            f"m mod n would decrypt to a different number; use a smaller m, a shorter text "
            f"({room}) or bigger primes"
        )
    if m in (0, 1, n - 1):
        notes.append(f"m = {short(m)} is a fixed point: m^e mod n = m for every e")
    encrypt = square_and_multiply(m, e, n)
    c = encrypt.result
    decrypt = square_and_multiply(c, d, n)
    crt = crt_decrypt(c, d, p, q)
    signature = pow(m, d, n)
    verified = pow(signature, e, n)
    return RsaWorkbook(
        p, q, p_check, q_check, n, phi, lam, e, e_rule, euclid, d, d_lambda, m, message_bytes,
        encrypt, decrypt, crt, signature, verified, tuple(notes),
    )


def preset_workbook(name: str) -> RsaWorkbook:
    """The worked example of a named preset.

    Raises:
        UsageError: no such preset (the known names are listed).
    """
    try:
        p, q, e, m = PRESETS[name]
    except KeyError:
        raise UsageError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}") from None
    return build_workbook(p, q, e, message=m)


def worked_steps(book: RsaWorkbook) -> tuple[WorkedStep, ...]:
    """The worked example as rows to walk through, each with its explanation.

    Formulas are symbolic; the numbers they use are in ``terms`` so a front
    end can show them in hex or decimal, whole or abbreviated.
    """
    p, q, n, e, d, m = book.p, book.q, book.n, book.e, book.d, book.message
    c = book.ciphertext
    crt = book.crt
    msg_note = (
        f"The text's {len(book.message_bytes)} UTF-8 bytes read as one big-endian number. "
        if book.message_bytes is not None
        else ""
    )
    return (
        WorkedStep("p", "choose a prime p", f"p is prime ({p.bit_length()} bits)", (("p", p),), p,
                   f"{book.p_check.reason}. RSA's security rests on n = p·q being hard to factor, "
                   "so real p and q are random primes of 1024 bits or more."),
        WorkedStep("q", "choose a prime q ≠ p", f"q is prime ({q.bit_length()} bits), q ≠ p",
                   (("q", q),), q,
                   f"{book.q_check.reason}. q must differ from p, and be about the same size."),
        WorkedStep("n", "modulus n = p·q", "n = p · q", (("p", p), ("q", q), ("n", n)), n,
                   f"n is public and has {n.bit_length()} bits: that is the key size. Anyone who "
                   "factors n back into p and q can compute the private key."),
        WorkedStep("phi", "phi(n) = (p-1)(q-1)", "phi = (p - 1) · (q - 1)",
                   (("p - 1", p - 1), ("q - 1", q - 1), ("phi", book.phi)), book.phi,
                   "Euler's phi counts the numbers below n coprime to n. By Euler's theorem "
                   "m^phi = 1 (mod n), which is why e and d undo each other. Only who knows p and q "
                   "can compute it."),
        WorkedStep("lambda", "lambda(n) = lcm(p-1, q-1)",
                   "lambda = lcm(p - 1, q - 1) = phi / gcd(p - 1, q - 1)",
                   (("gcd(p-1, q-1)", math.gcd(p - 1, q - 1)), ("lambda", book.lam)), book.lam,
                   "Carmichael's lambda divides phi and also satisfies m^lambda = 1 (mod n), so a d "
                   "modulo lambda works as well and can be smaller. Real keys (FIPS 186) use it."),
        WorkedStep("e", "public exponent e", "1 < e < phi and gcd(e, phi) = 1",
                   (("e", e), ("gcd(e, phi)", book.euclid.gcd)), e,
                   f"Rule: {book.e_rule}. e must share no factor with phi, otherwise it has no "
                   "inverse. The Euclid table below checks the gcd."),
        WorkedStep("d", "private exponent d = e^-1 mod phi", "d = e^-1 mod phi; check e·d mod phi = 1",
                   (("d", d), ("e·d mod phi", e * d % book.phi)), d,
                   f"The extended Euclidean algorithm on (phi, e) takes {len(book.euclid.rows) - 2} "
                   "divisions; each row keeps remainder = s·phi + t·e, and t on the gcd-1 row is the "
                   "inverse (reduced mod phi)."),
        WorkedStep("d_lambda", "smaller d = e^-1 mod lambda", "d_lambda = d mod lambda",
                   (("d_lambda", book.d_lambda), ("e·d_lambda mod lambda", e * book.d_lambda % book.lam)),
                   book.d_lambda,
                   "Either d decrypts: they differ by a multiple of lambda, and m^lambda = 1 mod n."),
        WorkedStep("m", "the message m < n", "0 <= m < n", (("m", m),), m,
                   f"{msg_note}Textbook RSA works on a number below n. Real RSA first pads it "
                   "(OAEP); the attacks section shows why."),
        WorkedStep("encrypt", "encrypt c = m^e mod n", "c = m^e mod n", (("m", m), ("e", e), ("c", c)), c,
                   f"Square-and-multiply: {book.encrypt.squarings} squarings and "
                   f"{book.encrypt.multiplications} multiplications, one row per bit of e."),
        WorkedStep("decrypt", "decrypt m = c^d mod n", "m = c^d mod n",
                   (("c", c), ("d", d), ("m", book.decrypted)), book.decrypted,
                   f"The same algorithm with d: {book.decrypt.squarings} squarings and "
                   f"{book.decrypt.multiplications} multiplications. It gives m back because "
                   "e·d = 1 mod lambda."),
        WorkedStep("crt_values", "CRT values dP, dQ, qInv",
                   "dP = d mod (p-1), dQ = d mod (q-1), qInv = q^-1 mod p",
                   (("dP", crt.dp), ("dQ", crt.dq), ("qInv", crt.qinv)), crt.qinv,
                   "Stored in every private key file so decryption can work modulo p and q separately."),
        WorkedStep("crt", "decrypt with the CRT",
                   "m1 = c^dP mod p, m2 = c^dQ mod q, h = qInv·(m1-m2) mod p, m = m2 + h·q",
                   (("m1", crt.m1), ("m2", crt.m2), ("h", crt.h), ("m", crt.message)), crt.message,
                   f"Two exponentiations with half-size exponents modulo half-size numbers: about "
                   f"{crt.speedup:.1f} times less work than c^d mod n (schoolbook estimate)."),
        WorkedStep("sign", "sign s = m^d mod n", "s = m^d mod n", (("s", book.signature),), book.signature,
                   "Signing uses the private exponent on the message (real signatures sign a padded "
                   "hash of it, PKCS#1 v1.5 or PSS)."),
        WorkedStep("verify", "verify s^e mod n = m",
                   "s^e mod n = m " + ("✓" if book.verified == m else "✗ (differs)"),
                   (("s^e mod n", book.verified), ("m", m)), book.verified,
                   "Anyone with the public key (n, e) can check that only the holder of d made s."),
    )


# Real keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """One identity a valid RSA key satisfies, checked."""

    name: str
    """Short name (``p·q = n``)."""
    ok: bool
    """Whether it holds."""
    detail: str
    """What was computed."""


@dataclass(frozen=True)
class KeyIdentities:
    """The numbers of a real RSA key and the identities between them."""

    kind: Literal["private", "public"]
    """A private key has every number; a public key only n and e."""
    bits: int
    """Size of n."""
    n: int
    """The modulus."""
    e: int
    """The public exponent."""
    p: int | None
    """First prime (private keys)."""
    q: int | None
    """Second prime (private keys)."""
    d: int | None
    """Private exponent."""
    dp: int | None
    """d mod (p-1) as stored."""
    dq: int | None
    """d mod (q-1) as stored."""
    qinv: int | None
    """q^-1 mod p as stored."""
    identities: tuple[Identity, ...]
    """Every identity checked (empty for a public key)."""

    @property
    def ok(self) -> bool:
        """True when every identity holds."""
        return all(item.ok for item in self.identities)


def key_identities(
    n: int,
    e: int,
    p: int | None = None,
    q: int | None = None,
    d: int | None = None,
    dp: int | None = None,
    dq: int | None = None,
    qinv: int | None = None,
) -> KeyIdentities:
    """Check every identity between a key's numbers, by hand.

    Raises:
        InvalidInput: n above :data:`MAX_BITS` bits (the limit is named).
    """
    if n.bit_length() > MAX_BITS:
        raise InvalidInput(f"the key's n has {n.bit_length()} bits; the limit is {MAX_BITS} bits")
    if p is None or q is None or d is None:
        return KeyIdentities("public", n.bit_length(), n, e, None, None, None, None, None, None, ())
    phi = (p - 1) * (q - 1)
    lam = phi // math.gcd(p - 1, q - 1)
    p_check = miller_rabin(p, find_factor=False)
    q_check = miller_rabin(q, find_factor=False)
    items = [
        Identity("p·q = n", p * q == n, f"p·q {'=' if p * q == n else '≠'} n ({n.bit_length()} bits)"),
        Identity("p is prime", p_check.is_prime, p_check.reason),
        Identity("q is prime", q_check.is_prime, q_check.reason),
        Identity("e·d = 1 mod lambda", e * d % lam == 1, f"e·d mod lambda = {short(e * d % lam)}"),
        Identity(
            "e·d mod phi",
            True,
            "e·d mod phi = 1 (d was computed mod phi)"
            if e * d % phi == 1
            else "e·d mod phi ≠ 1: d was computed mod lambda, which is enough (and smaller)",
        ),
        Identity("dP = d mod (p-1)", dp == d % (p - 1), "matches" if dp == d % (p - 1) else "differs"),
        Identity("dQ = d mod (q-1)", dq == d % (q - 1), "matches" if dq == d % (q - 1) else "differs"),
        Identity(
            "qInv·q = 1 mod p",
            qinv is not None and qinv * q % p == 1,
            f"qInv·q mod p = {short((qinv or 0) * q % p)}",
        ),
    ]
    probe = 0x5EED % n
    round_trip = pow(pow(probe, e, n), d, n)
    items.append(
        Identity("(m^e)^d mod n = m", round_trip == probe, f"m = {probe} came back as {short(round_trip)}")
    )
    return KeyIdentities("private", n.bit_length(), n, e, p, q, d, dp, dq, qinv, tuple(items))


def load_rsa_key(data: bytes, password: bytes | None = None, name: str = "the key") -> KeyIdentities:
    """Read an RSA private or public key (PEM or DER) and check its identities.

    A certificate is accepted too: its public key is used.

    Raises:
        PasswordRequired: the key is encrypted and no password was given.
        WrongPassword: the password does not open it.
        InvalidInput: not a key, or not an RSA key (the type is named).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tlsexplorer.core.errors import PasswordRequired, WrongPassword

    pem = b"-----BEGIN " in data
    key: object = None
    errors: list[str] = []
    key = _load_openssh(data, password, name)
    if key is None and pem and b"CERTIFICATE-----" in data and b"PRIVATE KEY-----" not in data:
        try:
            key = x509.load_pem_x509_certificate(data).public_key()
        except ValueError as exc:
            errors.append(str(exc))
    private_loader = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    public_loader = serialization.load_pem_public_key if pem else serialization.load_der_public_key
    if key is None:
        try:
            key = private_loader(data, password)
        except TypeError as exc:
            text = str(exc)
            if "not given" in text or ("encrypted" in text and password is None):
                raise PasswordRequired(f"{name} is encrypted; give its passphrase") from None
            if "not encrypted" in text:
                key = private_loader(data, None)
            else:
                errors.append(text)
        except ValueError as exc:
            text = str(exc)
            if "password" in text.lower() or "decrypt" in text.lower():
                raise WrongPassword(f"the passphrase does not open {name}") from None
            errors.append(text)
    if key is None:
        try:
            key = public_loader(data)
        except ValueError as exc:
            errors.append(str(exc))
    if key is None and not pem:
        with contextlib.suppress(ValueError):
            key = x509.load_der_x509_certificate(data).public_key()
    if key is None:
        raise InvalidInput(f"{name} is not a readable PEM, DER or OpenSSH key or certificate")
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        pub = numbers.public_numbers
        return key_identities(
            pub.n, pub.e, numbers.p, numbers.q, numbers.d, numbers.dmp1, numbers.dmq1, numbers.iqmp
        )
    if isinstance(key, rsa.RSAPublicKey):
        pub = key.public_numbers()
        return key_identities(pub.n, pub.e)
    raise InvalidInput(f"{name} holds an {_key_kind(key)} key, not an RSA key; RSA arithmetic needs RSA")


def _load_openssh(data: bytes, password: bytes | None, name: str) -> object:
    """A key in ssh-keygen's formats (``id_rsa``, ``id_rsa.pub``), or None when ``data`` is not one.

    Raises:
        PasswordRequired: the private key is encrypted and no password was given.
        WrongPassword: the password does not open it.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    from tlsexplorer.core.errors import PasswordRequired, WrongPassword

    text = data.strip()
    if text.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
        try:
            return serialization.load_ssh_private_key(text, password)
        except TypeError as exc:
            if "not encrypted" in str(exc):
                with contextlib.suppress(ValueError, TypeError):
                    return serialization.load_ssh_private_key(text, None)
                return None
            raise PasswordRequired(f"{name} is encrypted; give its passphrase") from None
        except ValueError:
            if password is not None:
                raise WrongPassword(f"the passphrase does not open {name}") from None
            return None
        except UnsupportedAlgorithm:
            return None
    if text.startswith((b"ssh-", b"ecdsa-sha2-")) and b"\n" not in text:
        with contextlib.suppress(ValueError, UnsupportedAlgorithm):
            return serialization.load_ssh_public_key(text)
    return None


def _key_kind(key: object) -> str:
    """A short human name of a key's type."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, x448, x25519

    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return f"elliptic-curve ({key.curve.name})"  # "an elliptic-curve key"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PrivateKey | ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPrivateKey | dsa.DSAPublicKey):
        return "(old) DSA"
    if isinstance(key, x25519.X25519PrivateKey | x25519.X25519PublicKey | x448.X448PrivateKey):
        return "X25519/X448 (key agreement only)"
    return type(key).__name__


# Certificate signatures by hand ----------------------------------------------------

HASH_OIDS: dict[str, tuple[str, int]] = {
    "1.2.840.113549.2.5": ("md5", 16),
    "1.3.14.3.2.26": ("sha1", 20),
    "2.16.840.1.101.3.4.2.4": ("sha224", 28),
    "2.16.840.1.101.3.4.2.1": ("sha256", 32),
    "2.16.840.1.101.3.4.2.2": ("sha384", 48),
    "2.16.840.1.101.3.4.2.3": ("sha512", 64),
    "2.16.840.1.101.3.4.2.5": ("sha512_224", 28),
    "2.16.840.1.101.3.4.2.6": ("sha512_256", 32),
}
"""Digest algorithm OIDs that appear in a PKCS#1 v1.5 DigestInfo."""


@dataclass(frozen=True)
class DigestInfo:
    """The DER structure PKCS#1 v1.5 signs: SEQUENCE { AlgorithmIdentifier, OCTET STRING }."""

    der: bytes
    """Its bytes."""
    hash_oid: str
    """The digest algorithm's OID, dotted."""
    hash_name: str
    """Its name (sha256...), or ``unknown``."""
    digest: bytes
    """The digest it carries."""
    has_null_parameters: bool
    """True when the AlgorithmIdentifier carries NULL parameters (usual)."""


@dataclass(frozen=True)
class Pkcs1Block:
    """The block s^e mod n recovered from a PKCS#1 v1.5 signature, split up."""

    block: bytes
    """All k bytes: 00 01 FF..FF 00 DigestInfo when the signature is good."""
    leading: bytes
    """The first two bytes (must be 00 01)."""
    padding_length: int
    """How many 0xFF bytes follow (at least 8)."""
    separator_ok: bool
    """True when a 00 byte ends the padding."""
    digest_info: DigestInfo | None
    """The parsed DigestInfo (None when the block is malformed)."""
    problem: str | None
    """What is wrong with the block's format, if anything."""


SignatureKind = Literal["pkcs1v15", "pss", "ecdsa", "ed25519", "ed448", "dsa", "unknown"]


@dataclass(frozen=True)
class SignatureCheck:
    """A certificate's signature checked by hand with the issuer's public key."""

    kind: SignatureKind
    """Which signature scheme the certificate uses."""
    algorithm: str
    """The signature algorithm's name (``sha256WithRSAEncryption``)."""
    algorithm_oid: str
    """Its OID, dotted."""
    hash_name: str | None
    """The hash the certificate declares (sha256...), None for Ed25519."""
    subject: str
    """The certificate's subject (RFC 4514)."""
    issuer: str
    """The issuer certificate's subject (RFC 4514)."""
    issuer_key: str
    """The issuer's key type (``RSA 2048``, ``elliptic-curve (secp256r1)``)."""
    n: int | None
    """The issuer's modulus (RSA)."""
    e: int | None
    """The issuer's public exponent (RSA)."""
    signature: bytes
    """The signature bytes from the certificate."""
    s: int | None
    """The signature as an integer (RSA)."""
    recovered: int | None
    """s^e mod n (RSA)."""
    block: Pkcs1Block | None
    """The recovered block split up (PKCS#1 v1.5 and PSS give the bytes)."""
    tbs_digest: bytes | None
    """The hash of the to-be-signed bytes, computed here."""
    tbs_length: int
    """Length of the to-be-signed bytes."""
    by_hand: bool | None
    """Whether the hand check matched (None: not checked by hand)."""
    library: bool
    """Whether cryptography's verification accepts the signature."""
    explanation: str
    """What was done, or what would differ for a non-PKCS#1 v1.5 signature."""

    @property
    def valid(self) -> bool:
        """The verdict: the hand check when there is one, else the library's."""
        return self.by_hand if self.by_hand is not None else self.library


def _der_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at ``offset``."""
    if offset + 2 > len(data):
        raise ValueError("truncated")
    tag = data[offset]
    length = data[offset + 1]
    pos = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated")
    return tag, pos, pos + length


def _decode_oid(body: bytes) -> str:
    parts: list[int] = []
    value = 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    if not parts:
        raise ValueError("empty OID")
    first = parts[0]
    head = [0, first] if first < 40 else ([1, first - 40] if first < 80 else [2, first - 80])
    return ".".join(str(x) for x in head + parts[1:])


def parse_digest_info(der: bytes) -> DigestInfo:
    """Parse a DigestInfo by hand.

    Raises:
        InvalidInput: the bytes are not a DigestInfo.
    """
    try:
        tag, start, end = _der_tlv(der, 0)
        if tag != 0x30 or end != len(der):
            raise ValueError("not one SEQUENCE")
        tag, a_start, a_end = _der_tlv(der, start)
        if tag != 0x30:
            raise ValueError("no AlgorithmIdentifier")
        tag, o_start, o_end = _der_tlv(der, a_start)
        if tag != 0x06:
            raise ValueError("no OID")
        oid = _decode_oid(der[o_start:o_end])
        has_null = False
        if o_end < a_end:
            tag, n_start, n_end = _der_tlv(der, o_end)
            has_null = tag == 0x05 and n_start == n_end
        tag, d_start, d_end = _der_tlv(der, a_end)
        if tag != 0x04 or d_end != end:
            raise ValueError("no digest OCTET STRING")
    except (ValueError, IndexError) as exc:
        raise InvalidInput(f"not a DigestInfo ({exc})") from None
    name = HASH_OIDS.get(oid, ("unknown", 0))[0]
    return DigestInfo(der, oid, name, der[d_start:d_end], has_null)


def parse_pkcs1_block(block: bytes) -> Pkcs1Block:
    """Split an EMSA-PKCS1-v1_5 block: 00 01 FF..FF 00 DigestInfo."""
    leading = block[:2]
    i = 2
    while i < len(block) and block[i] == 0xFF:
        i += 1
    padding = i - 2
    separator_ok = i < len(block) and block[i] == 0x00
    problem: str | None = None
    info: DigestInfo | None = None
    if leading != b"\x00\x01":
        problem = (
            f"the block starts {leading.hex(' ')}, not 00 01: "
            "this is not a PKCS#1 v1.5 signature made with this key"
        )
    elif padding < 8:
        problem = f"only {padding} FF padding bytes (at least 8 are required)"
    elif not separator_ok:
        problem = "the FF padding is not followed by a 00 separator"
    else:
        try:
            info = parse_digest_info(block[i + 1 :])
        except InvalidInput as exc:
            problem = f"after the padding: {exc}"
    return Pkcs1Block(block, leading, padding, separator_ok, info, problem)


def _library_verifies(cert: object, issuer_key: object) -> bool:
    """cryptography's own verdict on the certificate's signature."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa

    assert isinstance(cert, x509.Certificate)
    try:
        params = cert.signature_algorithm_parameters
        algo = cert.signature_hash_algorithm
        if isinstance(issuer_key, rsa.RSAPublicKey):
            if not isinstance(params, padding.PSS | padding.PKCS1v15) or algo is None:
                return False
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, params, algo)
        elif isinstance(issuer_key, ec.EllipticCurvePublicKey):
            if not isinstance(params, ec.ECDSA):
                return False
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, params)
        elif isinstance(issuer_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes)
        elif isinstance(issuer_key, dsa.DSAPublicKey):
            if algo is None:
                return False
            issuer_key.verify(cert.signature, cert.tbs_certificate_bytes, algo)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def check_certificate_signature(
    certificate: bytes, issuer: bytes, *, names: tuple[str, str] = ("the certificate", "the issuer")
) -> SignatureCheck:
    """Check a certificate's signature by hand with its issuer's public key.

    For PKCS#1 v1.5 RSA: s^e mod n, split the recovered block, read the hash
    named in the DigestInfo and compare its digest with the hash of the
    certificate's to-be-signed bytes. Other schemes are named, explained and
    checked with the library only. Either input may be PEM or DER: the
    certificate checked is the first of ``certificate``; the issuer is the
    certificate in ``issuer`` whose subject is the checked one's issuer name
    (so a full chain or a CA bundle can be given; among several, the one
    whose key made the signature), else its first.

    Raises:
        InvalidInput: an input holds no certificate.
    """
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    from tlsexplorer.core.text import name_text
    from tlsexplorer.core.x509.loader import load_certificates

    cert = load_certificates(certificate, names[0])[0]
    candidates = load_certificates(issuer, names[1])
    named = [c for c in candidates if c.subject == cert.issuer]

    def signed_it(candidate: x509.Certificate) -> bool:
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            return False
        return True

    # Several with the issuer's name (a renewed or cross-signed CA): the one whose key signed it.
    issuer_cert = next((c for c in named if signed_it(c)), named[0] if named else candidates[0])
    key = issuer_cert.public_key()
    oid = cert.signature_algorithm_oid
    algorithm = getattr(oid, "_name", None) or oid.dotted_string
    try:
        hash_algo = cert.signature_hash_algorithm
    except Exception:  # an unknown hash OID
        hash_algo = None
    hash_name = hash_algo.name if hash_algo is not None else None
    try:
        params = cert.signature_algorithm_parameters
    except Exception:
        params = None
    subject = name_text(cert.subject)  # control characters escaped: whoever made it chose it
    issuer_name = name_text(issuer_cert.subject)
    tbs = cert.tbs_certificate_bytes
    library = _library_verifies(cert, key)
    common = {
        "algorithm": algorithm,
        "algorithm_oid": oid.dotted_string,
        "hash_name": hash_name,
        "subject": subject,
        "issuer": issuer_name,
        "signature": cert.signature,
        "tbs_length": len(tbs),
        "library": library,
    }
    if isinstance(params, padding.PKCS1v15):
        kind: SignatureKind = "pkcs1v15"
    elif isinstance(params, padding.PSS):
        kind = "pss"
    elif isinstance(params, ec.ECDSA):
        kind = "ecdsa"
    elif "ed25519" in algorithm.lower():
        kind = "ed25519"
    elif "ed448" in algorithm.lower():
        kind = "ed448"
    elif "dsa" in algorithm.lower():
        kind = "dsa"
    else:
        kind = "unknown"
    if not isinstance(key, rsa.RSAPublicKey):
        key_name = _key_kind(key)
        what = {
            "ecdsa": "an ECDSA signature: a pair (r, s) checked with elliptic-curve point arithmetic "
            "(u1·G + u2·Q must have x = r), not a modular power",
            "ed25519": "an Ed25519 signature: a point R and a scalar S with S·B = R + H(R, A, M)·A; "
            "there is no hash-then-pad block to recover",
            "ed448": "an Ed448 signature (Edwards curve, like Ed25519): no block to recover",
            "dsa": "a DSA signature (r, s) over a prime-order subgroup, not a modular power",
        }.get(kind, f"a {algorithm} signature")
        explanation = (
            f"The issuer's key is {key_name}, so this is {what}. Nothing to raise to e here; "
            f"cryptography's check {'accepts' if library else 'rejects'} it."
        )
        return SignatureCheck(kind, issuer_key=key_name, n=None, e=None, s=None, recovered=None,
                              block=None, tbs_digest=None, by_hand=None, explanation=explanation,
                              **common)  # type: ignore[arg-type]
    numbers = key.public_numbers()
    n, e = numbers.n, numbers.e
    k = (n.bit_length() + 7) // 8
    s = int.from_bytes(cert.signature, "big")
    key_name = f"RSA {n.bit_length()}"
    if kind not in ("pkcs1v15", "pss"):
        explanation = (
            f"The certificate says {algorithm} but the issuer's key is RSA: the two do not fit, "
            "so the signature cannot check."
        )
        return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=None, block=None,
                              tbs_digest=None, by_hand=False if kind != "unknown" else None,
                              explanation=explanation, **common)  # type: ignore[arg-type]
    if s >= n:
        explanation = "The signature, read as a number, is not below n: it cannot come from this key."
        return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=None, block=None,
                              tbs_digest=None, by_hand=False, explanation=explanation,
                              **common)  # type: ignore[arg-type]
    recovered = pow(s, e, n)
    block_bytes = recovered.to_bytes(k, "big")
    tbs_digest = None
    if hash_algo is not None:
        h = hashes.Hash(hash_algo)
        h.update(tbs)
        tbs_digest = h.finalize()
    if kind == "pss":
        explanation = (
            "RSASSA-PSS: s^e mod n gives an encoded message ending in 0xbc, holding a masked salt "
            "and a hash (MGF1), not 00 01 FF..FF 00 DigestInfo. Every PSS signature of the same "
            "data differs (random salt); the check unmasks the salt and rehashes. "
            f"cryptography's PSS check {'accepts' if library else 'rejects'} it."
        )
        block = Pkcs1Block(block_bytes, block_bytes[:2], 0, False, None, "PSS encoding, not PKCS#1 v1.5")
        return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=recovered,
                              block=block, tbs_digest=tbs_digest, by_hand=None,
                              explanation=explanation, **common)  # type: ignore[arg-type]
    block = parse_pkcs1_block(block_bytes)
    info = block.digest_info
    if block.problem is not None or info is None:
        by_hand = False
        explanation = f"The recovered block is not a valid PKCS#1 v1.5 block: {block.problem}."
    elif tbs_digest is None or info.hash_name != hash_name:
        by_hand = False
        explanation = (
            f"The DigestInfo names {info.hash_name} but the certificate declares {hash_name}: mismatch."
        )
    else:
        by_hand = info.digest == tbs_digest
        explanation = (
            f"s^e mod n gave 00 01, {block.padding_length} FF bytes, 00, then a DigestInfo naming "
            f"{info.hash_name}. Its digest {'equals' if by_hand else 'differs from'} the "
            f"{info.hash_name} of the {len(tbs)} to-be-signed bytes"
            + (": the issuer's key made this signature." if by_hand else ": the certificate was changed "
               "after signing, or another key signed it.")
        )
    return SignatureCheck(kind, issuer_key=key_name, n=n, e=e, s=s, recovered=recovered, block=block,
                          tbs_digest=tbs_digest, by_hand=by_hand, explanation=explanation,
                          **common)  # type: ignore[arg-type]


__all__ = [
    "DEFAULT_E",
    "HASH_OIDS",
    "MAX_BITS",
    "PRESETS",
    "CrtDecryption",
    "DigestInfo",
    "EuclidRow",
    "EuclidTable",
    "Identity",
    "KeyIdentities",
    "ModexpStep",
    "ModexpTrace",
    "Pkcs1Block",
    "PrimalityResult",
    "Radix",
    "RsaWorkbook",
    "SignatureCheck",
    "SignatureKind",
    "WitnessRound",
    "WorkedStep",
    "build_workbook",
    "check_certificate_signature",
    "check_e",
    "check_prime",
    "check_size",
    "choose_e",
    "crt_decrypt",
    "decimal",
    "extended_euclid",
    "factor_with_budget",
    "find_small_factor",
    "int_from_decimal",
    "is_probable_prime",
    "key_identities",
    "load_rsa_key",
    "miller_rabin",
    "modinv",
    "parse_digest_info",
    "parse_int",
    "parse_pkcs1_block",
    "preset_workbook",
    "short",
    "square_and_multiply",
    "text_to_int",
    "worked_steps",
]

"""The worked example: from two primes to n, phi, lambda, e, d and a CRT decryption, step by step."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tlsexplorer.core.errors import InvalidInput, UsageError
from tlsexplorer.core.rsa.numbers import (
    EuclidTable,
    ModexpTrace,
    PrimalityResult,
    Progress,
    Tick,
    check_size,
    extended_euclid,
    miller_rabin,
    modinv,
    short,
    square_and_multiply,
    totient,
)

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


def check_prime(value: int, name: str, tick: Tick | None = None) -> PrimalityResult:
    """Miller-Rabin on ``value`` (``tick(done, total)`` after each round).

    Raises:
        InvalidInput: not prime, naming a factor when one was found.
    """
    result = miller_rabin(value, tick=tick)
    if not result.is_prime:
        if result.factor:
            raise InvalidInput(
                f"{name} = {short(value)} is not prime: it is {short(result.factor)} · "
                f"{short(value // result.factor)}"
            )
        raise InvalidInput(f"{name} = {short(value)} is not prime ({result.reason})")
    return result


def _stage(progress: Progress | None, what: str) -> Tick | None:
    """``progress`` narrowed to one stage of the work."""
    if progress is None:
        return None
    report = progress
    return lambda done, total: report(what, done, total)


def crt_decrypt(c: int, d: int, p: int, q: int, progress: Progress | None = None) -> CrtDecryption:
    """m = c^d mod pq computed with two half-size exponentiations."""
    dp = d % (p - 1)
    dq = d % (q - 1)
    qinv = modinv(q, p)
    trace_p = square_and_multiply(c % p, dp, p, _stage(progress, "decrypting with the CRT: mod p"))
    trace_q = square_and_multiply(c % q, dq, q, _stage(progress, "decrypting with the CRT: mod q"))
    m1, m2 = trace_p.result, trace_q.result
    h = qinv * (m1 - m2) % p
    message = m2 + h * q
    # Schoolbook cost: bits of exponent times (bits of modulus)^2, each side.
    n_bits = (p * q).bit_length()
    full = d.bit_length() * n_bits**2
    split = dp.bit_length() * p.bit_length() ** 2 + dq.bit_length() * q.bit_length() ** 2
    speedup = full / split if split else 1.0
    return CrtDecryption(dp, dq, qinv, m1, m2, h, message, trace_p, trace_q, speedup)


def decryption_trace(p: int, q: int, e: int, text: str) -> ModexpTrace:
    """The worked example's decryption trace m = c^d mod n for ``text``, alone.

    The same trace as ``build_workbook(p, q, e, text=text).decrypt``, without
    the primality proofs and the other steps: a 4096-bit key's trace can be
    shown while its whole workbook is still being computed.

    Raises:
        InvalidInput: e has no inverse mod phi (with the gcd).
    """
    n = p * q
    d = modinv(e, totient(p, q))
    m, _ = text_to_int(text)
    return square_and_multiply(pow(m, e, n), d, n)


def build_workbook(
    p: int,
    q: int,
    e: int | None = None,
    *,
    message: int | None = None,
    text: str | None = None,
    check_primes: bool = True,
    progress: Progress | None = None,
) -> RsaWorkbook:
    """Every step of textbook RSA for p, q, e and a message.

    Args:
        p, q: two different primes.
        e: the public exponent (None: 65537 when it fits, else the smallest).
        message: the message as an integer, or
        text: a text whose UTF-8 bytes become the integer.
        check_primes: False skips nothing visible; it is kept for callers
            that already proved p and q prime (a loaded key).
        progress: told ``(stage, done, total)`` as the work goes (a 16384-bit
            n takes minutes). Every size is checked before any work starts.

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
    n = p * q
    check_size(n, "n = p·q")
    message_bytes: bytes | None = None
    if text is not None:
        m, message_bytes = text_to_int(text)
        check_size(m, "the message")
    elif message is not None:
        m = message
        check_size(m, "the message")
    else:
        m = 65 if n > 65 else 2
    p_tick, q_tick = _stage(progress, "p: Miller-Rabin"), _stage(progress, "q: Miller-Rabin")
    p_check = check_prime(p, "p", p_tick) if check_primes else miller_rabin(p, tick=p_tick)
    q_check = check_prime(q, "q", q_tick) if check_primes else miller_rabin(q, tick=q_tick)
    if p == q:
        raise InvalidInput(
            f"p and q are both {short(p)}: they must differ (with p = q, phi is not (p-1)(q-1) and n = p² "
            "is factored by a square root)"
        )
    phi = totient(p, q)
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
    if text is None and message is None:
        notes.append(f"no message given: m = {m}")
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
    encrypt = square_and_multiply(m, e, n, _stage(progress, "encrypting: square-and-multiply"))
    c = encrypt.result
    decrypt = square_and_multiply(c, d, n, _stage(progress, "decrypting: square-and-multiply"))
    crt = crt_decrypt(c, d, p, q, progress)
    if progress is not None:
        progress("signing and verifying", 0, 1)
    signature = pow(m, d, n)
    verified = pow(signature, e, n)
    if progress is not None:
        progress("signing and verifying", 1, 1)
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


__all__ = [
    "DEFAULT_E",
    "PRESETS",
    "CrtDecryption",
    "RsaWorkbook",
    "WorkedStep",
    "build_workbook",
    "check_e",
    "check_prime",
    "choose_e",
    "crt_decrypt",
    "decryption_trace",
    "preset_workbook",
    "text_to_int",
    "worked_steps",
]

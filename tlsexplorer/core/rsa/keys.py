"""Real RSA keys described by their numbers: n, e, d, p, q and the identities between them."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Literal

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.rsa.numbers import MAX_BITS, miller_rabin, short, totient

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
    phi = totient(p, q)
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
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tlsexplorer.core.errors import PasswordRequired, WrongPassword
    from tlsexplorer.core.x509.loader import load_certificates
    from tlsexplorer.core.x509.naming import describe_key, key_article
    from tlsexplorer.core.x509.safe import explain, load_certificate

    pem = b"-----BEGIN " in data
    key: object = None
    errors: list[str] = []
    key = _load_openssh(data, password, name)
    if key is None and pem and b"CERTIFICATE-----" in data and b"PRIVATE KEY-----" not in data:
        key = _certificate_key(load_certificates(data, name)[0], name)
    private_loader = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    public_loader = serialization.load_pem_public_key if pem else serialization.load_der_public_key
    if key is None:
        try:
            key = private_loader(data, password)
        except TypeError as exc:
            text = str(exc)
            if password is not None and not password and "not given" in text:
                # An empty password file (or empty stdin) was given: not "no password".
                raise WrongPassword(f"an empty passphrase does not open {name}; give the one it was "
                                    "written with") from None
            if "not given" in text or ("encrypted" in text and password is None):
                raise PasswordRequired(f"{name} is encrypted; give its passphrase") from None
            if "not encrypted" in text:
                try:
                    key = private_loader(data, None)
                except Exception as again:  # the library fails in ways it does not document
                    errors.append(explain(again))
            else:
                errors.append(text)
        except ValueError as exc:
            text = str(exc)
            if "password" in text.lower() or "decrypt" in text.lower():
                raise WrongPassword(f"the passphrase does not open {name}") from None
            errors.append(text)
        except Exception as exc:  # a key type the library does not know (UnsupportedAlgorithm)
            errors.append(explain(exc))
    if key is None:
        try:
            key = public_loader(data)
        except Exception as exc:  # the library fails in ways it does not document
            errors.append(explain(exc))
    if key is None and not pem and data[:1] == b"\x30":
        try:
            cert = load_certificate(data, name)
        except InvalidInput as exc:
            errors.append(str(exc))
        else:
            key = _certificate_key(cert, name)
    if key is None:
        cert_error = next((e for e in errors if e.startswith(name)), "")
        raise InvalidInput(cert_error or f"{name} is not a readable PEM, DER or OpenSSH key or certificate")
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        pub = numbers.public_numbers
        return key_identities(
            pub.n, pub.e, numbers.p, numbers.q, numbers.d, numbers.dmp1, numbers.dmq1, numbers.iqmp
        )
    if isinstance(key, rsa.RSAPublicKey):
        pub = key.public_numbers()
        return key_identities(pub.n, pub.e)
    kind = describe_key(key)
    raise InvalidInput(
        f"{name} holds {key_article(kind)} {kind} key, not an RSA key; RSA arithmetic needs RSA"
    )


def _certificate_key(cert: object, name: str) -> object:
    """A certificate's public key.

    Raises:
        InvalidInput: the key cannot be read (a type the library does not know), saying so.
    """
    import tlsexplorer.core.x509.safe as safe
    key = safe.public_key(cert)
    if isinstance(key, safe.Unreadable):
        raise InvalidInput(f"{name}: {key.sentence}")
    return key


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


__all__ = [
    "Identity",
    "KeyIdentities",
    "key_identities",
    "load_rsa_key",
]

"""What the app records as the learner works, and the named checkpoints that read it.

Screens record facts through the app (``host.record("fernet.decrypted", plaintext=...)``),
never widgets read by the course: a fact is a name and a few plain values. The
names and their values are listed once, in :data:`FACTS`. A checkpoint is a
function of the recorded facts, the learner and (for ``value`` checkpoints)
what the learner typed; it says whether the step is done and, when not, what
is still missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tlsexplorer.core.course.facts import Fact, FactLog, Value
from tlsexplorer.core.course.learner import DH_G, DH_P, Learner


@dataclass(frozen=True)
class Verdict:
    """Whether a checkpoint passed, and what to say."""

    passed: bool
    message: str


Evaluator = Callable[[FactLog, Learner, str], Verdict]


@dataclass(frozen=True)
class Checkpoint:
    """A named checkpoint: ``state`` (reads the facts) or ``value`` (compares what was typed)."""

    name: str
    kind: str
    description: str
    """What it looks for, in one sentence."""
    evaluate: Evaluator


def _any(log: FactLog, name: str, test: Callable[[Fact], bool]) -> bool:
    return any(test(fact) for fact in log.named(name))


def _state(name: str, description: str, fact: str, test: Callable[[Fact, Learner], bool],
           passed: str) -> Checkpoint:
    def evaluate(log: FactLog, learner: Learner, _answer: str) -> Verdict:
        if _any(log, fact, lambda f: test(f, learner)):
            return Verdict(True, passed)
        return Verdict(False, f"Not yet: {description}.")

    return Checkpoint(name, "state", description, evaluate)


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().replace(",", " ").split())


def _value(name: str, description: str, answer: Callable[[Learner], str]) -> Checkpoint:
    def evaluate(_log: FactLog, learner: Learner, typed: str) -> Verdict:
        if not typed.strip():
            return Verdict(False, "Type your answer first.")
        if _normal(typed) == _normal(answer(learner)):
            return Verdict(True, "Right.")
        return Verdict(False, f"Not that: {description}. Look again at what the step showed you.")

    return Checkpoint(name, "value", description, evaluate)


def _int(value: Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _rsa_d(learner: Learner) -> str:
    from tlsexplorer.core.rsa.workbook import build_workbook

    p, q = learner.primes()
    return str(build_workbook(p, q).d)


def _dh_shared(learner: Learner) -> str:
    a, b = learner.dh_secrets()
    return str(pow(DH_G, a * b, DH_P))


def _own_primes(fact: Fact, learner: Learner) -> bool:
    """The learner's primes, with the e the workbook picks (the next step asks for that workbook's d)."""
    from tlsexplorer.core.rsa.workbook import choose_e

    p, q = learner.primes()
    return {_int(fact.get("p")), _int(fact.get("q"))} == {p, q} and _int(fact.get("e")) == choose_e(
        (p - 1) * (q - 1))[0]


def _own_dh(fact: Fact, learner: Learner) -> bool:
    a, b = learner.dh_secrets()
    return (_int(fact.get("p")), _int(fact.get("g")), _int(fact.get("a")), _int(fact.get("b"))) == (
        DH_P, DH_G, a, b)


def _ca_server(fact: Fact, _learner: Learner) -> bool:
    sans = str(fact.get("sans") or "").split(",")
    return fact.get("action") == "server" and "localhost" in sans and "127.0.0.1" in sans


def _probe_with_cacert(fact: Fact, _learner: Learner) -> bool:
    return bool(fact.get("verified")) and not fact.get("insecure") and bool(fact.get("ca_file"))


def _probe_verify_failed(fact: Fact, _learner: Learner) -> bool:
    # The probe connects a second time without checking, to show the chain: connected, not verified.
    return fact.get("verified") is False and not fact.get("insecure") and "verify failed" in str(
        fact.get("error") or "")


def _scenario(scenario_id: str) -> Callable[[Fact, Learner], bool]:
    return lambda fact, _learner: fact.get("id") == scenario_id and fact.get("passed") is True


def _scenarios(name: str, description: str, ids: tuple[str, ...], passed: str) -> Checkpoint:
    """A state checkpoint that wants every scenario of ``ids`` run and ended as its story says."""
    def evaluate(log: FactLog, _learner: Learner, _answer: str) -> Verdict:
        ran = {fact.get("id") for fact in log.named("tls.scenario") if fact.get("passed") is True}
        if ran.issuperset(ids):
            return Verdict(True, passed)
        return Verdict(False, f"Not yet: {description}.")

    return Checkpoint(name, "state", description, evaluate)


CHECKPOINTS: dict[str, Checkpoint] = {c.name: c for c in (
    _state("wire_plain_secret_seen", "record a plain-HTTP request in the Wire tab and find the secret in it",
           "tls.wire", lambda f, _l: f.get("tls") is False and f.get("secret_visible") is True,
           "The recorder saw the secret in the clear."),
    _state("wire_tls_secret_hidden", "record an HTTPS request in the Wire tab",
           "tls.wire", lambda f, _l: f.get("tls") is True and f.get("secret_visible") is False,
           "Over HTTPS the secret never crossed the wire in the clear."),
    _state("caesar_challenge_cracked", "paste your ciphertext (Load my material) into the Crack tab",
           "caesar.cracked", lambda f, who: f.get("ciphertext") == who.caesar().ciphertext,
           "The crack ranked all 26 shifts of your ciphertext."),
    _value("caesar_shift", "the shift your ciphertext was made with (a number from 1 to 25)",
           lambda learner: str(learner.caesar().shift)),
    _state("fernet_challenge_decrypted", "decrypt your token with your key in the Fernet tab (Decrypt)",
           "fernet.decrypted",
           lambda f, who: f.get("plaintext") == f"the secret is: {who.fernet().secret}",
           "Your token opened with your key."),
    _state("fernet_wrong_key_rejected", "decrypt a token with a key not its own (Generate key, Decrypt)",
           "fernet.rejected", lambda f, _l: True, "A wrong key is refused: the HMAC does not match."),
    _value("fernet_secret", "the secret inside your token (three parts joined by dashes)",
           lambda learner: learner.fernet().secret),
    _state("lab_fernet_page_served", "start the lab server with Fernet ticked (tls serve --fernet-key-file)",
           "tls.served", lambda f, _l: f.get("fernet") is True,
           "The lab server sent the secret as a Fernet token."),
    _state("rsa_own_primes", "compute the worked example with your own primes p and q, the e box empty",
           "rsa.workbook", _own_primes, "The workbook ran on your primes."),
    _value("rsa_own_d", "d = e^-1 mod phi of your workbook, with e left empty (the workbook picks e)",
           _rsa_d),
    _state("dh_own_numbers", "run Diffie-Hellman with p, g and your a and b",
           "dh.small", _own_dh, "Alice and Bob agreed on your shared secret."),
    _value("dh_shared", "the shared secret Alice and Bob both computed with your numbers", _dh_shared),
    _state("hybrid_done", "run hybrid encryption in the Key exchange tab",
           "dh.hybrid", lambda f, _l: True, "A Fernet key was wrapped with RSA-OAEP and the message sealed."),
    _state("ca_root_made", "make a root CA in the CA workbench",
           "ca.made", lambda f, _l: f.get("action") == "root", "Your root CA exists."),
    _state("ca_server_with_sans", "issue a server certificate with the SANs localhost and 127.0.0.1",
           "ca.made", _ca_server, "Your server certificate names localhost and 127.0.0.1."),
    _state("ca_key_encrypted", "issue a certificate whose key is written with a passphrase",
           "ca.made", lambda f, _l: f.get("key_encrypted") is True,
           "The key file is encrypted: nobody can use it without the passphrase."),
    _state("chain_verified", "verify your own chain (not the sample) so that every check passes",
           "chain.verified", lambda f, _l: f.get("valid") is True and f.get("sample") is False,
           "Every check of every link passed."),
    _state("tls_served_own", "start the lab server with your own certificate and key",
           "tls.served", lambda f, _l: f.get("tls") is True and f.get("sample") is False,
           "The lab server runs on your certificate."),
    _state("probe_verify_failed", "probe a server whose CA the client does not trust",
           "tls.probe", _probe_verify_failed, "The client said: certificate verify failed."),
    _state("probe_with_cacert", "probe with your CA as the CA to trust, --insecure off, until it verifies",
           "tls.probe", _probe_with_cacert, "Verified with your CA, and without --insecure."),
    _scenarios("scenarios_ip_san_and_cn_only", "play the scenarios: 127.0.0.1 not in the SAN, and the "
               "one-liner's CN-only certificate", ("ip_mismatch", "one_liner"),
               "Both refused: the address is not in the SAN, and a strict client reads no CN."),
    _state("scenario_adhoc_refused", "run the 'adhoc' scenario (a throwaway self-signed certificate)",
           "tls.scenario", _scenario("adhoc"), "Refused without --insecure, as expected."),
    _state("scenario_one_liner_strict", "run the 'one_liner' scenario (the openssl req -x509 certificate)",
           "tls.scenario", _scenario("one_liner"), "Relaxed client accepted, strict client refused."),
    _state("listens_seen", "press Who listens with the lab server running",
           "tls.listens", lambda f, _l: f.get("server_seen") is True,
           "You saw which process listens on the lab's port."),
)}
"""Every checkpoint a lesson may name."""


def evaluate(name: str, log: FactLog, learner: Learner, answer: str = "") -> Verdict:
    """Run the checkpoint ``name``.

    Raises:
        KeyError: no such checkpoint.
    """
    return CHECKPOINTS[name].evaluate(log, learner, answer)


__all__ = ["CHECKPOINTS", "Checkpoint", "Verdict", "evaluate"]

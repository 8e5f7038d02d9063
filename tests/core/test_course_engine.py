"""The course's engine: lessons as data, per-learner answers, progress that is never lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tlsexplorer.core.course.checks import CHECKPOINTS, evaluate
from tlsexplorer.core.course.facts import FactLog
from tlsexplorer.core.course.learner import Learner
from tlsexplorer.core.course.lesson import load_lesson, load_lessons
from tlsexplorer.core.course.progress import (
    DAMAGED_NAME,
    load_progress,
    progress_path,
    reset_progress,
)
from tlsexplorer.core.course.session import CourseSession
from tlsexplorer.core.errors import InvalidInput

STEP = """
[[step]]
id = "a"
title = "A step"
explorer = "symmetric"
do = "Do it."
meaning = "It meant."
cli = "tlsexplorer caesar"
python = "pass"
[step.check]
kind = "confirm"
"""


def test_the_eight_lessons_load_in_order() -> None:
    lessons = load_lessons()
    assert [lesson.number for lesson in lessons] == list(range(1, 9))
    assert all(lesson.steps for lesson in lessons)


def test_a_lesson_file_with_an_unknown_step_field_is_named_in_the_message() -> None:
    data = f'number = 9\ntitle = "T"\nsummary = "S"\n{STEP}'
    data = data.replace('do = "Do it."', 'do = "x"\ndoo = "typo"')
    with pytest.raises(InvalidInput, match=r"lesson.toml step 1: unknown field 'doo'"):
        load_lesson(data.encode(), "lesson.toml")


@pytest.mark.parametrize("change, message", [
    (('kind = "confirm"', 'kind = "magic"'), "check kind 'magic'"),
    (('kind = "confirm"', 'kind = "value"\nname = "caesar_shift"'), "'prompt' is missing"),
    (('title = "A step"', 'title = 3'), "'title' must be text"),
])
def test_bad_lesson_files_get_a_clear_message(change: tuple[str, str], message: str) -> None:
    data = f'number = 9\ntitle = "T"\nsummary = "S"\n{STEP}'.replace(*change)
    with pytest.raises(InvalidInput, match=message):
        load_lesson(data.encode(), "lesson.toml")
    with pytest.raises(InvalidInput, match="not a lesson file"):
        load_lesson(b"\xff\xfe not toml", "x.toml")


def test_two_learners_get_different_challenges_and_answers() -> None:
    one, two = Learner(bytes(16)), Learner(bytes(range(16)))
    assert one.fernet().secret != two.fernet().secret
    assert one.caesar().ciphertext != two.caesar().ciphertext
    assert one.primes() != two.primes()
    log = FactLog()
    # One learner's answer does not pass another's checkpoint.
    assert evaluate("fernet_secret", log, one, one.fernet().secret).passed
    assert not evaluate("fernet_secret", log, two, one.fernet().secret).passed


def test_challenges_agree_with_the_library() -> None:
    """The token opens with cryptography's Fernet; the primes are primes; the Caesar text decrypts."""
    from cryptography.fernet import Fernet

    def isprime(n: int) -> bool:  # trial division: independent of the Miller-Rabin under test
        return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))

    learner = Learner.new()
    challenge = learner.fernet()
    assert Fernet(challenge.key.encoded.encode()).decrypt(challenge.token.encode()) == (
        f"the secret is: {challenge.secret}".encode())
    assert all(isprime(p) for p in learner.primes())
    caesar = learner.caesar()
    shifted = "".join(
        chr((ord(c) - base + caesar.shift) % 26 + base) if c.isalpha() else c
        for c in caesar.plaintext for base in [ord("a") if c.islower() else ord("A")])
    assert shifted == caesar.ciphertext


def test_state_checkpoints_pass_only_on_the_learners_own_fact() -> None:
    learner = Learner(bytes(range(16)))
    log = FactLog()
    assert not evaluate("caesar_challenge_cracked", log, learner).passed
    log.record("caesar.cracked", ciphertext=Learner(bytes(16)).caesar().ciphertext, shift=1, plaintext="x")
    assert not evaluate("caesar_challenge_cracked", log, learner).passed
    log.record("caesar.cracked", ciphertext=learner.caesar().ciphertext, shift=1, plaintext="x")
    assert evaluate("caesar_challenge_cracked", log, learner).passed
    with pytest.raises(KeyError):
        log.record("no.such.fact")


def test_checkpoints_read_the_facts_as_the_screens_record_them() -> None:
    """Lesson 4 wants the workbook's own e (its next step asks for that workbook's d); lesson 7's refused
    probe is connected and unverified (the probe reconnects unchecked to show the chain), never with
    --insecure; lesson 7's scenarios step wants both scenarios it names."""
    from tlsexplorer.core.rsa.workbook import build_workbook

    learner = Learner(bytes(range(16)))
    p, q = learner.primes()
    book = build_workbook(p, q)
    log = FactLog()
    assert book.e != 17
    log.record("rsa.workbook", p=p, q=q, n=book.n, e=17, d=0)
    assert not evaluate("rsa_own_primes", log, learner).passed
    log.record("rsa.workbook", p=q, q=p, n=book.n, e=book.e, d=book.d)
    assert evaluate("rsa_own_primes", log, learner).passed
    assert evaluate("rsa_own_d", log, learner, str(book.d)).passed
    refused = {"host": "localhost", "port": 1, "connected": True, "verified": False, "ok": False,
               "ca_file": "", "strict": False,
               "error": "certificate verify failed: unable to get local issuer certificate"}
    log.record("tls.probe", **refused, insecure=True)
    assert not evaluate("probe_verify_failed", log, learner).passed
    log.record("tls.probe", **refused, insecure=False)
    assert evaluate("probe_verify_failed", log, learner).passed
    log.record("tls.scenario", id="ip_mismatch", passed=True, said="IP address mismatch")
    log.record("tls.scenario", id="one_liner", passed=False, said="page received")
    assert not evaluate("scenarios_ip_san_and_cn_only", log, learner).passed
    log.record("tls.scenario", id="one_liner", passed=True, said="Hostname mismatch")
    assert evaluate("scenarios_ip_san_and_cn_only", log, learner).passed


def test_progress_is_saved_resumed_and_reset(tmp_path: Path) -> None:
    path = progress_path(tmp_path)
    session = CourseSession(load_lessons(), load_progress(path), path)
    session.open(2)
    session.predict(1)
    assert session.mark_done().passed
    session.go(1)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    again = CourseSession(load_lessons(), load_progress(path), path)
    assert again.lesson.number == 2 and again.step.id == "crack"
    assert again.progress.seed == session.progress.seed
    fresh = reset_progress(path)
    assert fresh.seed == session.progress.seed and not fresh.done
    assert not load_progress(path).done


def test_a_damaged_progress_file_is_refused_untouched_and_kept_by_reset(tmp_path: Path) -> None:
    path = progress_path(tmp_path)
    path.write_text("{ not json")
    with pytest.raises(InvalidInput, match=r"damaged.*course --reset"):
        load_progress(path)
    assert path.read_text() == "{ not json"
    reset_progress(path)
    assert (tmp_path / DAMAGED_NAME).read_text() == "{ not json"
    assert json.loads(path.read_text())["version"] == 1


def test_prediction_comes_before_the_check_and_a_skipped_step_is_not_done(tmp_path: Path) -> None:
    session = CourseSession(load_lessons(), load_progress(progress_path(tmp_path)), None)
    session.open(3)
    learner = session.progress.learner
    session.facts.record("fernet.decrypted", plaintext=f"the secret is: {learner.fernet().secret}", key="k")
    verdict = session.check()
    assert not verdict.passed and "Predict first" in verdict.message
    assert not session.mark_done().passed, "a checked step was marked done on the learner's word"
    session.predict(0)
    assert session.check().passed
    session.go(1)
    session.go(1)  # skipped the secret
    session.go(-1)
    assert session.step.id == "secret" and not session.is_done()


def test_a_save_that_fails_keeps_the_progress_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    session = CourseSession(load_lessons(), load_progress(progress_path(tmp_path)), blocker / "course.json")
    session.open(2)
    session.predict(1)
    assert session.save_error is not None and "not saved" in session.save_error
    assert session.prediction == 1


def test_every_checkpoint_a_lesson_names_exists_with_its_kind() -> None:
    from tlsexplorer.core.course.lesson import problems

    lessons = load_lessons()
    anything = {step.explorer: {s.tab for one in lessons for s in one.steps if s.explorer == step.explorer}
                for lesson in lessons for step in lesson.steps}
    assert problems(lessons, anything, {name: c.kind for name, c in CHECKPOINTS.items()}) == []

"""Lessons 1, 2 and 4 to 7 walked in the real app as a learner walks them: the coach's text read, each
prediction made, each step done in the explorer the coach opened with keys, typed text and the screens'
own widgets, and each checkpoint passed by what the screens recorded. For each lesson, one wrong move
the coach does not accept, and the hint it gives for it (held to what the screen shows).

The learner's own numbers come from their seed (``core/course/learner.py``) or from what the screen
showed them; lessons 3 and 8 are walked in ``test_course.py``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, TabbedContent

from tests.tui.conftest import (
    answer,
    ask_hint,
    choose,
    learner_where,
    press,
    settle,
    shown,
    toggle,
    type_into,
    wait_until,
    widget_text,
)
from tlsexplorer.core.course.learner import DH_G, DH_P, Learner
from tlsexplorer.core.course.progress import load_progress, progress_path
from tlsexplorer.core.course.session import CourseSession
from tlsexplorer.core.rsa.workbook import build_workbook
from tlsexplorer.core.tls.server import DEFAULT_SECRET
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.ca import CaScreen
from tlsexplorer.tui.screens.chain import ChainScreen
from tlsexplorer.tui.screens.rsa import RsaScreen
from tlsexplorer.tui.screens.symmetric import SymmetricScreen
from tlsexplorer.tui.screens.tls import TlsScreen


def course(app: TlsExplorerApp) -> CourseSession:
    """The running course."""
    assert app.coach is not None, "the course did not start"
    return app.coach.session


async def predict(pilot: Any, choice: str) -> bool:
    """Answer the step's question with the option that reads ``choice``; True when the coach says right."""
    buttons = [b for b in pilot.app.screen.query(Button) if (b.id or "").startswith("coach-choice-")]
    matching = [b for b in buttons if str(b.label).split(". ", 1)[1] == choice]
    assert len(matching) == 1, f"no single option {choice!r} in {[str(b.label) for b in buttons]}"
    await press(pilot, matching[0].id)
    said = shown(pilot.app)
    assert "You said" in said, "the coach did not take the answer"
    return ": right." in said


def tab(screen: Any, tabs: str = "#tabs") -> str:
    """The pane id of the tab a screen shows."""
    return str(screen.query_one(tabs, TabbedContent).active)


# Lesson 1 -----------------------------------------------------------------------------------------------


async def test_lesson_1_the_secret_seen_over_plain_http_and_hidden_by_https(tmp_path: Path) -> None:
    learner_where(tmp_path, 1)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=1, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = course(app)
        lab = app.screen
        assert isinstance(lab, TlsScreen) and session.step.id == "plain"
        await wait_until(pilot, lambda: tab(lab) == "tab-wire", "the coach opening the Wire tab")
        assert "Record plain HTTP" in shown(app)
        # Wrong move: recording before the prediction. The recording happens, the step does not pass.
        await press(pilot, "record-plain")
        await wait_until(pilot, lambda: lab.analysis is not None, "the plain recording")
        assert not session.is_done(), "a recording made before the prediction passed"
        hint = await ask_hint(pilot)
        assert "second one at the top of the Wire tab" in hint
        wire_buttons = [str(b.label) for b in lab.query_one("#tab-wire").query(Button)]
        assert wire_buttons[1] == "Record plain HTTP", f"the hint's second button is {wire_buttons[1]!r}"
        assert await predict(pilot, "The whole page, secret included")
        await press(pilot, "record-plain")
        await wait_until(pilot, session.is_done, "the plain recording passing the checkpoint")
        wire = widget_text(lab, "#wire-view")
        assert "The secret message is" in wire and DEFAULT_SECRET in wire  # what the second hint says
        assert "What it meant" in shown(app)
        await press(pilot, "coach-next")
        # Step 2: the same request over HTTPS, with the key the step names.
        assert session.step.id == "tls" and "ctrl+t" in shown(app)
        assert await predict(pilot, "That a connection happened, its size, and the server's name")
        await pilot.press("ctrl+t")
        await wait_until(pilot, session.is_done, "the HTTPS recording passing the checkpoint")
        assert lab.analysis is not None and lab.analysis.kind == "tls"
        assert session.lesson_done(session.lesson)
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(1)) == {"plain", "tls"}


# Lesson 2 -----------------------------------------------------------------------------------------------


async def test_lesson_2_caesar_shifted_then_the_learners_own_ciphertext_cracked(tmp_path: Path) -> None:
    learner_where(tmp_path, 2)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=2, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = course(app)
        learner = session.progress.learner
        screen = app.screen
        assert isinstance(screen, SymmetricScreen) and session.step.id == "shift"
        await wait_until(pilot, lambda: tab(screen) == "tab-caesar", "the coach opening the Caesar tab")
        # Before the prediction there is nothing to mark done.
        assert "Shift a message" in shown(app) and not screen.query("#coach-done")
        assert await predict(pilot, "25")
        await type_into(pilot, "#shift", "3")
        await type_into(pilot, "#caesar-input", "attack at dawn")
        assert "dwwdfn dw gdzq" in widget_text(screen, "#caesar-output")
        await type_into(pilot, "#shift", "-1")
        await type_into(pilot, "#caesar-input", "fluffy tail")
        assert "ekteex szhk" in widget_text(screen, "#caesar-output")  # as the tab's own text says
        await press(pilot, "coach-done")
        assert session.is_done()
        await press(pilot, "coach-next")
        # Step 2: the crack. Before the prediction, neither the material nor the checkpoint shows.
        assert session.step.id == "crack" and "Crack your own ciphertext" in shown(app)
        assert not screen.query("#coach-load") and learner.caesar().ciphertext not in shown(app)
        assert await predict(pilot, "It counts letters and compares them with English")
        assert learner.caesar().ciphertext in shown(app)
        assert not session.is_done(), "the checkpoint passed before the real action"
        await press(pilot, "coach-load")
        await wait_until(pilot, session.is_done, "cracking the learner's ciphertext passing the checkpoint")
        assert tab(screen) == "tab-crack"
        await press(pilot, "coach-next")
        # Step 3: a wrong shift is not accepted; the hint says where the crack shows the right one.
        assert session.step.id == "shift-value"
        await answer(pilot, str(learner.caesar().shift % 25 + 1))
        assert not session.is_done() and "Not that" in shown(app)
        assert "'best shift'" in await ask_hint(pilot)
        summary = widget_text(screen, "#crack-summary")
        best = summary.split("Best shift: ", 1)[1].split()[0]
        assert best == str(learner.caesar().shift)
        await answer(pilot, best)
        assert session.is_done()
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(2)) == {"shift", "crack", "shift-value"}


# Lesson 4 -----------------------------------------------------------------------------------------------


async def test_lesson_4_rsa_worked_with_the_learners_own_primes(tmp_path: Path) -> None:
    # The wrong move leaves e at the example's 17. It must make a workbook (17 coprime to phi: else
    # the screen refuses it, about one learner in eight) that is not the learner's own (whose
    # workbook could pick 17 itself).
    def wrong_move_is_a_wrong_workbook(learner: Learner) -> bool:
        p, q = learner.primes()
        return math.gcd(17, (p - 1) * (q - 1)) == 1 and build_workbook(p, q).e != 17

    learner_where(tmp_path, 4, wrong_move_is_a_wrong_workbook)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=4, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = course(app)
        screen = app.screen
        assert isinstance(screen, RsaScreen) and session.step.id == "own-primes"
        assert tab(screen, "#rsa-tabs") == "worked"
        p, q = session.progress.learner.primes()
        assert "Your primes: " not in shown(app), "the material came before the prediction"
        assert await predict(pilot, "n and e")
        assert f"p = {p}, q = {q}" in shown(app)
        # Wrong move: the primes typed, but e left as the example on screen had it.
        await type_into(pilot, "#p", str(p))
        await type_into(pilot, "#q", str(q), enter=True)
        await wait_until(pilot, lambda: screen.book is not None and screen.book.p == p, "the learner's book")
        assert not session.is_done(), "a workbook with the example's e passed"
        assert "Empty the e box" in await ask_hint(pilot)
        await type_into(pilot, "#e", "", enter=True)
        await wait_until(pilot, session.is_done, "the learner's own workbook passing the checkpoint")
        await press(pilot, "coach-next")
        # Step 2: d, read where the hint says, walking the steps with the keys the screen names.
        assert session.step.id == "own-d"
        assert "private exponent d = e^-1 mod phi" in await ask_hint(pilot)
        for _ in range(len(screen.steps)):
            if "private exponent d" in widget_text(screen, "#explain").splitlines()[0]:
                break
            await pilot.press("ctrl+n")
            await pilot.pause()
        explained = widget_text(screen, "#explain")
        assert "Extended Euclid on (phi, e)" in explained  # what the first step's last hint promised
        d = next(line[4:] for line in explained.splitlines() if re.fullmatch(r"d = \d+", line))
        assert screen.book is not None and int(d) * screen.book.e % ((p - 1) * (q - 1)) == 1
        await answer(pilot, d)
        assert session.is_done() and session.lesson_done(session.lesson)
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(4)) == {"own-primes", "own-d"}


# Lesson 5 -----------------------------------------------------------------------------------------------


def public_values_differ_from_the_secret(learner: Learner) -> bool:
    """Not both A and B equal to the shared secret (else sending one of them is not a wrong move)."""
    a, b = learner.dh_secrets()
    shared = pow(DH_G, a * b, DH_P)
    return shared != pow(DH_G, a, DH_P) or shared != pow(DH_G, b, DH_P)


async def test_lesson_5_diffie_hellman_with_the_learners_numbers_then_hybrid(tmp_path: Path) -> None:
    learner_where(tmp_path, 5, public_values_differ_from_the_secret)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=5, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = course(app)
        screen = app.screen
        assert isinstance(screen, RsaScreen) and session.step.id == "small-dh"
        await wait_until(pilot, lambda: tab(screen, "#rsa-tabs") == "dh-tab", "the Key exchange tab")
        a, b = session.progress.learner.dh_secrets()
        assert await predict(pilot, "p, g, A and B")
        said = shown(app)
        assert f"a = {a}, b = {b}" in said
        public = said.split("Your numbers: ", 1)[1]
        p, g = (public.split(f"{name} = ", 1)[1].split(",")[0] for name in ("p", "g"))
        assert f"p = {p}, g = {g}" in session.step.do, "the step's text and the coach's numbers differ"
        for field, value in (("#dh-p", p), ("#dh-g", g), ("#dh-a", str(a))):
            await type_into(pilot, field, value)
        await type_into(pilot, "#dh-b", str(b), enter=True)
        await wait_until(pilot, session.is_done, "the exchange with the learner's numbers passing")
        out = widget_text(screen, "#dh-out")
        await press(pilot, "coach-next")
        # Step 2, the wrong move: Alice's public A is not the shared secret.
        assert session.step.id == "shared"
        shared = out.split("✓ equal: ", 1)[1].split()[0]
        sent = [out.split(f"sends {name} = g^{name.lower()} mod p", 1)[1].split()[0] for name in "AB"]
        await answer(pilot, next(value for value in sent if value != shared))  # what crossed the wire
        assert not session.is_done() and "Not that" in shown(app)
        assert "same number on Alice's and Bob's side" in await ask_hint(pilot)
        assert shared == str(pow(int(g), a * b, int(p)))
        await answer(pilot, shared)
        assert session.is_done()
        await press(pilot, "coach-next")
        # Step 3: hybrid encryption, with the button the step names.
        assert session.step.id == "hybrid"
        assert await predict(pilot, "RSA is slow and only takes a message smaller than n")
        assert "Hybrid" in str(screen.query_one("#dh-hybrid", Button).label)
        await press(pilot, "dh-hybrid")
        await wait_until(pilot, session.is_done, "hybrid encryption passing the checkpoint")
        assert "RSA-OAEP" in widget_text(screen, "#dh-out")
        assert session.lesson_done(session.lesson)
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(5)) == {"small-dh", "shared", "hybrid"}


# Lesson 6 -----------------------------------------------------------------------------------------------


async def make(pilot: Any, screen: CaScreen, wrote: str) -> None:
    """ctrl+s in the CA workbench, and wait until its status says it wrote ``wrote``."""
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: wrote in widget_text(screen, "#status"), f"the workbench writing {wrote}")
    await settle(pilot)


async def test_lesson_6_a_ca_a_server_certificate_with_sans_a_passphrase_and_the_chain(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the learner types paths from the folder they started the app in
    folder = Path("course-ca")
    learner_where(tmp_path, 6)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=6, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = course(app)
        ca = app.screen
        assert isinstance(ca, CaScreen) and session.step.id == "root"
        assert await predict(pilot, "Itself")
        await choose(pilot, "#action", "Root CA")
        assert ca.action == "root"
        await type_into(pilot, "#folder", str(folder))
        await type_into(pilot, "#name", "My Course CA")
        await make(pilot, ca, "root CA")
        await wait_until(pilot, session.is_done, "the root passing the checkpoint")
        assert (folder / "ca.pem").is_file()
        await press(pilot, "coach-next")
        # Step 2, the wrong move: a server certificate without the IP SAN is not accepted.
        assert session.step.id == "server"
        assert await predict(pilot, "IP:127.0.0.1")
        await choose(pilot, "#action", "Server certificate")
        assert ca.query_one("#folder").value == str(folder), "the CA's folder did not carry over"
        await type_into(pilot, "#name", "localhost")
        await type_into(pilot, "#sans", "localhost")
        await make(pilot, ca, "localhost")
        assert not session.is_done(), "a certificate without 127.0.0.1 passed"
        assert "names and IP addresses separated by commas" in await ask_hint(pilot)
        await type_into(pilot, "#sans", "localhost, 127.0.0.1")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(app.screen.query("#replace")), "the question before replacing")
        await press(pilot, "replace")
        await wait_until(pilot, session.is_done, "the certificate with both SANs passing the checkpoint")
        await press(pilot, "coach-next")
        # Step 3: a passphrase on the next key, where the hint says.
        assert session.step.id == "passphrase"
        assert "encrypt the new key" in await ask_hint(pilot)
        await type_into(pilot, "#name", "www.localhost")
        await type_into(pilot, "#sans", "")
        await toggle(pilot, "#encrypt")
        await type_into(pilot, "#password", "ca-pass")
        await type_into(pilot, "#password2", "ca-pass")
        await make(pilot, ca, "www.localhost")
        await wait_until(pilot, session.is_done, "the encrypted key passing the checkpoint")
        assert b"ENCRYPTED" in (folder / "issued" / "www.localhost.key.pem").read_bytes()
        await press(pilot, "coach-next")
        # Step 4: the coach opens the Chain explainer; the server certificate verified there.
        chain = app.screen
        assert isinstance(chain, ChainScreen) and session.step.id == "verify"
        await type_into(pilot, "#leaf", str(folder / "issued" / "localhost.fullchain.pem"))
        await type_into(pilot, "#chain-files", "")
        await type_into(pilot, "#anchors", str(folder / "ca.pem"))
        await type_into(pilot, "#host", "127.0.0.1", enter=True)
        await wait_until(pilot, session.is_done, "the learner's chain verified passing the checkpoint")
        assert chain.report is not None and chain.report.valid
        assert session.lesson_done(session.lesson)
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(6)) == {"root", "server", "passphrase", "verify"}


# Lesson 7 -----------------------------------------------------------------------------------------------


def lesson_6_folder(folder: Path) -> None:
    """What lesson 6 left: a root CA and a localhost certificate with the SANs localhost and 127.0.0.1
    (made at the real time: the probe's TLS client checks the dates with the real clock)."""
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric import ec

    import tlsexplorer.core.ca.store as ca_store

    now = dt.datetime.now(dt.timezone.utc)
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="My Course CA"), now,
                                      ec.generate_private_key(ec.SECP256R1())))
    issuer = ca_store.load_ca(folder)
    ca_store.save(ca_store.build_leaf(issuer, ca_store.LeafRequest("localhost", sans=("127.0.0.1",)),
                                      now, ec.generate_private_key(ec.SECP256R1())))


async def test_lesson_7_https_with_the_learners_files_and_the_errors_people_hit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lesson_6_folder(Path("course-ca"))
    learner_where(tmp_path, 7)
    app = TlsExplorerApp(course=7, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = course(app)
        lab = app.screen
        assert isinstance(lab, TlsScreen) and session.step.id == "serve"
        await wait_until(pilot, lambda: tab(lab) == "tab-server", "the coach opening the Server tab")
        try:
            await type_into(pilot, "#cert", "course-ca/issued/localhost.fullchain.pem")
            await type_into(pilot, "#key", "course-ca/issued/localhost.key.pem")
            await type_into(pilot, "#port", "0")  # the step's 8443 may be taken: any free port
            await pilot.press("ctrl+s")
            await wait_until(pilot, session.is_done, "the server on the learner's files passing")
            server = lab.server
            assert server is not None and server.running
            await press(pilot, "coach-next")
            # Step 2: plain curl's error, with 'trust' unticked as the step says.
            assert session.step.id == "verify-failed"
            assert await predict(pilot, "certificate verify failed")
            await toggle(pilot, "#trust-sample")
            await pilot.press("ctrl+r")
            await wait_until(pilot, session.is_done, "the probe refused for an unknown CA passing")
            assert "verify failed" in widget_text(lab, "#probe-result")
            await press(pilot, "coach-next")
            # Step 3, the wrong move: --insecure 'works' and proves nothing; the coach waits.
            assert session.step.id == "cacert"
            assert await predict(pilot, "--cacert ca.pem")
            await toggle(pilot, "#trust-sample")
            await toggle(pilot, "#insecure")
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: lab.probe_result is not None and lab.probe_result.insecure,
                             "the --insecure probe")
            assert lab.probe_result is not None and lab.probe_result.ok
            assert not session.is_done(), "a probe with --insecure passed"
            assert "Leave --insecure unticked" in await ask_hint(pilot)
            await toggle(pilot, "#insecure")
            await type_into(pilot, "#probe-ca", "course-ca/ca.pem")
            await pilot.press("ctrl+r")
            await wait_until(pilot, session.is_done, "the probe verified with the learner's CA passing")
            assert lab.probe_result is not None and lab.probe_result.verified
            await press(pilot, "coach-next")
            # Step 4: the scenarios, and the two rows the step names.
            assert session.step.id == "ip-san"
            await pilot.press("ctrl+b")
            await wait_until(pilot, session.is_done, "the scenarios passing the checkpoint")
            board = lab.query_one("#board", DataTable)
            assert board.has_focus
            # The rows, picked with the arrow keys as the hint says: the client's words in full below.
            for key, said in (("ip_mismatch", "IP address mismatch"), ("one_liner", "Hostname mismatch")):
                assert str(board.get_row(key)[0]) in session.step.do, f"the step does not name the {key} row"
                for _ in range(board.row_count):
                    if board.coordinate_to_cell_key(board.cursor_coordinate).row_key.value == key:
                        break
                    await pilot.press("down")
                await wait_until(pilot, lambda s=said: s in widget_text(lab, "#scenario-detail"),
                                 f"{said!r} in the {key} row's detail")
            assert session.lesson_done(session.lesson)
        finally:
            if lab.server is not None:
                await pilot.press("ctrl+s")
                await wait_until(pilot, lambda: lab.server is None, "the server stopping")
            await settle(pilot)
        assert not server.running
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(7)) == {"serve", "verify-failed", "cacert", "ip-san"}

"""Course mode in the real app: the coach stays across screens, predictions come before the reveal,
checkpoints pass only after the real action, and the panel leaves explorers usable at 80x24."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

from cryptography.fernet import Fernet
from textual.widgets import Button, Checkbox, Input, TabbedContent

from tests.tui.conftest import learner_where, panel, press, settle, shown, widget_text
from tlsexplorer.core.course.progress import progress_path
from tlsexplorer.core.tls.server import DEFAULT_SECRET
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.symmetric import SymmetricScreen
from tlsexplorer.tui.screens.tls import TlsScreen
from tlsexplorer.tui.widgets.coach import CoachPanel


async def test_lesson_3_walked_end_to_end_and_the_coach_stays_across_screens(tmp_path: Path) -> None:
    learner_where(tmp_path, 3)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=3, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.coach is not None
        session = app.coach.session
        challenge = session.progress.learner.fernet()
        screen = app.screen
        assert isinstance(screen, SymmetricScreen)
        assert screen.query_one("#tabs", TabbedContent).active == "tab-fernet", "not at the step's tab"
        # Decrypting before predicting records the fact but reveals nothing.
        await press(pilot, "coach-choice-1")
        await press(pilot, "coach-load")
        assert not session.is_done()
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert session.is_done(), "decrypting the learner's token with the learner's key did not pass"
        # The coach stays while the learner goes elsewhere and comes back.
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.query(CoachPanel), "no coach on the RSA screen"
        assert "Open your token" in shown(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.query(CoachPanel)
        await press(pilot, "coach-next")
        # The secret: a friend's answer (another learner's) does not pass.
        from tlsexplorer.core.course.learner import Learner

        friend = Learner(bytes(16)).fernet().secret
        assert friend != challenge.secret
        app.screen.query_one("#coach-answer", Input).value = friend
        await press(pilot, "coach-check")
        assert not session.is_done()
        app.screen.query_one("#coach-answer", Input).value = challenge.secret
        await press(pilot, "coach-check")
        assert session.is_done()
        await press(pilot, "coach-next")
        # A wrong key: the checkpoint waits for a real refusal.
        await press(pilot, "coach-choice-2")
        assert not session.is_done()
        await pilot.press("ctrl+g")
        screen.query_one("#token", Input).value = challenge.token
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert session.is_done(), "a token refused with a wrong key did not pass"
        await press(pilot, "coach-next")
        # The lab's Fernet page: a server without it does not pass, one with it does.
        assert session.step.id == "lab-fernet"
        await press(pilot, "coach-choice-2")
        assert not app.screen.query("#coach-done"), "a state checkpoint offered 'mark done'"
        lab = app.screen
        assert isinstance(lab, TlsScreen)
        lab.query_one("#port", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert lab.server is not None and not session.is_done(), "a server without the Fernet page passed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        lab.query_one("#fernet", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        server = lab.server
        assert server is not None and server.fernet_key is not None
        assert session.is_done(), "starting the Fernet page did not pass the checkpoint"
        assert session.lesson_done(session.lesson)
        # What was served is a token the key shown on screen opens.
        token = _https_body(server.port, "/fernet")
        key = server.fernet_key.encoded
        assert key in widget_text(lab, "#server-status")
        assert Fernet(key.encode()).decrypt(token.strip()) == DEFAULT_SECRET.encode()
        await pilot.press("ctrl+s")
        await settle(pilot)


def _https_body(port: int, path: str) -> bytes:
    """GET ``path`` from the lab server (the built-in sample, trusted through Charlie's root)."""
    from tests.tls_support import ROOT

    context = ssl.create_default_context(cadata=ROOT.read_text())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := tls.recv(65536):
            data += chunk
    return data.split(b"\r\n\r\n", 1)[1]


async def test_the_coach_is_a_bar_at_80x24_and_the_explorer_keeps_its_room(tmp_path: Path) -> None:
    learner_where(tmp_path, 2)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=2, course_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        coach = panel(app)
        assert coach.has_class("-bar") and coach.region.height <= 3
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.region.width == 80 and tabs.region.height >= 15
        assert "F12 opens the coach" in shown(app)
        await pilot.press("f12")
        await settle(pilot)
        coach = panel(app)
        assert coach.region.height >= 12 and app.screen.focused is not None
        assert coach in app.screen.focused.ancestors
        await pilot.press("f12")
        await settle(pilot)
        assert panel(app).region.height <= 3



async def test_every_explorer_tab_and_checkpoint_the_lessons_name_exists() -> None:
    from tlsexplorer.core.course.checks import CHECKPOINTS
    from tlsexplorer.core.course.lesson import load_lessons, problems
    from tlsexplorer.tui.explorers import EXPLORERS

    lessons = load_lessons()
    tabs: dict[str, set[str]] = {}
    app = TlsExplorerApp(now=SAMPLE_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        for item in EXPLORERS:
            app.open_explorer(item.id)
            await settle(pilot)
            screen = app.screen
            assert hasattr(screen, "tabs")
            tabs[item.id] = {tab.pane_id for tab in screen.tabs()}
    assert problems(lessons, tabs, {name: c.kind for name, c in CHECKPOINTS.items()}) == []


async def test_a_damaged_progress_file_is_said_and_left_alone(tmp_path: Path) -> None:
    path = progress_path(tmp_path)
    path.write_text("{")
    app = TlsExplorerApp(now=SAMPLE_NOW, course=2, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.coach is None and app.is_running
        assert any("damaged" in n.message for n in app._notifications)
    assert path.read_text() == "{"


async def test_the_course_card_opens_the_lessons_and_enter_starts_one(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    app = TlsExplorerApp(now=SAMPLE_NOW, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        lessons = app.screen.query_one("#lessons", OptionList)
        assert lessons.option_count == 8
        lessons.highlighted = 3
        await pilot.press("enter")
        await settle(pilot)
        assert app.coach is not None and app.coach.session.lesson.number == 4
        assert app.screen.query(CoachPanel) and "Your primes: " not in shown(app)  # the question comes first


async def test_lesson_8_quick_ways_pass_only_after_the_real_actions(tmp_path: Path) -> None:
    learner_where(tmp_path, 8)
    app = TlsExplorerApp(now=SAMPLE_NOW, course=8, course_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.coach is not None
        session = app.coach.session
        lab = app.screen
        assert isinstance(lab, TlsScreen) and session.step.id == "adhoc"
        assert lab.query_one("#tabs", TabbedContent).active == "tab-scenarios"
        await press(pilot, "coach-choice-1")
        assert not session.is_done(), "the adhoc checkpoint passed before the scenario ran"
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert lab.scenario_results["adhoc"].as_expected
        assert session.is_done(), "the adhoc scenario refused without --insecure did not pass"
        await press(pilot, "coach-next")
        # The one-liner: a state step passes on what happens after its prediction: play the board again.
        assert session.step.id == "one-liner"
        await press(pilot, "coach-choice-1")
        assert not session.is_done()
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert session.is_done(), "the one_liner scenario (relaxed accepts, strict refuses) did not pass"
        from textual.widgets import DataTable

        assert str(lab.query_one("#board", DataTable).get_cell("one_liner", "error")).startswith("Hostname")
        await press(pilot, "coach-next")
        # Who listens: without the lab server the panel reads the system, but the step is not done.
        assert session.step.id == "listens"
        lab.query_one("#port", Input).value = "0"
        lab.query_one("#who-listens", Button).press()
        await settle(pilot)
        assert not session.is_done(), "who-listens without the lab server running passed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        server = lab.server
        assert server is not None
        lab.query_one("#who-listens", Button).press()
        await settle(pilot)
        listens = widget_text(lab, "#listens")
        assert str(server.port) in listens and "(this app)" in listens and "lsof" in listens
        assert session.is_done(), "the lab server seen listening did not pass"
        await pilot.press("ctrl+s")
        await settle(pilot)

"""Lessons 1, 2 and 4 to 7 walked in the real app as a learner walks them: the coach's text read, each
prediction made, each step done in the explorer the coach opened with keys, typed text and the screens'
own widgets, and each checkpoint passed by what the screens recorded. For each lesson, one wrong move
the coach does not accept, and the hint it gives for it (held to what the screen shows).

The learner's own numbers come from their seed (``core/course/learner.py``) or from what the screen
showed them; lessons 3 and 8 are walked in ``test_course.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, TabbedContent

from tests.tui.conftest import (
    answer,
    ask_hint,
    press,
    settle,
    shown,
    type_into,
    wait_until,
    widget_text,
)
from tlsexplorer.core.course.progress import load_progress, progress_path
from tlsexplorer.core.course.session import CourseSession
from tlsexplorer.core.tls.server import DEFAULT_SECRET
from tlsexplorer.samples import SAMPLE_NOW
from tlsexplorer.tui.app import TlsExplorerApp
from tlsexplorer.tui.screens.tls import TlsScreen


def course(app: TlsExplorerApp) -> CourseSession:
    """The running course."""
    assert app.coach is not None, "the course did not start"
    return app.coach.session


async def predict(pilot: Any, choice: str) -> bool:
    """Answer the step's question with the option that reads ``choice``; True when the coach says right."""
    buttons = [b for b in pilot.app.screen.query(Button) if (b.id or "").startswith("coach-choice-")]
    matching = [b for b in buttons if choice in str(b.label)]
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
        assert await predict(pilot, "its size, and the server's name")
        await pilot.press("ctrl+t")
        await wait_until(pilot, session.is_done, "the HTTPS recording passing the checkpoint")
        assert lab.analysis is not None and lab.analysis.kind == "tls"
        assert session.lesson_done(session.lesson)
    saved = load_progress(progress_path(tmp_path))
    assert set(saved.done_in(1)) == {"plain", "tls"}

"""The course's coach: a panel docked beside whichever explorer the step needs.

One :class:`Coach` per app holds the :class:`~tlsexplorer.core.course.session.CourseSession`
(the model); each Home or explorer screen gets its own :class:`CoachPanel` (a
view of that one session), mounted when the screen first comes to the top
(the app's ``screen_change_signal``), so the coach stays while the learner
moves between screens. Checkpoints read the facts the screens record through
the app (``host.record``), never the widgets.

From 100 columns the panel is docked on the right; below, or when closed with
F12, it is a two-line bar above the footer, so every explorer keeps its room.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from tlsexplorer.core.course.facts import Fact, FactLog
from tlsexplorer.core.course.learner import DH_G, DH_P
from tlsexplorer.core.course.session import CourseSession
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.tui.host import ExplorerHost
from tlsexplorer.tui.payloads import CrackText, FernetMaterial
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.screens.home import HomeScreen

#: From this many columns the open panel sits beside the explorer; below, it opens over its lower part.
SIDE_WIDTH = 100


class CoachPanel(Vertical):
    """The coach on one screen: the step, its question, hints, checkpoint and what it meant."""

    DEFAULT_CSS = """
    CoachPanel {
        dock: right; width: 46; margin: 1 0 1 0; padding: 0 1;
        border-left: thick $accent; background: $surface;
    }
    CoachPanel.-bar {
        dock: bottom; width: 100%; height: 2; margin: 0 0 1 0; padding: 0 1;
        border-left: none; border-top: thick $accent;
    }
    CoachPanel.-bar.-over { height: 70%; }
    CoachPanel #coach-head { height: 1; color: $accent; text-style: bold; }
    CoachPanel.-bar.-shut #coach-body { display: none; }
    CoachPanel #coach-body { height: 1fr; }
    CoachPanel .coach-part { margin-top: 1; height: auto; }
    CoachPanel .coach-row { height: auto; margin-top: 1; }
    CoachPanel .coach-row Button { margin-right: 1; }
    CoachPanel Button { min-width: 4; }
    CoachPanel .coach-choice { width: 100%; margin-top: 0; text-align: left; content-align: left middle; }
    CoachPanel #coach-answer { width: 1fr; }
    CoachPanel .coach-pass { color: $success; text-style: bold; }
    CoachPanel .coach-fail { color: $warning; }
    CoachPanel .coach-pending { color: $warning; text-style: italic; }
    """

    def __init__(self, coach: Coach) -> None:
        super().__init__(id="coach")
        self.coach = coach

    @property
    def session(self) -> CourseSession:
        """The course this panel shows."""
        return self.coach.session

    # Layout -------------------------------------------------------------------------------

    def _fit(self) -> None:
        """Beside the explorer when open and wide; a bar above the footer otherwise."""
        wide = self.app.size.width >= SIDE_WIDTH
        self.set_class(not (wide and self.coach.is_open), "-bar")
        self.set_class(not wide and self.coach.is_open, "-over")
        self.set_class(not self.coach.is_open, "-shut")

    def on_mount(self) -> None:
        """Fit the terminal."""
        self._fit()

    def on_resize(self, _event: events.Resize) -> None:
        """The terminal changed: side panel or bar."""
        self._fit()

    def _head(self) -> Text:
        session = self.session
        lesson, step = session.lesson, session.step
        mark = "✓" if session.is_done() else "…"
        head = Text(f"Course {lesson.number}/{len(session.lessons)} · step "
                    f"{session.step_index + 1}/{len(lesson.steps)} {mark} {step.title}")
        if not self.coach.is_open:
            head.append("   F12 opens the coach", style="dim")
        return head

    def compose(self) -> ComposeResult:
        """The current step, as far as the learner has come."""
        session = self.session
        step = session.step
        yield Static(self._head(), id="coach-head", markup=False)
        with VerticalScroll(id="coach-body", can_focus=False):
            yield Static(Text(session.lesson.title, style="dim"), markup=False)
            yield Static(Text(step.do), classes="coach-part", markup=False)
            question = step.predict
            if question is not None:
                yield Static(Text.assemble(("Predict first: ", "bold"), question.question),
                             classes="coach-part", markup=False)
                chosen = session.prediction
                if chosen is None and not session.is_done():
                    for index, choice in enumerate(question.choices):
                        yield Button(f"{index + 1}. {choice}", id=f"coach-choice-{index}",
                                     classes="coach-choice", compact=True)
                elif chosen is not None:
                    right = chosen == question.answer
                    yield Static(Text.assemble(
                        (f"You said {chosen + 1}: ", "bold"),
                        ("right. " if right else f"the answer is {question.answer + 1}. ",
                         "green" if right else "yellow"),
                        question.why), classes="coach-part", markup=False)
            if not session.needs_prediction:
                yield from self._material()
                yield from self._checkpoint()
            shown = step.hints[: session.hints_shown]
            for number, hint in enumerate(shown, 1):
                yield Static(Text.assemble((f"Hint {number}: ", "bold"), hint), classes="coach-part",
                             markup=False)
            if session.is_done():
                yield from self._meaning()
            with Horizontal(classes="coach-row"):
                yield Button("◀ Back", id="coach-back", compact=True)
                if session.hints_shown < len(step.hints):
                    yield Button("Hint", id="coach-hint", compact=True)
                yield Button("Next ▶", id="coach-next", compact=True,
                             variant="primary" if session.is_done() else "default")
            if session.save_error:
                yield Static(Text(session.save_error, style="red"), classes="coach-part", markup=False)

    def _material(self) -> ComposeResult:
        step, learner = self.session.step, self.session.progress.learner
        if step.material == "caesar":
            yield Static(Text.assemble(("Your ciphertext: ", "bold"), learner.caesar().ciphertext),
                         classes="coach-part", markup=False)
        elif step.material == "fernet":
            challenge = learner.fernet()
            yield Static(Text.assemble(("Your key: ", "bold"), challenge.key.encoded, "\n",
                                       ("Your token: ", "bold"), challenge.token),
                         classes="coach-part", markup=False)
        elif step.material == "rsa":
            p, q = learner.primes()
            yield Static(Text.assemble(("Your primes: ", "bold"), f"p = {p}, q = {q}"), classes="coach-part",
                         markup=False)
        elif step.material == "dh":
            a, b = learner.dh_secrets()
            numbers = f"p = {DH_P}, g = {DH_G}, a = {a}, b = {b}"
            yield Static(Text.assemble(("Your numbers: ", "bold"), numbers), classes="coach-part",
                         markup=False)
        if step.material in ("caesar", "fernet"):
            with Horizontal(classes="coach-row"):
                yield Button("Load my material", id="coach-load", compact=True, variant="primary")

    def _checkpoint(self) -> ComposeResult:
        session = self.session
        check = session.step.check
        if session.is_done():
            yield Static(Text("✓ Checkpoint passed.", style="bold green"), classes="coach-part coach-pass",
                         markup=False)
            return
        if check.kind == "value":
            yield Static(Text.assemble(("Checkpoint: ", "bold"), check.prompt), classes="coach-part",
                         markup=False)
            with Horizontal(classes="coach-row"):
                yield Input(placeholder="your answer", id="coach-answer", compact=True)
                yield Button("Check", id="coach-check", compact=True, variant="success")
        elif check.kind == "state":
            yield Static(Text.assemble(("Checkpoint: ", "bold"),
                                       "the coach sees it when you do it in the app."),
                         classes="coach-part", markup=False)
        elif check.kind == "pending":
            yield Static(Text(f"This step's check arrives with {check.feature}; mark it done yourself.",
                              style="italic yellow"), classes="coach-part coach-pending", markup=False)
            with Horizontal(classes="coach-row"):
                yield Button("Mark done", id="coach-done", compact=True)
        else:
            yield Static(Text("Nothing in the app can see this one: mark it done yourself.", style="dim"),
                         classes="coach-part", markup=False)
            with Horizontal(classes="coach-row"):
                yield Button("Mark done", id="coach-done", compact=True)
        verdict = session.last_verdict
        if verdict is not None and not verdict.passed:
            yield Static(Text(verdict.message, style="yellow"), classes="coach-part coach-fail", markup=False)

    def _meaning(self) -> ComposeResult:
        step = self.session.step
        yield Static(Text.assemble(("What it meant: ", "bold"), step.meaning), classes="coach-part",
                     markup=False)
        yield Static(Text.assemble(("CLI: ", "bold"), (step.cli, "cyan")), classes="coach-part", markup=False)
        yield Static(Text("Python:", style="bold"), classes="coach-part", markup=False)
        yield Static(Syntax(step.python, "python", word_wrap=True, background_color="default"), markup=False)

    # Actions ------------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Show the session as it is now (the focus stays in the panel if it was there)."""
        self.call_next(self._rebuild)

    async def _rebuild(self) -> None:
        focused = self.screen.focused
        inside = focused is not None and self in focused.ancestors
        self._fit()
        await self.recompose()
        if inside:
            self.focus_first()

    def focus_first(self) -> None:
        """Give the focus to the panel's first answer field or button."""
        target = next((w for w in self.query("Input, Button") if w.focusable), None)
        if target is not None:
            target.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The panel's buttons (their presses never reach the explorer)."""
        event.stop()
        button = event.button.id or ""
        session = self.session
        if button.startswith("coach-choice-"):
            session.predict(int(button.removeprefix("coach-choice-")))
        elif button == "coach-hint":
            session.hint()
        elif button == "coach-check":
            self._check()
            return
        elif button == "coach-done":
            session.mark_done()
        elif button == "coach-load":
            self.coach.load_material()
        elif button in ("coach-next", "coach-back"):
            session.go(1 if button == "coach-next" else -1)
            self.coach.show_step()
            return
        self.coach.refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the answer field checks it."""
        event.stop()
        self._check()

    def _check(self) -> None:
        answer = self.query_one("#coach-answer", Input).value if self.query("#coach-answer") else ""
        verdict = self.session.check(answer)
        if verdict.passed:
            self.app.notify(verdict.message, title="Checkpoint passed")
        self.coach.refresh()


class Coach:
    """The course running in an app: one session, a panel on every explorer screen."""

    def __init__(self, app: App[Any], session: CourseSession) -> None:
        self.app = app
        self.session = session
        self.is_open = app.size.width >= SIDE_WIDTH
        """Whether the panel is open (from 100 columns it starts open)."""
        app.screen_change_signal.subscribe(app, self.attach)
        session.facts.listen(self._fact)

    @property
    def host(self) -> ExplorerHost:
        """The app, as explorers see it."""
        app = self.app
        assert isinstance(app, ExplorerHost)
        return app

    def attach(self, screen: Screen[Any]) -> None:
        """Give ``screen`` its panel (Home and explorers only), or bring its panel up to date."""
        if not isinstance(screen, ExplorerScreen | HomeScreen) or not screen.is_attached:
            return
        panels = screen.query(CoachPanel)
        if panels:
            panels.first().rebuild()
        else:
            # First among the screen's children, so the footer and the header (docked, drawn after
            # it) stay on top: mounted last, the panel covered Home's footer, Help and Quit included.
            screen.mount(CoachPanel(self), before=0 if screen.children else None)

    def panel(self) -> CoachPanel | None:
        """The panel on the screen on top, if it has one."""
        panels = self.app.screen.query(CoachPanel)
        return panels.first() if panels else None

    def refresh(self) -> None:
        """Show the session's state on the screen on top."""
        panel = self.panel()
        if panel is not None:
            panel.rebuild()

    def toggle(self) -> None:
        """Open or close the panel; an opened panel takes the focus."""
        self.is_open = not self.is_open
        panel = self.panel()
        if panel is None:
            self.attach(self.app.screen)
            return
        panel.rebuild()
        if self.is_open:
            panel.call_after_refresh(panel.focus_first)

    def _fact(self, fact: Fact) -> None:
        verdict = self.session.on_fact(fact)
        if verdict is not None:
            self.app.notify(verdict.message, title="Checkpoint passed")
            self.refresh()

    def show_step(self) -> None:
        """Open the explorer and tab the current step needs; the panel follows."""
        step = self.session.step
        self.host.open_explorer(step.explorer)
        screen = self.app.screen
        if step.tab and isinstance(screen, ExplorerScreen):
            # A screen pushed just now has no tabs yet: show the step's tab once it is composed.
            screen.call_after_refresh(self._show_tab, screen, step.tab)
        self.attach(screen)

    @staticmethod
    def _show_tab(screen: ExplorerScreen, pane_id: str) -> None:
        for tab in screen.tabs():
            if tab.pane_id == pane_id:
                screen.action_show_tab(tab.tabs_id, tab.pane_id)

    def load_material(self) -> None:
        """Hand the learner's own challenge to the explorer (the Caesar text, the Fernet key and token)."""
        learner = self.session.progress.learner
        material = self.session.step.material
        if material == "caesar":
            self.host.open_explorer("symmetric", CrackText(learner.caesar().ciphertext))
        elif material == "fernet":
            challenge = learner.fernet()
            self.host.open_explorer("symmetric", FernetMaterial(challenge.key.encoded, challenge.token))


def start_coach(app: App[Any], coach: Coach | None, lesson: int | None, folder: Path | None) -> Coach | None:
    """Start the course in ``app`` (or move a running one to ``lesson``); None when the progress
    file cannot be read (the error is said on screen and the file is left as it is)."""
    from tlsexplorer.core.course.lesson import load_lessons
    from tlsexplorer.core.course.progress import load_progress, progress_path

    if coach is None:
        path = progress_path(folder)
        try:
            session = CourseSession(load_lessons(), load_progress(path), path, app_facts(app))
            if lesson is not None:
                session.open(lesson)
            else:
                session.save()
        except (TlsxError, OSError) as exc:
            app.notify(str(exc), title="The course cannot start", severity="error", timeout=20)
            return None
        coach = Coach(app, session)
    elif lesson is not None:
        try:
            coach.session.open(lesson)
        except TlsxError as exc:
            app.notify(str(exc), title="Course", severity="error")
            return coach
    coach.show_step()
    return coach


def read_session(folder: Path | None) -> CourseSession:
    """The learner's progress as a session that is not saved (for showing it).

    Raises:
        TlsxError: the progress file is damaged or a lesson file is invalid.
    """
    from tlsexplorer.core.course.lesson import load_lessons
    from tlsexplorer.core.course.progress import load_progress, progress_path

    return CourseSession(load_lessons(), load_progress(progress_path(folder)), None)


def app_facts(app: App[Any]) -> FactLog:
    """The app's fact log (every :class:`~tlsexplorer.tui.app.TlsExplorerApp` has one)."""
    facts = getattr(app, "facts", None)
    return facts if isinstance(facts, FactLog) else FactLog()


__all__ = ["Coach", "CoachPanel", "read_session", "start_coach"]

"""Course: the lessons, the learner's progress in each, and the way in.

Choosing a lesson starts the course (:meth:`ExplorerHost.start_course`): the
coach panel opens beside the explorer the lesson's step needs and stays while
the learner moves between screens. The engine and the lessons load when this
screen is first opened, never at the app's start-up.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from tlsexplorer.core.course.lesson import Lesson
from tlsexplorer.core.errors import TlsxError
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.widgets.footer import KeyFooter

INTRO = (
    "The course behind tlsexplorer, from a secret sent over plain HTTP to HTTPS on your own CA. "
    "Each step says what to do and where, asks you to predict what will happen, checks that you did "
    "it in the app, and says what it meant, with the same thing on the command line and in Python. "
    "F12 opens and closes the coach; your progress is saved."
)


class CourseScreen(ExplorerScreen):
    """The lessons with their progress; Enter or ctrl+s starts one."""

    EXPLORER_ID = "course"
    TITLE = "Course"
    AUTO_FOCUS = "#lessons"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start lesson"),
    ]

    DEFAULT_CSS = """
    CourseScreen #course-body { padding: 1 2; }
    CourseScreen #course-intro { margin-bottom: 1; max-width: 100; }
    CourseScreen #lessons { height: auto; max-height: 12; }
    CourseScreen #lesson-summary { margin-top: 1; max-width: 100; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.lessons: tuple[Lesson, ...] = ()
        """The lessons, as listed."""

    def compose(self) -> ComposeResult:
        """The intro, the lessons and the highlighted lesson's summary."""
        yield Header()
        with VerticalScroll(id="course-body", can_focus=False):
            yield Static(INTRO, id="course-intro", markup=False)
            yield OptionList(id="lessons")
            yield Static(id="lesson-summary", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """List the lessons with the learner's progress."""
        self.show_lessons()

    def on_screen_resume(self) -> None:
        """Progress may have changed while the learner was in the explorers."""
        self.show_lessons()

    def show_lessons(self) -> None:
        """Fill the list (the progress file is only read here)."""
        options = self.query_one("#lessons", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        try:
            session = self.host.course_session()
        except (TlsxError, OSError) as exc:
            self.query_one("#lesson-summary", Static).update(Text(str(exc), style="red"))
            return
        self.lessons = session.lessons
        for status in session.statuses():
            mark = "✓" if status.done == status.steps else ("…" if status.done else " ")
            label = f"{mark} {status.number}. {status.title}  ({status.done}/{status.steps})"
            options.add_option(Option(label, id=f"lesson-{status.number}"))
        options.highlighted = highlighted if highlighted is not None else 0
        self._summary()

    def _summary(self) -> None:
        index = self.query_one("#lessons", OptionList).highlighted
        if index is None or not self.lessons:
            return
        lesson = self.lessons[index]
        steps = "\n".join(f"  {i}. {step.title}" for i, step in enumerate(lesson.steps, 1))
        self.query_one("#lesson-summary", Static).update(
            Text.assemble((lesson.title, "bold"), "\n", lesson.summary, "\n\n", steps))

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        """Show the lesson's summary and steps."""
        self._summary()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click starts the lesson."""
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        """Start (or replay) the highlighted lesson with the coach."""
        index = self.query_one("#lessons", OptionList).highlighted
        if index is None or not self.lessons:
            return
        self.host.start_course(self.lessons[index].number)


__all__ = ["CourseScreen"]

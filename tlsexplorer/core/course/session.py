"""One learner walking the course: the state machine the coach panel and the CLI show.

For the step in hand: the prediction comes first (the checkpoint and what it
meant stay hidden until it is answered), hints come one at a time, the
checkpoint reads the facts the app recorded (or compares a typed value), and
only a passed checkpoint (or, for ``confirm`` and ``pending`` steps, the
learner's own word) marks the step done. Progress is saved after every change;
when it cannot be written, the session keeps going and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tlsexplorer.core.course.checks import CHECKPOINTS, Verdict, evaluate
from tlsexplorer.core.course.facts import Fact, FactLog
from tlsexplorer.core.course.lesson import Lesson, Step
from tlsexplorer.core.course.progress import Progress, save_progress
from tlsexplorer.core.errors import InvalidInput, TlsxError


@dataclass(frozen=True)
class LessonStatus:
    """One line of ``course --list``."""

    number: int
    title: str
    steps: int
    done: int


class CourseSession:
    """The course for one learner: lessons, their progress and the app's facts."""

    def __init__(self, lessons: tuple[Lesson, ...], progress: Progress, path: Path | None,
                 facts: FactLog | None = None) -> None:
        """``path``: where progress is saved (None: not saved, for tests and screenshots)."""
        if not lessons:
            raise InvalidInput("no lessons found")
        self.lessons = lessons
        self.progress = progress
        self.path = path
        self.facts = facts if facts is not None else FactLog()
        self.hints_shown = 0
        """How many hints of the current step were asked for."""
        self.save_error: str | None = None
        """Why the last save failed (None when it worked)."""
        self.last_verdict: Verdict | None = None
        """What the last check said, for the current step."""
        if self.progress.lesson not in {lesson.number for lesson in lessons}:
            self.progress = replace(self.progress, lesson=lessons[0].number, step=0)
        if self.progress.step >= len(self.lesson.steps):
            self.progress = replace(self.progress, step=0)

    # Where we are ----------------------------------------------------------------

    def find(self, number: int) -> Lesson:
        """The lesson ``number``.

        Raises:
            InvalidInput: there is no such lesson (the message lists them).
        """
        for lesson in self.lessons:
            if lesson.number == number:
                return lesson
        numbers = ", ".join(str(lesson.number) for lesson in self.lessons)
        raise InvalidInput(f"there is no lesson {number}; the lessons are {numbers}")

    @property
    def lesson(self) -> Lesson:
        """The lesson being followed."""
        return self.find(self.progress.lesson)

    @property
    def step_index(self) -> int:
        """The step being followed, from 0."""
        return self.progress.step

    @property
    def step(self) -> Step:
        """The step being followed."""
        return self.lesson.steps[self.progress.step]

    def is_done(self, step: Step | None = None, lesson: Lesson | None = None) -> bool:
        """Whether a step (default: the current one) is done."""
        lesson = lesson or self.lesson
        return (step or self.step).id in self.progress.done_in(lesson.number)

    def lesson_done(self, lesson: Lesson) -> bool:
        """Whether every step of ``lesson`` is done."""
        return all(self.is_done(step, lesson) for step in lesson.steps)

    def statuses(self) -> list[LessonStatus]:
        """Each lesson with its number of steps and of steps done."""
        return [LessonStatus(lesson.number, lesson.title, len(lesson.steps),
                             sum(self.is_done(s, lesson) for s in lesson.steps)) for lesson in self.lessons]

    # Moving ----------------------------------------------------------------------------

    def open(self, number: int) -> None:
        """Follow lesson ``number``: at its first step not done, or from the start when it was finished
        (a replay: its steps and predictions are forgotten)."""
        lesson = self.find(number)
        progress = self.progress
        if self.lesson_done(lesson):
            progress = progress.replayed(number)
        done = progress.done_in(number)
        first = next((i for i, s in enumerate(lesson.steps) if s.id not in done), 0)
        self._moved(replace(progress, lesson=number, step=first))

    def go(self, delta: int) -> None:
        """The next (1) or previous (-1) step, across lessons."""
        index = self.progress.step + delta
        position = self.lessons.index(self.lesson)
        if 0 <= index < len(self.lesson.steps):
            self._moved(replace(self.progress, step=index))
        elif index < 0 and position > 0:
            before = self.lessons[position - 1]
            self._moved(replace(self.progress, lesson=before.number, step=len(before.steps) - 1))
        elif index >= len(self.lesson.steps) and position + 1 < len(self.lessons):
            self._moved(replace(self.progress, lesson=self.lessons[position + 1].number, step=0))

    def _moved(self, progress: Progress) -> None:
        self.hints_shown = 0
        self.last_verdict = None
        self._save(progress)

    # The step ------------------------------------------------------------------------------

    @property
    def prediction(self) -> int | None:
        """The choice made for the current step's prediction (None: not yet, or none asked)."""
        return self.progress.predicted.get(f"{self.lesson.number}:{self.step.id}")

    @property
    def needs_prediction(self) -> bool:
        """True while the step's question waits for an answer (nothing is revealed before)."""
        return self.step.predict is not None and self.prediction is None and not self.is_done()

    def predict(self, choice: int) -> bool:
        """Answer the prediction (the first answer counts); returns whether it was right.

        Raises:
            InvalidInput: the step asks no question, or ``choice`` is not one of its options.
        """
        question = self.step.predict
        if question is None:
            raise InvalidInput("this step asks no question")
        if not 0 <= choice < len(question.choices):
            raise InvalidInput(f"choose 1 to {len(question.choices)}")
        self._save(self.progress.with_prediction(self.lesson.number, self.step.id, choice))
        return self.prediction == question.answer

    def hint(self) -> str | None:
        """The next hint of the step (None when there are no more)."""
        if self.hints_shown >= len(self.step.hints):
            return None
        self.hints_shown += 1
        return self.step.hints[self.hints_shown - 1]

    @property
    def pending_feature(self) -> str | None:
        """What a ``pending`` step waits for, else None."""
        return self.step.check.feature if self.step.check.kind == "pending" else None

    def check(self, answer: str = "") -> Verdict:
        """Run the step's checkpoint; a pass marks the step done."""
        verdict = self._check(answer)
        self.last_verdict = verdict
        return verdict

    def _check(self, answer: str) -> Verdict:
        step = self.step
        if self.is_done():
            return Verdict(True, "Done.")
        if self.needs_prediction:
            return Verdict(False, "Predict first: answer the question before you check.")
        kind = step.check.kind
        if kind == "confirm":
            return Verdict(False, "Nothing in the app can see this one: mark it done yourself when you have.")
        if kind == "pending":
            return Verdict(False, f"This step's check arrives with {step.check.feature}; "
                                  "mark it done yourself when you have done it.")
        if step.check.name not in CHECKPOINTS:
            return Verdict(False, f"this step names a checkpoint that does not exist ({step.check.name!r})")
        verdict = evaluate(step.check.name, self.facts, self.progress.learner, answer)
        if verdict.passed:
            self._save(self.progress.with_done(self.lesson.number, step.id))
        return verdict

    def mark_done(self) -> Verdict:
        """The learner's word, for ``confirm`` and ``pending`` steps only."""
        if self.needs_prediction:
            verdict = Verdict(False, "Predict first: answer the question before you go on.")
        elif self.step.check.kind in ("confirm", "pending"):
            self._save(self.progress.with_done(self.lesson.number, self.step.id))
            verdict = Verdict(True, "Marked done (on your word: the app could not check it).")
        else:
            verdict = Verdict(False, "This step is checked by the app: do it, then check.")
        self.last_verdict = verdict
        return verdict

    def on_fact(self, fact: Fact) -> Verdict | None:
        """A fact was recorded: a ``state`` step waiting for it passes (returns the verdict), else None."""
        step = self.step
        if self.is_done() or self.needs_prediction or step.check.kind != "state":
            return None
        if CHECKPOINTS.get(step.check.name) is None:
            return None
        verdict = self.check()
        return verdict if verdict.passed else None

    # Saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the progress as it is (a new learner's seed is kept from the start)."""
        self._save(self.progress)

    def _save(self, progress: Progress) -> None:
        self.progress = progress
        if self.path is None:
            return
        try:
            save_progress(self.path, progress)
        except (TlsxError, OSError) as exc:
            self.save_error = f"progress not saved: {exc} (kept in memory; it is saved at the next change)"
        else:
            self.save_error = None


__all__ = ["CourseSession", "LessonStatus"]

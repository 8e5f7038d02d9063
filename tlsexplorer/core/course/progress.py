"""A learner's progress: which steps are done, what they predicted, their seed.

Kept as JSON in the state folder (``course.json`` beside the Inspector's recent
files, :func:`tlsexplorer.core.x509.recent.state_dir`), written atomically with
:func:`tlsexplorer.core.files.write_files`, mode 0600. A damaged file is never
overwritten: loading it raises a message that says what to do, and a reset
keeps it as ``course.damaged.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tlsexplorer.core.course.learner import SEED_BYTES, Learner
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.files import FileToWrite, read_file, write_files

FILE_NAME = "course.json"
DAMAGED_NAME = "course.damaged.json"
VERSION = 1
#: A progress file is a few kilobytes; a bigger one is damaged.
MAX_PROGRESS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Progress:
    """Where a learner is in the course."""

    seed: bytes
    """The learner's seed (:class:`tlsexplorer.core.course.learner.Learner`)."""
    lesson: int = 0
    """The lesson being followed (0: none yet)."""
    step: int = 0
    """The step being followed in it (from 0)."""
    done: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """Step ids done, per lesson number."""
    predicted: Mapping[str, int] = field(default_factory=dict)
    """The choice made (from 0) for each prediction, keyed ``lesson:step``."""

    @property
    def learner(self) -> Learner:
        """The learner this progress belongs to."""
        return Learner(self.seed)

    def done_in(self, lesson: int) -> tuple[str, ...]:
        """Step ids done in ``lesson``."""
        return self.done.get(lesson, ())

    def with_done(self, lesson: int, step_id: str) -> Progress:
        """A copy with one more step done."""
        steps = self.done_in(lesson)
        if step_id in steps:
            return self
        return replace(self, done={**self.done, lesson: (*steps, step_id)})

    def with_prediction(self, lesson: int, step_id: str, choice: int) -> Progress:
        """A copy with a prediction made (the first answer stays)."""
        key = f"{lesson}:{step_id}"
        if key in self.predicted:
            return self
        return replace(self, predicted={**self.predicted, key: choice})

    def replayed(self, lesson: int) -> Progress:
        """A copy where ``lesson`` starts again: its steps and predictions forgotten."""
        done = {n: s for n, s in self.done.items() if n != lesson}
        predicted = {k: v for k, v in self.predicted.items() if k.split(":")[0] != str(lesson)}
        return replace(self, lesson=lesson, step=0, done=done, predicted=predicted)

    def to_json(self) -> bytes:
        """The file's bytes."""
        document = {
            "version": VERSION,
            "seed": self.seed.hex(),
            "lesson": self.lesson,
            "step": self.step,
            "done": {str(n): list(s) for n, s in sorted(self.done.items())},
            "predicted": dict(self.predicted),
        }
        return json.dumps(document, indent=1).encode() + b"\n"


def new_progress() -> Progress:
    """A new learner's progress, with a fresh seed."""
    return Progress(Learner.new().seed)


def progress_path(folder: Path | None = None) -> Path:
    """Where the progress file lives (``folder``, else the state folder)."""
    if folder is None:
        from tlsexplorer.core.x509.recent import state_dir

        folder = state_dir()
    return folder / FILE_NAME


def parse_progress(data: bytes, source: str) -> Progress:
    """Read a progress file's bytes.

    Raises:
        InvalidInput: not a progress file; the message names it and says what to do.
    """
    def damaged(why: str) -> InvalidInput:
        return InvalidInput(f"{source} is damaged ({why}); it was left as it is: move it away, or run "
                            f"'tlsexplorer course --reset' (which keeps a copy as {DAMAGED_NAME})")

    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise damaged(f"not JSON: {exc}") from None
    if not isinstance(raw, dict) or raw.get("version") != VERSION:
        raise damaged(f"not a version {VERSION} progress file")
    try:
        seed = bytes.fromhex(str(raw["seed"]))
        lesson, step = raw.get("lesson", 0), raw.get("step", 0)
        if len(seed) != SEED_BYTES or not isinstance(lesson, int) or not isinstance(step, int):
            raise ValueError("seed, lesson or step")
        done = {int(n): tuple(str(s) for s in steps) for n, steps in dict(raw.get("done", {})).items()}
        predicted = {str(k): int(v) for k, v in dict(raw.get("predicted", {})).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise damaged(f"a field cannot be read: {exc}") from None
    return Progress(seed, max(lesson, 0), max(step, 0), done, predicted)


def load_progress(path: Path) -> Progress:
    """The progress in ``path``; a new learner's when there is no file yet.

    Raises:
        InvalidInput: the file is damaged (it is not touched).
        FileAccessError: it cannot be read.
    """
    if not path.exists():
        return new_progress()
    return parse_progress(read_file(path, MAX_PROGRESS_BYTES), str(path))


def save_progress(path: Path, progress: Progress) -> None:
    """Write the progress atomically, mode 0600 (the seed is the learner's).

    Raises:
        FileAccessError: it could not be written (nothing changed).
    """
    write_files([FileToWrite(path, progress.to_json(), private=True, kind="course progress")], force=True)


def reset_progress(path: Path) -> Progress:
    """Forget every lesson's steps and predictions, keeping the learner's seed.

    A damaged file is kept as :data:`DAMAGED_NAME` beside it and a new learner starts.

    Raises:
        FileAccessError: the files could not be written.
    """
    try:
        old = load_progress(path)
    except InvalidInput:
        damaged = read_file(path, MAX_PROGRESS_BYTES)
        copy = FileToWrite(path.with_name(DAMAGED_NAME), damaged, private=True, kind="damaged progress")
        write_files([copy], force=True)
        old = new_progress()
    fresh = Progress(old.seed)
    save_progress(path, fresh)
    return fresh


__all__ = ["FILE_NAME", "Progress", "load_progress", "new_progress", "parse_progress", "progress_path",
           "reset_progress", "save_progress"]

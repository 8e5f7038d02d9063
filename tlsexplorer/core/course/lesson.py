"""Lessons as data: one TOML file per lesson, read and checked here.

A lesson file has ``number``, ``title``, ``summary`` and a list of ``[[step]]``
tables. A step says what to do (``do``), where (``explorer`` and ``tab``, the
pane id of one of that explorer's tabs), offers ``hints``, may ask a
``[step.predict]`` multiple-choice question first, has a ``[step.check]``
and says what it meant (``meaning``) with the equivalent ``cli`` line and
``python`` code. Unknown fields are refused, so a typo is a clear message,
never a step that silently lacks its check.

Checkpoint kinds:

- ``state``: a named checkpoint (:data:`tlsexplorer.core.course.checks.CHECKPOINTS`)
  reads what the app recorded (a token decrypted, a chain verified...).
- ``value``: the learner types a value that only doing the step reveals,
  derived per learner, so it cannot be copied.
- ``confirm``: nothing in the app can see it (a command run in another
  terminal): the learner marks it done.
- ``pending``: the check needs a feature still to come (``feature`` names
  it); the coach says so and the learner marks it done. When the feature
  lands, the step's kind becomes ``state``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tlsexplorer.core.errors import InvalidInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover (Python 3.10)
    import tomli as tomllib

LESSONS_DIR = Path(__file__).resolve().parent / "lessons"
"""The built-in lessons, ``01-plain-http.toml``..."""

CHECK_KINDS = ("state", "value", "confirm", "pending")
"""How a step's checkpoint is passed (see the module docstring)."""

#: A lesson file larger than this is refused (they are a few kilobytes).
MAX_LESSON_BYTES = 256 * 1024

_LESSON_FIELDS = {"number", "title", "summary", "step"}
_STEP_FIELDS = {"id", "title", "explorer", "tab", "do", "material", "hints", "predict", "check",
                "meaning", "cli", "python"}
_PREDICT_FIELDS = {"question", "choices", "answer", "why"}
_CHECK_FIELDS = {"kind", "name", "prompt", "feature"}


@dataclass(frozen=True)
class Prediction:
    """A multiple-choice question answered before the step's result is revealed."""

    question: str
    """What the learner predicts."""
    choices: tuple[str, ...]
    """The options, in order."""
    answer: int
    """Index (from 0) of the right option."""
    why: str
    """Why that one, shown once the learner has answered."""


@dataclass(frozen=True)
class Check:
    """How a step is checked."""

    kind: str
    """One of :data:`CHECK_KINDS`."""
    name: str = ""
    """The named checkpoint (``state``, ``value`` and ``pending`` kinds)."""
    prompt: str = ""
    """The question a ``value`` checkpoint asks."""
    feature: str = ""
    """What a ``pending`` checkpoint waits for."""


@dataclass(frozen=True)
class Step:
    """One step of a lesson."""

    id: str
    """Short identifier, unique in its lesson (``crack``)."""
    title: str
    """One line."""
    explorer: str
    """The explorer the step happens in (``symmetric``)."""
    tab: str
    """The pane id of the tab it happens in (``tab-crack``), or "" for the explorer as it is."""
    do: str
    """What to do."""
    hints: tuple[str, ...]
    """Hints, shown one at a time on request."""
    predict: Prediction | None
    """The question answered before the reveal, if one fits."""
    check: Check
    """The checkpoint."""
    meaning: str
    """What it meant, shown once the checkpoint passed."""
    cli: str
    """The same thing on the command line."""
    python: str
    """The same thing in Python."""
    material: str = ""
    """Per-learner material the coach can hand to the explorer (``caesar``, ``fernet``), or ""."""


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course."""

    number: int
    """1 to 8."""
    title: str
    """One line."""
    summary: str
    """What the lesson is about."""
    steps: tuple[Step, ...]
    """The steps, in order."""
    source: str = ""
    """The file it was read from."""


def _text(table: Mapping[str, object], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: '{key}' must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise InvalidInput(f"{where}: '{key}' is missing")
    return value.strip()


def _unknown(table: Mapping[str, object], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise InvalidInput(f"{where}: unknown field {', '.join(repr(e) for e in extra)} "
                           f"(known: {', '.join(sorted(allowed))})")


def _prediction(raw: object, where: str) -> Prediction | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where}: 'predict' must be a table")
    _unknown(raw, _PREDICT_FIELDS, f"{where} predict")
    choices = raw.get("choices")
    if not isinstance(choices, list) or len(choices) < 2 or not all(isinstance(c, str) for c in choices):
        raise InvalidInput(f"{where}: predict 'choices' must be a list of at least two texts")
    answer = raw.get("answer")
    if not isinstance(answer, int) or isinstance(answer, bool) or not 1 <= answer <= len(choices):
        raise InvalidInput(f"{where}: predict 'answer' must be the number of a choice, 1 to {len(choices)}")
    return Prediction(_text(raw, "question", where), tuple(choices), answer - 1, _text(raw, "why", where))


def _check(raw: object, where: str) -> Check:
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where}: 'check' is missing (a table with 'kind')")
    _unknown(raw, _CHECK_FIELDS, f"{where} check")
    kind = _text(raw, "kind", where)
    if kind not in CHECK_KINDS:
        raise InvalidInput(f"{where}: check kind {kind!r} is not one of {', '.join(CHECK_KINDS)}")
    check = Check(kind, _text(raw, "name", where, required=kind != "confirm"),
                  _text(raw, "prompt", where, required=kind == "value"),
                  _text(raw, "feature", where, required=kind == "pending"))
    return check


def _step(raw: object, where: str) -> Step:
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where}: a step must be a table")
    _unknown(raw, _STEP_FIELDS, where)
    hints = raw.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise InvalidInput(f"{where}: 'hints' must be a list of texts")
    return Step(
        id=_text(raw, "id", where), title=_text(raw, "title", where),
        explorer=_text(raw, "explorer", where), tab=_text(raw, "tab", where, required=False),
        do=_text(raw, "do", where), hints=tuple(hints), predict=_prediction(raw.get("predict"), where),
        check=_check(raw.get("check"), where), meaning=_text(raw, "meaning", where),
        cli=_text(raw, "cli", where), python=_text(raw, "python", where),
        material=_text(raw, "material", where, required=False),
    )


def load_lesson(data: bytes, source: str = "<lesson>") -> Lesson:
    """Read one lesson file.

    Raises:
        InvalidInput: not TOML, a field missing or unknown, a step id used twice; the
            message names the file and the step.
    """
    if len(data) > MAX_LESSON_BYTES:
        raise InvalidInput(f"{source}: {len(data):,} bytes; a lesson file is at most {MAX_LESSON_BYTES:,}")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"{source}: not a lesson file ({exc})") from None
    _unknown(raw, _LESSON_FIELDS, source)
    number = raw.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InvalidInput(f"{source}: 'number' must be a whole number from 1")
    steps_raw = raw.get("step")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise InvalidInput(f"{source}: a lesson needs at least one [[step]]")
    steps = tuple(_step(s, f"{source} step {i}") for i, s in enumerate(steps_raw, 1))
    ids = [s.id for s in steps]
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"{source}: step ids must be unique ({', '.join(ids)})")
    return Lesson(number, _text(raw, "title", source), _text(raw, "summary", source), steps, source)


def load_lessons(folder: Path = LESSONS_DIR) -> tuple[Lesson, ...]:
    """Every lesson in ``folder`` (``*.toml``), by number.

    Raises:
        InvalidInput: a file is not a valid lesson, or two share a number.
    """
    lessons = []
    for path in sorted(folder.glob("*.toml")):
        data = path.read_bytes()
        lessons.append(load_lesson(data, path.name))
    numbers = [lesson.number for lesson in lessons]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(f"{folder}: two lessons share a number ({numbers})")
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


def problems(lessons: tuple[Lesson, ...], explorers: Mapping[str, set[str]],
             checkpoints: Mapping[str, str]) -> list[str]:
    """What the lessons name that does not exist: an explorer, a tab of it, a checkpoint,
    or a checkpoint used with the wrong kind.

    Args:
        explorers: each explorer id with the pane ids of its tabs.
        checkpoints: each checkpoint name with its kind (``state`` or ``value``).
    """
    found = []
    for lesson in lessons:
        for step in lesson.steps:
            where = f"lesson {lesson.number} step {step.id!r}"
            if step.explorer not in explorers:
                found.append(f"{where}: no explorer {step.explorer!r}")
            elif step.tab and step.tab not in explorers[step.explorer]:
                found.append(f"{where}: {step.explorer} has no tab {step.tab!r}")
            name, kind = step.check.name, step.check.kind
            if kind == "confirm":
                continue
            if name not in checkpoints:
                found.append(f"{where}: no checkpoint {name!r}")
            elif kind in ("state", "value") and checkpoints[name] != kind:
                found.append(f"{where}: checkpoint {name!r} is a {checkpoints[name]} check, not {kind}")
    return found


__all__ = ["CHECK_KINDS", "LESSONS_DIR", "Check", "Lesson", "Prediction", "Step", "load_lesson",
           "load_lessons", "problems"]

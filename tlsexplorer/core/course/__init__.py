"""The course's engine, free of any user interface: lessons, checkpoints, learners, progress.

- :mod:`.lesson`: lessons as data (one TOML file per lesson in ``lessons/``), loaded and checked.
- :mod:`.learner`: the per-learner seed and everything derived from it (challenges, answers).
- :mod:`.facts`: the facts the app records as the learner works (light: loaded at start-up).
- :mod:`.checks`: the named checkpoints that read them.
- :mod:`.progress`: the learner's progress file (state folder, atomic writes, reset).
- :mod:`.session`: one learner walking the lessons: predict, hints, check, next.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.course.checks import (
        CHECKPOINTS as CHECKPOINTS,
        Verdict as Verdict,
        evaluate as evaluate,
    )
    from tlsexplorer.core.course.facts import Fact as Fact, FactLog as FactLog
    from tlsexplorer.core.course.learner import Learner as Learner
    from tlsexplorer.core.course.lesson import (
        Check as Check,
        Lesson as Lesson,
        Prediction as Prediction,
        Step as Step,
        load_lesson as load_lesson,
        load_lessons as load_lessons,
    )
    from tlsexplorer.core.course.progress import (
        Progress as Progress,
        load_progress as load_progress,
        progress_path as progress_path,
        reset_progress as reset_progress,
        save_progress as save_progress,
    )
    from tlsexplorer.core.course.session import CourseSession as CourseSession

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)

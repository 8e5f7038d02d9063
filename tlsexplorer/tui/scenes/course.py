"""Scenes of the course: the coach beside Symmetric, lesson 2's crack step passed."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tlsexplorer.tui.scenes import Scene, settle

#: A fixed learner, so the picture is the same every time (and no progress file is written).
SCENE_SEED = bytes(range(16))


async def start_lesson(pilot: Pilot[Any], lesson: int) -> None:
    """Start the course at ``lesson`` for the fixed learner, without saving progress."""
    from tlsexplorer.core.course.lesson import load_lessons
    from tlsexplorer.core.course.progress import Progress
    from tlsexplorer.core.course.session import CourseSession
    from tlsexplorer.tui.widgets.coach import Coach

    app: Any = pilot.app
    session = CourseSession(load_lessons(), Progress(SCENE_SEED), None, app.facts)
    session.open(lesson)
    app.coach = Coach(app, session)
    app.coach.show_step()
    await settle(pilot)


async def _crack(pilot: Pilot[Any]) -> None:
    """Lesson 2, step 2: predicted, the learner's ciphertext cracked, what it meant."""
    await start_lesson(pilot, 2)
    app: Any = pilot.app
    app.coach.session.go(1)
    app.coach.show_step()
    await settle(pilot)
    app.coach.session.predict(1)
    app.coach.load_material()
    await settle(pilot)
    # The panel rebuilds after the crack's worker; under load that takes a while.
    for _ in range(100):
        if app.screen.query("#coach-body .coach-pass"):
            break
        await pilot.pause(0.05)
    await settle(pilot)
    # The "Checkpoint passed" toast lasts a few seconds: gone or not would depend on the machine's speed.
    app.clear_notifications()
    # No text cursor in the picture: its blink would make two runs differ.
    app.screen.set_focus(None)
    await settle(pilot)


SCENES = [
    Scene("course", "Course: the coach beside Symmetric, lesson 2's crack passed and what it meant", _crack),
]

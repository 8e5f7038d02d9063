"""``tlsexplorer course``: the lessons and progress as text and JSON, reset, errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import run_cli
from tlsexplorer.core.course.lesson import load_lessons
from tlsexplorer.core.course.progress import load_progress, progress_path, save_progress


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TLSEXPLORER_STATE_DIR", str(tmp_path))
    return tmp_path


def test_list_json_names_each_lesson_with_the_learners_progress(
        state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    progress = load_progress(progress_path(state)).with_done(2, "shift").with_done(2, "crack")
    save_progress(progress_path(state), progress)
    code, out, err = run_cli(capsys, "course", "--list", "--json")
    assert code == 0 and err == ""
    lessons = json.loads(out)["lessons"]
    assert [(d["number"], d["steps"]) for d in lessons] == [(x.number, len(x.steps)) for x in load_lessons()]
    assert set(lessons[0]) == {"number", "title", "steps", "done"}
    assert lessons[1]["done"] == 2 and lessons[0]["done"] == 0


def test_reset_clears_progress_and_keeps_a_damaged_file(
        state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = progress_path(state)
    path.write_text("garbage")
    code, _, err = run_cli(capsys, "course", "--list")
    assert code == 1 and err.startswith("tlsexplorer: error: ") and "damaged" in err and err.count("\n") == 1
    assert path.read_text() == "garbage"
    code, out, _ = run_cli(capsys, "course", "--reset", "--list")
    assert code == 0 and "(0/" in out
    assert (state / "course.damaged.json").read_text() == "garbage"
    assert load_progress(path).done == {}


def test_a_lesson_that_does_not_exist_is_a_usage_error(
        state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "course", "--lesson", "99")
    assert code == 2 and "no lesson 99" in err
    code, _, err = run_cli(capsys, "course", "--json")
    assert code == 2 and "--list" in err

"""SVG snapshots: one per scene of tlsexplorer.tui.scenes (the screenshots' states).

Update after a deliberate screen change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and regenerate the
screenshots with ``python -m tlsexplorer.tui.screenshots``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tlsexplorer.tui.scenes import Scene, all_scenes, make_app

SCENES = all_scenes()


@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
def test_scene_snapshot(scene: Scene, snap_compare: Any) -> None:
    """Each scene looks exactly as its approved snapshot."""
    assert snap_compare(make_app(), run_before=scene.run_before, terminal_size=scene.size)

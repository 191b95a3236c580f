"""dashboard/scoping.py: a viewer's rows, shared between viewers who see the same rows."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import scoping
from dashboard.auth import Viewer
from metrics import prepare
from tests.upload_files import NORRDAL, SJOSTAD


def viewer(role: str, forbund=(), insatser=(), username="u") -> Viewer:
    return Viewer(username=username, name=username, role=role, forbund=tuple(forbund),
                  insatser=tuple(insatser))


@pytest.mark.parametrize(("a", "b", "same"), [
    (viewer("admin", username="a"), viewer("admin", username="b"), True),
    (viewer("styrelse", [SJOSTAD]), viewer("samordnare", [SJOSTAD], username="s"), True),
    (viewer("styrelse", [SJOSTAD]), viewer("styrelse", [NORRDAL]), False),
    (viewer("styrgrupp", [NORRDAL], ["A"]), viewer("styrgrupp", [NORRDAL], ["B"]), False),
    (viewer("styrgrupp", [NORRDAL], ["A"]), viewer("styrelse", [NORRDAL]), False),
])
def test_viewers_share_cached_frames_exactly_when_they_see_the_same_rows(demo_frames, a, b,
                                                                         same):
    assert (scoping.scope_key(a) == scoping.scope_key(b)) is same
    if same:
        for name in demo_frames:
            assert_frame_equal(scoping.scope(demo_frames, a)[name],
                               scoping.scope(demo_frames, b)[name])


def test_scope_keeps_only_the_viewers_rows_also_on_categorical_frames(demo_frames):
    prepared = prepare(demo_frames)
    mine = scoping.scope(prepared, viewer("styrgrupp", [NORRDAL], ["Samordningsteamet"]))

    episodes = mine["episodes"]
    assert episodes.height > 0
    assert set(episodes["forbund"].cast(pl.String)) == {NORRDAL}
    assert set(episodes["insats"].cast(pl.String)) == {"Samordningsteamet"}
    assert episodes.schema == prepared["episodes"].schema
    assert mine["unit_costs"] is prepared["unit_costs"]  # no förbund: shared as it is


def test_one_forbund_is_a_copy_with_the_same_values(demo_frames):
    prepared = prepare(demo_frames)
    one = scoping.only_forbund(prepared, SJOSTAD)

    for name, frame in prepared.items():
        if "forbund" in frame.columns:
            expected = frame.filter(pl.col("forbund") == SJOSTAD)
            assert_frame_equal(one[name], expected, check_exact=True)

from datetime import date

import pytest

from metrics.selection import AGE_GROUPS, Selection, filter_episodes, latest_full_year
from tests.metrics.factories import episode, frame, open_episode, selection


def test_selection_is_frozen_hashable_and_normalises_lists():
    a = Selection(forbund=["F"], date_from=date(2023, 1, 1), date_to=date(2023, 12, 31),
                  kon=["Kvinna"], insatser="Steget")
    b = Selection(forbund=("F",), date_from=date(2023, 1, 1), date_to=date(2023, 12, 31),
                  kon=("Kvinna",), insatser=("Steget",))
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    with pytest.raises(AttributeError):
        a.forbund = ("G",)
    assert a.active_filters == ("kon",)
    assert a.days == 365


@pytest.mark.parametrize("kw", [
    {"forbund": ()},
    {"date_from": date(2024, 1, 1)},
    {"aldersgrupp": ("18-25",)},
])
def test_selection_rejects_nonsense(kw):
    spec = {"forbund": ("F",), "date_from": date(2023, 1, 1), "date_to": date(2023, 12, 31)}
    with pytest.raises(ValueError):
        Selection(**{**spec, **kw})


def test_without_participant_filters_keeps_org_and_period():
    sel = selection(kon=("Man",), remittent=("Kommun",), grupp="A")
    plain = sel.without_participant_filters()
    assert plain.active_filters == ("grupp",) and plain.period == sel.period


@pytest.mark.parametrize(("field", "value", "ids"), [
    ("kon", ("Man",), {"m"}),
    ("remittent", ("Kommun", "Region"), {"k", "old"}),
    ("aldersgrupp", ("16-29",), {"y"}),
    ("aldersgrupp", ("60+",), {"old"}),
    ("forsorjning_fore", ("Ekonomiskt bistånd",), {"k"}),
    ("utbildningsniva", ("Förgymnasial",), {"m"}),
    ("insatser", ("Vägen",), {"v"}),
    ("grupp", "A", {"v"}),
])
def test_filter_episodes_applies_each_filter(field, value, ids):
    eps = frame("episodes", [
        episode(participant_id="f", sex="Kvinna", age_at_start=35),
        episode(participant_id="m", sex="Man", age_at_start=44, education="Förgymnasial"),
        episode(participant_id="k", referrer="Kommun", income_before="Ekonomiskt bistånd",
                age_at_start=45),
        episode(participant_id="y", age_at_start=15),  # 15 counts in the youngest group
        episode(participant_id="old", referrer="Region", age_at_start=60),
        episode(participant_id="v", insats="Vägen", grupp="A"),
        episode(participant_id="other", forbund="Annat förbund"),
        episode(participant_id="none", age_at_start=None),
    ])
    got = filter_episodes(eps, selection(**{field: value}))
    assert set(got["participant_id"]) == ids


def test_filter_episodes_keeps_only_episodes_touching_the_period():
    eps = frame("episodes", [
        episode(participant_id="before", start_date=date(2022, 1, 1), end_date=date(2022, 12, 31)),
        episode(participant_id="edge", start_date=date(2022, 1, 1), end_date=date(2023, 1, 1)),
        open_episode(participant_id="open", start_date=date(2020, 1, 1)),
        open_episode(participant_id="after", start_date=date(2024, 1, 1)),
    ])
    assert set(filter_episodes(eps, selection())["participant_id"]) == {"edge", "open"}
    assert filter_episodes(eps, selection(), period=False).height == 4


def test_age_groups_are_the_four_of_kpi_md():
    assert AGE_GROUPS == ("16-29", "30-44", "45-59", "60+")


@pytest.mark.parametrize(("last_end", "today", "year"), [
    (date(2023, 11, 30), date(2024, 3, 1), 2023),
    (date(2024, 2, 1), date(2024, 3, 1), 2023),  # the current year is not over
    (date(2021, 6, 1), date(2024, 3, 1), 2021),  # the latest year with data
])
def test_latest_full_year(last_end, today, year):
    eps = frame("episodes", [episode(start_date=date(2021, 1, 1), end_date=last_end)])
    assert latest_full_year(eps, today) == year


def test_latest_full_year_without_data_is_last_year():
    assert latest_full_year(frame("episodes"), date(2025, 5, 5)) == 2024

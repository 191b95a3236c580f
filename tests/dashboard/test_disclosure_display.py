"""A share of 1–4 people is shown as `< p %` with a reason, on the page and in downloads."""

from __future__ import annotations

import pytest
from apptest_tools import download_texts, open_page, widget

from dashboard.auth import Viewer
from dashboard.data import scope
from loaders.contract import REFERRERS, SEX
from loaders.demo import DEMO_USERS
from metrics import Selection, public_kpis, year_period
from metrics.disclosure import label
from metrics.registry import BY_KEY

#: The Resultat page's cards, in drawing order.
CARDS = ("share_work", "share_studies", "share_rehab", "share_other",
         "share_work_incl_dropouts", "share_studies_incl_dropouts",
         "share_rehab_incl_dropouts", "share_dropout")


def admin() -> Viewer:
    u = next(u for u in DEMO_USERS if u["username"] == "admin")
    return Viewer(username=u["username"], name=u["name"], role=u["role"],
                  forbund=tuple(u["forbund"]), insatser=tuple(u["insatser"]))


def upper_bound_case(frames, forbund: str, year: int) -> tuple[dict, str, str]:
    """Kön and remittent whose Resultat cards show a share as an upper bound, the share's
    key and its text (found with the metrics layer)."""
    for sex in SEX:
        for referrer in REFERRERS:
            sel = Selection(forbund=(forbund,), date_from=year_period(year)[0],
                            date_to=year_period(year)[1], kon=(sex,), remittent=(referrer,))
            result = public_kpis(scope(frames, admin()), sel)
            if result.meta.get("too_few"):
                continue
            for key in CARDS:
                if result.disclosure.get(key) == "upper_bound":
                    return ({"kon": sex, "remittent": referrer}, key,
                            label("upper_bound", 5, result.upper_bounds[key]))
    pytest.fail("the demo has no selection with a share of 1–4 people")


def test_resultat_shows_an_upper_bound_with_its_reason_and_downloads_it(logged_in, demo_frames,
                                                                        downloads):
    at = logged_in("admin")
    chosen, key, text = upper_bound_case(demo_frames, widget(at, "selectbox", "forbund").value,
                                         widget(at, "selectbox", "ar").value)
    assert text.startswith("< ") and text.endswith(" %")
    widget(at, "multiselect", "kon").set_value([chosen["kon"]])
    widget(at, "multiselect", "remittent").set_value([chosen["remittent"]]).run()
    downloads.clear()

    open_page(at, "resultat")

    assert not at.exception, at.exception
    card = next(m for m in at.main.metric if m.label == BY_KEY[key].label)
    assert card.value == text
    assert "övre gräns" in card.proto.help and "räknas fram" in card.proto.help
    files = download_texts(downloads)
    for name in ("resultat_avslut.csv", "resultat_avslut.xlsx"):
        cells = {c.strip() for line in files[name].splitlines() for c in line.split(";")}
        assert text in cells, (name, files[name])


def test_kapacitet_shows_the_forbunds_own_costs_apart_from_the_cost_per_arsplats(
        logged_in, demo_frames):
    """KPI.md "Costs, decided": own costs are left out of the ratios and shown beside them."""
    from dashboard import fmt
    from metrics import compute_kpis

    at = logged_in("admin")
    forbund, year = widget(at, "selectbox", "forbund").value, widget(at, "selectbox", "ar").value
    sel = Selection(forbund=(forbund,), date_from=year_period(year)[0],
                    date_to=year_period(year)[1])
    own = compute_kpis(demo_frames, sel).meta["forbund_costs_spent_in_period"]
    assert own and own > 0, "the demo förbund has admin budget lines"

    open_page(at, "kapacitet")

    assert not at.exception, at.exception
    card = next(m for m in at.main.metric if m.label == "Förbundets egna kostnader")
    assert card.value == fmt.kronor_short(own)
    assert fmt.kronor(own) in card.proto.help
    assert any("egna kostnader ingår inte" in c.value for c in at.main.caption)

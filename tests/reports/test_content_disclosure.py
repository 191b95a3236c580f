"""Disclosure control in the report: exactly as on the pages, in every table and alt text.

In SOT Västerås 2017 one participant came on her own (remittent Egen ansökan, seed 001:
"Annat: 1 … ansökt på egen hand") and ended in the year.
"""

from __future__ import annotations

import re

import pytest

from reports.model import Figure
from tests.reports.test_content import cell, find, report, tables, walk

SMALL = re.compile(r"^[1-4]$")
HIDDEN_COUNT = {"<5", ".."}
HIDDEN_SHARE = re.compile(r"^(för få|\.\.|–|< \d+ %)$")
COUNT_HEADERS = {"Nya deltagare", "Fullföljda", "Avslutade", "Antal"}


@pytest.mark.parametrize("kind", ["insats", "forbund"])
def test_no_count_of_1_to_4_is_printed_anywhere(kind):
    rep = report(kind)
    for tab in tables(rep):
        for row in tab.rows:
            assert not any(SMALL.match(c) for c in row[1:]), (tab.caption, row)
    for _, block in walk(rep.sections):
        if isinstance(block, Figure):
            assert not re.search(r"Egen ansökan [1-4]\b", block.alt), block.caption


def test_a_referrer_with_one_participant_is_hidden_in_every_table():
    rep = report()
    rows = [(tab, row) for tab in tables(rep) for row in tab.rows if row[0] == "Egen ansökan"]
    assert {tab.caption for tab, _ in rows} == {"Nya deltagare per remittent",
                                                "Avslut per remittent"}
    for tab, row in rows:
        for header, value in zip(tab.header[1:], row[1:], strict=True):
            if header in COUNT_HEADERS:
                assert value in HIDDEN_COUNT or value == "0", (tab.caption, header, value)
            else:
                assert HIDDEN_SHARE.match(value), (tab.caption, header, value)
    assert cell(find(rep, "Nya deltagare per remittent"), "Egen ansökan",
                "Nya deltagare") == "<5"
    per_referrer = find(rep, "Avslut per remittent")
    assert cell(per_referrer, "Egen ansökan", "Avslutade") == "<5"
    assert cell(per_referrer, "Egen ansökan", "Andel avbrott") == "för få"
    assert cell(per_referrer, "Arbetsförmedlingen", "Fullföljda") == "<5"  # 4 completed
    assert cell(per_referrer, "Arbetsförmedlingen", "Andel till arbete") == "för få"


def test_a_share_of_1_to_4_people_is_an_upper_bound():
    shares = find(report(), "Andelar vid avslut")
    assert cell(shares, "Andel till studier", "Värde") == "< 10 %"  # 2 of 51
    assert cell(shares, "Andel till studier inkl. avbrott", "Värde") == "< 6 %"  # 2 of 95
    assert cell(shares, "Andel till arbete", "Värde") == ".."  # else 8 − 6 gives the 2


def test_threshold_0_prints_every_count():
    rep = report(threshold=0)
    assert cell(find(rep, "Nya deltagare per remittent"), "Egen ansökan",
                "Nya deltagare") == "1"
    per_referrer = find(rep, "Avslut per remittent")
    assert cell(per_referrer, "Egen ansökan", "Avslutade") == "1"
    assert cell(per_referrer, "Egen ansökan", "Andel avbrott") == "100,0 %"
    assert "avstängd" in rep.notes[0] and dict(rep.cover)["Röjandekontroll"] == "avstängd"


def test_the_footnote_states_the_rules():
    note = report().notes[0]
    assert "antal 1–4 visas som <5" in note and "”för få”" in note
    assert "”< p %”" in note and "”..”" in note

"""What the Resultat and Deltagare pages show, declared once for the pages and the reports.

The board report prints the same KPIs, groupings and headers as the page it follows, so a
change here changes both. No streamlit: the command line imports it.
"""

from __future__ import annotations

from metrics.registry import BY_KEY

# Resultat
COMPLETED = ("share_work", "share_studies", "share_rehab", "share_other")
ENDED = ("share_work_incl_dropouts", "share_studies_incl_dropouts",
         "share_rehab_incl_dropouts", "share_dropout")
OUTCOMES = {
    "Av fullföljda": {"Arbete": "share_work", "Studier": "share_studies",
                      "Fortsatt rehabilitering": "share_rehab", "Annat avslut": "share_other"},
    "Av alla avslutade (inkl. avbrott)": {
        "Arbete": "share_work_incl_dropouts", "Studier": "share_studies_incl_dropouts",
        "Fortsatt rehabilitering": "share_rehab_incl_dropouts", "Avbrott": "share_dropout"},
}
OUTCOME_HEADERS = {"series": "Bas", "category": "Avslut", "text": "Andel",
                   "target_text": "Mål", "status": "Målstatus"}
BY_KEYS = ("share_work", "share_studies", "share_rehab", "share_dropout")
BY_LABELS = {k: BY_KEY[k].label for k in BY_KEYS}
TREND_KEYS = ("share_work", "share_studies", "share_rehab", "share_towards_work",
              "share_dropout")
HORIZONS = (6, 12, 24)
FOLLOWUP = {
    label: {f"{m} mån": f"share_{group}_{m}m" for m in HORIZONS}
    for group, label in (("work", "Arbete"), ("studies", "Studier"),
                         ("rehab", "Fortsatt rehabilitering"))
}
FOLLOWUP_COUNTS = {
    "Antal uppföljda": {f"{m} mån": f"followed_up_{m}m" for m in HORIZONS},
    "Uppföljda av fullföljda": {f"{m} mån": f"followup_coverage_{m}m" for m in HORIZONS},
}
FOLLOWUP_HEADERS = {"series": "Mått", "category": "Tid efter avslut", "text": "Värde",
                    "target_text": "Mål", "status": "Målstatus"}

# Deltagare
FLOW = ("started", "ended", "dropped_out", "completed", "active_at_end",
        "participants_in_period")
TREND_FLOW = ("started", "completed", "dropped_out", "active_at_end")
DISTRIBUTIONS = {
    "aldersgrupp": "Åldersgrupp",
    "utbildningsniva": "Utbildningsnivå",
    "offentlig_forsorjning": "Tid i offentlig försörjning före start",
    "tid_i_insats": "Tid i insatsen (avslutade)",
    "avslutsorsak": "Avslutsorsak (avslutade)",
}

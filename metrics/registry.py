"""Every KPI of docs/KPI.md, declared once.

Pages, exports, the `Mål` sheet and the command line read labels, units, directions and
help texts from here; nothing else spells a KPI's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    """What a KPI's value measures; decides formatting and whether it is a count."""

    COUNT = "count"
    SHARE = "share"  # fraction 0..1, shown as percent
    MONTHS = "months"
    YEARS = "years"
    DAYS = "days"
    KR = "kr"
    FYE = "fye"  # full-year equivalents (årsplatser)
    PP = "pp"  # percentage points (a difference of two shares)


class Direction(StrEnum):
    """Whether a higher value is better (decides target status and default `Riktning`)."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Family(StrEnum):
    """Which part of KPI.md a KPI belongs to; decides which data and filters apply."""

    FLOW = "flow"
    OUTCOME = "outcome"
    FOLLOWUP = "followup"
    TIME = "time"
    CAPACITY = "capacity"
    BUDGET = "budget"
    SOCIOECONOMIC = "socioeconomic"
    BENEFITS = "benefits"
    NNS = "nns"
    VOLUME = "volume"


@dataclass(frozen=True)
class Kpi:
    """A KPI: key, Swedish label, unit, direction, denominator and Swedish help text."""

    key: str
    label: str
    unit: Unit
    direction: Direction
    family: Family
    help: str
    denominator: str | None = None  # key of the KPI whose count is the base (for weighting)
    per_actor: bool = False
    noun: str | None = None  # of a count that is a base: "11 av 63 fullföljda"

    @property
    def target_direction(self) -> str:
        """Default `Riktning` in the `Mål` sheet."""
        return "högst" if self.direction is Direction.LOWER else "minst"


H, L, N = Direction.HIGHER, Direction.LOWER, Direction.NEUTRAL

_FLOW = [
    Kpi("started", "Nya deltagare", Unit.COUNT, N, Family.FLOW,
        "Deltagarperioder med startdatum i perioden.", noun="nya deltagare"),
    Kpi("ended", "Avslutade", Unit.COUNT, N, Family.FLOW,
        "Deltagarperioder med slutdatum i perioden.", noun="avslutade"),
    Kpi("dropped_out", "Avbrutna", Unit.COUNT, L, Family.FLOW,
        "Avslutade med avslutsorsak i gruppen avbrott."),
    Kpi("completed", "Fullföljda", Unit.COUNT, H, Family.FLOW,
        "Avslutade minus avbrutna.", noun="fullföljda"),
    Kpi("active_at_end", "Aktiva vid periodens slut", Unit.COUNT, N, Family.FLOW,
        "Startade senast periodens sista dag och inte avslutade då."),
    Kpi("participants_in_period", "Deltagare under perioden", Unit.COUNT, N, Family.FLOW,
        "Deltagarperioder som pågick någon dag under perioden (räknas en gång)."),
]

_GROUP_LABELS = {"work": "arbete", "studies": "studier", "rehab": "fortsatt rehabilitering"}
_OUTCOME = [
    *(Kpi(f"share_{g}", f"Andel till {lbl}", Unit.SHARE, H, Family.OUTCOME,
          f"Andel av de fullföljda som gick till {lbl}.", denominator="completed")
      for g, lbl in _GROUP_LABELS.items()),
    Kpi("share_other", "Andel annat avslut", Unit.SHARE, N, Family.OUTCOME,
        "Andel av de fullföljda med annat avslut (inte mot arbete).", denominator="completed"),
    *(Kpi(f"share_{g}_incl_dropouts", f"Andel till {lbl} inkl. avbrott", Unit.SHARE, H,
          Family.OUTCOME, f"Andel av alla avslutade (även avbrutna) som gick till {lbl}.",
          denominator="ended")
      for g, lbl in _GROUP_LABELS.items()),
    Kpi("share_dropout", "Andel avbrott", Unit.SHARE, L, Family.OUTCOME,
        "Andel av alla avslutade som avbröt insatsen.", denominator="ended"),
    Kpi("share_work_or_studies", "Andel till arbete eller studier", Unit.SHARE, H,
        Family.OUTCOME, "Andel av de fullföljda som gick till arbete eller studier.",
        denominator="completed"),
    Kpi("share_towards_work", "Andel till arbete, studier eller rehab", Unit.SHARE, H,
        Family.OUTCOME, "Andel av de fullföljda som gick till arbete, studier eller fortsatt "
        "arbetslivsinriktad rehabilitering.", denominator="completed"),
]

FOLLOWUP_HORIZONS = (6, 12, 18, 24)
_FOLLOWUP = [
    kpi
    for m in FOLLOWUP_HORIZONS
    for kpi in (
        *(Kpi(f"share_{g}_{m}m", f"Andel i {lbl} efter {m} mån", Unit.SHARE, H,
              Family.FOLLOWUP, f"Bland avslutade i perioden med uppföljning efter {m} månader: "
              f"andelen i {lbl}.", denominator=f"followed_up_{m}m")
          for g, lbl in _GROUP_LABELS.items()),
        Kpi(f"followup_coverage_{m}m", f"Uppföljda efter {m} mån", Unit.SHARE, H,
            Family.FOLLOWUP, f"Andel av de fullföljda som har en uppföljning efter {m} "
            "månader.", denominator="completed"),
        Kpi(f"followed_up_{m}m", f"Antal uppföljda efter {m} mån", Unit.COUNT, N,
            Family.FOLLOWUP, f"Avslutade i perioden (även avbrutna) som har en uppföljning "
            f"efter {m} månader.", noun="uppföljda"),
    )
]

_TIME = [
    Kpi("throughput_months_mean", "Genomströmningstid, medel (mån)", Unit.MONTHS, N,
        Family.TIME, "Medeltid i insatsen för avslutade, i månader (dagar / 30,4375).",
        denominator="ended"),
    Kpi("throughput_months_median", "Genomströmningstid, median (mån)", Unit.MONTHS, N,
        Family.TIME, "Mediantid i insatsen för avslutade, i månader.", denominator="ended"),
    Kpi("public_support_years_mean", "Tid i offentlig försörjning före (år)", Unit.YEARS, N,
        Family.TIME, "Medeltid i offentlig försörjning före start, för nya deltagare.",
        denominator="started"),
    Kpi("step_up_share", "Andel med stegförflyttning", Unit.SHARE, H, Family.TIME,
        "Andel av de avslutade med båda stegen angivna som flyttat uppåt på trappan.",
        denominator="ended_with_steps"),
    Kpi("ended_with_steps", "Avslutade med angivna steg", Unit.COUNT, N, Family.TIME,
        "Avslutade i perioden där både steg vid start och steg vid avslut är angivna.",
        noun="avslutade med angivna steg"),
]

_CAPACITY = [
    Kpi("participant_days", "Deltagardagar", Unit.DAYS, N, Family.CAPACITY,
        "Summan av dagar som deltagarperioderna pågick under perioden."),
    Kpi("fye_used", "Nyttjade årsplatser", Unit.FYE, H, Family.CAPACITY,
        "Deltagardagar delat med periodens dagar = genomsnittligt antal inskrivna samtidigt."),
    Kpi("fye_capacity", "Årsplatser (kapacitet)", Unit.FYE, N, Family.CAPACITY,
        "Insatsernas årsplatser, vägda med den del av perioden de pågick."),
    Kpi("occupancy", "Beläggningsgrad", Unit.SHARE, H, Family.CAPACITY,
        "Nyttjade årsplatser delat med kapaciteten."),
    Kpi("cost_per_fye", "Kostnad per årsplats", Unit.KR, L, Family.CAPACITY,
        "Utfall under perioden för de valda insatserna delat med nyttjade årsplatser för "
        "alla deras deltagare. Förbundets egna kostnader ingår inte."),
    Kpi("cost_per_participant", "Kostnad per deltagare", Unit.KR, L, Family.CAPACITY,
        "Utfall under perioden för de valda insatserna delat med alla deras deltagare under "
        "perioden. Förbundets egna kostnader ingår inte."),
]

_BUDGET = [
    Kpi("budget", "Budget", Unit.KR, N, Family.BUDGET, "Årets budget för valda rader."),
    Kpi("spent", "Utfall", Unit.KR, N, Family.BUDGET,
        "Förbrukat till och med senaste rapporterade period."),
    Kpi("remaining", "Återstår", Unit.KR, N, Family.BUDGET, "Budget minus utfall."),
    Kpi("utilisation", "Nyttjandegrad", Unit.SHARE, H, Family.BUDGET,
        "Utfall delat med budget."),
    Kpi("expected_pace", "Förväntad nyttjandegrad", Unit.SHARE, N, Family.BUDGET,
        "Andel av året som gått vid rapportdatum."),
    Kpi("forecast_spent", "Prognos helår", Unit.KR, N, Family.BUDGET,
        "Utfall uppräknat till helår i samma takt."),
    Kpi("forecast_utilisation", "Prognos nyttjandegrad", Unit.SHARE, H, Family.BUDGET,
        "Prognos helår delat med budget."),
]

_SOCIO = [
    Kpi("revenue_per_year", "Intäkt per år", Unit.KR, H, Family.SOCIOECONOMIC,
        "Årlig intäkt för aktören från utvärderingen.", per_actor=True),
    Kpi("cost", "Kostnad", Unit.KR, L, Family.SOCIOECONOMIC,
        "Aktörens andel av insatsens kostnad.", per_actor=True),
    Kpi("revenue_per_participant", "Intäkt per deltagare och år", Unit.KR, H,
        Family.SOCIOECONOMIC, "Intäkt per år delat med antal utvärderade deltagare.",
        per_actor=True),
    Kpi("profit_1y", "Lönsamhet 1 år", Unit.KR, H, Family.SOCIOECONOMIC,
        "Intäkt minus kostnad första året.", per_actor=True),
    Kpi("profit_5y", "Lönsamhet 5 år (prognos)", Unit.KR, H, Family.SOCIOECONOMIC,
        "Fem års intäkt minus kostnad, om läget efter ett år består.", per_actor=True),
    Kpi("payback_months", "Återbetalningstid (mån)", Unit.MONTHS, L, Family.SOCIOECONOMIC,
        "Kostnad delat med årlig intäkt, i månader. Nås inte om intäkten är noll eller "
        "negativ.", per_actor=True),
]

_BENEFITS = [
    Kpi("fye_benefits", "Helårsekvivalenter", Unit.FYE, L, Family.BENEFITS,
        "Personer 20–64 år försörjda av valda ersättningar, omräknat till helår (SCB)."),
    Kpi("fye_benefits_share", "Andel av befolkningen 20–64", Unit.SHARE, L, Family.BENEFITS,
        "Helårsekvivalenter delat med befolkningen 20–64 år."),
]

_NNS = [
    Kpi("nns_positive", "Andel positiva", Unit.SHARE, H, Family.NNS,
        "Andel positiva svar på indikatorfrågan.", denominator="nns_n"),
    Kpi("nns_clearly_positive", "Andel klart positiva", Unit.SHARE, H, Family.NNS,
        "Andel av svaren i de två mest positiva alternativen.", denominator="nns_n"),
    Kpi("nns_negative", "Andel negativa", Unit.SHARE, L, Family.NNS,
        "Andel negativa svar.", denominator="nns_n"),
    Kpi("nns_n", "Antal svar", Unit.COUNT, N, Family.NNS, "Antal som svarade.", noun="svar"),
    Kpi("nns_response_rate", "Svarsfrekvens", Unit.SHARE, H, Family.NNS,
        "Andel av de tillfrågade som svarade."),
    Kpi("nns_positive_change", "Förändring andel positiva (procentenheter)", Unit.PP, H,
        Family.NNS, "Andel positiva nu minus vid förra mätningen."),
]

_VOLUME = [
    Kpi("volume", "Volym", Unit.COUNT, H, Family.VOLUME,
        "Summa antal för måttet under perioden (strukturinriktade insatser)."),
]

#: Families computed from participant episodes: the participant filters apply to them.
EPISODE_FAMILIES = frozenset({Family.FLOW, Family.OUTCOME, Family.FOLLOWUP, Family.TIME})

KPIS: tuple[Kpi, ...] = (*_FLOW, *_OUTCOME, *_FOLLOWUP, *_TIME, *_CAPACITY, *_BUDGET, *_SOCIO,
                         *_BENEFITS, *_NNS, *_VOLUME)
BY_KEY: dict[str, Kpi] = {k.key: k for k in KPIS}
BY_LABEL: dict[str, Kpi] = {k.label.casefold(): k for k in KPIS}


def lookup(key_or_label: str) -> Kpi | None:
    """Find a KPI by its key or its Swedish label (case-insensitive), as the `Mål` sheet allows.

    >>> lookup("Andel till arbete").key
    'share_work'
    """
    text = key_or_label.strip()
    return BY_KEY.get(text) or BY_KEY.get(text.lower()) or BY_LABEL.get(text.casefold())

"""Risk assessment arithmetic: LEC (作业条件危险性评价法) and the 5 × 5 matrix.

Pure functions and the standard value tables, nothing stored here. A value
that is not in its table is refused: an assessor who types L = 4 has
misread the table, and a score built on it would put the risk in the wrong
colour without anyone noticing.

LEC: D = L × E × C. Bands: D ≥ 320 red (major, 重大), 160 ≤ D < 320 orange
(serious, 较大), 70 ≤ D < 160 yellow (general, 一般), D < 70 blue (low, 低).
Matrix: R = likelihood × severity (each 1–5). Bands: R ≥ 20 red, 15 ≤ R < 20
orange, 9 ≤ R < 15 yellow, R < 9 blue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """The four colours (四色), most severe first in ``BAND_ORDER``."""

    RED = "red", _("Red — major risk")
    ORANGE = "orange", _("Orange — serious risk")
    YELLOW = "yellow", _("Yellow — general risk")
    BLUE = "blue", _("Blue — low risk")


# Higher number = more severe; used to find an area's highest risk.
BAND_RANK = {Band.BLUE: 1, Band.YELLOW: 2, Band.ORANGE: 3, Band.RED: 4}
BAND_ORDER = [Band.RED, Band.ORANGE, Band.YELLOW, Band.BLUE]
BAND_COLOURS = {  # the fill colours of the national four-colour map
    Band.RED: "#e02020",
    Band.ORANGE: "#f7931e",
    Band.YELLOW: "#f5d90a",
    Band.BLUE: "#1f6fd6",
}


class Method(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    MATRIX = "matrix", _("Risk matrix (likelihood × severity, 5 × 5)")


def _d(text: str) -> Decimal:
    return Decimal(text)


# The standard LEC tables: value → meaning.
LEC_L = {
    _d("10"): _("Fully expected"),
    _d("6"): _("Quite possible"),
    _d("3"): _("Possible but unusual"),
    _d("1"): _("Unlikely, only by coincidence"),
    _d("0.5"): _("Very unlikely, conceivable"),
    _d("0.2"): _("Practically impossible"),
    _d("0.1"): _("Virtually impossible"),
}
LEC_E = {
    _d("10"): _("Continuous exposure"),
    _d("6"): _("Daily, during working hours"),
    _d("3"): _("Weekly, or occasionally"),
    _d("2"): _("Monthly"),
    _d("1"): _("A few times a year"),
    _d("0.5"): _("Very rarely"),
}
LEC_C = {
    _d("100"): _("Catastrophe, many deaths"),
    _d("40"): _("Disaster, several deaths"),
    _d("15"): _("Very serious, one death"),
    _d("7"): _("Serious, severe injury"),
    _d("3"): _("Major, disability"),
    _d("1"): _("Noticeable, needs first aid"),
}
MATRIX_LIKELIHOOD = {
    1: _("Rare"),
    2: _("Unlikely"),
    3: _("Possible"),
    4: _("Likely"),
    5: _("Almost certain"),
}
MATRIX_SEVERITY = {
    1: _("Minor injury, first aid"),
    2: _("Injury needing treatment"),
    3: _("Serious injury"),
    4: _("One death or several serious injuries"),
    5: _("Several deaths"),
}

LEC_THRESHOLDS = ((Decimal(320), Band.RED), (Decimal(160), Band.ORANGE), (Decimal(70), Band.YELLOW))
MATRIX_THRESHOLDS = ((Decimal(20), Band.RED), (Decimal(15), Band.ORANGE), (Decimal(9), Band.YELLOW))


class ScoreError(ValueError):
    """A factor outside its table; ``field`` names it (L, E, C, likelihood, severity)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Score:
    method: str
    factors: dict[str, str]
    value: Decimal
    band: Band

    @property
    def rank(self) -> int:
        return BAND_RANK[self.band]


def band_for(method: str, value: Decimal | float | int) -> Band:
    """The colour of a score; edges belong to the more severe band (D = 320 is red)."""
    value = Decimal(str(value))
    thresholds = LEC_THRESHOLDS if method == Method.LEC else MATRIX_THRESHOLDS
    for floor, band in thresholds:
        if value >= floor:
            return band
    return Band.BLUE


def _pick(table: dict, raw, field: str, label: str):
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, Decimal) else raw
    except (InvalidOperation, ValueError):
        value = None
    if isinstance(next(iter(table)), int) and value is not None and value == value.to_integral():
        value = int(value)
    if value is None or value not in table:
        allowed = ", ".join(plain(v) for v in sorted(table))
        raise ScoreError(
            field,
            _("%(label)s must be one of the standard values: %(allowed)s.")
            % {"label": label, "allowed": allowed},
        )
    return value


def plain(value) -> str:
    """A table value as people write it: 0.5, 6, 100 (no trailing zeros)."""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def lec(likelihood, exposure, consequence) -> Score:
    """D = L × E × C with each factor taken from the standard tables."""
    l_value = _pick(LEC_L, likelihood, "l", _("L (likelihood)"))
    e_value = _pick(LEC_E, exposure, "e", _("E (exposure)"))
    c_value = _pick(LEC_C, consequence, "c", _("C (consequence)"))
    d = (l_value * e_value * c_value).normalize()
    factors = {"l": plain(l_value), "e": plain(e_value), "c": plain(c_value)}
    return Score(Method.LEC, factors, d, band_for(Method.LEC, d))


def matrix(likelihood, severity) -> Score:
    """R = likelihood × severity on the 5 × 5 matrix."""
    l_value = _pick(MATRIX_LIKELIHOOD, likelihood, "likelihood", _("Likelihood"))
    s_value = _pick(MATRIX_SEVERITY, severity, "severity", _("Severity"))
    r = Decimal(l_value * s_value)
    return Score(
        Method.MATRIX,
        {"likelihood": str(l_value), "severity": str(s_value)},
        r,
        band_for(Method.MATRIX, r),
    )


def score(method: str, factors: dict) -> Score:
    """Score ``factors`` (keys l/e/c or likelihood/severity) by ``method``."""
    factors = {k.lower(): v for k, v in (factors or {}).items()}
    if method == Method.LEC:
        return lec(factors.get("l"), factors.get("e"), factors.get("c"))
    if method == Method.MATRIX:
        return matrix(factors.get("likelihood"), factors.get("severity"))
    raise ScoreError("method", _("Unknown assessment method."))

"""LEC and matrix arithmetic against a table written from the standard values."""

from decimal import Decimal

import pytest
from django.utils import translation

from safeloop.tenants.risks.scoring import Band, Method, ScoreError, band_for, lec, matrix, score

# (L, E, C) → D and colour, worked out by hand from the LEC tables.
LEC_CASES = [
    ("10", "10", "100", "10000", Band.RED),  # worst case
    ("10", "6", "40", "2400", Band.RED),
    ("3", "6", "40", "720", Band.RED),
    ("6", "6", "15", "540", Band.RED),
    ("1", "6", "40", "240", Band.ORANGE),
    ("3", "6", "15", "270", Band.ORANGE),
    ("6", "3", "15", "270", Band.ORANGE),
    ("1", "10", "15", "150", Band.YELLOW),
    ("3", "6", "7", "126", Band.YELLOW),
    ("6", "6", "3", "108", Band.YELLOW),
    ("1", "6", "7", "42", Band.BLUE),
    ("0.5", "6", "15", "45", Band.BLUE),
    ("0.1", "0.5", "1", "0.05", Band.BLUE),  # best case
]


@pytest.mark.parametrize(("likelihood", "e", "c", "d", "band"), LEC_CASES)
def test_lec_multiplies_the_table_values_and_bands_them(likelihood, e, c, d, band):
    result = lec(likelihood, e, c)
    assert result.value == Decimal(d)
    assert result.band == band
    assert result.method == Method.LEC


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("319.9", Band.ORANGE),
        ("320", Band.RED),
        ("320.1", Band.RED),
        ("159.9", Band.YELLOW),
        ("160", Band.ORANGE),
        ("69.9", Band.BLUE),
        ("70", Band.YELLOW),
        ("0", Band.BLUE),
    ],
)
def test_lec_band_edges_belong_to_the_more_severe_band(value, band):
    assert band_for(Method.LEC, Decimal(value)) == band


@pytest.mark.parametrize(
    ("likelihood", "severity", "r", "band"),
    [
        (5, 5, 25, Band.RED),
        (4, 5, 20, Band.RED),
        (4, 4, 16, Band.ORANGE),
        (3, 5, 15, Band.ORANGE),
        (3, 4, 12, Band.YELLOW),
        (3, 3, 9, Band.YELLOW),
        (2, 4, 8, Band.BLUE),
        (1, 1, 1, Band.BLUE),
    ],
)
def test_matrix_multiplies_likelihood_by_severity(likelihood, severity, r, band):
    result = matrix(likelihood, severity)
    assert result.value == r
    assert result.band == band


@pytest.mark.parametrize(
    ("value", "band"),
    [("19.9", Band.ORANGE), ("20", Band.RED), ("14", Band.YELLOW), ("8", Band.BLUE)],
)
def test_matrix_band_edges(value, band):
    assert band_for(Method.MATRIX, Decimal(value)) == band


@pytest.mark.parametrize(
    ("factors", "field"),
    [
        ({"l": "4", "e": "6", "c": "15"}, "l"),  # 4 is not in the L table
        ({"l": "3", "e": "7", "c": "15"}, "e"),
        ({"l": "3", "e": "6", "c": "50"}, "c"),
        ({"l": "", "e": "6", "c": "15"}, "l"),
        ({"l": "three", "e": "6", "c": "15"}, "l"),
    ],
)
def test_values_outside_the_lec_tables_are_refused_with_the_allowed_values(factors, field):
    with translation.override("en"), pytest.raises(ScoreError) as caught:
        score(Method.LEC, factors)
    assert caught.value.field == field
    with translation.override("en"):
        assert "standard values" in caught.value.message


def test_matrix_refuses_six_and_names_the_allowed_values():
    with pytest.raises(ScoreError) as caught:
        matrix(6, 3)
    assert caught.value.field == "likelihood"
    assert "1, 2, 3, 4, 5" in caught.value.message


def test_factors_accept_numbers_and_keep_the_table_spelling():
    assert lec(0.5, 6, 15).factors == {"l": "0.5", "e": "6", "c": "15"}
    assert matrix("4", 5.0).factors == {"likelihood": "4", "severity": "5"}


def test_the_refusal_reads_in_chinese_for_chinese_users():
    with translation.override("zh-hans"), pytest.raises(ScoreError) as caught:
        lec(4, 6, 15)
    expected = "L（事故发生的可能性）必须是标准取值之一：0.1, 0.2, 0.5, 1, 3, 6, 10。"
    assert caught.value.message == expected

"""The credit code (GB 32100-2015) and ID number (GB 11643-1999) checks: what real
numbers pass, and that each kind of mistake is refused with a message naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from safeloop.contractors.validators import (
    CREDIT_CODE_ALPHABET,
    birth_date_of,
    clean_credit_code,
    clean_id_number,
    credit_code_check_char,
    id_check_char,
)

# Codes printed on real business licences (public registry entries).
REAL_CREDIT_CODES = [
    "91350100M000100Y43",  # the example of GB 32100-2015
    "91440300708461136T",
    "914403001922038216",
    "91330100799655058B",
    "91110000802100433B",
]
# The ID number in GB 11643-1999's own example, and made-up but valid ones.
VALID_IDS = ["11010519491231002X", "440524198001010013", "110105199001011232", "32010219851120331X"]


def _error(func, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        func(value, **kwargs)
    return caught.value


def test_the_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOSVZ") & set(CREDIT_CODE_ALPHABET)


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_pass(code):
    assert clean_credit_code(code) == code


def test_a_credit_code_is_normalised_from_lower_case_spaces_and_full_width():
    assert clean_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert clean_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert clean_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("9135010M000100Y43", "length"),
        ("91350100M000100Y431", "length"),
        ("91350100M000100I43", "characters"),  # I is not in the alphabet
        ("91350100M0001-0Y43", "characters"),
        ("Z1350100M000100Y43", "characters"),
        ("C1350100M000100Y43", "region"),  # C registers nothing
        ("9135A100M000100Y43", "region"),  # the region code is six digits
        ("91350100M000100Y44", "check_digit"),
        ("91350100M000010Y43", "check_digit"),  # two characters swapped
    ],
)
def test_each_kind_of_wrong_credit_code_is_refused_with_its_code(value, code):
    assert _error(clean_credit_code, value).code == code


def test_every_single_character_typo_of_a_credit_code_is_caught():
    code = REAL_CREDIT_CODES[1]
    for position in range(18):
        for char in CREDIT_CODE_ALPHABET:
            if char == code[position]:
                continue
            typo = code[:position] + char + code[position + 1 :]
            with pytest.raises(ValidationError):
                clean_credit_code(typo)


def test_a_check_character_of_zero_is_computed_when_the_sum_divides_by_31():
    # 31 - 0 = 31 means the check character 0, not an index out of range.
    first17 = next(
        f"9111000071{n:07d}"
        for n in range(10_000)
        if credit_code_check_char(f"9111000071{n:07d}") == "0"
    )
    assert clean_credit_code(first17 + "0") == first17 + "0"


def test_credit_code_messages_name_the_field_in_chinese_and_english():
    with translation.override("zh-hans"):
        assert "统一社会信用代码" in _error(clean_credit_code, "91350100M000100Y44").messages[0]
        assert "统一社会信用代码" in _error(clean_credit_code, "123").messages[0]
    with translation.override("en"):
        message = _error(clean_credit_code, "91350100M000100Y44").messages[0]
        assert "unified social credit code" in message and "check character" in message


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_pass(number):
    assert clean_id_number(number) == number


def test_an_id_number_ending_in_a_small_x_is_accepted_as_capital_x():
    assert clean_id_number("11010519491231002x") == "11010519491231002X"
    assert clean_id_number(" 110105 19491231 002X ") == "11010519491231002X"


def test_the_check_digit_follows_iso_7064_mod_11_2():
    assert id_check_char("11010519491231002") == "X"
    # GB 11643-1999's second example, born 1880: its check digit, though the date is too old.
    assert id_check_char("44052418800101001") == "4"


def test_the_birth_date_is_read_from_digits_7_to_14():
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert birth_date_of("110105194902300020") is None


def _with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("1101051949123100X", "length"),
        ("11010519491231002X1", "length"),
        ("1101051949123100AX", "characters"),
        ("11010519491231002Y", "characters"),
        (_with_check("99010519491231002"), "region"),  # no province 99
        (_with_check("00010519491231002"), "region"),
        (_with_check("11010519490230002"), "birth_date"),  # 30 February
        (_with_check("11010519491331002"), "birth_date"),  # month 13
        (_with_check("11010518991231002"), "birth_date"),  # before 1900
        (_with_check("11010521000101002"), "birth_date"),  # not born yet
        ("110105194912310021", "check_digit"),
        ("110105194912310020", "check_digit"),
        ("11010519491213002X", "check_digit"),  # two digits swapped
    ],
)
def test_each_kind_of_impossible_id_number_is_refused_with_its_code(value, code):
    assert _error(clean_id_number, value, today=date(2026, 6, 1)).code == code


def test_a_birth_date_tomorrow_is_refused_today():
    tomorrow = _with_check("11010520260602002")
    assert _error(clean_id_number, tomorrow, today=date(2026, 6, 1)).code == "birth_date"
    assert clean_id_number(tomorrow, today=date(2026, 6, 2)) == tomorrow


def test_id_messages_name_the_field_and_never_echo_the_number():
    wrong = "110105194912310021"
    with translation.override("zh-hans"):
        message = _error(clean_id_number, wrong).messages[0]
        assert "身份证号" in message and wrong not in message
    with translation.override("en"):
        message = _error(clean_id_number, wrong).messages[0]
        assert "ID number" in message and "check digit" in message and wrong not in message

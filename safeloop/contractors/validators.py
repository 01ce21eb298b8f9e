"""Checks of the two Chinese identifiers contractors bring to the gate.

* The unified social credit code (统一社会信用代码, GB 32100-2015) of a company:
  18 characters from a 31-character alphabet (digits and capitals without I, O,
  S, V, Z), the last one a check character over the first 17.
* The resident ID number (居民身份证号码, GB 11643-1999) of a worker: 17 digits and
  an ISO 7064 MOD 11-2 check character (0-9 or X), with a province code and a
  real birth date inside.

Pure functions: each takes what the person typed, returns it normalised (spaces
gone, capitals, full-width characters made half-width) and raises
``ValidationError`` whose message names the field and whose code says what is
wrong (``length``, ``characters``, ``region``, ``birth_date``, ``check_digit``).
They never echo the number itself: an ID number must not end up in a log.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class IdentifierErrorCode:
    REQUIRED = "required"
    LENGTH = "length"
    CHARACTERS = "characters"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    CHECK_DIGIT = "check_digit"


# --- Unified social credit code (GB 32100-2015) ------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters, no I O S V Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Position 1: the registering authority (1 机构编制, 5 民政, 9 工商 / 市场监管, Y 其他...).
_CREDIT_AUTHORITIES = set("123456789ANY")


def _normalise(value: str | None) -> str:
    # NFKC turns full-width "９１３５" (typed with a Chinese IME) into "9135".
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 are ``first17``."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def clean_credit_code(value: str | None) -> str:
    """The credit code, normalised; ``ValidationError`` naming the field when it is wrong."""
    code = _normalise(value)
    if not code:
        raise ValidationError(
            _("Enter the unified social credit code."), code=IdentifierErrorCode.REQUIRED
        )
    if len(code) != 18:
        raise ValidationError(
            _("The unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)},
            code=IdentifierErrorCode.LENGTH,
        )
    if any(char not in CREDIT_CODE_ALPHABET for char in code):
        raise ValidationError(
            _(
                "The unified social credit code holds only digits and capital letters "
                "other than I, O, S, V and Z."
            ),
            code=IdentifierErrorCode.CHARACTERS,
        )
    if code[0] not in _CREDIT_AUTHORITIES or not code[2:8].isdigit():
        raise ValidationError(
            _(
                "The unified social credit code does not start with a registering authority "
                "and a six-digit region code."
            ),
            code=IdentifierErrorCode.REGION,
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong: please check for typos."),
            code=IdentifierErrorCode.CHECK_DIGIT,
        )
    return code


# --- Resident ID number (GB 11643-1999) --------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # by (weighted sum mod 11): ISO 7064 MOD 11-2
# Province-level codes (GB/T 2260), and 81-83 of the residence permits of Hong Kong,
# Macao and Taiwan residents, which carry the same check character.
ID_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
EARLIEST_BIRTH = date(1900, 1, 1)


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are ``first17``."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def birth_date_of(id_number: str) -> date | None:
    """The birth date written in an 18-digit ID number, or ``None`` when it is no date."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def clean_id_number(value: str | None, *, today: date | None = None) -> str:
    """The ID number, normalised (a final x as X); ``ValidationError`` naming the field."""
    number = _normalise(value)
    if not number:
        raise ValidationError(_("Enter the ID number."), code=IdentifierErrorCode.REQUIRED)
    if len(number) != 18:
        raise ValidationError(
            _("The ID number has 18 characters; this one has %(n)d.") % {"n": len(number)},
            code=IdentifierErrorCode.LENGTH,
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("The ID number holds 17 digits and a last digit or X."),
            code=IdentifierErrorCode.CHARACTERS,
        )
    if number[:2] not in ID_PROVINCES:
        raise ValidationError(
            _("The ID number does not start with a province code."),
            code=IdentifierErrorCode.REGION,
        )
    born = birth_date_of(number)
    if born is None or not EARLIEST_BIRTH <= born <= (today or date.today()):
        raise ValidationError(
            _("The ID number's birth date (digits 7-14) is not a real date."),
            code=IdentifierErrorCode.BIRTH_DATE,
        )
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID number's last character (check digit) is wrong: please check for typos."),
            code=IdentifierErrorCode.CHECK_DIGIT,
        )
    return number

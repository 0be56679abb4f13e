"""Validation of what enterprises and craftsmen type: 统一社会信用代码 (GB 32100-2015) and phone numbers (mainland
China's by the rules below, any other country's by libphonenumber, the `phonenumberslite` package).

Each check returns the cleaned value or raises :class:`Invalid` with a message key (and values) that tells the
user exactly what is wrong, so a wrong code is explained, never silently accepted.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# GB 32100-2015: 31 characters (digits and capitals without I, O, Z, S, V), 17 weights, check digit = 31 - sum mod 31
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_AUTHORITIES = set("123456789ANY")  # 登记管理部门码
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
PHONE_NOISE = re.compile(r"[\s\-()（）]")
EXTENSION = re.compile(r"(?:转|ext\.?|x|#)(\d{1,6})$", re.IGNORECASE)
NEIGHBOURS = ("TW", "HK", "MO")  # where people of the programme may have a phone from, dialled without a code
NEIGHBOUR_CODES = {str(phonenumbers.country_code_for_region(r)) for r in NEIGHBOURS}  # 886, 852, 853
HOME_PROVINCES = {"71": "TW", "81": "HK", "82": "MO"}  # GB/T 2260 710000 台湾, 810000 香港, 820000 澳门
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋", "0123456789+")
MAX_UNIT = 4  # "设备", "有问题", "asdf": a unit this short typed again and again names nothing


class Invalid(ValueError):
    """What the user typed is not valid; ``key`` names the catalogue message that explains why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code(text: str) -> str:
    """A valid 18-character 统一社会信用代码 (upper-cased, spaces removed), or Invalid explaining the fault."""
    code = re.sub(r"\s", "", text).upper().translate(FULL_WIDTH_DIGITS)
    if len(code) != 18:
        raise Invalid("validate.credit_length", length=len(code))
    bad = sorted({ch for ch in code if ch not in CREDIT_CHARSET})
    if bad:
        raise Invalid("validate.credit_chars", chars="、".join(bad))
    if code[0] not in CREDIT_AUTHORITIES:
        raise Invalid("validate.credit_authority", char=code[0])
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise Invalid("validate.credit_check", given=code[17], expected=expected)
    return code


def phone_region(region_code: str | None) -> str | None:
    """The phone region ("TW", "HK", "MO") of a user whose region (a GB/T 2260 code) lies in 台湾, 香港 or 澳门,
    whose numbers are dialled there without a country code; None elsewhere or without a region."""
    return HOME_PROVINCES.get((region_code or "")[:2])


def phone(text: str, home: str | None = None) -> str:
    """A mainland mobile (13800138000) or landline (0572-1234567, with an optional extension), normalised:
    mobiles as 11 digits, landlines as area-number[-extension]; a number typed with another country code (+886,
    +852, +853 …; the code of 台湾, 香港 or 澳门 also without "+" or "00": "852-91234567") as it is written
    internationally ("+852 9123 4567"), checked by libphonenumber. ``home`` (:func:`phone_region` of the user's
    region) reads a number that is no mainland one as dialled there ("0912345678" in 台湾)."""
    value = PHONE_NOISE.sub("", text.strip().translate(FULL_WIDTH_DIGITS))
    extension = ""
    found = EXTENSION.search(value)
    if found:
        extension, value = found.group(1), value[: found.start()]
    if value[:3] in NEIGHBOUR_CODES:  # no mainland number starts so (mobiles with 1, landlines with 0)
        value = "+" + value
    abroad = _abroad(value)
    if abroad is not None:
        return abroad
    for prefix in ("+86", "0086", "86"):
        rest = value[len(prefix) :]
        if value.startswith(prefix) and 9 <= len(rest) <= 11:
            value = rest if MOBILE.match(rest) else "0" + rest.lstrip("0")
            break
    if not value.isdigit():
        raise Invalid("validate.phone")
    if MOBILE.match(value) and not extension:
        return value
    area = 3 if value[1:2] in ("1", "2") else 4  # 010 and 02x have three digits, the other area codes four
    if LANDLINE.match(value) and len(value) - area in (7, 8) and (area == 4 or len(value) - area == 8):
        number = f"{value[:area]}-{value[area:]}"
        return f"{number}-{extension}" if extension else number
    at_home = _dialled_at_home(value, (home,) if home in NEIGHBOURS else ())
    if at_home is not None:  # the user lives there: a number that is no mainland one is read as dialled there
        return at_home
    elsewhere = _dialled_at_home(value)
    if elsewhere is not None:  # 0912345678: a Taiwan mobile without its +886, no mainland number
        raise Invalid("validate.phone_country", example=elsewhere)
    raise Invalid("validate.phone")


def _abroad(value: str) -> str | None:
    """``value`` written internationally when it has a country code other than China's (+ or 00); None when it
    has none or China's. Invalid when the code is there but the number is no number of that country."""
    if not value.startswith(("+", "00")) or value.startswith(("+86", "0086")):
        return None
    try:
        number = phonenumbers.parse("+" + value.lstrip("+").removeprefix("00"))
    except phonenumbers.NumberParseException:
        raise Invalid("validate.phone") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid("validate.phone")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _dialled_at_home(value: str, regions: tuple[str, ...] = NEIGHBOURS) -> str | None:
    """A number as dialled inside one of ``regions`` (台湾, 香港 or 澳门; no mainland number), written with its
    country code."""
    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    return None


def mask_phone(value: str | None) -> str:
    """138****8000: enough for the owner to recognise their number, nothing for anyone else."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def says_nothing(text: str) -> bool:
    """A text (a problem description, a solution) that names nothing: no letter or digit at all (。。。, !!!), only
    one, repeated (啊啊啊, aaaa), one short unit repeated (设备设备设备, asdfasdf, 有问题有问题), or digits only
    (1234567890123). Case, width and the spaces or punctuation between them do not count."""
    signs = "".join(ch.casefold() for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] in "LN")
    if len(set(signs)) <= 1 or signs.isdigit():
        return True
    unit = next(p for p in range(1, len(signs) + 1) if signs[p:] == signs[:-p])  # its shortest period
    return unit <= MAX_UNIT and len(signs) >= 2 * unit


def without_words(text: str) -> bool:
    """A name (a person's, a workplace's, a team's) or a speciality that holds no letter of any script: only
    emoji, punctuation, digits or spaces ("😀", "--", "１２３"). It names no one and nothing: asked for again."""
    return not any(unicodedata.category(ch).startswith("L") for ch in unicodedata.normalize("NFKC", text))

"""The Simplified Chinese catalog: complete, compiled, and used by the pages people see.

After adding or changing a wrapped string, refresh the catalog from the repository root:

    .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=e2e \
        --ignore=tests --ignore=state --ignore=staticfiles
    (translate the new entries, drop any "#, fuzzy")
    .venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CATALOG_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / "django.po"
MO_FILE = CATALOG_DIR / "django.mo"

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def parse_po(path: Path) -> list[Entry]:
    """The active entries of a .po file (header and obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def starts_new_entry(line: str) -> bool:
        # A comment, msgctxt or msgid after a msgstr opens the next entry.
        return bool(entry.msgstr) and (line.startswith(("#", "msgctxt ", "msgid ")))

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if starts_new_entry(line):
            entries.append(entry)
            entry, target = Entry(), None
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.groups()
            text = _unescape(text)
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = text
            else:
                target = (keyword, 0)
                setattr(entry, keyword, text)
        elif line.startswith('"') and target is not None:
            text = _unescape(line[1:-1])
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += text
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + text)
    entries.append(entry)
    return [e for e in entries if e.msgid]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_FILE)


def test_every_message_has_a_reviewed_chinese_translation(entries):
    assert len(entries) > 100, "the catalog looks truncated"
    untranslated = [e.label for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]

    assert not untranslated, f"untranslated in {PO_FILE.name}: {untranslated}"
    assert not fuzzy, f"fuzzy (ignored by Django) in {PO_FILE.name}: {fuzzy}"


def test_compiled_catalog_matches_the_po_file(entries):
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for e in entries:
        expected = e.msgstr.get(0, "")
        if not expected:
            continue
        if e.msgid_plural is not None:
            actual = (
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, 1)
            )
        elif e.msgctxt:
            actual = compiled.pgettext(e.msgctxt, e.msgid)
        else:
            actual = compiled.gettext(e.msgid)
        if actual != expected:
            stale.append(e.label)

    assert not stale, f"{MO_FILE.name} is out of date, run compilemessages: {stale}"


def _nav_label(html: str, key: str) -> str:
    match = re.search(rf'data-testid="nav-{key}"[^>]*>([^<]*)</a>', html)
    assert match, f"no nav-{key} link"
    return match.group(1)


def test_workspace_speaks_chinese_to_a_chinese_browser_and_english_to_an_english_one(
    acme_client, li
):
    assert li.person.language == "", "the browser decides only when no language is saved"
    acme_client.force_login(li)

    chinese = acme_client.get("/w/", **ZH)
    english = acme_client.get("/w/", **EN)

    assert chinese.status_code == english.status_code == 200
    assert chinese["Content-Language"] == "zh-hans"
    assert _nav_label(chinese.content.decode(), "home") == "首页"
    assert _nav_label(chinese.content.decode(), "areas") == "区域"
    assert "退出登录" in chinese.content.decode()
    assert english["Content-Language"] == "en"
    assert _nav_label(english.content.decode(), "home") == "Home"
    assert _nav_label(english.content.decode(), "areas") == "Areas"
    assert "Sign out" in english.content.decode()


def test_signup_refuses_a_taken_sub_domain_in_chinese(public_client):
    form = {
        "company_name": "深圳矿业有限公司",
        "slug": "acme",
        "industry": "mining",
        "admin_name": "刘洋",
        "admin_email": "liu@szmine.test",
        "admin_password": "Open-Pit-2026!",
    }

    response = public_client.post("/signup/", form, **ZH)

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert response.context["form"].errors["slug"] == ["该子域名已被占用。"]
    assert "该子域名已被占用。" in response.content.decode()
    trial = f"开始您的 {settings.SAFELOOP_TRIAL_DAYS} 天免费试用"
    assert trial in response.content.decode()


# Chinese text takes full-width punctuation (GB/T 15834): "：，；？！（）". Half-width marks
# are fine inside Latin runs ("code, name"), times (07:30), URLs and placeholders.
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdifr]|%[sd]|\{\{[^}]*\}\}|\{[a-z_]*\}|https?://\S+")
_HALF_WIDTH = [
    # A colon anywhere in Chinese text, except a time (07:30).
    ("colon", re.compile(r"(?<!\d):|:(?!\d)")),
    ("comma", re.compile(rf"{_CJK}\s*,|,\s*{_CJK}")),
    ("semicolon", re.compile(rf"{_CJK}\s*;|;\s*{_CJK}")),
    ("question mark", re.compile(rf"{_CJK}\s*\?")),
    ("exclamation mark", re.compile(rf"{_CJK}\s*!")),
    ("parenthesis", re.compile(rf"{_CJK}\s*\(|\(\s*{_CJK}|{_CJK}\s*\)|\)\s*{_CJK}")),
]


def half_width_marks(text: str) -> list[str]:
    """The half-width marks in ``text`` that Chinese typesetting writes full-width."""
    if not re.search(_CJK, text):
        return []
    bare = _PLACEHOLDER.sub("X", text)
    return [name for name, pattern in _HALF_WIDTH if pattern.search(bare)]


def test_half_width_marks_are_found_and_latin_times_and_placeholders_are_left_alone():
    assert half_width_marks("检查方法:看") == ["colon"]
    assert half_width_marks("%(item)s: 不合格") == ["colon"]
    assert half_width_marks("隐患,整改") == ["comma"]
    assert half_width_marks("告知卡(PDF)") == ["parenthesis"]
    assert half_width_marks("班前检查 07:30 开始") == []
    assert half_width_marks("列：code, name, area") == []
    assert half_width_marks("打开 http://demo.localhost:8000/ 登录") == []
    assert half_width_marks("剩余 %(time)s（%(n)s 天）") == []
    assert half_width_marks("Trial: 3 days") == []


def test_chinese_strings_use_full_width_punctuation(entries):
    offenders = [
        f"{e.label!r} → {text!r} ({', '.join(marks)})"
        for e in entries
        for text in e.msgstr.values()
        if (marks := half_width_marks(text))
    ]

    assert not offenders, "half-width punctuation in Chinese:\n" + "\n".join(offenders)

"""The plain markup starter lessons are written in (industry templates), turned into
the lesson's StreamField blocks.

One line is one unit::

    ## 小标题               → a heading block
    !danger 一句话          → a callout block (危险); !caution (注意), !note (提示)
    - 列表项                → <li> of a <ul>
    1. 步骤                 → <li> of an <ol>
    其他文字                → a <p>

Paragraphs and lists that follow each other share one rich-text block, cut by a
heading or a callout. Text is HTML-escaped: a template cannot inject markup.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from safeloop.learning.blocks import CalloutLevel

HEADING_MAX = 120  # LessonStreamBlock.heading's max_length
_CALLOUT = re.compile(r"^!(\S*)\s*(.*)$")
_ORDERED = re.compile(r"^\d+\.\s+(.*)$")  # "1. 步骤"; "3.5 米" stays a paragraph
_LEVELS = {CalloutLevel.DANGER, CalloutLevel.CAUTION, CalloutLevel.NOTE}


class MarkupError(ValueError):
    """A line the markup does not know; ``line`` is its number in the body (from 1)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


def lesson_blocks(body: str) -> list[tuple[str, object]]:
    """StreamField data for ``LessonPage.body`` from the markup above."""
    blocks: list[tuple[str, object]] = []
    html: list[str] = []  # the rich-text block being written
    items: list[str] = []  # the list being written
    list_tag = ""

    def close_list() -> None:
        nonlocal list_tag
        if items:
            html.append(f"<{list_tag}>{''.join(items)}</{list_tag}>")
            items.clear()
        list_tag = ""

    def close_text() -> None:
        close_list()
        if html:
            blocks.append(("text", "".join(html)))
            html.clear()

    for number, raw in enumerate((body or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            close_list()
            continue
        if line.startswith("#"):
            if not line.startswith("## ") or not line[3:].strip():
                raise MarkupError(number, f"a heading is '## ' and its text, not {line[:20]!r}")
            heading = line[3:].strip()
            if len(heading) > HEADING_MAX:
                raise MarkupError(number, f"heading longer than {HEADING_MAX} characters")
            close_text()
            blocks.append(("heading", heading))
        elif line.startswith("!"):
            level, text = _CALLOUT.match(line).groups()
            if level not in _LEVELS:
                raise MarkupError(
                    number, f"unknown callout {line[:20]!r} (use !danger, !caution or !note)"
                )
            if not text.strip():
                raise MarkupError(number, f"callout !{level} without text")
            close_text()
            blocks.append(("callout", {"level": level, "text": f"<p>{escape(text.strip())}</p>"}))
        elif line.startswith("- ") or _ORDERED.match(line):
            tag = "ul" if line.startswith("- ") else "ol"
            text = line[2:] if tag == "ul" else _ORDERED.match(line).group(1)
            text = text.strip()
            if not text:
                raise MarkupError(number, "list item without text")
            if tag != list_tag:
                close_list()
                list_tag = tag
            items.append(f"<li>{escape(text)}</li>")
        else:
            close_list()
            html.append(f"<p>{escape(line)}</p>")
    close_text()
    return blocks

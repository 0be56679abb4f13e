"""Telegram's HTML parse mode, as the server checks it.

Telegram rejects a message whose HTML has an unsupported tag, an unclosed tag or a bare ``<`` / ``&``
with "Bad Request: can't parse entities: …". Mirroring that makes unescaped echoes fail loudly in tests.
"""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<>&]")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML."""


def html_to_text(source: str) -> str:
    """Return the plain text a client shows for ``source`` in HTML parse mode, or raise HtmlParseError."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(source):
        out.append(source[pos : match.start()])
        pos = match.end()
        closing, tag, entity = match.group(1), match.group(2), match.group(4)  # group 3: the attributes
        if tag is not None:
            name = tag.lower()
            if name not in ALLOWED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {match.start()}')
            if closing:
                if not stack or stack[-1] != name:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {match.start()}, expected "</{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
        elif entity is not None:
            out.append(html.unescape(match.group(0)))
        else:
            char = match.group(0)
            if char == ">":
                out.append(char)
                continue
            raise HtmlParseError(f'Unsupported start tag or unescaped "{char}" at byte offset {match.start()}')
    out.append(source[pos:])
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)

"""Telegram's HTML parse mode, as a pure function.

Follows tdlib's parser (the one behind the Bot API): the same tag set, the same
entity types and the same error wording, with byte offsets into the UTF-8 text.

One deliberate difference: tdlib lets a stray ``>`` and a ``&`` that starts no
entity through as plain text. The Bot API documentation says they must be
escaped, and an unescaped one almost always means user text went out unescaped,
so with ``strict=True`` (the default) both are refused, in Telegram's style.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ParseError", "parse_html", "utf16_len"]

_SPACES = " \t\n\r\f\v"

_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED_TAGS = frozenset([*_SIMPLE_TAGS, "a", "span", "tg-emoji", "blockquote"])
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ParseError(ValueError):
    """The text is not valid Telegram HTML. ``reason`` is Telegram's wording."""

    def __init__(self, reason: str, byte_offset: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.byte_offset = byte_offset


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


class _OpenTag:
    __slots__ = ("argument", "byte_offset", "code_inside", "name", "utf16_start")

    def __init__(self, name: str, argument: str, utf16_start: int, byte_offset: int) -> None:
        self.name = name
        self.argument = argument
        self.utf16_start = utf16_start
        self.byte_offset = byte_offset
        self.code_inside: tuple[int, str] | None = None


class _Parser:
    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []
        self.open: list[_OpenTag] = []

    # -- helpers -------------------------------------------------------------

    def byte_offset(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def error(self, reason: str, index: int, *, with_offset: bool = True) -> ParseError:
        offset = self.byte_offset(index)
        if with_offset:
            reason = f"{reason} at byte offset {offset}"
        return ParseError(reason, offset)

    def char(self, index: int) -> str:
        return self.text[index] if index < len(self.text) else ""

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.utf16 += utf16_len(chunk)

    def decode_entity(self, index: int) -> tuple[str, int] | None:
        """Decode an HTML entity at ``index`` (a '&'); return (char, next index)."""
        text = self.text
        end = index + 1
        if self.char(end) == "#":
            end += 1
            digits_start = end
            if self.char(end) in ("x", "X"):
                end += 1
                digits_start = end
                while self.char(end) and self.char(end) in "0123456789abcdefABCDEF":
                    end += 1
                base = 16
            else:
                while self.char(end).isdigit() and self.char(end).isascii():
                    end += 1
                base = 10
            digits = text[digits_start:end]
            if not digits or end - index >= 10:
                return None
            code = int(digits, base)
            if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            value = chr(code)
        else:
            while self.char(end).isascii() and self.char(end).isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(text[index + 1 : end])
            if named is None:
                return None
            value = named
        if self.char(end) == ";":
            end += 1
        elif self.strict:
            return None
        return value, end

    # -- the parse -----------------------------------------------------------

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "&":
                decoded = self.decode_entity(self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
                if self.strict:
                    raise self.error('Unescaped "&" that does not start an entity', self.pos)
            if c == ">" and self.strict:
                raise self.error('Unescaped ">"; use "&gt;"', self.pos)
            if c != "<":
                start = self.pos
                while self.pos < len(text) and text[self.pos] not in "<&>":
                    self.pos += 1
                if self.pos == start:
                    self.pos += 1
                self.emit(text[start : self.pos])
                continue
            if self.char(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            tag = self.open[-1]
            raise ParseError(
                f'Can\'t find end tag corresponding to start tag "{tag.name}"', tag.byte_offset
            )
        return "".join(self.out), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))

    def start_tag(self) -> None:
        text = self.text
        begin = self.pos
        i = begin + 1
        while i < len(text) and text[i] not in _SPACES and text[i] != ">":
            i += 1
        if i >= len(text):
            raise self.error("Unclosed start tag", begin)
        tag_name = text[begin + 1 : i].lower()
        if tag_name not in _SUPPORTED_TAGS:
            raise self.error(f'Unsupported start tag "{tag_name}"', begin)
        argument = ""
        while self.char(i) != ">":
            while self.char(i) and self.char(i) in _SPACES:
                i += 1
            if self.char(i) == ">":
                break
            attr_start = i
            while self.char(i) and self.char(i) not in _SPACES and self.char(i) not in "=>":
                i += 1
            attr_name = text[attr_start:i].lower()
            if not attr_name:
                raise self.error(f'Empty attribute name in the tag "{tag_name}"', begin)
            while self.char(i) and self.char(i) in _SPACES:
                i += 1
            if self.char(i) != "=":
                if tag_name == "blockquote" and attr_name == "expandable":
                    argument = "expandable"
                    continue
                if not self.char(i):
                    raise self.error("Unclosed start tag", begin)
                raise self.error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag_name}"',
                    begin,
                )
            i += 1
            while self.char(i) and self.char(i) in _SPACES:
                i += 1
            if not self.char(i):
                raise self.error(f'Unclosed start tag "{tag_name}"', begin)
            value, i = self.attribute_value(i)
            if not self.char(i):
                raise self.error("Unclosed start tag", begin)
            argument = _tag_argument(tag_name, attr_name, value, argument)
        if tag_name == "span" and argument != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        self.open.append(_OpenTag(tag_name, argument, self.utf16, self.byte_offset(begin)))
        self.pos = i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        text = self.text
        quote = self.char(i)
        if quote not in ("'", '"'):
            start = i
            while _is_name_token_char(self.char(i)):
                i += 1
            if self.char(i) and self.char(i) not in _SPACES and self.char(i) != ">":
                raise self.error("Unexpected end of name token", start)
            return text[start:i].lower(), i
        i += 1
        value: list[str] = []
        while self.char(i) and self.char(i) != quote:
            if self.char(i) == "&":
                decoded = self.decode_entity(i)
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                    continue
            value.append(self.char(i))
            i += 1
        if self.char(i) == quote:
            i += 1
        return "".join(value), i

    def end_tag(self) -> None:
        text = self.text
        begin = self.pos
        if not self.open:
            raise self.error("Unexpected end tag", begin)
        i = begin + 2
        while i < len(text) and text[i] not in _SPACES and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while i < len(text) and text[i] in _SPACES:
            i += 1
        if self.char(i) != ">":
            raise self.error("Unclosed end tag", begin)
        tag = self.open[-1]
        if end_name and end_name != tag.name:
            raise self.error(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"',
                begin,
                with_offset=False,
            )
        self.open.pop()
        self.pos = i + 1
        self.close_entity(tag)

    def close_entity(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.utf16_start
        if length <= 0:
            return
        entity: dict[str, Any] = {"offset": tag.utf16_start, "length": length}
        name = tag.name
        if name == "code" and tag.argument and self._code_language(tag, length):
            return
        if name in _SIMPLE_TAGS:
            entity["type"] = _SIMPLE_TAGS[name]
            if name == "pre" and tag.code_inside is not None:
                code_length, language = tag.code_inside
                if code_length == length:
                    entity["language"] = language
                else:
                    self.entities.append(
                        {"type": "code", "offset": tag.utf16_start, "length": code_length}
                    )
        elif name == "span":
            entity["type"] = "spoiler"
        elif name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        elif name == "tg-emoji":
            if not tag.argument.isdigit():
                return
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = tag.argument
        elif name == "a":
            normalized = _normalize_url(tag.argument or self._tail(length))
            if normalized is None:
                return
            entity["type"] = "text_link"
            entity["url"] = normalized
        self.entities.append(entity)

    def _code_language(self, code: _OpenTag, length: int) -> bool:
        """Fold <pre><code class="language-x"> (either nesting) into one pre entity.

        Returns True when the code entity was absorbed by a pre entity.
        """
        parent = self.open[-1] if self.open else None
        if parent is not None and parent.name == "pre" and parent.utf16_start == code.utf16_start:
            parent.code_inside = (length, code.argument)
            return True
        for entity in self.entities:
            if (
                entity["type"] == "pre"
                and entity["offset"] == code.utf16_start
                and entity["length"] == length
            ):
                entity["language"] = code.argument
                return True
        return False

    def _tail(self, utf16_units: int) -> str:
        """The last ``utf16_units`` of output as a str (the text of an <a> without href)."""
        out = "".join(self.out)
        taken = 0
        i = len(out)
        while i > 0 and taken < utf16_units:
            i -= 1
            taken += 2 if ord(out[i]) > 0xFFFF else 1
        return out[i:]


def _is_name_token_char(c: str) -> bool:
    return bool(c) and ((c.isascii() and c.isalnum()) or c in ".-")


def _tag_argument(tag: str, attr: str, value: str, current: str) -> str:
    if tag == "a" and attr == "href":
        return value
    if tag == "code" and attr == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attr == "class" and value.startswith("tg-"):
        return value
    if tag == "tg-emoji" and attr == "emoji-id":
        return value
    return current


def _normalize_url(url: str) -> str | None:
    url = url.strip()
    if not url or any(c in url for c in " \t\n"):
        return None
    lowered = url.lower()
    if lowered.startswith(("http://", "https://", "tg://", "ftp://", "mailto:", "tonsite://")):
        return url
    if "://" in url:
        return None
    if "." not in url.split("/", 1)[0]:
        return None
    return "http://" + url + ("" if "/" in url else "/")


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into plain text and Bot API MessageEntity dicts.

    Raises ParseError whose ``reason`` is Telegram's wording (ending in "at byte
    offset N" where Telegram gives one) and whose ``byte_offset`` locates it.
    """
    return _Parser(text, strict).run()

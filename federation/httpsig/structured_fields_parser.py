"""RFC 8941 section 4.2 parsing, for the dictionaries HTTP signatures use.

Stricter than RFC 8941 on one point: a repeated dictionary key or parameter name
is an error instead of "last one wins", so a signature header can never mean
two things.
"""

from __future__ import annotations

import base64
import binascii
import string
from decimal import Decimal

from federation.httpsig.structured_fields import (
    ALPHA,
    DIGITS,
    KEY_CHARS,
    LCALPHA,
    TOKEN_CHARS,
    BareItem,
    InnerList,
    Item,
    Member,
    Params,
    StructuredFieldError,
    Token,
)

_BASE64_CHARS = frozenset(string.ascii_letters + string.digits + "+/")


def parse_dictionary(text: str) -> list[tuple[str, Member]]:
    """Parse a dictionary field value, rejecting repeated keys."""
    parser = _Parser(text)
    parser.skip_sp()
    members: list[tuple[str, Member]] = []
    seen: set[str] = set()
    while not parser.at_end():
        key = parser.parse_key()
        if key in seen:
            raise StructuredFieldError(f"duplicate dictionary key {key!r}")
        seen.add(key)
        member: Member
        if parser.peek() == "=":
            parser.advance()
            member = parser.parse_member()
        else:
            member = Item(True, parser.parse_params())
        members.append((key, member))
        parser.skip_ows()
        if parser.at_end():
            break
        parser.expect(",")
        parser.skip_ows()
        if parser.at_end():
            raise StructuredFieldError("trailing comma in dictionary")
    return members


class _Parser:
    """A cursor over the field text, following the RFC 8941 section 4.2 algorithms."""

    def __init__(self, text: str) -> None:
        if not text.isascii():
            raise StructuredFieldError("structured field contains non-ASCII characters")
        self.text = text
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def advance(self) -> str:
        char = self.peek()
        if not char:
            raise StructuredFieldError("unexpected end of field")
        self.pos += 1
        return char

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise StructuredFieldError(f"expected {char!r} at offset {self.pos}")
        self.pos += 1

    def skip_sp(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def skip_ows(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def parse_member(self) -> Member:
        if self.peek() == "(":
            return self.parse_inner_list()
        return self.parse_item()

    def parse_inner_list(self) -> InnerList:
        self.expect("(")
        items: list[Item] = []
        while True:
            self.skip_sp()
            if self.peek() == ")":
                self.pos += 1
                return InnerList(tuple(items), self.parse_params())
            items.append(self.parse_item())
            if self.peek() not in (" ", ")"):
                raise StructuredFieldError(f"malformed inner list at offset {self.pos}")

    def parse_item(self) -> Item:
        value = self.parse_bare_item()
        return Item(value, self.parse_params())

    def parse_params(self) -> Params:
        params: list[tuple[str, BareItem]] = []
        seen: set[str] = set()
        while self.peek() == ";":
            self.pos += 1
            self.skip_sp()
            key = self.parse_key()
            if key in seen:
                raise StructuredFieldError(f"duplicate parameter {key!r}")
            seen.add(key)
            value: BareItem = True
            if self.peek() == "=":
                self.pos += 1
                value = self.parse_bare_item()
            params.append((key, value))
        return tuple(params)

    def parse_key(self) -> str:
        start = self.pos
        first = self.peek()
        if not first or not (first in LCALPHA or first == "*"):
            raise StructuredFieldError(f"invalid key at offset {start}")
        while self.peek() and self.peek() in KEY_CHARS:
            self.pos += 1
        return self.text[start : self.pos]

    def parse_bare_item(self) -> BareItem:
        char = self.peek()
        if char and (char == "-" or char in DIGITS):
            return self.parse_number()
        if char == '"':
            return self.parse_string()
        if char == ":":
            return self.parse_byte_sequence()
        if char == "?":
            return self.parse_boolean()
        if char and (char in ALPHA or char == "*"):
            return self.parse_token()
        raise StructuredFieldError(f"unsupported or missing item at offset {self.pos}")

    def parse_number(self) -> int | Decimal:
        sign = 1
        if self.peek() == "-":
            self.pos += 1
            sign = -1
        if not self.peek() or self.peek() not in DIGITS:
            raise StructuredFieldError("number without digits")
        start = self.pos
        is_decimal = False
        while self.peek():
            char = self.peek()
            if char in DIGITS:
                self.pos += 1
            elif char == "." and not is_decimal:
                if self.pos - start > 12:
                    raise StructuredFieldError("decimal integer part too long")
                is_decimal = True
                self.pos += 1
            else:
                break
            if self.pos - start > (16 if is_decimal else 15):
                raise StructuredFieldError("number too long")
        digits = self.text[start : self.pos]
        if not is_decimal:
            return sign * int(digits)
        fraction = digits.partition(".")[2]
        if not fraction or len(fraction) > 3:
            raise StructuredFieldError("decimal needs one to three fractional digits")
        return sign * Decimal(digits)

    def parse_string(self) -> str:
        self.expect('"')
        chars: list[str] = []
        while True:
            char = self.advance()
            if char == "\\":
                escaped = self.advance()
                if escaped not in ('"', "\\"):
                    raise StructuredFieldError("invalid escape in string")
                chars.append(escaped)
            elif char == '"':
                return "".join(chars)
            elif not 0x20 <= ord(char) <= 0x7E:
                raise StructuredFieldError("control character in string")
            else:
                chars.append(char)

    def parse_token(self) -> Token:
        start = self.pos
        self.pos += 1
        while self.peek() and self.peek() in TOKEN_CHARS:
            self.pos += 1
        return Token(self.text[start : self.pos])

    def parse_byte_sequence(self) -> bytes:
        self.expect(":")
        end = self.text.find(":", self.pos)
        if end < 0:
            raise StructuredFieldError("unterminated byte sequence")
        encoded = self.text[self.pos : end]
        self.pos = end + 1
        core = encoded.rstrip("=")
        if not set(core) <= _BASE64_CHARS or len(core) % 4 == 1 or len(encoded) - len(core) > 2:
            raise StructuredFieldError("invalid base64 in byte sequence")
        try:
            return base64.b64decode(core + "=" * (-len(core) % 4), validate=True)
        except binascii.Error as error:
            raise StructuredFieldError("invalid base64 in byte sequence") from error

    def parse_boolean(self) -> bool:
        self.expect("?")
        char = self.advance()
        if char not in ("0", "1"):
            raise StructuredFieldError("invalid boolean")
        return char == "1"

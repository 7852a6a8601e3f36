"""Bitcoin base58 (base58btc), the alphabet behind multibase prefix ``z``."""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}

# Decoding is quadratic in the input length; nothing we decode is near this long.
MAX_ENCODED_LENGTH = 512


def b58encode(data: bytes) -> str:
    """Encode ``data``; each leading zero byte becomes a leading ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Decode base58btc text; raise ``ValueError`` on a foreign character or absurd length."""
    if len(text) > MAX_ENCODED_LENGTH:
        raise ValueError(f"base58 text longer than {MAX_ENCODED_LENGTH} characters")
    number = 0
    for char in text:
        value = _INDEX.get(char)
        if value is None:
            raise ValueError(f"invalid base58 character {char!r}")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body

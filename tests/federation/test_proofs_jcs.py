"""RFC 8785 canonicalization against the RFC author's test data and ECMAScript number forms."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from federation.proofs import CanonicalizationError, canonicalize

VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "rfc8785-jcs.json").read_text(encoding="utf-8")
)
CASES = {case["name"]: case for case in VECTORS["cases"]}


def test_every_published_case_is_present() -> None:
    assert set(CASES) == {"arrays", "french", "structures", "unicode", "values", "weird"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_published_case_reproduces_byte_exact(name: str) -> None:
    case = CASES[name]
    output = canonicalize(json.loads(case["input"]))
    assert output == case["expected_output"].encode("utf-8")
    assert output.hex() == case["expected_output_utf8_hex"]


# ECMAScript Number::toString (ECMA-262 section 6.1.6.1.20), which RFC 8785 section 3.2.2.3 adopts.
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (56.0, "56"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (4.5e-7, "4.5e-7"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e30, "1e+30"),
        (2**53 - 1, "9007199254740991"),
        (-71.184902, "-71.184902"),
        (25.273962, "25.273962"),
    ],
)
def test_numbers_follow_ecmascript(number: float, expected: str) -> None:
    assert canonicalize([number]) == f"[{expected}]".encode()


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 is a surrogate pair (D83D DE00), which sorts before U+FB01 in UTF-16.
    assert canonicalize({"\ufb01": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb01":1}'.encode()


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 2**53, -(2**53), "\ud800", {"key": "\udfff"}],
    ids=["nan", "infinity", "unsafe-integer", "unsafe-negative", "lone-surrogate", "in-object"],
)
def test_values_outside_i_json_are_refused(value: Any) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


def test_absurd_nesting_is_refused_not_crashing() -> None:
    value: list[Any] = []
    for _ in range(50_000):
        value = [value]
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    """Seeded JSON values near every edge of the fast path (numbers, keys, strings)."""
    if depth > 4 or rng.random() < 0.3:
        return rng.choice(
            [
                0.0,
                -0.0,
                20.0,
                0.1,
                1e-4,
                9.99e-5,
                1e16,
                1e16 - 2,
                2.0**53,
                2.0**53 + 2,
                1e21,
                5e-7,
                rng.uniform(-200, 200),
                rng.random() * 10 ** rng.randint(-8, 22),
                float(rng.randint(-(2**60), 2**60)),
                rng.randint(-(2**54), 2**54),
                2**53 - 1,
                True,
                False,
                None,
                "",
                'a"b\\c\n\t\x01\x7f\b\f\r',
                "émoji 😀",
                "\u2028",
                "\ud800",
                "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(3)),
            ]
        )
    if rng.random() < 0.5:
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["a", "B", "é", "😀", "\ufb01", "z1", "", "\x00", "\ud800"]
    return {
        rng.choice(keys) + str(rng.randint(0, 3)): _random_json(rng, depth + 1)
        for _ in range(rng.randint(0, 5))
    }


def test_the_fast_path_writes_what_the_package_writes() -> None:
    """canonicalize takes a C-encoder path for plain documents: same bytes, same refusals."""
    rng = random.Random(8785)
    for _ in range(5000):
        value = _random_json(rng)
        try:
            expected: bytes | None = rfc8785.dumps(value)
        except (rfc8785.CanonicalizationError, RecursionError, UnicodeEncodeError):
            expected = None
        try:
            got: bytes | None = canonicalize(value)
        except CanonicalizationError:
            got = None
        assert got == expected, repr(value)

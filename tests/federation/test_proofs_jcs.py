"""RFC 8785 canonicalization against the RFC author's test data and ECMAScript number forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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

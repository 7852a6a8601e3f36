"""The RFC 8941 subset (examples from RFC 8941 and RFC 9421, what must be refused) and the
RFC 9421 query-parameter encoding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from federation.httpsig.components import component_values, form_encode
from federation.httpsig.message import Headers, HttpRequest, parse_target
from federation.httpsig.structured_fields import (
    InnerList,
    Item,
    StructuredFieldError,
    Token,
    param,
    parse_dictionary,
    serialize_bare_item,
    serialize_inner_list,
    serialize_item,
)


def test_signature_input_dictionary() -> None:
    text = (
        'sig-b22=("@authority" "content-digest" "@query-param";name="Pet");'
        'created=1618884473;keyid="test-key-rsa-pss";tag="header-example"'
    )
    [(label, member)] = parse_dictionary(text)
    assert label == "sig-b22"
    assert member == InnerList(
        (Item("@authority"), Item("content-digest"), Item("@query-param", (("name", "Pet"),))),
        (("created", 1618884473), ("keyid", "test-key-rsa-pss"), ("tag", "header-example")),
    )
    assert param(member.params, "keyid") == "test-key-rsa-pss"
    assert param(member.params, "alg") is None
    assert f"{label}={serialize_inner_list(member)}" == text


def test_dictionary_of_byte_sequences_with_whitespace() -> None:
    members = parse_dictionary("sig1=:AQID:,  proxy_sig=:BAU=: ,\tx=:/w==:")
    assert members == [
        ("sig1", Item(b"\x01\x02\x03")),
        ("proxy_sig", Item(b"\x04\x05")),
        ("x", Item(b"\xff")),
    ]


def test_bare_item_types() -> None:
    members = dict(
        parse_dictionary(
            'a=1, b=-42, c=4.5, d="x\\"y\\\\z", e=tok/en:1, f=?0, g, h;p=?1, i=*t, j=()'
        )
    )
    assert members["a"] == Item(1)
    assert members["b"] == Item(-42)
    assert members["c"] == Item(Decimal("4.5"))
    assert members["d"] == Item('x"y\\z')
    assert members["e"] == Item(Token("tok/en:1"))
    assert members["f"] == Item(False)
    assert members["g"] == Item(True)
    assert members["h"] == Item(True, (("p", True),))
    assert members["i"] == Item(Token("*t"))
    assert members["j"] == InnerList(())


def test_unpadded_base64_is_accepted() -> None:
    assert parse_dictionary("a=:AQ:") == [("a", Item(b"\x01"))]


def test_empty_field_is_an_empty_dictionary() -> None:
    assert parse_dictionary("") == []
    assert parse_dictionary("   ") == []


@pytest.mark.parametrize(
    "text",
    [
        "a=1, a=2",  # repeated key: stricter than RFC 8941 on purpose
        "a=1;p=1;p=2",  # repeated parameter
        'a=("x";p=1;p=2)',
        "a=1,",  # trailing comma
        ",a=1",
        "a=1,,b=2",
        "A=1",  # keys are lower-case
        "1a=1",
        "a=1 b=2",  # missing comma
        'a="unterminated',
        'a="bad \\n escape"',
        'a="tab\there"',
        "a=:AQID",  # unterminated byte sequence
        "a=:A=QID:",  # padding inside
        "a=:A:",  # impossible length
        "a=:AQ===:",
        "a=:AQ$D:",
        "a=?2",
        "a=1234567890123456",  # 16 digits
        "a=1234567890123.5",  # 13-digit integer part
        "a=1.2345",  # four fractional digits
        "a=1.",
        "a=-",
        "a=--1",
        "a=(1 2",  # unterminated inner list
        "a=(1,2)",
        "a=(1)(2)",
        "a=@1659578233",  # RFC 9651 date: not in our subset
        'a=%"display"',
        "a=é",
        "a=1;",
        "a=1;P=1",
        "a=",
    ],
)
def test_invalid_fields_raise(text: str) -> None:
    with pytest.raises(StructuredFieldError):
        parse_dictionary(text)


def test_structured_field_error_is_a_value_error() -> None:
    assert issubclass(StructuredFieldError, ValueError)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "?1"),
        (False, "?0"),
        (0, "0"),
        (-7, "-7"),
        (Decimal("1.50"), "1.5"),
        (Decimal("2"), "2.0"),
        (Decimal("-0.1234"), "-0.123"),
        ('a "quoted" \\ string', '"a \\"quoted\\" \\\\ string"'),
        (Token("sha-256"), "sha-256"),
        (b"\x00\xff", ":AP8=:"),
        (b"", "::"),
    ],
)
def test_serialize_bare_items(value: object, text: str) -> None:
    assert serialize_bare_item(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    ["new\nline", "café", 10**15, Token("1abc"), Token(""), Decimal("1234567890123.5")],
)
def test_serialize_refuses_what_cannot_be_written(value: object) -> None:
    with pytest.raises(StructuredFieldError):
        serialize_bare_item(value)  # type: ignore[arg-type]


def test_serialize_item_params_order_and_booleans() -> None:
    item = Item("content-digest", (("sf", True), ("key", "sha-256"), ("n", 2)))
    assert serialize_item(item) == '"content-digest";sf;key="sha-256";n=2'
    with pytest.raises(StructuredFieldError):
        serialize_item(Item("x", (("Bad", 1),)))


@pytest.mark.parametrize(
    "text",
    [
        'sig1=("@method" "@target-uri");created=1;keyid="k";alg="ed25519"',
        "a=(1 2.5 ?1 tok :AA==:);p",
        'a=1;x="y", b=(), c=?0',
    ],
)
def test_round_trip(text: str) -> None:
    members = parse_dictionary(text)
    out = []
    for key, member in members:
        if isinstance(member, InnerList):
            out.append(f"{key}={serialize_inner_list(member)}")
        elif member.value is True:
            out.append(key + serialize_item(member)[2:])
        else:
            out.append(f"{key}={serialize_item(member)}")
    assert ", ".join(out) == text


def test_query_param_values_are_re_encoded() -> None:
    assert form_encode("tea & bread~ é*-._") == "tea%20%26%20bread%7E%20%C3%A9*-._"
    url = "https://x.example/p?q=tea+%26%20bread&q=2&Pet=dog&e&=v"
    request = HttpRequest("GET", url, Headers())
    target = parse_target(url)
    assert component_values(request, target, Item("@query-param", (("name", "q"),))) == [
        "tea%20%26%20bread",
        "2",
    ]
    assert component_values(request, target, Item("@query-param", (("name", "e"),))) == [""]
    assert component_values(request, target, Item("@query", ())) == [
        "?q=tea+%26%20bread&q=2&Pet=dog&e&=v"
    ]


@pytest.mark.parametrize("text", ["a=:==:", "a=:=:"])
def test_padding_without_data_is_refused(text: str) -> None:
    """http-sf refuses base64 that is padding alone (RFC 4648); the hand-written parser read it
    as empty bytes."""
    with pytest.raises(StructuredFieldError):
        parse_dictionary(text)


def test_a_token_is_never_equal_to_a_string() -> None:
    [(_, member)] = parse_dictionary("a=k")
    assert member == Item(Token("k"))
    assert member != Item("k")

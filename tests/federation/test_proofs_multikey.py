"""FEP-521a Multikey and base58btc encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.errors import SignatureError
from federation.proofs import (
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
    multikey_document,
    parse_multikey_document,
)
from federation.proofs.base58 import b58decode, b58encode

VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "vc-di-eddsa.json").read_text(encoding="utf-8")
)
PUBLIC_MULTIBASE = VECTORS["keyPair"]["publicKeyMultibase"]
PRIVATE_MULTIBASE = VECTORS["keyPair"]["privateKeyMultibase"]
DECODED = VECTORS["keyPair_decoded_hex"]
RAW = serialization.Encoding.Raw


# draft-msporny-base58-03, section 5 (test vectors).
@pytest.mark.parametrize(
    ("data", "encoded"),
    [
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
        (b"", ""),
        (b"\0", "1"),
    ],
)
def test_base58_draft_vectors(data: bytes, encoded: str) -> None:
    assert b58encode(data) == encoded
    assert b58decode(encoded) == data


@pytest.mark.parametrize("text", ["0OIl", "abc0", "2NEpo7TZ+", "x" * 513])
def test_base58_refuses_foreign_characters_and_absurd_length(text: str) -> None:
    with pytest.raises(ValueError, match="base58"):
        b58decode(text)


def test_vector_public_key_decodes_to_published_bytes() -> None:
    key = decode_public_key(PUBLIC_MULTIBASE)
    assert key.public_bytes(RAW, serialization.PublicFormat.Raw).hex() == DECODED["public_key_raw"]
    assert encode_public_key(key) == PUBLIC_MULTIBASE


def test_vector_private_key_decodes_to_published_seed() -> None:
    key = decode_private_key(PRIVATE_MULTIBASE)
    seed = key.private_bytes(RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    assert seed.hex() == DECODED["secret_key_seed_raw"]
    assert encode_private_key(key) == PRIVATE_MULTIBASE
    assert encode_public_key(key.public_key()) == PUBLIC_MULTIBASE


def test_own_keys_round_trip() -> None:
    private = Ed25519PrivateKey.generate()
    public_text = encode_public_key(private.public_key())
    assert public_text.startswith("z6Mk")  # every Ed25519 Multikey reads so
    assert decode_public_key(public_text) == private.public_key()
    again = decode_private_key(encode_private_key(private))
    assert again.public_key() == private.public_key()


def _multibase(header: bytes, body: bytes) -> str:
    return "z" + b58encode(header + body)


@pytest.mark.parametrize(
    "text",
    [
        "u7QGwDY2Tjn93PVFWWq02piP1NE9_XRlg-c8-jhJiDqKBDw",  # base64url multibase, same key
        PUBLIC_MULTIBASE[1:],  # no multibase prefix
        "z",  # empty
        "z0OIl",  # not base58
        _multibase(b"\x80\x26", bytes(32)),  # private-key header
        _multibase(b"\xe7\x01", bytes(33)),  # secp256k1-pub header
        _multibase(b"\xed", bytes(33)),  # truncated varint header
        _multibase(b"\xed\x01", bytes(31)),  # short key
        _multibase(b"\xed\x01", bytes(33)),  # long key
        42,
        None,
    ],
    ids=[
        "base64url",
        "no-prefix",
        "empty",
        "bad-char",
        "private-header",
        "secp256k1-header",
        "truncated-header",
        "short",
        "long",
        "int",
        "none",
    ],
)
def test_malformed_public_keys_are_key_malformed(text: object) -> None:
    with pytest.raises(SignatureError) as caught:
        decode_public_key(text)
    assert caught.value.reason == "key-malformed"


@pytest.mark.parametrize(
    "text",
    [PUBLIC_MULTIBASE, _multibase(b"\x80\x26", bytes(31)), "Z" + PRIVATE_MULTIBASE[1:]],
    ids=["public-key", "short", "wrong-base"],
)
def test_malformed_private_keys_are_key_malformed(text: str) -> None:
    with pytest.raises(SignatureError) as caught:
        decode_private_key(text)
    assert caught.value.reason == "key-malformed"


def test_multikey_document_round_trip() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    actor = "https://food.example/actor"
    document = multikey_document(f"{actor}#ed25519-key", actor, key)
    assert document["type"] == "Multikey"
    assert parse_multikey_document(document) == (f"{actor}#ed25519-key", actor, key)


@pytest.mark.parametrize(
    "document",
    [
        {"id": "https://a.example/actor#k", "type": "Ed25519VerificationKey2020"},
        {"type": "Multikey", "controller": "https://a.example/actor", "publicKeyMultibase": "z"},
        {"id": "https://a.example/actor#k", "type": "Multikey", "publicKeyMultibase": "z"},
        {"id": "k", "type": "Multikey", "controller": "c", "publicKeyMultibase": "zzz"},
        ["not", "an", "object"],
    ],
    ids=["other-type", "no-id", "no-controller", "bad-key", "list"],
)
def test_malformed_multikey_documents(document: object) -> None:
    with pytest.raises(SignatureError) as caught:
        parse_multikey_document(document)
    assert caught.value.reason == "key-malformed"

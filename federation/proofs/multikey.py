"""FEP-521a Multikey: Ed25519 keys as multibase base58btc with a multicodec header.

A public key is ``"z" + base58btc(0xed 0x01 || 32-byte key)``; a private key
is ``"z" + base58btc(0x80 0x26 || 32-byte seed)``. Anything else is rejected
with reason ``key-malformed``.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from federation.errors import SignatureError
from federation.proofs.base58 import b58decode, b58encode

MULTIBASE_BASE58BTC = "z"
ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
ED25519_KEY_LENGTH = 32
MULTIKEY_TYPE = "Multikey"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"

_RAW = serialization.Encoding.Raw


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by base58btc of ``data``."""
    return MULTIBASE_BASE58BTC + b58encode(data)


def multibase_decode(text: str) -> bytes:
    """Decode a base58btc multibase string; ``ValueError`` on any other base or bad text."""
    if not text.startswith(MULTIBASE_BASE58BTC):
        raise ValueError("multibase value is not base58btc (prefix 'z')")
    return b58decode(text[1:])


def encode_public_key(key: Ed25519PublicKey) -> str:
    """The ``publicKeyMultibase`` value of an Ed25519 public key."""
    raw = key.public_bytes(_RAW, serialization.PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_HEADER + raw)


def encode_private_key(key: Ed25519PrivateKey) -> str:
    """The ``secretKeyMultibase`` value of an Ed25519 private key (its 32-byte seed)."""
    raw = key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return multibase_encode(ED25519_PRIV_HEADER + raw)


def _decode_raw(text: object, header: bytes, what: str) -> bytes:
    if not isinstance(text, str):
        raise SignatureError(f"{what} multikey is not a string", reason="key-malformed")
    try:
        data = multibase_decode(text)
    except ValueError as exc:
        raise SignatureError(f"{what} multikey: {exc}", reason="key-malformed") from exc
    if not data.startswith(header):
        raise SignatureError(
            f"{what} multikey does not carry the Ed25519 multicodec header {header.hex()}",
            reason="key-malformed",
        )
    raw = data[len(header) :]
    if len(raw) != ED25519_KEY_LENGTH:
        raise SignatureError(
            f"{what} multikey holds {len(raw)} bytes, expected {ED25519_KEY_LENGTH}",
            reason="key-malformed",
        )
    return raw


def decode_public_key(text: object) -> Ed25519PublicKey:
    """Parse ``publicKeyMultibase``; ``SignatureError(key-malformed)`` unless it is Ed25519."""
    raw = _decode_raw(text, ED25519_PUB_HEADER, "public")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise SignatureError(f"public multikey: {exc}", reason="key-malformed") from exc


def decode_private_key(text: object) -> Ed25519PrivateKey:
    """Parse ``secretKeyMultibase``; ``SignatureError(key-malformed)`` unless it is Ed25519."""
    raw = _decode_raw(text, ED25519_PRIV_HEADER, "private")
    try:
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise SignatureError(f"private multikey: {exc}", reason="key-malformed") from exc


def multikey_document(key_id: str, controller: str, key: Ed25519PublicKey) -> dict[str, Any]:
    """The FEP-521a ``Multikey`` object to list in an actor's ``assertionMethod``."""
    return {
        "id": key_id,
        "type": MULTIKEY_TYPE,
        "controller": controller,
        "publicKeyMultibase": encode_public_key(key),
    }


def parse_multikey_document(obj: object) -> tuple[str, str, Ed25519PublicKey]:
    """Read a ``Multikey`` object into ``(id, controller, public key)``, or raise key-malformed."""
    if not isinstance(obj, dict) or obj.get("type") != MULTIKEY_TYPE:
        raise SignatureError("not a Multikey object", reason="key-malformed")
    key_id, controller = obj.get("id"), obj.get("controller")
    if not isinstance(key_id, str) or not isinstance(controller, str):
        raise SignatureError("Multikey lacks a string id or controller", reason="key-malformed")
    return key_id, controller, decode_public_key(obj.get("publicKeyMultibase"))

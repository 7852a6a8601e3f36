"""The node's key pairs: generation, PEM storage and loading.

An RSA-2048 key signs HTTP requests the whole fleet can verify; an Ed25519
key signs object proofs and RFC 9421 requests (design brief, section 4).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

RSA_KEY_FILE = "rsa.pem"
ED25519_KEY_FILE = "ed25519.pem"


@dataclass(frozen=True)
class NodeKeys:
    """The private keys of the node's actor."""

    rsa: rsa.RSAPrivateKey
    ed25519: ed25519.Ed25519PrivateKey

    def rsa_public_pem(self) -> str:
        return public_pem(self.rsa.public_key())

    def ed25519_public_raw(self) -> bytes:
        return self.ed25519.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )


def public_pem(key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def generate_keys() -> NodeKeys:
    return NodeKeys(
        rsa=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ed25519=ed25519.Ed25519PrivateKey.generate(),
    )


def _private_pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_secret(path: Path, data: bytes) -> None:
    """Write ``data`` to a file that only the owner can read, created 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def save_keys(keys: NodeKeys, directory: Path) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_secret(directory / RSA_KEY_FILE, _private_pem(keys.rsa))
    _write_secret(directory / ED25519_KEY_FILE, _private_pem(keys.ed25519))


def load_or_create_keys(directory: Path) -> NodeKeys:
    """Load the keys in ``directory``, creating them first if there are none."""
    if not (directory / RSA_KEY_FILE).exists():
        save_keys(generate_keys(), directory)
    return load_keys(directory)


def load_keys(directory: Path) -> NodeKeys:
    rsa_key = serialization.load_pem_private_key((directory / RSA_KEY_FILE).read_bytes(), None)
    ed_key = serialization.load_pem_private_key((directory / ED25519_KEY_FILE).read_bytes(), None)
    if not isinstance(rsa_key, rsa.RSAPrivateKey) or not isinstance(
        ed_key, ed25519.Ed25519PrivateKey
    ):
        raise ValueError(f"unexpected key types in {directory}")
    return NodeKeys(rsa=rsa_key, ed25519=ed_key)

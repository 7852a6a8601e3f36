"""The node's key pairs: generation, PEM storage and loading.

An RSA-2048 key signs HTTP requests the whole fleet can verify; an Ed25519
key signs object proofs and RFC 9421 requests (design brief, section 4).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from federation.uris import FIRST_ED25519_FRAGMENT

RSA_KEY_FILE = "rsa.pem"
ED25519_KEY_FILE = "ed25519.pem"
ED25519_ID_FILE = "ed25519.id"
RETIRED_DIR = "retired"


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


@dataclass(frozen=True)
class RetiredKey:
    """An Ed25519 key kept in ``assertionMethod`` after a rotation, so proofs still verify."""

    fragment: str
    public: ed25519.Ed25519PublicKey
    until: datetime


def _write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    temporary = path.with_suffix(path.suffix + ".new")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


class KeyRing:
    """The keys in a directory, reloaded whenever they change on disk.

    A rotation (by this process or by ``solidarity keys rotate``) writes new
    files; every signature made after it, queued deliveries included, uses the
    new keys, because signing asks the ring at send time.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._stamp: tuple[int, ...] = ()
        self._keys: NodeKeys | None = None
        self._fragment = FIRST_ED25519_FRAGMENT

    def _current_stamp(self) -> tuple[int, ...]:
        names = (RSA_KEY_FILE, ED25519_KEY_FILE, ED25519_ID_FILE)
        return tuple(
            (self.directory / n).stat().st_mtime_ns if (self.directory / n).exists() else 0
            for n in names
        )

    def current(self) -> NodeKeys:
        stamp = self._current_stamp()
        if self._keys is None or stamp != self._stamp:
            self._keys = load_keys(self.directory)
            id_file = self.directory / ED25519_ID_FILE
            self._fragment = (
                id_file.read_text().strip() if id_file.exists() else FIRST_ED25519_FRAGMENT
            )
            self._stamp = stamp
        return self._keys

    @property
    def ed25519_fragment(self) -> str:
        self.current()
        return self._fragment

    def retired(self, now: datetime) -> list[RetiredKey]:
        """Retired Ed25519 keys still inside their grace period, oldest first."""
        folder = self.directory / RETIRED_DIR
        kept = []
        for pem in sorted(folder.glob("*.pem")) if folder.exists() else []:
            until = datetime.fromisoformat((pem.with_suffix(".until")).read_text().strip())
            if until > now:
                key = serialization.load_pem_public_key(pem.read_bytes())
                if isinstance(key, ed25519.Ed25519PublicKey):
                    kept.append(RetiredKey(pem.stem, key, until))
        return kept

    def rotate(self, now: datetime, grace: timedelta) -> NodeKeys:
        """New RSA and Ed25519 keys; the old Ed25519 key is retired for ``grace``."""
        old = self.current()
        old_fragment = self._fragment
        folder = self.directory / RETIRED_DIR
        folder.mkdir(mode=0o700, exist_ok=True)
        (folder / f"{old_fragment}.pem").write_text(public_pem(old.ed25519.public_key()))
        (folder / f"{old_fragment}.until").write_text((now + grace).astimezone(UTC).isoformat())
        new = generate_keys()
        stamp = now.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        _write_atomically(self.directory / RSA_KEY_FILE, _private_pem(new.rsa))
        _write_atomically(self.directory / ED25519_KEY_FILE, _private_pem(new.ed25519))
        _write_atomically(
            self.directory / ED25519_ID_FILE, f"{FIRST_ED25519_FRAGMENT}-{stamp}".encode()
        )
        return self.current()

"""The signature algorithms: the only module here that calls cryptography's sign/verify."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from federation.httpsig.policy import VerificationPolicy, check_rsa_size
from federation.httpsig.reasons import Reason, fail
from federation.httpsig.records import Candidate, PublicKeyRecord

CAVAGE_ALGORITHMS = frozenset({"rsa-sha256", "hs2019"})
RFC9421_ALGORITHMS = frozenset({"ed25519", "rsa-v1_5-sha256", "rsa-pss-sha512"})

_PKCS1 = padding.PKCS1v15()
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)


def verify_with_key(
    candidate: Candidate, record: PublicKeyRecord, policy: VerificationPolicy
) -> str:
    """Verify ``candidate`` with ``record``'s key; return the algorithm that verified."""
    if candidate.scheme == "draft-cavage":
        return _verify_cavage(candidate, record.public_key, policy)
    algorithm = _rfc9421_algorithm(candidate.algorithm, record)
    _verify_rfc9421(algorithm, candidate, record.public_key, policy)
    return algorithm


def sign_rsa_sha256(key: rsa.RSAPrivateKey, message: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-256 (cavage ``rsa-sha256``, RFC 9421 ``rsa-v1_5-sha256``)."""
    return key.sign(message, _PKCS1, hashes.SHA256())


def sign_ed25519(key: ed25519.Ed25519PrivateKey, message: bytes) -> bytes:
    """Ed25519 (RFC 9421 ``ed25519``)."""
    return key.sign(message)


def _verify_cavage(candidate: Candidate, key: PublicKeyTypes, policy: VerificationPolicy) -> str:
    declared = candidate.algorithm or "hs2019"
    if isinstance(key, ed25519.Ed25519PublicKey):
        if declared != "hs2019":
            raise fail(Reason.KEY_TYPE_MISMATCH, f"{declared} needs an RSA key, got Ed25519")
        _check(_ed25519_ok(key, candidate))
        return declared
    rsa_key = _rsa(key, policy)
    if _rsa_ok(rsa_key, candidate, _PKCS1, hashes.SHA256()):
        return declared
    # hs2019 with RSA is RSASSA-PSS/SHA-512 in the draft; the fleet signs v1.5.
    _check(declared == "hs2019" and _rsa_ok(rsa_key, candidate, _PSS, hashes.SHA512()))
    return declared


def _rfc9421_algorithm(declared: str | None, record: PublicKeyRecord) -> str:
    if declared is not None and record.algorithm is not None and declared != record.algorithm:
        raise fail(Reason.KEY_TYPE_MISMATCH, f"alg {declared} but the key is {record.algorithm}")
    if declared is not None:
        return declared
    if record.algorithm is not None:
        return record.algorithm
    if isinstance(record.public_key, ed25519.Ed25519PublicKey):
        return "ed25519"
    if isinstance(record.public_key, rsa.RSAPublicKey):
        return "rsa-v1_5-sha256"
    raise fail(Reason.ALGORITHM_UNSUPPORTED, "the key's type has no supported algorithm")


def _verify_rfc9421(
    algorithm: str, candidate: Candidate, key: PublicKeyTypes, policy: VerificationPolicy
) -> None:
    if algorithm not in RFC9421_ALGORITHMS:
        raise fail(Reason.ALGORITHM_UNSUPPORTED, f"algorithm {algorithm!r} is not supported")
    if algorithm == "ed25519":
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise fail(Reason.KEY_TYPE_MISMATCH, "alg ed25519 needs an Ed25519 key")
        _check(_ed25519_ok(key, candidate))
    elif algorithm == "rsa-v1_5-sha256":
        _check(_rsa_ok(_rsa(key, policy), candidate, _PKCS1, hashes.SHA256()))
    else:
        _check(_rsa_ok(_rsa(key, policy), candidate, _PSS, hashes.SHA512()))


def _rsa(key: PublicKeyTypes, policy: VerificationPolicy) -> rsa.RSAPublicKey:
    if isinstance(key, rsa.RSAPublicKey):
        check_rsa_size(key.key_size, policy)
        return key
    if isinstance(key, ed25519.Ed25519PublicKey):
        raise fail(Reason.KEY_TYPE_MISMATCH, "an RSA algorithm was declared for an Ed25519 key")
    raise fail(Reason.ALGORITHM_UNSUPPORTED, f"unsupported key type {type(key).__name__}")


def _rsa_ok(
    key: rsa.RSAPublicKey,
    candidate: Candidate,
    pad: padding.AsymmetricPadding,
    digest: hashes.HashAlgorithm,
) -> bool:
    try:
        key.verify(candidate.signature, candidate.message, pad, digest)
    except InvalidSignature:
        return False
    return True


def _ed25519_ok(key: ed25519.Ed25519PublicKey, candidate: Candidate) -> bool:
    try:
        key.verify(candidate.signature, candidate.message)
    except InvalidSignature:
        return False
    return True


def _check(ok: bool) -> None:
    if not ok:
        raise fail(Reason.SIGNATURE_INVALID, "the signature does not verify")

"""HTTP signatures: draft-cavage-12 and RFC 9421, inbound and outbound.

Verification is pure apart from the injected ``resolve_key``: it knows nothing
of storage or fetching, and takes ``now`` instead of reading the clock.
"""

from federation.httpsig.cavage import sign_cavage
from federation.httpsig.digest import content_digest_header, digest_header
from federation.httpsig.message import Headers, HeaderSource, HttpRequest
from federation.httpsig.policy import DEFAULT_POLICY, VerificationPolicy
from federation.httpsig.reasons import Reason
from federation.httpsig.records import KeyResolver, PublicKeyRecord, Scheme, VerifiedSignature
from federation.httpsig.rfc9421 import sign_rfc9421
from federation.httpsig.verify import verify_request

__all__ = [
    "DEFAULT_POLICY",
    "HeaderSource",
    "Headers",
    "HttpRequest",
    "KeyResolver",
    "PublicKeyRecord",
    "Reason",
    "Scheme",
    "VerificationPolicy",
    "VerifiedSignature",
    "content_digest_header",
    "digest_header",
    "sign_cavage",
    "sign_rfc9421",
    "verify_request",
]

"""Remote fetching under an SSRF guard, with the origin rules of the design brief.

Use ``RemoteFetcher`` for every request to a peer: it refuses private and
special-use addresses (unless allowlisted), non-https URLs, oversized or slow
answers and redirect chains, and raises ``FetchError`` with a reason code.
"""

from federation.fetch.addresses import IPAddress, classify_address, parse_host_address
from federation.fetch.fetcher import (
    ACTIVITY_ACCEPT,
    FetchLimits,
    FetchResult,
    FetchStatusError,
    RemoteFetcher,
    SessionFactory,
    Signer,
    is_json_content_type,
)
from federation.fetch.origin import check_key_origin, check_object_origin, same_url, url_origin
from federation.fetch.policy import AddressPolicy, normalize_host
from federation.fetch.resolver import GuardedResolver, guarded_connector, guarded_session

__all__ = [
    "ACTIVITY_ACCEPT",
    "AddressPolicy",
    "FetchLimits",
    "FetchResult",
    "FetchStatusError",
    "GuardedResolver",
    "IPAddress",
    "RemoteFetcher",
    "SessionFactory",
    "Signer",
    "check_key_origin",
    "check_object_origin",
    "classify_address",
    "guarded_connector",
    "guarded_session",
    "is_json_content_type",
    "normalize_host",
    "parse_host_address",
    "same_url",
    "url_origin",
]

"""RFC 9421 section 2: the values of covered components of a request."""

from __future__ import annotations

import string
from urllib.parse import unquote_plus

from federation.httpsig.message import HttpRequest, Target
from federation.httpsig.reasons import Reason, fail
from federation.httpsig.structured_fields import Item

_FIELD_NAME_CHARS = frozenset(string.ascii_lowercase + string.digits + "!#$%&'*+-.^_`|~")
# WHATWG application/x-www-form-urlencoded leaves only these unencoded.
_FORM_SAFE = frozenset((string.ascii_letters + string.digits + "*-._").encode("ascii"))


def component_values(request: HttpRequest, target: Target, item: Item) -> list[str]:
    """The value(s) of one covered component; ``@query-param`` may yield several."""
    name = item.value
    if not isinstance(name, str) or not name:
        raise fail(Reason.SIGNATURE_MALFORMED, "a component identifier must be a string")
    if name.startswith("@"):
        return _derived(request, target, name, item)
    if not set(name) <= _FIELD_NAME_CHARS:
        raise fail(Reason.SIGNATURE_MALFORMED, f"component {name!r} is not a lower-case field name")
    if item.params:
        raise fail(Reason.COMPONENT_UNSUPPORTED, f"parameters on field {name} are not supported")
    value = request.headers.combined(name)
    if value is None:
        digest = name in ("digest", "content-digest")
        reason = Reason.DIGEST_MISSING if digest else Reason.COMPONENT_MISSING
        raise fail(reason, f"covered field {name} is absent")
    return [value]


def _derived(request: HttpRequest, target: Target, name: str, item: Item) -> list[str]:
    if name == "@query-param":
        wanted = dict(item.params).get("name")
        if len(item.params) != 1 or not isinstance(wanted, str):
            raise fail(Reason.SIGNATURE_MALFORMED, "@query-param needs exactly a name parameter")
        return _query_param(target.query, wanted)
    if item.params:
        raise fail(Reason.COMPONENT_UNSUPPORTED, f"parameters on {name} are not supported")
    values = {
        "@method": request.method,
        "@target-uri": request.url,
        "@authority": target.authority,
        "@scheme": target.scheme,
        "@request-target": target.request_target,
        "@path": target.path,
        "@query": f"?{target.query}",
    }
    if name not in values:
        raise fail(Reason.COMPONENT_UNSUPPORTED, f"derived component {name} is not supported")
    return [values[name]]


def _query_param(query: str, wanted: str) -> list[str]:
    found = []
    for pair in query.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        if form_encode(unquote_plus(raw_name)) == wanted:
            found.append(form_encode(unquote_plus(raw_value)))
    if not found:
        raise fail(Reason.COMPONENT_MISSING, f"query parameter {wanted!r} is absent")
    return found


def form_encode(text: str) -> str:
    """Percent-encode as RFC 9421 section 2.2.8 asks (space as %20, not +)."""
    return "".join(
        chr(byte) if byte in _FORM_SAFE else f"%{byte:02X}" for byte in text.encode("utf-8")
    )

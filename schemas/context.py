"""The JSON-LD ``@context`` of everything a node publishes.

Only context URLs every implementation preloads (ActivityStreams, data
integrity), plus an inline object defining the ValueFlows, OM2 and project
terms, so no peer ever has to fetch a context to read us (design brief, §3).
"""

from __future__ import annotations

from typing import Any

from schemas.vocab import PROJECT_NS

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
VF_NS = "https://w3id.org/valueflows/ont/vf#"
OM2_NS = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

INLINE_TERMS: dict[str, Any] = {
    "vf": VF_NS,
    "om2": OM2_NS,
    "sn": PROJECT_NS,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "Proposal": "vf:Proposal",
    "Intent": "vf:Intent",
    "Agreement": "vf:Agreement",
    "Commitment": "vf:Commitment",
    "EconomicEvent": "vf:EconomicEvent",
    "purpose": "vf:purpose",
    "publishes": "vf:publishes",
    "reciprocal": "vf:reciprocal",
    "unitBased": "vf:unitBased",
    "action": "vf:action",
    "provider": {"@id": "vf:provider", "@type": "@id"},
    "receiver": {"@id": "vf:receiver", "@type": "@id"},
    "resourceConformsTo": {"@id": "vf:resourceConformsTo", "@type": "@id"},
    "resourceClassifiedAs": {"@id": "vf:resourceClassifiedAs", "@type": "@id"},
    "resourceQuantity": "vf:resourceQuantity",
    "availableQuantity": "vf:availableQuantity",
    "minimumQuantity": "vf:minimumQuantity",
    "effortQuantity": "vf:effortQuantity",
    "hasUnit": "om2:hasUnit",
    "hasNumericalValue": "om2:hasNumericalValue",
    "hasBeginning": {"@id": "vf:hasBeginning", "@type": "xsd:dateTime"},
    "hasEnd": {"@id": "vf:hasEnd", "@type": "xsd:dateTime"},
    "due": {"@id": "vf:due", "@type": "xsd:dateTime"},
    "finished": "vf:finished",
    "stipulates": "vf:stipulates",
    "stipulatesReciprocal": "vf:stipulatesReciprocal",
    "satisfies": {"@id": "vf:satisfies", "@type": "@id"},
    "fulfills": {"@id": "vf:fulfills", "@type": "@id"},
    "urgency": "sn:urgency",
    "locationPrecision": "sn:locationPrecision",
    "referredFrom": {"@id": "sn:referredFrom", "@type": "@id"},
    "itemStatus": "sn:itemStatus",
    "closeReason": "sn:closeReason",
}

PUBLISHED_CONTEXT: list[Any] = [AS_CONTEXT, DATA_INTEGRITY_V2, INLINE_TERMS]

"""A JSON-LD document crafted to make canonicalisation explode (pyld#179, "dataset
poisoning"), relayed with an eddsa-rdfc-2022 proof by a peer the node follows: the
worker kills canonicalisation at its budget and drops the relay with the reason.
The budget is injected small; only the reason code is asserted, never a duration."""

from __future__ import annotations

import functools

import pytest

from federation.proofs import verify_rdfc_proof
from tests.federation.test_jsonld_rdfc import poisoned_document
from tests.hostile.conftest import Net


async def test_a_poisoned_rdfc_document_is_dropped_at_its_budget(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "federation.proofs.provenance.verify_rdfc_proof",
        functools.partial(verify_rdfc_proof, budget_seconds=0.3),
    )
    relay = net.hostile.actor("relay.test", "coalition")
    await net.follow(relay)
    document = poisoned_document()
    document.update(id=f"{relay.base}/offers/poison", attributedTo=relay.id)
    document["proof"]["verificationMethod"] = relay.ed_key_id
    document["proof"].pop("@context", None)
    announce = relay.activity("Announce", document, "poison")
    await net.expect_drop(relay, announce, "canonicalization-timeout")

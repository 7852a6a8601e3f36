"""The outbox's rows: an activity and one delivery row per inbox, in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from node.storage import Repositories


class StoreOutboxRows:
    """node.ap.outbox.OutboxRows over the outbox_activities and deliveries tables."""

    async def add(
        self,
        tx: Repositories,
        signed: dict[str, Any],
        *,
        object_id: str | None,
        public: bool,
        deliveries: list[tuple[str, str]],
        now: str,
    ) -> None:
        """Record ``signed`` and queue it for each ``(inbox, host)`` of ``deliveries``."""
        seq = await tx.outbox.add_activity(
            signed["id"], signed["type"], object_id, public, json.dumps(signed), now
        )
        await tx.outbox.add_deliveries(seq, deliveries, now)

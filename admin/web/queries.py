"""What the admin pages show, read in one call each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from federation.delivery.circuit import HostHealth
from node.domain.records import HostDeliveries
from node.services import Services


@dataclass(frozen=True)
class PeerHealth:
    host: str
    deliveries: HostDeliveries | None
    circuit: HostHealth | None

    @property
    def state(self) -> str:
        """``circuit-open``, ``failing``, ``pending`` or ``healthy``, worst first."""
        if self.circuit is not None and self.circuit.state != "closed":
            return "circuit-open"
        d = self.deliveries
        if d is not None and (d.retrying or (self.circuit and self.circuit.failures)):
            return "failing"
        if d is not None and d.pending:
            return "pending"
        return "healthy"


@dataclass(frozen=True)
class Overview:
    mode: str
    approve_followers: bool
    secure: bool
    peers: int
    follow_requests: int
    open_reports: int
    troubled_hosts: int


async def delivery_health(services: Services, now: datetime) -> list[PeerHealth]:
    rows = {row.host: row for row in await services.oversight.deliveries_by_host()}
    circuits = services.federation.delivery_worker.breaker.snapshot(now)
    hosts = sorted(set(rows) | set(circuits))
    health = [PeerHealth(host, rows.get(host), circuits.get(host)) for host in hosts]
    order = {"circuit-open": 0, "failing": 1, "pending": 2, "healthy": 3}
    return sorted(health, key=lambda h: (order[h.state], h.host))


async def overview(services: Services, now: datetime) -> Overview:
    policy = await services.trust.policy()
    health = await delivery_health(services, now)
    counts = await services.oversight.counts()
    return Overview(
        mode=policy.mode.value,
        approve_followers=policy.approve_followers,
        secure=policy.secure,
        peers=counts.peers,
        follow_requests=counts.follow_requests,
        open_reports=counts.open_reports,
        troubled_hosts=sum(1 for h in health if h.state in ("circuit-open", "failing")),
    )

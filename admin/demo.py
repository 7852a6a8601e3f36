"""A demo network on one laptop: three federated nodes, seeded, no internet needed.

Eastside Food Bank and Riverside Clinic are two groups; North Region Coalition
follows both. The seed gives them realistic offers and requests, a claim
waiting for an answer, and a match the clinic can act on.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from admin.app import build_app
from federation.uris import authority_of
from node.datadir import initialise, is_initialised
from node.domain.trust import Level
from node.services import SERVICES
from node.settings import load_settings
from schemas.api import ItemCreate
from schemas.vocab import Purpose, Role

PASSWORD = "solidarity-demo"  # noqa: S105 (printed on purpose: a local demo's login)
SEED_TIMEOUT = 90.0


@dataclass(frozen=True)
class DemoNode:
    handle: str
    name: str
    summary: str


NODES = (
    DemoNode("foodbank", "Eastside Food Bank", "Groceries and water for the east side."),
    DemoNode("clinic", "Riverside Clinic Mutual Aid", "Volunteers around the Riverside clinic."),
    DemoNode("coalition", "North Region Coalition", "Matches surplus to need across the region."),
)

EASTSIDE = {"latitude": 40.7178, "longitude": -73.9891}
RIVERSIDE = {"latitude": 40.8007, "longitude": -73.9713}

SEED: dict[str, list[tuple[Purpose, dict[str, object]]]] = {
    "foodbank": [
        (
            Purpose.OFFER,
            {
                "title": "Bottled drinking water",
                "category": "water",
                "description": "Sealed 1 l bottles, in packs of 4.",
                "quantity": {"amount": 40, "unit": "litre", "minimum": 4},
                "unit_based": True,
                "location": EASTSIDE,
            },
        ),
        (
            Purpose.OFFER,
            {
                "title": "Rice, 20 kg",
                "category": "food",
                "description": "Brown rice in 1 kg bags.",
                "quantity": {"amount": 20, "unit": "kilogram"},
                "location": EASTSIDE,
            },
        ),
        (
            Purpose.OFFER,
            {
                "title": "Wool blankets",
                "category": "household",
                "quantity": {"amount": 15, "unit": "one"},
                "location": EASTSIDE,
            },
        ),
        (
            Purpose.REQUEST,
            {
                "title": "Drivers for Saturday deliveries",
                "category": "transport",
                "quantity": {"amount": 6, "unit": "hour"},
                "urgency": "within-3-5-days",
                "location": EASTSIDE,
            },
        ),
    ],
    "clinic": [
        (
            Purpose.REQUEST,
            {
                "title": "Drinking water for the waiting room",
                "category": "water",
                "quantity": {"amount": 12, "unit": "litre"},
                "urgency": "within-1-2-days",
                "location": RIVERSIDE,
            },
        ),
        (
            Purpose.REQUEST,
            {
                "title": "Insulin cooler bags",
                "category": "medical",
                "quantity": {"amount": 3, "unit": "one"},
                "urgency": "within-1-2-days",
                "location": RIVERSIDE,
            },
        ),
        (
            Purpose.OFFER,
            {
                "title": "First-aid training session",
                "category": "skills",
                "quantity": {"amount": 2, "unit": "hour"},
                "location": RIVERSIDE,
            },
        ),
    ],
}


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait (bounded) for the running workers to get something across."""
    try:
        async with asyncio.timeout(SEED_TIMEOUT):
            while not await check():  # noqa: ASYNC110 (another node's state, seen by polling)
                await asyncio.sleep(0.2)
    except TimeoutError as error:
        raise RuntimeError(f"the demo network did not settle: {what}") from error


def reset(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)


async def start(root: Path, base_port: int) -> list[web.AppRunner]:
    """Start the three nodes (initialising and seeding them on the first run)."""
    ports = [base_port + n for n in range(len(NODES))]
    allowlist = ",".join(f"127.0.0.1:{port}" for port in ports)
    fresh = not is_initialised(root / NODES[0].handle)
    runners: list[web.AppRunner] = []
    apps: list[web.Application] = []
    try:
        await _start_nodes(root, ports, allowlist, runners, apps)
        if fresh:
            await seed(apps)
    except BaseException:
        # Whatever went wrong, stop what started: open databases keep the process alive.
        for runner in reversed(runners):
            await runner.cleanup()
        if fresh:  # a half-seeded network would never be seeded again: start over next time
            await asyncio.to_thread(reset, root)
        raise
    return runners


async def _start_nodes(
    root: Path,
    ports: list[int],
    allowlist: str,
    runners: list[web.AppRunner],
    apps: list[web.Application],
) -> None:
    for node, port in zip(NODES, ports, strict=True):
        data = root / node.handle
        if not is_initialised(data):
            await initialise(
                data,
                public_url=f"http://127.0.0.1:{port}",
                handle=node.handle,
                name=node.name,
                summary=node.summary,
                port=port,
                private_address_allowlist=allowlist,
                federation_interval_seconds=0.5,
            )
        app = build_app(load_settings(data))
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
        apps.append(app)


async def seed(apps: list[web.Application]) -> None:
    food, clinic, coalition = apps
    for app in apps:
        await app[SERVICES].accounts.create_account("admin", PASSWORD, Role.ADMIN)
    food_actor = food[SERVICES].settings.actor_url
    clinic_actor = clinic[SERVICES].settings.actor_url
    clinic_host = authority_of(clinic_actor)
    await food[SERVICES].trust.set_level(
        clinic_host, Level.TRUSTED, who="demo", reason="neighbouring group"
    )
    for follower, followee in (
        (coalition, food_actor),
        (coalition, clinic_actor),
        (clinic, food_actor),
    ):
        await follower[SERVICES].follows.follow(followee, who="demo")

    async def followed() -> bool:
        rows = [
            await a[SERVICES].store.reader.follows.following_list() for a in (coalition, clinic)
        ]
        return all(f.state == "accepted" for group in rows for f in group) and len(rows[0]) == 2

    await _until(followed, "follows accepted")
    for app, handle in ((food, "foodbank"), (clinic, "clinic")):
        for purpose, body in SEED[handle]:
            await app[SERVICES].items.create(purpose, ItemCreate.model_validate(body))
    food_uris = food[SERVICES].settings.uris

    async def arrived() -> bool:
        items = await clinic[SERVICES].store.reader.remote_items.live_ids()
        named = [food_uris.item_of(i) for i in items]
        return (
            any(found is not None and found[0] is Purpose.OFFER for found in named)
            and len(await coalition[SERVICES].store.reader.remote_items.live_ids()) >= 7
        )

    await _until(arrived, "items delivered")
    offers = await clinic[SERVICES].store.reader.remote_items.live_ids()
    for item_id in offers:
        item = await clinic[SERVICES].store.reader.remote_items.get(item_id)
        if item is not None and item.category == "water":
            await clinic[SERVICES].claims.claim(item_id, 8, note="for the waiting room", who="demo")

    async def claim_arrived() -> bool:
        return bool(await food[SERVICES].store.reader.claims.find(direction="incoming"))

    await _until(claim_arrived, "claim delivered")

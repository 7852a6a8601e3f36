"""The node's services, built once per application and shared by handlers."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from node.clock import Clock
from node.domain.accounts import AccountService
from node.domain.items import ItemService
from node.settings import Settings
from node.storage import Store


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    store: Store
    items: ItemService
    accounts: AccountService


SERVICES = web.AppKey("services", Services)

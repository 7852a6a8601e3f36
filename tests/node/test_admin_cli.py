"""The admin's trust commands, run in-process on real data dirs with plain (piped) output.

Each test works on a copy of one initialised data dir; state is checked through
the commands themselves and, for what they must not or cannot show, with sqlite3.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import shutil
import sqlite3
import threading
import urllib.request
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from admin.app import build_app
from admin.cli import main
from federation.fetch import AddressPolicy, guarded_session
from federation.fetch.testing import LoopbackOnlySockets, StaticResolver
from node.domain.trust import Level
from node.services import SERVICES
from node.settings import load_settings
from node.storage import Repositories, Store
from node.storage.follows import Followee, Follower
from tests.conftest import dump_database
from tests.e2e.conftest import free_ports

NOW = "2026-03-01T12:00:00Z"
HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"
BLOCKLIST = f"""\
{HEADER}
spam-farm.example,suspend,false,false,Spam,false
harassment.example,suspend,true,true,"Harassment, doxxing",false
bots.example,silence,false,false,Unmoderated bot network,false
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output as when piped: no colour, 80 columns, whatever the environment says."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "SOLIDARITY_DATA"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("template") / "data"
    assert main(["init", "--data", str(data), "--public-url", "https://aid.example"]) == 0
    return data


@pytest.fixture
def data(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(template, copy)
    capsys.readouterr()
    return copy


@pytest.fixture
def cli(data: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*argv: str) -> Run:
        code = main([*argv, "--data", str(data)])
        out, err = capsys.readouterr()
        assert "\x1b" not in out, "piped output is plain text"
        rules = [line for line in out.splitlines() if line.startswith("─")]
        width = int(os.environ["COLUMNS"])
        assert all(len(rule) <= width for rule in rules), f"tables fit {width} columns:\n{out}"
        return Run(code, out, err)

    return run


def in_store(data: Path, change: Callable[[Repositories], Awaitable[Any]]) -> None:
    """Write directly through the store, as the server would."""

    async def write() -> None:
        store = Store(load_settings(data).database_path)
        await store.open()
        try:
            async with store.transaction() as repos:
                await change(repos)
        finally:
            await store.close()

    asyncio.run(write())


def query(data: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data / "node.db")) as conn:
        return conn.execute(sql, params).fetchall()


def line_of(out: str, start: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(start))


def test_levels_round_trip_through_peers_list_and_audit(cli: Callable[..., Run]) -> None:
    blocked = cli(
        "peers",
        "block",
        "Spam.Example.",
        "--reject-media",
        "--public-comment",
        "Spam",
        "--reason",
        "spam wave",
    )
    assert blocked.code == 0
    assert "spam.example is now blocked" in blocked.out
    assert cli("peers", "limit", "noisy.example", "--reason", "too loud").code == 0
    assert cli("peers", "trust", "friends.example", "--partner").code == 0
    assert cli("peers", "trust", "pals.example").code == 0
    assert cli("peers", "unblock", "spam.example:443", "--reason", "apologised").code == 0

    listed = cli("peers", "list").out
    assert line_of(listed, "host").split() == [
        "host",
        "level",
        "severity",
        "flags",
        "comment",
        "updated",
    ]
    assert line_of(listed, "spam.example").split()[1:5] == [
        "unknown",
        "noop",
        "reject-media",
        "Spam",
    ]
    assert line_of(listed, "noisy.example").split()[1:3] == ["limited", "silence"]
    assert line_of(listed, "friends.example").split()[1] == "partner"
    assert line_of(listed, "pals.example").split()[1] == "trusted"

    table = cli("audit").out
    assert "apologised" in table
    assert "spam wave" in table
    assert "noisy.example" in table

    rows = list(csv.DictReader(io.StringIO(cli("audit", "--csv").out)))
    assert list(rows[0]) == ["id", "at", "who", "action", "subject", "detail", "reason"]
    assert [(r["who"], r["action"], r["subject"]) for r in rows] == [
        ("cli", "peer.level", "spam.example"),
        ("cli", "peer.level", "pals.example"),
        ("cli", "peer.level", "friends.example"),
        ("cli", "peer.level", "noisy.example"),
        ("cli", "peer.level", "spam.example"),
    ]
    assert json.loads(rows[0]["detail"]) == {
        "level": ["blocked", "unknown"],
        "severity": ["suspend", "noop"],
    }
    assert rows[0]["reason"] == "apologised"
    assert json.loads(rows[-1]["detail"])["reject_media"] == [False, True]
    assert " " not in rows[-1]["detail"], "compact JSON"

    latest = list(
        csv.DictReader(
            io.StringIO(cli("audit", "--subject", "SPAM.example", "--limit", "1", "--csv").out)
        )
    )
    assert [r["reason"] for r in latest] == ["apologised"]

    again = cli("peers", "unblock", "spam.example")
    assert again.code == 1
    assert again.err.startswith("solidarity: spam.example is not blocked")
    assert cli("peers", "block", "farm.example").code == 0
    inherited = cli("peers", "unblock", "bots.farm.example")
    assert "by a block on a parent domain" in inherited.err


def test_a_host_typo_is_refused_before_anything_is_recorded(
    cli: Callable[..., Run], data: Path
) -> None:
    before = dump_database(data / "node.db")
    with pytest.raises(SystemExit) as exit_:
        cli("peers", "block", "spam.example/")
    assert exit_.value.code == 2
    assert dump_database(data / "node.db") == before


def test_peers_show_lists_follows_fingerprints_and_audit(
    cli: Callable[..., Run], data: Path
) -> None:
    actor = "https://peer.example/actor"

    async def seed(repos: Repositories) -> None:
        follower = Follower(actor, f"{actor}/inbox", None, "https://peer.example/f/1", "accepted")
        await repos.follows.add_follower(follower, NOW)
        await repos.follows.add_following(
            Followee(actor, "https://aid.example/f/2", "pending"), NOW
        )
        await repos.trust.record_fingerprint(f"{actor}#main-key", "SHA256:abc123", NOW)

    in_store(data, seed)
    assert cli("peers", "trust", "peer.example", "--reason", "neighbours").code == 0
    shown = cli("peers", "show", "peer.example").out
    assert line_of(shown, "level").split() == ["level", "trusted"]
    assert "follows us" in shown
    assert "we follow" in shown
    assert actor in shown
    assert "SHA256:abc123" in shown
    assert "neighbours" in line_of(shown, "20")  # the audit row, by its timestamp

    assert cli("peers", "block", "peer.example").code == 0
    cut_off = cli("peers", "show", "peer.example").out
    assert "Follows: none" in cut_off, "a block ends follows both ways"


def test_peer_text_cannot_drive_the_terminal(
    cli: Callable[..., Run], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # to find the texts on one line each
    comment = "[bold red]calm[/] \x1b[2J\u202e"
    assert cli("peers", "limit", "odd.example").code == 0
    assert cli("peers", "block", "odd.example", "--public-comment", comment).code == 0

    async def report(repos: Repositories) -> None:
        await repos.trust.add_report(
            "in",
            "https://odd.example/flag/1",
            "https://odd.example/a",
            ["https://aid.example/offers/1"],
            "bad \x1b]0;x\x07",
            NOW,
        )

    in_store(data, report)
    listed = cli("peers", "list").out
    assert "[bold red]calm[/]" in listed
    assert "\\x1b[2J" in listed
    assert "\\u202e" in listed
    reports = cli("reports").out
    assert "https://odd.example/a" in reports
    assert "bad \\x1b]0;x\\x07" in reports


def test_policy_set_and_show(cli: Callable[..., Run]) -> None:
    shown = cli("policy", "show").out
    assert line_of(shown, "mode").split()[:2] == ["mode", "open"]
    changed = cli(
        "policy", "set", "--mode", "allowlist", "--approve-followers", "--reason", "closing ranks"
    )
    assert changed.code == 0
    shown = cli("policy", "show").out
    assert line_of(shown, "mode").split()[:2] == ["mode", "allowlist"]
    assert line_of(shown, "approve followers").split()[2] == "yes"
    assert line_of(shown, "secure").split()[1] == "no"
    assert cli("policy", "set", "--no-approve-followers", "--secure").code == 0
    shown = cli("policy", "show").out
    assert line_of(shown, "approve followers").split()[2] == "no"
    assert line_of(shown, "secure").split()[1] == "yes"

    entries = list(csv.DictReader(io.StringIO(cli("audit", "--subject", "node", "--csv").out)))
    assert [e["action"] for e in entries] == ["policy.change", "policy.change"]
    assert entries[1]["reason"] == "closing ranks"
    assert json.loads(entries[1]["detail"])["mode"] == ["open", "allowlist"]

    nothing = cli("policy", "set")
    assert nothing.code == 1
    assert nothing.err.startswith("solidarity: Nothing to change")


def test_blocks_import_is_a_dry_run_until_applied(
    cli: Callable[..., Run], data: Path, tmp_path: Path
) -> None:
    blocklist = tmp_path / "blocks.csv"
    blocklist.write_text(BLOCKLIST)
    assert cli("peers", "limit", "bots.example").code == 0
    before = dump_database(data / "node.db")

    dry = cli("blocks", "import", str(blocklist))
    assert dry.code == 0
    assert "Added (2)" in dry.out
    assert "Changed (1)" in dry.out
    assert "Unchanged (0)" in dry.out
    assert "nothing was imported" in dry.out
    assert "--apply" in dry.out
    assert dump_database(data / "node.db") == before, "a dry run writes nothing"

    applied = cli("blocks", "import", str(blocklist), "--apply")
    assert applied.code == 0
    assert "Added (2)" in applied.out
    assert "Imported: 2 added, 1 changed, 0 unchanged." in applied.out
    listed = cli("peers", "list").out
    assert line_of(listed, "spam-farm.example").split()[1:3] == ["blocked", "suspend"]
    assert line_of(listed, "harassment.example").split()[1:4] == [
        "blocked",
        "suspend",
        "reject-media,",
    ]
    assert line_of(listed, "bots.example").split()[1:3] == ["limited", "silence"]
    actions = [row[0] for row in query(data, "SELECT action FROM audit_log WHERE who = 'cli'")]
    assert actions.count("blocklist.import") == 1


def test_a_blocklist_with_bad_rows_imports_nothing(
    cli: Callable[..., Run], data: Path, tmp_path: Path
) -> None:
    blocklist = tmp_path / "bad.csv"
    blocklist.write_text(
        f"{HEADER}\ngood.example,suspend,false,false,,false\n"
        "bad host,suspend,false,false,,false\n"
        "also.example,suspend,maybe,false,,false\n"
    )
    before = dump_database(data / "node.db")
    failed = cli("blocks", "import", str(blocklist), "--apply")
    assert failed.code == 1
    assert failed.out == ""
    assert failed.err.splitlines()[0] == "solidarity: 2 row(s) are malformed; nothing was imported."
    assert failed.err.splitlines()[1].startswith("  line 3: invalid domain")
    assert failed.err.splitlines()[2].startswith("  line 4: #reject_media")
    assert dump_database(data / "node.db") == before

    plain = tmp_path / "domains.txt"
    plain.write_text("one.example\n*.two.example\n")
    wrong = cli("blocks", "import", str(plain))
    assert wrong.code == 1
    assert "use --format text" in wrong.err
    assert "line 2: obfuscated" in cli("blocks", "import", str(plain), "--format", "text").err


def test_export_round_trips_through_import_as_unchanged(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    blocklist = tmp_path / "blocks.csv"
    blocklist.write_text(BLOCKLIST)
    assert cli("blocks", "import", str(blocklist), "--apply").code == 0
    assert cli("peers", "limit", "quiet.example").code == 0

    exported = cli("blocks", "export").out
    assert exported.splitlines()[0] == HEADER
    assert len(exported.splitlines()) == 5
    target = tmp_path / "export.csv"
    assert cli("blocks", "export", "--output", str(target)).code == 0
    assert target.read_text() == exported, "the file and stdout carry the exact same text"

    again = cli("blocks", "import", str(target))
    assert "Added (0)" in again.out
    assert "Changed (0)" in again.out
    assert "Unchanged (4)" in again.out
    assert cli("blocks", "export", "--format", "text").out == (
        "bots.example\nharassment.example\nquiet.example\nspam-farm.example\n"
    )


def test_keys_rotate_writes_new_keys_an_update_and_an_audit_entry(
    cli: Callable[..., Run], data: Path
) -> None:
    follower = Follower(
        "https://peer.example/actor",
        "https://peer.example/actor/inbox",
        "https://peer.example/inbox",
        "https://peer.example/f/1",
        "accepted",
    )
    in_store(data, lambda repos: repos.follows.add_follower(follower, NOW))
    keys = data / "keys"
    before = {name: (keys / name).read_bytes() for name in ("rsa.pem", "ed25519.pem")}

    rotated = cli("keys", "rotate", "--grace-days", "7")
    assert rotated.code == 0
    key_id = line_of(rotated.out, "New Ed25519 key: ").removeprefix("New Ed25519 key: ")
    assert key_id.startswith("https://aid.example/actor#ed25519-key-")
    assert all((keys / name).read_bytes() != old for name, old in before.items())

    updates = query(data, "SELECT seq, body FROM outbox_activities WHERE type = 'Update'")
    assert len(updates) == 1
    assert key_id in updates[0][1], "the Update carries the new key"
    inboxes = query(
        data, "SELECT inbox, state FROM deliveries WHERE activity_seq = ?", updates[0][0]
    )
    assert inboxes == [("https://peer.example/inbox", "pending")]
    audit = query(data, "SELECT who, detail FROM audit_log WHERE action = 'key.rotated'")
    assert [(who, json.loads(detail)) for who, detail in audit] == [
        ("cli", {"ed25519": key_id, "grace_days": 7})
    ]


def test_follow_requests_pending_approve_and_reject(cli: Callable[..., Run], data: Path) -> None:
    asking = Follower(
        "https://peer.example/actor",
        "https://peer.example/actor/inbox",
        None,
        "https://peer.example/follows/1",
        "pending",
    )
    other = Follower(
        "https://other.example/actor",
        "https://other.example/inbox",
        None,
        "https://other.example/follows/9",
        "pending",
    )

    async def ask(repos: Repositories) -> None:
        await repos.follows.add_follower(asking, NOW)
        await repos.follows.add_follower(other, NOW)

    in_store(data, ask)
    waiting = cli("follows", "pending").out
    assert asking.actor_id in waiting
    assert other.actor_id in waiting
    assert "follows approve" in waiting

    approved = cli("follows", "approve", asking.actor_id, "--reason", "our neighbours")
    assert approved.code == 0
    assert "Approved" in approved.out
    assert cli("follows", "reject", other.actor_id).code == 0
    assert query(data, "SELECT actor_id, state FROM followers") == [(asking.actor_id, "accepted")]
    sent = query(
        data,
        "SELECT a.type, d.inbox, d.state FROM outbox_activities a"
        " JOIN deliveries d ON d.activity_seq = a.seq ORDER BY a.seq",
    )
    assert sent == [("Accept", asking.inbox, "pending"), ("Reject", other.inbox, "pending")]
    audit = query(data, "SELECT who, action, subject, reason FROM audit_log ORDER BY id")
    assert audit == [
        ("cli", "follow.approved", asking.actor_id, "our neighbours"),
        ("cli", "follow.rejected", other.actor_id, ""),
    ]

    assert "No follow requests" in cli("follows", "pending").out
    twice = cli("follows", "approve", asking.actor_id)
    assert twice.code == 1
    assert "No pending follow request" in twice.err


def free_port() -> int:
    return free_ports(1)[0]


def loopback_session(sockets: LoopbackOnlySockets) -> Callable[[AddressPolicy], ClientSession]:
    """Outbound HTTP that can reach nothing but loopback, whatever the code under test does."""

    def session(policy: AddressPolicy) -> ClientSession:
        return guarded_session(policy, base_resolver=StaticResolver(), socket_factory=sockets)

    return session


@dataclass(frozen=True)
class Server:
    app: web.Application
    loop: asyncio.AbstractEventLoop
    port: int

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coroutine`` in the server's own event loop (thread) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)


@contextmanager
def serving(data: Path, port: int) -> Iterator[Server]:
    """The node on ``data`` serving 127.0.0.1:``port`` from its own thread and event loop."""
    app = build_app(
        load_settings(data),
        run_workers=False,
        session_factory=loopback_session(LoopbackOnlySockets()),
    )
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve() -> None:
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield Server(app, loop, port)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_commands_change_a_running_server(cli: Callable[..., Run], data: Path) -> None:
    with serving(data, free_port()) as server:
        assert cli("peers", "block", "spam.example").code == 0
        trust = server.app[SERVICES].trust
        assert server.run(trust.level("spam.example")) is Level.BLOCKED

        rotated = cli("keys", "rotate").out
        key_id = line_of(rotated, "New Ed25519 key: ").removeprefix("New Ed25519 key: ")
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/actor",
            headers={"Accept": "application/activity+json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            actor = json.load(response)
        assert key_id in json.dumps(actor), "the server's key ring reloaded the new key files"


@pytest.fixture
def loopback_peer(tmp_path: Path) -> Iterator[str]:
    """Another node, serving on a 127.0.0.1 port; yields its handle."""
    port = free_port()
    data = tmp_path / "peer"
    assert (
        main(
            [
                "init",
                "--data",
                str(data),
                "--public-url",
                f"http://127.0.0.1:{port}",
                "--handle",
                "pantry",
                "--name",
                "Pantry",
            ]
        )
        == 0
    )
    with serving(data, port):
        yield f"pantry@127.0.0.1:{port}"


def test_follow_a_loopback_peer_and_list_following(
    data: Path,
    loopback_peer: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    handle = loopback_peer
    host = handle.split("@")[1]
    monkeypatch.setenv("SOLIDARITY_PRIVATE_ADDRESS_ALLOWLIST", host)
    ours = LoopbackOnlySockets()
    session = loopback_session(ours)
    assert main(["follow", handle, "--data", str(data)], session_factory=session) == 0
    out = capsys.readouterr().out
    actor = f"http://{host}/actor"
    assert f"Follow request to {actor} queued" in out
    assert f"{host} is trusted." in out
    assert ours.hosts == {"127.0.0.1"}

    assert main(["following", "--data", str(data)]) == 0
    following = capsys.readouterr().out
    assert actor in following
    assert "pending" in following
    sent = query(
        data,
        "SELECT a.type, d.inbox FROM outbox_activities a"
        " JOIN deliveries d ON d.activity_seq = a.seq",
    )
    assert sent == [("Follow", f"{actor}/inbox")]
    assert query(data, "SELECT level FROM peers WHERE host = ?", host) == [("trusted",)]
    assert ("cli", "follow.sent") in query(data, "SELECT who, action FROM audit_log")


def test_follow_with_filters_catches_up_with_a_progress_bar(
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = free_port()
    peer = tmp_path / "pantry"
    assert (
        main(
            [
                "init",
                "--data",
                str(peer),
                "--public-url",
                f"http://127.0.0.1:{port}",
                "--handle",
                "pantry",
                "--name",
                "Pantry",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["token", "create", "--data", str(peer), "--role", "coordinator"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    with serving(peer, port):
        for title, category in (("Rice", "food"), ("Blankets", "household"), ("Tins", "food")):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/offers",
                method="POST",
                data=json.dumps({"title": title, "category": category}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310 (loopback)
                pass
        monkeypatch.setenv("SOLIDARITY_PRIVATE_ADDRESS_ALLOWLIST", f"127.0.0.1:{port}")
        session = loopback_session(LoopbackOnlySockets())
        code = main(
            ["follow", f"pantry@127.0.0.1:{port}", "--data", str(data), "--category", "food"],
            session_factory=session,
        )
    assert code == 0
    out = capsys.readouterr().out
    assert "Catching up" in out
    assert "Caught up: 2 open items stored." in out
    stored = {row[0] for row in query(data, "SELECT title FROM remote_items")}
    assert stored == {"Rice", "Tins"}

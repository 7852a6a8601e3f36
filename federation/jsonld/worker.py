"""RDFC-1.0 canonicalisation in a worker process that is killed at a time budget.

pyld is synchronous, and a crafted dataset (many blank nodes of identical
shape, "dataset poisoning") makes canonicalisation take practically forever.
Each job runs in a fresh process (forked from a forkserver with pyld already
imported); the budget starts once the worker reports it is ready, so process
start-up never counts against it. On timeout the worker is killed (SIGKILL)
and reaped before ``CanonicalizationTimeout`` is raised. At most one worker
per CPU runs at a time.

As with any start method but plain fork, each worker re-imports the program's
``__main__`` module (CPython 3.11's forkserver does not preload it), so that
module must be import-safe: console scripts and ``python -m`` entry points are.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from pyld.jsonld import JsonLdError

from federation.jsonld import processing

DEFAULT_BUDGET_SECONDS = 2.0
STARTUP_SECONDS = 30.0
"""How long a worker may take to start before the job fails (not a canonicalisation budget)."""
_REAP_SECONDS = 5.0
_MAX_CAUSES = 5

_READY = "ready"
_OK = "ok"
_ERROR = "error"

_WORKERS = max(1, os.cpu_count() or 1)
_slots = threading.BoundedSemaphore(_WORKERS)
# Async callers wait in this executor's queue, not in the loop's default executor
# (which aiohttp needs for DNS lookups).
_executor = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="rdfc")
_context_lock = threading.Lock()
_context: Any = None


class CanonicalizationTimeout(Exception):
    """The worker did not finish within its budget and was killed."""


class CanonicalizationFailure(Exception):
    """The document could not be canonicalised (invalid JSON-LD, unknown context, crash)."""


class WorkerUnavailable(CanonicalizationFailure):
    """No worker process could be started: a fault of this node, not of the document."""


def _mp_context() -> Any:
    """Forkserver where available (fast and thread-safe), else spawn; set up once."""
    global _context
    with _context_lock:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                _context = multiprocessing.get_context("forkserver")
                _context.set_forkserver_preload([__name__])
            else:
                _context = multiprocessing.get_context("spawn")
        return _context


def _describe(error: BaseException) -> str:
    """A one-line account of an error and its causes (pyld nests them)."""
    parts: list[str] = []
    cause: BaseException | None = error
    while cause is not None and len(parts) < _MAX_CAUSES:
        message = str(cause.args[0]) if isinstance(cause, JsonLdError) and cause.args else cause
        parts.append(f"{type(cause).__name__}: {message}")
        cause = cause.__cause__
    return " <- ".join(parts)


def _work(conn: Connection, documents: list[Any]) -> None:
    """Worker entry point: report ready, canonicalise, send the result or the error."""
    try:
        conn.send((_READY,))
        try:
            result = [processing.normalize(document) for document in documents]
        except Exception as error:  # everything the child can report is reported
            conn.send((_ERROR, _describe(error)))
        else:
            conn.send((_OK, result))
    finally:
        conn.close()


def _receive(conn: Connection, timeout: float) -> tuple[Any, ...] | None:
    """The worker's next message, or None if none came within ``timeout``."""
    if not conn.poll(timeout):
        return None
    try:
        message = conn.recv()
    except EOFError:  # the worker died: at start-up (unavailable) or while working
        raise CanonicalizationFailure("canonicalisation worker exited without answering") from None
    if not isinstance(message, tuple) or not message:
        raise CanonicalizationFailure("canonicalisation worker sent a malformed message")
    return message


def canonicalize_in_worker(
    documents: Sequence[Any],
    *,
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    on_start: Callable[[int], None] | None = None,
) -> list[str]:
    """RDFC-1.0 N-Quads of each document, computed in a worker killed after ``budget_seconds``.

    Blocking; ``on_start`` receives the worker's pid (for tests and logs).
    Raises ``CanonicalizationTimeout``, ``WorkerUnavailable`` (no worker could
    start) or ``CanonicalizationFailure`` (the document could not be processed).
    """
    context = _mp_context()
    with _slots:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(sender, list(documents)), daemon=True)
        try:
            try:
                process.start()
            except OSError as exc:
                raise WorkerUnavailable(f"cannot start a canonicalisation worker: {exc}") from exc
            finally:
                sender.close()
            if on_start is not None and process.pid is not None:
                on_start(process.pid)
            try:
                ready = _receive(receiver, STARTUP_SECONDS)
            except CanonicalizationFailure as exc:
                raise WorkerUnavailable(str(exc)) from exc
            if ready is None or ready[0] != _READY:
                raise WorkerUnavailable("canonicalisation worker did not start")
            answer = _receive(receiver, budget_seconds)
            if answer is None:
                raise CanonicalizationTimeout(
                    f"canonicalisation exceeded its budget of {budget_seconds:g} s"
                )
        finally:
            _stop(process)
            receiver.close()
    if answer[0] == _OK and len(answer) == 2 and isinstance(answer[1], list):
        return [str(item) for item in answer[1]]
    detail = answer[1] if len(answer) > 1 else "unknown error"
    raise CanonicalizationFailure(str(detail))


def _stop(process: Any) -> None:
    """Kill the worker if it still runs, and reap it."""
    if process.pid is None:
        return
    if process.is_alive():
        process.kill()
    process.join(_REAP_SECONDS)
    if process.exitcode is not None:
        process.close()


async def canonicalize_with_budget(
    documents: Sequence[Any],
    *,
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    on_start: Callable[[int], None] | None = None,
) -> list[str]:
    """``canonicalize_in_worker`` without blocking the event loop."""
    job = functools.partial(
        canonicalize_in_worker, documents, budget_seconds=budget_seconds, on_start=on_start
    )
    return await asyncio.get_running_loop().run_in_executor(_executor, job)

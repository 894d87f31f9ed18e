"""The bounded worker pool of the dashboard: a fixed number of threads, a short queue, a time limit.

A request that finds the pool full (``workers`` running and ``queue`` waiting) is refused at once
with :class:`Busy` (HTTP 429) instead of piling up; one that waits longer than ``timeout`` seconds
gets :class:`TooSlow` (HTTP 503) — its work finishes in the background and frees its slot then.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every worker is busy and the queue is full (HTTP 429)."""


class TooSlow(Exception):
    """The work did not finish within the per-request time limit (HTTP 503)."""


class Pool:
    """``workers`` threads and at most ``queue`` waiting jobs; ``run`` awaits one job for ``timeout`` s."""

    def __init__(self, workers: int = 2, queue: int = 8, timeout: float = 30.0, name: str = "bilateral-web"):
        if workers < 1 or queue < 0 or timeout <= 0:
            raise ValueError("a pool needs workers ≥ 1, queue ≥ 0 and timeout > 0")
        self.workers, self.queue, self.timeout = workers, queue, timeout
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._in_flight = 0

    @property
    def capacity(self) -> int:
        """Jobs admitted at once: running plus waiting."""
        return self.workers + self.queue

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Admit ``fn(*args)`` or raise :class:`Busy` when ``capacity`` jobs are already admitted."""
        with self._lock:
            if self._in_flight >= self.capacity:
                raise Busy(f"all {self.workers} workers are busy and {self.queue} requests are waiting")
            self._in_flight += 1
        try:
            future = self._executor.submit(fn, *args)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(lambda _: self._release())
        return future

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    async def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``fn(*args)`` on a worker, awaited for at most ``timeout`` (default: the pool's) seconds."""
        future = self.submit(fn, *args)
        return await wait(future, self.timeout if timeout is None else timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def wait(future: Future[T], timeout: float) -> T:
    """Await a thread future for ``timeout`` seconds without cancelling it on time-out."""
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)
    except TimeoutError:
        raise TooSlow(f"the computation took longer than the {timeout:g} s limit of one request") from None

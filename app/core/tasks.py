"""Work that goes on when the requests waiting for it stop waiting."""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def background(work: Coroutine[Any, Any, T]) -> "asyncio.Task[T]":
    """`work` as a task that requests await through `asyncio.shield`, so that a request
    giving up (its bound reached) does not cancel it; its failure, if nobody waits for it
    any more, is dropped rather than logged as "exception never retrieved"."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(lambda t: t.cancelled() or t.exception())
    return task

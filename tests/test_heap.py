"""The garbage collector kept off the long-lived data (app.core.heap)."""

import gc
import weakref

import pytest

from app.core import heap
from app.core.settings import Settings
from app.main import create_app
from tests.conftest import client_of


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_what_is_alive_when_settled_is_out_of_the_collector_s_passes() -> None:
    kept = Node()
    assert any(o is kept for o in gc.get_objects())
    heap.settle()
    assert gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects())  # no generation holds it now
    gc.unfreeze()


def test_cyclic_garbage_caught_by_a_freeze_is_collected_by_a_later_full_pass() -> None:
    """A cycle alive when frozen and dropped later survives collections until the full
    pass made every FULL_EVERY settles; then it goes."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    heap.settle()
    del a, b
    gc.collect()
    assert gone() is not None  # frozen: no pass sees it
    for _ in range(heap.FULL_EVERY):
        heap.settle()
    assert gone() is None
    gc.unfreeze()


@pytest.mark.anyio
@pytest.mark.parametrize("freeze", [True, False])
async def test_a_serving_application_freezes_its_datasets_unless_told_not_to(
    seeded_url: str, freeze: bool
) -> None:
    """SCO_GC_FREEZE (on by default; the suite turns it off for its own applications)."""
    gc.unfreeze()
    app = create_app(Settings(database_url=seeded_url, gc_freeze=freeze))
    try:
        async with client_of(app) as client:
            assert (await client.get("/v1/member-states")).status_code == 200
            assert (gc.get_freeze_count() > 0) is freeze
    finally:
        gc.unfreeze()

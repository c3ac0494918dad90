"""The garbage collector kept off the long-lived data.

A dataset is hundreds of thousands of objects (millions at 100 times today's size), held
until the next write, and it holds no reference cycle: refcounting frees it. Yet every full
pass of the cyclic collector walks all of it, holding the interpreter lock: 80 ms on
today's dataset alone, some 150 ms in a serving worker, on whatever thread allocated last,
the event loop included; and a write, which builds a whole new dataset, sets one off. So
once a dataset is built, everything alive is moved out of the collector's view
(`gc.freeze`): the passes then walk only what requests make and drop. A frozen object
freed by refcounting is freed as ever; what a freeze catches that later becomes cyclic
garbage (a request in flight) waits for the full collection every FULL_EVERY freezes.
"""

import gc
import threading

FULL_EVERY = 256

_lock = threading.Lock()
_freezes = 0


def settle() -> None:
    """Keep everything alive now out of the collector's passes (a dataset was just built)."""
    global _freezes
    with _lock:
        _freezes += 1
        if _freezes % FULL_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

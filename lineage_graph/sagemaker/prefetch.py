"""Read a listing ahead in a thread, so SageMaker's round trips overlap the Neo4j writes of earlier pages.

A sync spends about as long waiting on SageMaker as on Neo4j; doing both at once nearly halves it. The
read-ahead is bounded (``depth`` records), so memory stays flat however long the listing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
DEFAULT_DEPTH = 2000  # records: twenty pages of 100
_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(records: Iterable[T], depth: int = DEFAULT_DEPTH) -> Iterator[T]:
    """``records`` in order, read by a background thread up to ``depth`` ahead; its errors are raised
    here, where the consumer would have met them. Closing the iterator early stops the thread."""
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for record in records:
                if not put(record):
                    return
            put(_END)
        except BaseException as error:  # handed to the consumer, which re-raises it
            put(_Failure(error))

    reader = threading.Thread(target=pump, name="listing-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()

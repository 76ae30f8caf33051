"""The read-ahead of listings: order kept, errors raised where the consumer meets them, threads stopped."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from lineage_graph.sagemaker.prefetch import prefetched


def test_yields_everything_in_order_with_a_small_buffer() -> None:
    assert list(prefetched(iter(range(10_000)), depth=7)) == list(range(10_000))


def test_an_error_in_the_listing_is_raised_after_the_records_before_it() -> None:
    def listing() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("lost the connection on page 3")

    seen = []
    with pytest.raises(ConnectionError, match="page 3"):
        for record in prefetched(listing()):
            seen.append(record)
    assert seen == [1, 2]


def test_stopping_early_stops_the_reader_thread() -> None:
    produced = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    records = prefetched(endless(), depth=5)
    assert [next(records) for _ in range(3)] == [0, 1, 2]
    records.close()
    assert not any(t.name == "listing-prefetch" for t in threading.enumerate())
    assert len(produced) <= 3 + 5 + 2  # read ahead at most about `depth`

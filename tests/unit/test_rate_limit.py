"""The token bucket behind --max-rps, on a fake clock (no real sleeping)."""

from __future__ import annotations

import threading

import pytest

from lineage_graph.sagemaker.client import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_first_token_is_free_then_one_every_1_over_rate_seconds() -> None:
    clock = FakeClock()
    bucket = TokenBucket(20, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(41)]
    assert waits[0] == 0
    assert waits[1:] == pytest.approx([0.05] * 40)
    assert clock.now - 100.0 == pytest.approx(2.0)  # 41 tokens at 20/s: 40 intervals


def test_idle_time_refills_up_to_the_capacity_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=3, clock=clock, sleep=clock.sleep)
    clock.now += 60  # a minute idle saves at most 3 tokens
    assert [bucket.acquire() for _ in range(3)] == [0, 0, 0]
    assert bucket.acquire() == pytest.approx(0.1)


def test_slow_callers_never_wait() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        assert bucket.acquire() == 0
        clock.now += 0.25
    assert clock.slept == []


def test_concurrent_callers_reserve_distinct_slots() -> None:
    """Reservations are taken under the lock: N threads at once wait 0, 1/r, 2/r, ... between them."""
    clock = FakeClock()
    lock = threading.Lock()
    waits: list[float] = []

    def no_sleep(seconds: float) -> None:  # the clock stands still: every thread reserves at t=100
        pass

    bucket = TokenBucket(10, clock=clock, sleep=no_sleep)

    def take() -> None:
        wait = bucket.acquire()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([i / 10 for i in range(8)])


@pytest.mark.parametrize(("rate", "capacity"), [(0, 1), (-1, 1), (5, 0.5)])
def test_invalid_settings_are_refused(rate: float, capacity: float) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate, capacity)


def test_max_rps_option_and_environment_reach_aws_settings() -> None:
    import click
    from click.testing import CliRunner

    from lineage_graph.cli.options import aws_options
    from lineage_graph.settings import AwsSettings

    @click.command()
    @aws_options
    def show(aws: AwsSettings) -> None:
        click.echo(repr(aws.max_rps))

    runner = CliRunner()
    assert runner.invoke(show, ["--max-rps", "20"]).output.strip() == "20.0"
    assert runner.invoke(show, [], env={"LINEAGE_GRAPH_MAX_RPS": "7.5"}).output.strip() == "7.5"
    assert runner.invoke(show, [], env={"LINEAGE_GRAPH_MAX_RPS": ""}).output.strip() == "None"
    assert runner.invoke(show, ["--max-rps", "0"]).exit_code == 2

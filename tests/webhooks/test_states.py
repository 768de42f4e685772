from idscan.config import WebhookSettings
from idscan.webhooks.states import next_wait


def test_default_schedule_retries_for_more_than_a_day_with_growing_waits() -> None:
    schedule = WebhookSettings().retry_schedule_seconds
    assert sum(schedule) >= 24 * 3600
    assert schedule == sorted(schedule)
    assert schedule[0] <= 10


def test_next_wait_walks_the_schedule_then_stops() -> None:
    schedule = [1.0, 2.0, 3.0]
    assert [next_wait(schedule, n) for n in range(5)] == [None, 1.0, 2.0, 3.0, None]

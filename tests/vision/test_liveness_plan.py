import itertools
import random
from datetime import timedelta

import pytest

from idscan.vision.liveness_plan import FLASH_COLOURS, ChallengeKind, ChallengePlan, PlanParams, new_challenge
from tests.vision.conftest import NOW


def test_plan_has_three_distinct_challenges_in_order_with_flashes_first() -> None:
    plan = new_challenge(random.Random(1), NOW)
    kinds = [c.kind for c in plan.challenges]
    assert len(kinds) == 3
    assert len(set(kinds)) == 3
    assert len(plan.flashes) == 3
    assert all(a.colour != b.colour for a, b in zip(plan.flashes, plan.flashes[1:], strict=False))
    assert all(f.colour in FLASH_COLOURS for f in plan.flashes)
    times = [(f.start_ms, f.end_ms) for f in plan.flashes] + [(c.start_ms, c.end_ms) for c in plan.challenges]
    assert all(s < e for s, e in times)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(times))
    assert plan.flashes[-1].end_ms <= plan.frontal_until_ms <= plan.challenges[0].start_ms
    assert plan.duration_ms > plan.challenges[-1].end_ms
    assert plan.expires_at == NOW + timedelta(minutes=5)


def test_plans_vary_in_order_timing_colours_and_nonce() -> None:
    plans = [new_challenge(random.Random(seed), NOW) for seed in range(40)]
    assert len({tuple(c.kind for c in p.challenges) for p in plans}) > 10
    assert len({p.challenges[0].start_ms for p in plans}) > 10
    assert len({tuple(f.colour for f in p.flashes) for p in plans}) > 10
    assert len({p.nonce for p in plans}) == 40
    assert all(set(ChallengeKind) >= {c.kind for c in p.challenges} for p in plans)


def test_production_plans_use_the_system_random_source() -> None:
    a, b = new_challenge(None, NOW), new_challenge(None, NOW)
    assert a.nonce != b.nonce
    assert len(a.nonce) >= 32


def test_four_challenges_and_invalid_counts() -> None:
    plan = new_challenge(random.Random(2), NOW, PlanParams(challenges=4))
    assert {c.kind for c in plan.challenges} == set(ChallengeKind)
    with pytest.raises(ValueError, match="3 or 4"):
        new_challenge(random.Random(2), NOW, PlanParams(challenges=2))


def test_json_round_trip_and_client_view() -> None:
    plan = new_challenge(random.Random(3), NOW)
    assert ChallengePlan.from_json(plan.to_json()) == plan
    client = plan.to_client()
    assert client["nonce"] == plan.nonce
    assert [c["kind"] for c in client["challenges"]] == [str(c.kind) for c in plan.challenges]
    assert client["flashes"][0]["rgb"] == list(FLASH_COLOURS[plan.flashes[0].colour][::-1])


def test_flashes_stay_below_three_a_second() -> None:
    """WCAG 2.3.1: no more than three flashes in any one second. Every colour change (on or off) of
    every plan, over many draws: at most six changes, three flashes, in any one-second window."""
    for seed in range(500):
        plan = new_challenge(random.Random(seed), NOW)
        changes = sorted(t for f in plan.flashes for t in (f.start_ms, f.end_ms))
        for i, start in enumerate(changes):
            assert sum(1 for t in changes[i:] if t < start + 1000) <= 6, (seed, changes)
        starts = [f.start_ms for f in plan.flashes]
        for i, start in enumerate(starts):
            assert sum(1 for t in starts[i:] if t < start + 1000) <= 3, (seed, starts)
    # The bounds themselves: the shortest flash plus the shortest gap lasts more than a third of a second.
    params = PlanParams()
    assert params.flash_ms[0] + params.flash_gap_ms[0] > 1000 / 3

"""The balancer's fast series power (``dtao.pools.balancer``: a certified decimal evaluation,
the series where it cannot decide, both memoised) gives the reference's powers: random and
chained (reserve → reserve + delta) ``pow_ratio_scaled`` calls with the fast path on and off
(``DTAO_NO_FAST=1``), asked twice so the second answer comes from the memo; the certified
evaluation alone equals the crate's series wherever it answers, at both precisions the pallet
uses, and steps aside (the series answers) when its error bound straddles an integer or the
logarithm is out of its range; a run of swaps through the public API has the same digest in
both modes; a fast path that returns a wrong value fails the comparison.
"""

from __future__ import annotations

import math
from math import gcd

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dtao
from dtao.pools import balancer as bal
from dtao.summer import summer_columns

TAO = 10**9
reserves = st.integers(1, 10**19)
weights = st.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT)


def _power(monkeypatch, memo: bool, *args: int) -> int | None:
    if memo:
        monkeypatch.delenv("DTAO_NO_FAST", raising=False)
    else:
        monkeypatch.setenv("DTAO_NO_FAST", "1")
    assert bal.memo_enabled() is memo
    return bal.pow_ratio_scaled(*args)


@settings(max_examples=40, deadline=None)
@given(reserves, st.lists(st.integers(0, 10**16), min_size=1, max_size=3), weights)
def test_memoised_powers_are_the_reference_powers(reserve, deltas, weight):
    with pytest.MonkeyPatch.context() as monkeypatch:
        for delta in deltas:  # a chain of swaps: each total is the next reserve
            total = reserve + delta
            args = (reserve, total, bal.ACCURACY - weight, weight, bal.EXP_PRECISION, bal.ACCURACY)
            expected = _power(monkeypatch, False, *args)
            assert _power(monkeypatch, True, *args) == expected
            assert _power(monkeypatch, True, *args) == expected  # now from the memo
            reserve = total


def _reduced(weight: int) -> tuple[int, int]:
    p, q = bal.ACCURACY - weight, weight
    divisor = gcd(p, q)
    return p // divisor, q // divisor


@settings(max_examples=60, deadline=None)
@given(
    reserves,
    st.integers(1, 10**19),
    weights,
    st.booleans(),
    st.sampled_from([bal.EXP_PRECISION, bal.LIMIT_PRECISION]),
)
def test_the_certified_power_is_the_series_power(num, den, weight, invert, precision):
    p, q = _reduced(weight)
    if invert:
        p, q = q, p
    assume(max(p, q) > 1_024)  # the exact-root path takes the others
    series = bal._series_power(num, den, p, q, precision, bal.ACCURACY, bal._ln_int)
    certified = bal._certified_power(num, den, p, q, precision, bal.ACCURACY)
    assert certified in (None, series)
    if abs(p / q * math.log(num / den)) < 39:  # inside the certified range: it answers
        assert certified == series


def test_the_certified_power_steps_aside_when_unsure(monkeypatch):
    w = 412_345_678_901_234_567
    p, q = _reduced(w)
    args = (10**12, 10**12 + 3 * 10**9, p, q, bal.EXP_PRECISION, bal.ACCURACY)
    series = bal._series_power(*args, bal._ln_int)
    assert bal._certified_power(*args) == series
    # a bound wider than one unit always straddles an integer: no answer, the series decides
    monkeypatch.setattr(bal, "_CERT_SLACK_DIGITS", 10)
    assert bal._certified_power(*args) is None
    bal._fast_power.cache_clear()
    public = (10**12, 10**12 + 3 * 10**9, bal.ACCURACY - w, w, *args[4:])
    assert bal.pow_ratio_scaled(*public) == series
    # beyond |exponent·ln(base)| = 40 (here ≈ 83) it never answers
    monkeypatch.undo()
    assert bal._certified_power(1, 10**16, p, q, bal.EXP_PRECISION, bal.ACCURACY) is None


def _swaps() -> str:
    net = dtao.Network("current", network_rate_limit=1, network_min_lock=100 * TAO)
    net.fund("o", 10_000 * TAO)
    net.fund("w", 10_000 * TAO)
    netuid = net.register_network("o", "own")
    net.submit(dtao.StartCall("o", netuid))
    net.submit(dtao.SetSubnetEmissionEnabled(netuid, True))
    net.step(2)
    # a weight whose exponent does not reduce below 1 024 (as after a re-weight): the series
    ext = summer_columns(net.state)
    ext.set("quote_weight", netuid, 412_345_678_901_234_567)
    ext.set("pool_initialized", netuid, 1)  # kept by the next swap
    for k in range(12):
        net.add_stake("w", "own", netuid, (k + 1) * 7 * TAO // 3)
        net.step(3)
    net.remove_stake("w", "own", netuid, net.stake("w", "own", netuid) // 2)
    net.step(3)
    return net.digest()


def test_a_run_of_swaps_has_the_same_digest_with_the_memo_on_and_off(monkeypatch):
    monkeypatch.setenv("DTAO_NO_FAST", "1")
    reference = _swaps()
    monkeypatch.delenv("DTAO_NO_FAST")
    before = bal._fast_power.cache_info()
    assert _swaps() == reference
    after = bal._fast_power.cache_info()
    assert after.hits > before.hits and after.misses > before.misses  # the series path ran


def test_a_wrong_memo_fails_the_comparison(monkeypatch):
    w = 412_345_678_901_234_567  # p/q not reducible below 1 024: the series path
    args = (10**12, 10**12 + 3 * 10**9, bal.ACCURACY - w, w, bal.EXP_PRECISION, bal.ACCURACY)
    expected = _power(monkeypatch, False, *args)
    real = bal._certified_power
    bal._fast_power.cache_clear()
    monkeypatch.setattr(bal, "_certified_power", lambda *a: real(*a) + 1)
    assert _power(monkeypatch, True, *args) != expected

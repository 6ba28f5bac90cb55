"""The fast EMA ``SubnetFastMovingPrice`` (dtao-current.md §9.3; stake_utils.rs
``update_fast_moving_price``, id:69155006798): weight ln 2 / 600 per block in U64F64, seeded at
the unclamped spot, run after the slow EMA through ``Rules.fast_prices``; read only by the
basket price band and the claim dust rule."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from dtao import basket_trade, codec, invariants
from dtao import baskets as B
from dtao import root_reborn as RR
from dtao.block import process_block
from dtao.coinbase_summer import alpha_price_bits
from dtao.eras import rules_for
from dtao.fast_ema import fast_ema_weight_bits, next_fast_price_bits
from dtao.fixed import ONE32, ONE64, U64F64
from dtao.genesis import Genesis
from dtao.state import State
from dtao.summer import FAST_PRICE, summer_columns, wide_value

TAO = 10**9


def test_the_weight_is_ln2_over_600_in_u64f64():
    w = fast_ema_weight_bits(600)
    assert w == U64F64.from_f64(math.log(2)) // 600  # the quotient floored
    assert abs(Fraction(w, ONE64) - Fraction(math.log(2)) / 600) < Fraction(1, ONE64)
    # 600 steps toward a fixed spot leave about half the distance: (1 - ln2/600)^600 ≈ 0.4997
    spot = 10 * ONE64
    fast = spot // 2  # start half-way below the spot, walk 600 blocks
    for _ in range(600):
        fast = next_fast_price_bits(fast, spot, w)
    remaining = (spot - fast) / (spot / 2)
    assert remaining == pytest.approx((1 - math.log(2) / 600) ** 600, abs=1e-9)
    assert 0.499 < remaining < 0.5


def test_one_step_by_hand_up_down_and_seed():
    w = fast_ema_weight_bits(600)
    assert next_fast_price_bits(None, 12345, w) == 12345  # unseeded: the spot
    fast, spot = ONE64, 3 * ONE64
    assert next_fast_price_bits(fast, spot, w) == fast + (2 * ONE64 * w >> 64)
    assert next_fast_price_bits(spot, fast, w) == spot - (2 * ONE64 * w >> 64)
    assert next_fast_price_bits(fast, fast, w) == fast
    top = U64F64.max_raw
    assert next_fast_price_bits(top - 1, top, ONE64) == top  # saturates, never beyond


def _network(price_tao: int) -> State:
    """Two emitting subnets of the current preset: SN1 priced ``price_tao`` TAO per alpha."""
    genesis = Genesis("current", tempo=100)
    genesis.subnet(1, "o1", "h1", tao_in=price_tao * 1_000 * TAO, alpha_in=1_000 * TAO)
    genesis.subnet(2, "o2", "h2", tao_in=100 * TAO, alpha_in=1_000 * TAO)
    state = genesis.build()
    ext = summer_columns(state)
    for netuid in (1, 2):
        state.columns.moving_price_bits[netuid] = ONE32 // 10
        ext.set("first_emission_block", netuid, 1)
        ext.set("subtoken_enabled", netuid, 1)
    return state


def test_the_block_step_seeds_at_the_unclamped_spot_then_follows_it():
    state = _network(price_tao=3)  # spot 3 TAO/alpha: the slow EMA sees min(spot, 1)
    rules = rules_for(state.params)
    assert rules.fast_prices is not None
    process_block(state, rules)
    spot = alpha_price_bits(state, 1)
    assert spot > 2 * ONE64
    assert wide_value(state, FAST_PRICE, 1) == spot  # seeded, not capped at 1.0
    state.columns.tao_in[1] += 300 * TAO  # the spot moves (a trade, say) before the next block
    state.total_issuance += 300 * TAO
    before = wide_value(state, FAST_PRICE, 1)
    process_block(state, rules)
    new_spot = alpha_price_bits(state, 1)
    w = fast_ema_weight_bits(600)
    assert wide_value(state, FAST_PRICE, 1) == before + U64F64.saturating_mul(new_spot - before, w)
    invariants.check(state)
    text = codec.dumps(state)
    assert codec.dumps(codec.loads(text)) == text
    assert wide_value(codec.loads(text), FAST_PRICE, 1) == wide_value(state, FAST_PRICE, 1)


def test_older_presets_keep_no_fast_ema():
    for preset in ("launch", "summer-2026"):
        assert rules_for(Genesis(preset).build().params).fast_prices is None
    state = _network(price_tao=1)
    state.params = state.params.replace(fast_ema_half_life=0)
    process_block(state, rules_for(state.params))
    assert wide_value(state, FAST_PRICE, 1) is None
    assert "wide" not in codec.dumps(state)


def test_claim_dust_anchors_a_row_at_the_fast_ema():
    state = _network(price_tao=1)
    value = 50 * TAO
    assert RR.anchored_value(state, 1, 100 * TAO, value) == value  # unseeded: the value
    summer_columns(state).set_wide(FAST_PRICE, 1, ONE64 // 4)  # fast EMA 0.25 TAO/alpha
    assert RR.anchored_value(state, 1, 100 * TAO, value) == 25 * TAO  # a·fast < value
    summer_columns(state).set_wide(FAST_PRICE, 1, 2 * ONE64)
    assert RR.anchored_value(state, 1, 100 * TAO, value) == value  # min(val, a·fast)
    assert RR.anchored_value(state, B.ROOT, 100 * TAO, value) == value  # the cash slot


def test_the_basket_band_reads_the_fast_ema():
    state = _network(price_tao=1)
    rules = rules_for(state.params)
    refs = basket_trade._reference_prices(state, rules, 1)
    summer_columns(state).set_wide(FAST_PRICE, 1, 5 * ONE64)
    assert basket_trade._reference_prices(state, rules, 1) == [*refs, 5 * ONE64]


def test_a_fast_ema_below_spot_caps_the_basket_buy():
    """B1's fund buying SN-a (spot 0.05): passes at fast = spot, refused at fast = spot / 2
    (the buy must fill within 2 % above the strictest reference), state unchanged."""
    from dtao import errors as E
    from dtao.operations import SwapBasket, apply
    from test_root_reborn import OWNER, V, _fund

    for fast_divisor, refused in ((1, False), (2, True)):
        state = _fund()
        for netuid in (1, 2):
            summer_columns(state).set("subtoken_enabled", netuid, 1)
        rules = rules_for(state.params)
        spot = alpha_price_bits(state, 1)
        summer_columns(state).set_wide(FAST_PRICE, 1, spot // fast_divisor)
        before = codec.dumps(state)
        if refused:
            with pytest.raises(E.BasketPriceBandExceeded):
                apply(state, rules, SwapBasket(OWNER, V, 0, 1, TAO))
            assert codec.dumps(state) == before
        else:
            apply(state, rules, SwapBasket(OWNER, V, 0, 1, TAO))


def test_wide_items_round_trip_and_a_bad_one_is_one_clear_error():
    import json

    from dtao import errors as E

    state = _network(price_tao=2)
    process_block(state, rules_for(state.params))
    data = json.loads(codec.dumps(state))
    wide = data["extensions"]["summer-2026"]["wide"]
    assert set(wide) == {FAST_PRICE} and set(wide[FAST_PRICE]) == {"1", "2"}
    for bad in ({"bogus": {"1": "5"}}, {FAST_PRICE: {"1": "-5"}}, {FAST_PRICE: {"-1": "5"}}):
        data["extensions"]["summer-2026"]["wide"] = bad
        with pytest.raises(E.ConfigError, match="summer-2026"):
            codec.loads(json.dumps(data))

"""The collector's root yield against the growth of the root positions themselves, under the
eras whose root dividends are alpha accrued for later claims (summer-2026: root claims;
current: Root Reborn baskets): the yield is read from the epoch receipts, the check claims
every root staker's dividends on a clone of the state and counts the root stake gained."""

from __future__ import annotations

import pytest

from dtao import operations as ops
from dtao.baskets import ESCROW
from dtao.sim.collector import Collector
from dtao.sim.metrics import DAYS_PER_YEAR
from dtao.sim.runner import Model
from dtao.sim.scenario import scenario_from_dict
from dtao.sim.view import BLOCKS_PER_DAY

BLOCKS = 400  # the synthetic subnets' first epochs after the setup run at run blocks 357–358
CLAIM_FEE_FUNDS = 10**9  # rao given to each claimant on the clone for the claim's fees


def _model(preset: str, price_scale: float) -> Model:
    """4 synthetic subnets, 2 root-seated validators with take 0 (so every root dividend is
    the root stakers', none the validator owners'), prices × ``price_scale``."""
    genesis = {"source": "synthetic", "subnets": 4, "validators": 2, "holders": 4}
    genesis |= {"miners": 1, "price_scale": price_scale}
    data = {
        "name": "root-yield",
        "preset": preset,
        "genesis": genesis,
        "overrides": {"ema_alpha": 0.001, "ema_warmup_blocks": 1, "default_take_u16": 0},
        "seed": 7,
        "blocks": BLOCKS,
        "metrics_every": BLOCKS,
    }
    return Model(scenario_from_dict(data, "test"))


def _root_stake(net) -> int:
    """Every root staker's root stake (rao), the basket escrow's cash slot left out."""
    return sum(a for c, _, n, a in net.positions() if n == 0 and c != ESCROW)


def _run(model: Model) -> tuple[float, int]:
    """The run's last root_apy_simple and the root stake it was computed over."""
    collector = Collector(model, None)
    collector.collect(0)
    for _ in range(BLOCKS):
        collector.observe(model.step())
    collector.collect(BLOCKS, final=True)
    root = sum(a for _, _, n, a in model.net.positions() if n == 0)
    return collector.tables["network"].last[0]["root_apy_simple"], root


@pytest.mark.parametrize("preset", ["summer-2026", "current"])
def test_root_yield_is_what_claiming_every_root_dividend_adds_to_root_stake(preset):
    model = _model(preset, price_scale=20)  # Σ EMA price ≈ 2.2 > 1: the root-sell flag is set
    before = _root_stake(model.net)
    apy, root = _run(model)
    earned = apy * root * BLOCKS / (DAYS_PER_YEAR * BLOCKS_PER_DAY)  # rao, at spot
    assert earned > 1_000 * 10**9 * BLOCKS / (DAYS_PER_YEAR * BLOCKS_PER_DAY)  # > 100 % APY

    clone = model.view.clone()
    claimants = sorted({c for c, _, n, _ in clone.positions() if n == 0 and c != ESCROW})
    for coldkey in claimants:  # Swap (the default) under summer-2026; baskets under current
        clone.fund(coldkey, CLAIM_FEE_FUNDS)
        receipt = clone.submit(ops.ClaimRoot(coldkey, tuple(clone.netuids)))
        assert receipt.ok, receipt.error
    gained = _root_stake(clone) - before  # auto-claims of the run (summer-2026) included

    # the claims realise the alpha by selling it (summer-2026's auto-claims at the epoch's
    # prices, the rest at the end's): the spot value less the sales' slippage, and the price
    # drift between the epoch and the end; 0 or twice the yield would be 100 % off
    print(f"{preset}: earned {earned / 1e9:.6f} TAO at spot, claims added {gained / 1e9:.6f}")
    assert gained == pytest.approx(earned, rel=0.01)


@pytest.mark.parametrize("preset", ["summer-2026", "current"])
def test_root_earns_nothing_without_the_root_sell_flag(preset):
    """Σ EMA price ≤ 1 (the synthetic prices unscaled, Σ ≈ 0.11): the chain recycles root's
    alpha (dtao-economics §5a), so the yield is 0 and no claim adds root stake."""
    model = _model(preset, price_scale=1)
    before = _root_stake(model.net)
    apy, _ = _run(model)
    clone = model.view.clone()
    for coldkey in sorted({c for c, _, n, _ in clone.positions() if n == 0 and c != ESCROW}):
        clone.fund(coldkey, CLAIM_FEE_FUNDS)
        clone.submit(ops.ClaimRoot(coldkey, tuple(clone.netuids)))
    assert apy == 0.0
    assert _root_stake(clone) == before


def test_price_scale_multiplies_the_synthetic_prices_only():
    from dtao.sim import snapshot

    plain, scaled = snapshot.synthetic_rows(4, 7), snapshot.synthetic_rows(4, 7, price_scale=20)
    for a, b in zip(plain[1:], scaled[1:], strict=True):
        assert a.tao_in == b.tao_in  # the same draws: only alpha (tao / price) changes
        assert b.tao_in / b.alpha_in == pytest.approx(20 * a.tao_in / a.alpha_in, rel=1e-3)
    assert (
        sum(r.tao_in / r.alpha_in for r in scaled[1:])
        > 1
        > sum(r.tao_in / r.alpha_in for r in plain[1:])
    )

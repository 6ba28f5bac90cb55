"""Rules: resolved once per era, no era lookups elsewhere, the fast twin behind the reference."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest

import dtao
from dtao import errors as E
from dtao.eras import rules_for
from dtao.params import LAUNCH

TAO = 10**9
SRC = Path(dtao.__file__).resolve().parent


def _network(subnets: int = 3) -> dtao.Network:
    net = dtao.Network(
        "launch",
        network_rate_limit=1,
        lock_reduction_interval=1,
        network_min_lock=100 * TAO,
        tempo=9,
    )
    net.fund("o", subnets * 1_000 * TAO)
    net.fund("r", 1_000 * TAO)
    for s in range(subnets):
        net.register_network("o", f"own{s}")
        net.step(1)
    net.add_stake("r", "own0", 0, 500 * TAO)  # root stake: the root-alpha sale runs
    for netuid in net.netuids:
        net.add_stake("r", f"own{netuid - 1}", netuid, 20 * TAO)
    return net


def test_the_fast_twin_runs_by_default_and_not_under_no_fast(fast_mode):
    net = _network()
    assert (net.rules.injection_fast is not None) == fast_mode
    receipt = net.step(5)
    assert receipt is not None
    assert receipt.coinbase_path == ("fast" if fast_mode else "reference")
    reference = dtao.Network.from_state(net.state)
    assert rules_for(reference.params, fast=False).injection_fast is None


def test_fast_and_reference_rules_give_the_same_digest():
    digests = []
    for fast in (True, False):
        net = _network()
        net._rules = rules_for(net.params, fast=fast)
        for _ in range(30):
            receipt = net.process_block([dtao.AddStake("r", "own1", 2, 3 * TAO)])
            assert receipt.coinbase_path == ("fast" if fast else "reference")
        digests.append(net.digest())
    assert digests[0] == digests[1]


@pytest.mark.parametrize(
    "overrides",
    [
        {"share_rule": "tao_flow"},
        {"injection_rule": "gated"},
        {"pool": "balancer9"},
        {"yuma_backend": "gpu"},
        {"bond_mask": "none"},
    ],
)
def test_an_unknown_strategy_is_a_config_error_when_the_network_is_made(overrides):
    with pytest.raises(E.ConfigError, match="is not one of"):
        dtao.Network("launch", **overrides)


def test_an_unknown_preset_is_a_config_error():
    with pytest.raises(E.ConfigError, match="unknown preset"):
        dtao.Network("atlantis")
    with pytest.raises(E.ConfigError, match="preset must be"):
        dtao.Network(["launch"])  # type: ignore[arg-type]


def test_the_root_dividend_policy_follows_the_r14_switch():
    from dtao import epoch

    assert rules_for(LAUNCH).root_dividends is epoch.dividends_by_stake_mix
    assert (
        rules_for(LAUNCH.replace(rescale_dividends=True)).root_dividends is epoch.dividends_rescaled
    )


#: what an era lookup outside the module that builds Rules looks like (the strategy names are
#: Params fields; the simulator's own ``share_rule`` key names a user rule-lab function)
_ERA_LOOKUPS = re.compile(
    r"\.era\b|==\s*['\"](launch|root-vote|taoflow|summer-2026|current)['\"]"
    r"|\bparams\.(share_rule|injection_rule|rescale_dividends|yuma_backend)\b|params\.pool\b"
    r"|POOL_MATH|SHARE_RULES|INJECTION_RULES|PRESETS\["
)
#: the preset table and the resolver are the only places that may name eras and strategies
_ALLOWED = {"eras.py", "params.py"}


def test_no_era_lookup_outside_the_rules_builder():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in _ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if _ERA_LOOKUPS.search(code):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_grep_would_catch_an_era_switch(tmp_path):
    assert _ERA_LOOKUPS.search('if state.params.era == "launch":')
    assert _ERA_LOOKUPS.search("rule = SHARE_RULES[params.share_rule]")
    assert not _ERA_LOOKUPS.search("rules.shares(emission, m)")


def _steps(net: dtao.Network, blocks: int, every: int) -> str:
    for b in range(blocks):
        if b % every == 0:
            net.add_stake("r", "own2", 3, 2 * TAO)
        net.step(1)
    return net.digest()


def test_two_networks_step_in_two_threads_as_they_do_one_after_the_other():
    # same size (the block step's work buffers have the same shape) but different trades
    sequential = [_steps(_network(), 600, 7), _steps(_network(), 600, 3)]
    assert sequential[0] != sequential[1]
    nets = [_network(), _network()]
    results: list[str | None] = [None, None]

    def run(i: int) -> None:
        results[i] = _steps(nets[i], 600, (7, 3)[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads inside the block step, not between blocks
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert results == sequential

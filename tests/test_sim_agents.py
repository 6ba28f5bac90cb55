"""The simulator's agents: their records are accepted by the engine, they are deterministic for
a seed, they never change the network they view, and each kind does what its docstring says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dtao
from dtao import invariants
from dtao import operations as ops
from dtao.sim.agents import (
    AGENT_KINDS,
    Agent,
    AgentParamsError,
    hidden_quality,
    make_agents,
    rao,
    staker_yields,
    validate_agent,
)
from dtao.sim.view import MarketView
from sim_world import TAO, fund, run, world

SPECS = {
    "root_staker": {"hotkeys": 2},
    "yield_chaser": {"every_blocks": 30},
    "momentum": {"every_blocks": 10, "lookback": 3, "entry_threshold": 0.0},
    "manipulator": {"budget_tao": 200, "chunk_tao": 20, "hold_blocks": 100},
    "validator": {"netuid": 1, "stake_tao": 500, "balance_tao": 1_000},
    "miner": {"netuid": 1},
    "subnet_owner": {"every_blocks": 50, "min_return": 0.0},
}


def _specs(kinds=SPECS):
    return [{"kind": kind, "count": 2, "params": params} for kind, params in kinds.items()]


def _world_run(preset: str, blocks: int, seed: int = 3, check_view: bool = False):
    net = world(preset)
    agents = make_agents(_specs(), MarketView(net), seed)
    fund(net, agents)
    receipts = run(net, agents, blocks, seed, check_view)
    return net, agents, receipts


@pytest.mark.parametrize("preset", ["current", "launch"])
def test_every_kind_trades_without_a_rejection_and_keeps_the_invariants(preset):
    net, agents, receipts = _world_run(preset, {"current": 260, "launch": 400}[preset], True)
    rejected = [(r.op, r.error_name) for b in receipts for r in b.rejected]
    assert rejected == []
    sent = {type(r.op).__name__ for b in receipts for r in b.receipts}
    # every kind got its records through: stakes, sales, registrations, weights, a subnet
    assert {"AddStake", "RemoveStake", "BurnedRegister", "SetWeights", "RegisterNetwork"} <= sent
    invariants.check(net.state)
    for agent in agents:
        assert isinstance(agent, Agent)
        report = agent.report()
        assert report["kind"] == agent.kind


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    def weights(receipts):
        return [r.op for b in receipts for r in b.receipts if isinstance(r.op, ops.SetWeights)]

    a, agents_a, receipts_a = _world_run("current", 160, seed=5)
    b, agents_b, receipts_b = _world_run("current", 160, seed=5)
    c, _, receipts_c = _world_run("current", 160, seed=6)
    assert a.digest() == b.digest()
    assert [x.report() for x in agents_a] == [x.report() for x in agents_b]
    assert weights(receipts_a) == weights(receipts_b) != []
    # the validators' noise and the miners' qualities follow the seed
    assert weights(receipts_c) != weights(receipts_a) and c.digest() != a.digest()


def test_limit_prices_bracket_the_spot_and_allow_partial_fills():
    net = world()
    view = MarketView(net)
    (agent,) = make_agents([{"kind": "momentum", "params": {"price_tolerance": 0.05}}], view, 0)
    fund(net, [agent])
    record = agent.buy(view, "v10", 1, 5 * TAO)
    assert record is not None and record.allow_partial
    spot = view.spot_price(1)
    assert record.limit_price == -(-spot * 105 * TAO // 100)  # ceil(spot · 1.05 · 10^9)
    receipt = net.submit(record)
    alpha = receipt.result
    sale = agent.sell(view, "v10", 1, alpha)
    assert sale is not None and sale.amount == alpha  # no dust left behind
    assert sale.limit_price == int(view.spot_price(1) * 95 * TAO // 100)
    net.submit(sale)
    assert view.stake(agent.coldkey, "v10", 1) == 0


def test_a_careful_buy_shrinks_until_its_price_impact_fits():
    net = world()
    view = MarketView(net)
    (agent,) = make_agents([{"kind": "momentum", "params": {"max_slippage": 0.01}}], view, 0)
    fund(net, [agent])
    record = agent.buy(view, "v10", 1, 900 * TAO)  # a third of subnet 1's pool: far too big
    assert record is not None and record.amount < 900 * TAO
    quote = view.quote_stake(1, record.amount)
    assert quote.tao_slippage <= 0.01 * record.amount
    assert view.quote_stake(1, 2 * record.amount).tao_slippage > 0.01 * 2 * record.amount
    assert agent.buy(view, "v10", 1, view.params.min_stake) is None  # below twice min stake


def test_the_root_staker_splits_its_stake_over_the_top_root_hotkeys():
    net = world()
    view = MarketView(net)
    (agent,) = make_agents(
        [{"kind": "root_staker", "params": {"stake_tao": 300, "hotkeys": 3}}], view, 0
    )
    fund(net, [agent])
    run(net, [agent], 3)
    positions = view.positions(agent.coldkey)
    assert [(h, n) for _, h, n, _ in positions] == [("v10", 0), ("v11", 0), ("v20", 0)]
    assert [a for *_, a in positions] == [100 * TAO] * 3  # root stake is 1:1
    assert agent.report()["staked_rao"] == 300 * TAO


@pytest.mark.parametrize("preset", ["launch", "current"])
def test_the_manipulator_reports_its_cost_and_gain_from_its_balance(preset):
    net = world(preset)
    view = MarketView(net)
    specs = [
        {
            "kind": "manipulator",
            "params": {
                "netuid": 2,
                "budget_tao": 100,
                "chunk_tao": 25,
                "hold_blocks": 50,
                "every_blocks": 5,
            },
        }
    ]
    (agent,) = make_agents(specs, view, 0)
    fund(net, [agent])
    run(net, [agent], 30)
    report = agent.report()
    assert report["phase"] in ("hold", "exit")
    assert report["cost_rao"] == agent.initial_balance - view.balance(agent.coldkey)
    assert report["cost_rao"] == 100 * TAO
    run(net, [agent], 400)
    report = agent.report()
    assert report["phase"] == "done"
    assert view.positions(agent.coldkey) == []
    assert report["proceeds_rao"] == view.balance(agent.coldkey) - (
        agent.initial_balance - 100 * TAO
    )
    assert report["gain_rao"] == view.balance(agent.coldkey) - agent.initial_balance
    assert report["share_peak"] >= report["share_before"]


def test_validators_rank_miners_by_their_hidden_quality():
    net = world()
    view = MarketView(net)
    specs = [
        {
            "kind": "validator",
            "params": {
                "netuid": 1,
                "stake_tao": 800,
                "balance_tao": 2_000,
                "noise": 0.0,
                "every_blocks": 5,
            },
        },
        {"kind": "miner", "count": 3, "params": {"netuid": 1, "every_blocks": 5}},
    ]
    agents = make_agents(specs, view, 11)
    fund(net, agents)
    receipts = run(net, agents, 200)
    weights = [r.op for b in receipts for r in b.receipts if isinstance(r.op, ops.SetWeights)]
    assert weights, "the validator never set weights"
    last = weights[-1]
    hotkeys = view.neurons(1).hotkeys
    validator = agents[0]
    expected = [validator.quality_of(hotkeys[u]) for u in last.uids]
    # noise 0: weights proportional to quality, the best miner at 65535
    assert max(last.weights) == 65_535
    assert np.allclose(
        np.array(last.weights) / 65_535, np.array(expected) / max(expected), atol=1e-4
    )
    miners = {a.hotkey: a.quality for a in agents[1:]}
    for hotkey, quality in miners.items():
        assert validator.quality_of(hotkey) == quality  # the miner agents' own quality


def test_hidden_quality_is_a_seeded_uniform_rule():
    values = [hidden_quality(1, f"m{i}") for i in range(2_000)]
    assert all(0.2 <= v < 1.0 for v in values)
    assert abs(np.mean(values) - 0.6) < 0.02
    assert hidden_quality(1, "m0") == hidden_quality(1, "m0") != hidden_quality(2, "m0")


def test_the_subnet_owner_registers_only_when_the_lock_is_worth_it():
    net = world("current")
    view = MarketView(net)
    eager, reluctant = make_agents(
        [
            {
                "kind": "subnet_owner",
                "name": "eager",
                "params": {"min_return": 0.0, "every_blocks": 5},
            },
            {
                "kind": "subnet_owner",
                "name": "shy",
                "params": {"min_return": 1e9, "every_blocks": 5},
            },
        ],
        view,
        0,
    )
    fund(net, [eager, reluctant])
    receipts = run(net, [eager, reluctant], 30)
    mine = [s.netuid for s in view.subnets() if s.owner_coldkey == eager.coldkey]
    assert len(mine) == 1 and view.terms(mine[0]).subtoken_enabled  # registered and started
    assert not any(s.owner_coldkey == reluctant.coldkey for s in view.subnets())
    assert all(b.rejected == [] for b in receipts)
    assert eager.report()["registered"] == 1 and reluctant.report()["registered"] == 0


def test_the_yield_chaser_moves_toward_the_best_yield_when_it_repays_the_move():
    net = world()
    view = MarketView(net)
    (agent,) = make_agents([{"kind": "yield_chaser", "params": {"every_blocks": 25}}], view, 0)
    fund(net, [agent])
    run(net, [agent], 150)
    assert agent.dividends, "no epoch observed"
    yields = staker_yields(view, agent.dividends)
    best = max(yields, key=yields.get)
    held = {n for _, n, _ in agent.own_alpha(view)}
    assert held, "it never bought"
    records = agent.act(view, np.random.default_rng(0))
    sold = {r.netuid for r in records if isinstance(r, ops.RemoveStake)}
    bought = {r.netuid for r in records if isinstance(r, ops.AddStake)}
    assert sold == held - {best} and bought == {best}
    # a patient horizon makes no move repay its cost: the chaser keeps what it holds
    (patient,) = make_agents([{"kind": "yield_chaser", "params": {"horizon_days": 1e-9}}], view, 0)
    patient.coldkey, patient.dividends = agent.coldkey, agent.dividends
    assert not any(isinstance(r, ops.RemoveStake) for r in patient.act(view, None))


# -- registry and validation --------------------------------------------------------------------


def test_make_agents_names_coldkeys_and_offsets():
    view = MarketView(world())
    specs = [
        {"kind": "miner", "count": 2, "params": {"every_blocks": 4}},
        {"kind": "miner", "name": "alice", "params": {}},
        {"kind": "momentum", "name": "bob", "count": 2},
    ]
    agents = make_agents(specs, view, 0)
    assert [a.name for a in agents] == ["miner-0", "miner-1", "alice", "bob-0", "bob-1"]
    assert agents[0].coldkey == "agent:miner-0"
    assert [a.offset for a in agents[:3]] == [0, 1, 2 % 100]
    assert [a.netuid for a in agents[:3]] == [1, 2, 3]  # placed by index over the subnets
    assert agents[3].initial_balance == rao(1_000)
    with pytest.raises(AgentParamsError, match="unique"):
        make_agents([{"kind": "miner", "name": "x"}, {"kind": "momentum", "name": "x"}], view, 0)


def test_every_kind_has_documented_forbidding_params():
    for kind, cls in AGENT_KINDS.items():
        assert cls.kind == kind
        fields = cls.Params.model_fields
        assert fields, kind
        for name, field in fields.items():
            assert field.description, f"{kind}.{name} has no description"
        with pytest.raises(AgentParamsError):
            validate_agent(kind, {"no_such_parameter": 1})


@pytest.mark.parametrize(
    ("kind", "params", "key", "words"),
    [
        ("whale", {}, "kind", "known: manipulator, miner, momentum"),
        ("momentum", {"lookbak": 3}, "params.lookbak", "unknown parameter of momentum"),
        ("momentum", {"lookback": "many"}, "params.lookback", "integer"),
        ("manipulator", {"budget_tao": -5}, "params.budget_tao", "greater than 0"),
        ("validator", {"every_blocks": 0}, "params.every_blocks", "greater than or equal to 1"),
        ("miner", [1, 2], "params", "a table"),
    ],
)
def test_validate_agent_names_the_key_and_what_was_expected(kind, params, key, words):
    with pytest.raises(ValueError) as info:
        validate_agent(kind, params)
    assert info.value.key == key
    assert str(info.value).startswith(f"{key}: ")
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_validate_agent_returns_the_typed_params():
    params = validate_agent("manipulator", {"budget_tao": 50, "netuid": 3})
    assert params.budget_tao == 50 and params.netuid == 3 and params.max_slippage == 0.05
    assert rao(0.000000001) == 1 and rao(1.5) == 1_500_000_000


def test_agents_see_only_a_view():
    net = world()
    view = MarketView(net)
    assert not hasattr(view, "state") and not hasattr(view, "submit")
    with pytest.raises(TypeError):
        MarketView(dtao.Genesis())


# -- the guide ----------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_guide_documents_every_kind_and_parameter():
    text = (DOCS / "agents.md").read_text()
    sections = text.split("\n### ")
    for kind, cls in AGENT_KINDS.items():
        (section,) = [s for s in sections if s.startswith(f"`{kind}`")]
        for name, field in cls.Params.model_fields.items():
            default = "none" if field.default is None else f"`{field.default!r}`"
            assert f"| `{name}` | {default} |" in section, f"{kind}.{name}"


def test_the_guides_example_agent_runs(monkeypatch):
    text = (DOCS / "agents.md").read_text()
    (code,) = [b for b in text.split("```python\n")[1:] if "class BuyAndHold" in b]
    namespace: dict = {}
    exec(code.split("```")[0], namespace)
    monkeypatch.setitem(AGENT_KINDS, "buy_and_hold", namespace["BuyAndHold"])
    net = world()
    view = MarketView(net)
    (agent,) = make_agents(
        [{"kind": "buy_and_hold", "params": {"netuid": 2, "every_blocks": 1}}], view, 0
    )
    fund(net, [agent])
    receipts = run(net, [agent], 5)
    assert all(b.rejected == [] for b in receipts)
    assert [n for _, _, n, _ in view.positions(agent.coldkey)] == [2]

"""The runner: seeded activation of agents (a trivial in-test agent), byte-identical outputs for
the same seed, every shipped scenario at a short horizon against its golden summary with the
conservation invariants checked at the end, and one golden paired with a hand computation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import dtao
from dtao.sim import runner
from dtao.sim.runner import Model, run_scenario
from dtao.sim.scenario import scenario_dict, scenario_from_dict, shipped_scenarios

GOLDEN = Path(__file__).resolve().parent / "golden"
HORIZON = 60  # blocks of a golden run; every shock is moved into it
TAO = 10**9


class Recorder:
    """A trivial agent: every 3 blocks (offset 1) it stakes 1 TAO on subnet 1 and records
    what it saw and in which order it was asked."""

    def __init__(self, name: str, log: list) -> None:
        self.name, self.coldkey = name, f"agent:{name}"
        self.every, self.offset, self.initial_balance = 3, 1, 50 * TAO
        self.log = log
        self.observed = 0

    def act(self, view, rng):
        self.log.append((view.block + 1, self.name, float(rng.random())))
        return [dtao.AddStake(self.coldkey, "val-0", 1, TAO)]

    def observe(self, receipt):
        self.observed += 1

    def report(self):
        return {"observed": self.observed}


def _small(**extra) -> dtao.sim.scenario.Scenario:
    data = {"name": "small", "genesis": {"source": "synthetic", "subnets": 3}, "blocks": 30}
    return scenario_from_dict({**data, **extra}, "small.toml")


def test_agents_act_in_a_seeded_order_and_observe_every_block():
    log: list = []
    agents = [Recorder(f"r{i}", log) for i in range(4)]
    model = Model(_small(seed=5, genesis={"source": "synthetic", "subnets": 3}), agents)
    receipts = list(model.blocks(30))
    due = [b for b in range(model.start_block + 1, model.start_block + 31) if b % 3 == 1]
    assert sorted({b for b, _, _ in log}) == due
    for block in due:
        names = [name for b, name, _ in log if b == block]
        order = np.random.default_rng([5, block]).permutation(4)
        assert names == [f"r{int(k)}" for k in order]
        ops = [r.op for r in receipts[block - model.start_block - 1].receipts]
        assert [op.coldkey for op in ops] == [f"agent:{n}" for n in names]
    assert all(a.observed == 30 for a in agents)
    # each agent's generator is its own: [seed, 1000 + i]
    first = [x for _, name, x in log if name == "r2"][0]
    assert first == np.random.default_rng([5, 1002]).random()
    assert model.net.stake("agent:r0", "val-0", 1) > 0


def test_same_seed_gives_byte_identical_outputs(tmp_path):
    scenario = _small(
        seed=3,
        metrics_every=7,
        agents=[{"kind": "momentum", "params": {"every_blocks": 5}}],
        shocks=[{"kind": "buy", "at": 4, "netuid": 2, "tao": 10}],
    )
    a = run_scenario(scenario, tmp_path / "a")
    b = run_scenario(scenario, tmp_path / "b")
    assert a == b
    names = ["subnets.parquet", "agents.parquet", "network.parquet", "summary.json"]
    names.append("manifest.json")
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    other = run_scenario(scenario.model_copy(update={"seed": 4}), tmp_path / "c")
    assert other["state_digest"] != a["state_digest"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["preset"] == "current"
    assert manifest["dtao_version"] == dtao.__version__ and len(manifest["params_sha256"]) == 64
    assert manifest["scenario"]["shocks"][0]["tao"] == 10


def _short(name: str) -> dtao.sim.scenario.Scenario:
    """A shipped scenario cut to HORIZON blocks, its shocks moved inside (at most block 30)."""
    data = scenario_dict(name)
    data.pop("days", None)
    data["blocks"] = HORIZON
    data["metrics_every"] = 30
    for shock in data.get("shocks", []):
        shock["at"] = min(shock["at"], 30)
    return scenario_from_dict(data, f"{name}.toml")


@pytest.fixture
def checked_states(monkeypatch):
    """The states ``run_scenario`` checks the conservation invariants of (each check runs)."""
    seen: list = []
    check = runner.invariants.check

    def recording(state):
        check(state)
        seen.append(state.block)

    monkeypatch.setattr(runner.invariants, "check", recording)
    return seen


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_shipped_scenario_golden(name, checked_states):
    summary = run_scenario(_short(name), None)
    assert checked_states[-1] == summary["end_block"]  # the invariants held at the end
    path = GOLDEN / f"sim_{name}.json"
    if os.environ.get("DTAO_REGENERATE_GOLDEN"):
        path.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    assert summary == json.loads(path.read_text())
    assert all(shock["ok"] for shock in summary["shocks"]), summary["shocks"]


def test_whale_pump_golden_by_hand():
    """whale_pump's golden by hand: the block emission is ⌊1 TAO / 2^k⌋ with
    k = ⌊log2(S / (S − I))⌋ = ⌊log2(21 M / 10.08 M)⌋ = 1 at the stated genesis issuance
    I = 10.92 M TAO, so 0.5 TAO a block, of which each of the 128 subnets' TAO is floored (less
    than one rao lost per subnet a block), and the only other issuance is the shock's faucet
    (5 000 TAO): issuance(end) − issuance(start) = 60 × 0.5 TAO + 5 000 TAO − dust, dust in
    [0, 60 × 128) rao. The whale's buy moves the pool by exactly what the receipt says."""
    golden = json.loads((GOLDEN / "sim_whale_pump.json").read_text())
    start, end = golden["total_issuance_start"], golden["total_issuance_end"]
    assert 10_900_000 * TAO < start <= 10_920_000 * TAO  # genesis, less the setup's root burns
    dust = HORIZON * TAO // 2 + 5_000 * TAO - (end - start)
    assert 0 <= dust < HORIZON * 128

    model = Model(_short("whale_pump"))
    for _ in range(29):
        model.step()
    before = model.net.copy()
    before.process_block([])  # the same block without the shock: the pool the buy meets
    pool = before.subnet(39)
    model.step()  # run block 30: the buy
    (shock,) = model.shock_log
    alpha = shock["results"][1]
    after = model.net.subnet(39)
    assert pool.alpha_in - after.alpha_in == alpha
    assert model.net.stake("whale", pool.owner_hotkey, 39) == alpha
    paid_in = after.tao_in - pool.tao_in
    # the swap fee (FeeRate 33 / 65 535 of the input) stays out of the pool
    assert abs((5_000 * TAO - paid_in) - 5_000 * TAO * 33 / 65_535) < 1_000
    # a 50/50-weighted constant product gives x·Δ/(y + Δ); the balancer's weights are near 1/2
    expected = pool.alpha_in * paid_in / (pool.tao_in + paid_in)
    assert abs(alpha - expected) / expected < 1e-6
    assert shock == golden["shocks"][0]


def test_shocks_become_records_and_refusals_are_logged():
    scenario = _small(
        blocks=8,
        shocks=[
            {"kind": "register_subnet", "at": 2},
            {"kind": "move_root", "at": 3, "netuid": 1, "tao": 5, "coldkey": "nobody"},
            {"kind": "emission_switch", "at": 4, "netuid": 2, "enabled": False},
            {"kind": "governance", "at": 5, "parameter": "tempo", "value": 99},
        ],
    )
    model = Model(scenario)
    list(model.blocks(8))
    register, move, switch, govern = model.shock_log
    netuid = register["netuid"]
    assert register["ok"] and netuid == 4 and netuid in model.net.netuids
    terms = model.view.terms(netuid)
    assert terms.emission_enabled and terms.subtoken_enabled  # started in the next block
    assert not move["ok"] and move["errors"]  # no root stake to move: refused, logged
    assert switch["ok"] and not model.view.terms(2).emission_enabled
    assert govern["ok"] and model.net.params.tempo == 99
    dtao.invariants.check(model.net.state)


def test_the_incumbent_validators_keep_miners_paid():
    """Without votes an epoch pays no miner; the genesis's validators vote from the setup on,
    so after two tempos every synthetic miner has been paid and no subnet burns."""
    silent = Model(_small(blocks=800, genesis={"source": "synthetic", "weights_every": 0}))
    assert not any(sum(p.incentive) for r in silent.blocks(730) for p in r.epochs)
    model = Model(_small(blocks=800, genesis={"source": "synthetic", "subnets": 3}))
    receipts = list(model.blocks(730))
    paid: dict[str, int] = {}
    for receipt in receipts:
        for payout in receipt.epochs:
            for hotkey, amount in zip(payout.miner_hotkeys, payout.incentive, strict=True):
                paid[hotkey] = paid.get(hotkey, 0) + amount
    miners = {f"sn{n}-m{j}" for n in (1, 2, 3) for j in range(3)}
    assert {h for h, amount in paid.items() if amount > 0} == miners
    assert all(model.view.terms(n).miner_burned == 0 for n in model.net.netuids)
    assert sum(model.net.emission_shares().values()) > 0.99
    assert model.agents[-1].report()["refused"] == 0


def test_a_registration_queued_at_the_limit_is_started_once_it_lands():
    """The real network is at the subnet limit (128), so under `current` the new_subnet shock's
    registration is queued (result None); the runner finds the netuid the newcomer then owns
    (a pruned subnet's, reused) and sends its start call and emission switch the next block."""
    model = Model(_short("new_subnet"))
    before = {n for n in model.net.netuids if model.net.subnet(n).owner_coldkey == "newcomer"}
    for _ in range(33):
        model.step()
    (entry,) = model.shock_log
    assert entry["queued"] and entry["results"][-1] is None
    netuid = entry["netuid"]
    assert not before and model.net.subnet(netuid).owner_coldkey == "newcomer"
    terms = model.net.subnet_terms(netuid)
    assert terms.subtoken_enabled and terms.emission_enabled


def test_a_snapshot_subnet_that_never_emitted_is_not_started():
    """The 2026-04-11 file's netuid 96 has no alpha out and no moving price (its owner had not
    sent the start call): the setup leaves it unstarted, so it receives no emission, while every
    subnet that had emitted is started with its emission on."""
    model = Model(scenario_from_dict({"name": "t", "preset": "current", "blocks": 3}, "t"))
    view = model.view
    assert view.subnet(96).alpha_out == 0 and view.subnet(96).moving_price == 0
    assert not view.terms(96).subtoken_enabled
    others = [n for n in view.netuids if n != 96]
    assert all(view.terms(n).subtoken_enabled and view.terms(n).emission_enabled for n in others)
    model.net.step(3)
    assert view.subnet(96).emission_share == 0
    assert view.subnet(96).alpha_out == 0

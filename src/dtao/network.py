"""``dtao.Network``: the public, exact interface to one simulated chain.

Every method validates its arguments and either applies an operation completely or raises a
:class:`~dtao.errors.ProtocolError` (chain-named) and changes nothing. Amounts are int rao
(TAO) or alpha-rao; prices are TAO per alpha as floats (read-outs only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dtao import block as block_step
from dtao import codec, ledger, operations
from dtao import errors as E
from dtao.coinbase import INJECTION_RULES
from dtao.emission import SHARE_RULES
from dtao.params import Params, get_preset
from dtao.state import State
from dtao.units import check_rao


@dataclass(frozen=True)
class SubnetView:
    """Read-only snapshot of a subnet (amounts in rao / alpha-rao)."""

    netuid: int
    tao_in: int
    alpha_in: int
    alpha_out: int
    price: float  # spot TAO per alpha, tao_in / alpha_in
    moving_price: float  # EMA price m
    owner_coldkey: str
    owner_hotkey: str
    tempo: int
    n: int
    burn: int
    registered_at: int
    pending_emission: int
    pending_alpha_swapped: int
    pending_root_divs: int
    pending_owner_cut: int
    last_epoch_block: int
    emission_share: float

    @property
    def alpha_issuance(self) -> int:
        """A = alpha_in + alpha_out (alpha-rao)."""
        return self.alpha_in + self.alpha_out


@dataclass(frozen=True)
class NeuronsView:
    """Per-UID arrays of a subnet (copies; amounts in rao / alpha-rao)."""

    netuid: int
    hotkeys: list[str]
    coldkeys: list[str]
    stake: np.ndarray  # alpha stake held through each UID's hotkey
    root_stake: np.ndarray  # root TAO held through each UID's hotkey
    incentive: np.ndarray  # u16
    dividends: np.ndarray  # u16
    emission: np.ndarray  # alpha-rao of the last epoch
    consensus: np.ndarray  # u16
    validator_trust: np.ndarray  # u16
    validator_permit: np.ndarray  # bool
    active: np.ndarray  # bool
    last_update: np.ndarray  # block
    registered_at: np.ndarray  # block


class Network:
    """A simulated Bittensor chain under one era's rules (default: the dTAO ``launch``)."""

    def __init__(self, preset: str = "launch", **overrides: Any) -> None:
        self.state = State(params=check_strategies(get_preset(preset, **overrides)))

    # -- construction and persistence ---------------------------------------------------------

    @classmethod
    def from_state(cls, state: State) -> Network:
        network = cls.__new__(cls)
        network.state = state
        return network

    def to_json(self) -> str:
        """Canonical, lossless JSON (amounts as decimal strings)."""
        return codec.dumps(self.state)

    @classmethod
    def from_json(cls, text: str) -> Network:
        """Rebuild a network from :meth:`to_json` output (same digest)."""
        return cls.from_state(codec.loads(text))

    def digest(self) -> str:
        """sha256 of the canonical JSON."""
        return codec.digest(self.state)

    # -- reads ----------------------------------------------------------------------------------

    @property
    def params(self) -> Params:
        return self.state.params

    @property
    def block(self) -> int:
        return self.state.block

    @property
    def total_issuance(self) -> int:
        return self.state.total_issuance

    @property
    def netuids(self) -> list[int]:
        """Existing subnets (without root)."""
        return self.state.netuids

    def balance(self, coldkey: str) -> int:
        """Free TAO of a coldkey (rao)."""
        return ledger.get_balance(self.state, coldkey)

    def stake(self, coldkey: str, hotkey: str, netuid: int) -> int:
        """Stake of a (coldkey, hotkey) position on a subnet (alpha-rao; TAO rao on root)."""
        return ledger.get_stake(self.state, coldkey, hotkey, netuid)

    def hotkey_stake(self, hotkey: str, netuid: int) -> int:
        """All stake held through a hotkey on a subnet."""
        return ledger.get_hotkey_stake(self.state, hotkey, netuid)

    def positions(self, coldkey: str | None = None) -> list[tuple[str, str, int, int]]:
        """Stake positions as (coldkey, hotkey, netuid, amount), optionally for one coldkey."""
        rows = ledger.stake_positions(self.state)
        return [r for r in rows if coldkey is None or r[0] == coldkey]

    def hotkey_owner(self, hotkey: str) -> str | None:
        return self.state.hotkey_owner.get(hotkey)

    def take(self, hotkey: str) -> int:
        """Validator take of a hotkey (u16 / 65535)."""
        return self.state.takes.get(hotkey, self.params.default_take_u16)

    def subnet(self, netuid: int) -> SubnetView:
        """Read-only view of a subnet; ``SubnetNotExists`` if absent."""
        subnet = operations.get_subnet(self.state, netuid)
        cols = self.state.columns
        y, x = cols.get("tao_in", netuid), cols.get("alpha_in", netuid)
        return SubnetView(
            netuid=netuid,
            tao_in=y,
            alpha_in=x,
            alpha_out=cols.get("alpha_out", netuid),
            price=y / x if x else 0.0,
            moving_price=cols.get("moving_price_bits", netuid) / 2**32,
            owner_coldkey=subnet.owner_coldkey,
            owner_hotkey=subnet.owner_hotkey,
            tempo=cols.get("tempo", netuid),
            n=subnet.neurons.n,
            burn=subnet.burn,
            registered_at=subnet.registered_at,
            pending_emission=cols.get("pending_emission", netuid),
            pending_alpha_swapped=cols.get("pending_alpha_swapped", netuid),
            pending_root_divs=cols.get("pending_root_divs", netuid),
            pending_owner_cut=cols.get("pending_owner_cut", netuid),
            last_epoch_block=subnet.last_epoch_block,
            emission_share=float(cols.emission_share[netuid]),
        )

    def neurons(self, netuid: int) -> NeuronsView:
        """Per-UID arrays of a subnet after its last epoch."""
        subnet = operations.get_subnet(self.state, netuid)
        nr = subnet.neurons
        n = nr.n
        hotkeys = list(nr.hotkeys)
        return NeuronsView(
            netuid=netuid,
            hotkeys=hotkeys,
            coldkeys=[self.state.hotkey_owner[h] for h in hotkeys],
            stake=np.array([self.hotkey_stake(h, netuid) for h in hotkeys], dtype=np.int64),
            root_stake=np.array([self.hotkey_stake(h, 0) for h in hotkeys], dtype=np.int64),
            incentive=nr.incentive[:n].copy(),
            dividends=nr.dividends[:n].copy(),
            emission=nr.emission[:n].copy(),
            consensus=nr.consensus[:n].copy(),
            validator_trust=nr.validator_trust[:n].copy(),
            validator_permit=nr.validator_permit[:n].copy(),
            active=nr.active[:n].copy(),
            last_update=nr.last_update[:n].copy(),
            registered_at=nr.registered_at[:n].copy(),
        )

    def emission_shares(self) -> dict[int, float]:
        """Share of the TAO block emission each subnet got in the last block."""
        cols = self.state.columns
        return {netuid: float(cols.emission_share[netuid]) for netuid in self.netuids}

    def network_lock_cost(self) -> int:
        """What registering a subnet costs now (rao)."""
        return operations.network_lock_cost(self.state)

    def quote_stake(self, netuid: int, amount: int) -> int:
        """Alpha that ``add_stake(amount)`` would credit now (fee deducted first)."""
        amount = _rao(amount)
        if not operations.subnet_exists(self.state, netuid):
            raise E.SubnetNotExists(f"subnet {netuid} does not exist")
        net = max(amount - self.params.staking_fee, 0)
        alpha = operations.sim_buy(self.state, netuid, net)
        if alpha is None:
            raise E.InsufficientLiquidity(f"subnet {netuid} pool cannot supply that much alpha")
        return alpha

    def quote_unstake(self, netuid: int, alpha: int) -> int:
        """TAO that ``remove_stake(alpha)`` would pay now (fee deducted from the proceeds)."""
        alpha = _rao(alpha)
        if not operations.subnet_exists(self.state, netuid):
            raise E.SubnetNotExists(f"subnet {netuid} does not exist")
        tao = operations.sim_sell(self.state, netuid, alpha)
        if tao is None:
            raise E.InsufficientLiquidity(f"subnet {netuid} pool cannot pay for that alpha")
        return max(tao - self.params.staking_fee, 0)

    # -- writes -------------------------------------------------------------------------------

    def fund(self, coldkey: str, amount: int) -> None:
        """Credit free TAO from a genesis faucet; counted in total issuance."""
        amount = _rao(amount)
        _name(coldkey, "coldkey")
        if self.state.total_issuance + amount > self.params.total_supply:
            raise E.InvalidAmount("funding would push issuance beyond the 21M TAO supply")
        ledger.increase_balance(self.state, coldkey, amount)
        self.state.total_issuance += amount

    def transfer(self, coldkey: str, destination: str, amount: int) -> None:
        _name(destination, "destination")
        operations.transfer(self.state, coldkey, destination, amount)

    def register_network(self, coldkey: str, hotkey: str) -> int:
        _name(coldkey, "coldkey")
        _name(hotkey, "hotkey")
        return operations.register_network(self.state, coldkey, hotkey)

    def burned_register(self, coldkey: str, hotkey: str, netuid: int) -> int:
        _name(coldkey, "coldkey")
        _name(hotkey, "hotkey")
        return operations.burned_register(self.state, coldkey, hotkey, _netuid(netuid))

    def add_stake(
        self,
        coldkey: str,
        hotkey: str,
        netuid: int,
        amount: int,
        limit_price: int | None = None,
        allow_partial: bool = False,
    ) -> int:
        return operations.add_stake(
            self.state, coldkey, hotkey, _netuid(netuid), amount, limit_price, allow_partial
        )

    def remove_stake(
        self,
        coldkey: str,
        hotkey: str,
        netuid: int,
        amount: int,
        limit_price: int | None = None,
        allow_partial: bool = False,
    ) -> int:
        return operations.remove_stake(
            self.state, coldkey, hotkey, _netuid(netuid), amount, limit_price, allow_partial
        )

    def move_stake(
        self,
        coldkey: str,
        origin_hotkey: str,
        destination_hotkey: str,
        origin_netuid: int,
        destination_netuid: int,
        amount: int,
    ) -> int:
        return operations.move_stake(
            self.state,
            coldkey,
            origin_hotkey,
            destination_hotkey,
            _netuid(origin_netuid),
            _netuid(destination_netuid),
            amount,
        )

    def transfer_stake(
        self,
        coldkey: str,
        destination_coldkey: str,
        hotkey: str,
        origin_netuid: int,
        destination_netuid: int,
        amount: int,
    ) -> int:
        _name(destination_coldkey, "destination coldkey")
        return operations.transfer_stake(
            self.state,
            coldkey,
            destination_coldkey,
            hotkey,
            _netuid(origin_netuid),
            _netuid(destination_netuid),
            amount,
        )

    def swap_stake(
        self,
        coldkey: str,
        hotkey: str,
        origin_netuid: int,
        destination_netuid: int,
        amount: int,
    ) -> int:
        return operations.swap_stake(
            self.state,
            coldkey,
            hotkey,
            _netuid(origin_netuid),
            _netuid(destination_netuid),
            amount,
        )

    def set_weights(
        self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[int]
    ) -> None:
        operations.set_weights(self.state, hotkey, _netuid(netuid), uids, weights)

    def set_take(self, coldkey: str, hotkey: str, take: int) -> None:
        operations.set_take(self.state, coldkey, hotkey, take)

    def step(self, blocks: int = 1) -> None:
        """Advance ``blocks`` blocks, running the era's block step for each."""
        if isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < 0:
            raise E.InvalidAmount(f"blocks must be a non-negative integer, got {blocks!r}")
        for _ in range(blocks):
            block_step.process_block(self.state)


def check_strategies(params: Params) -> Params:
    """``ConfigError`` unless every strategy a preset names exists (early, with the choices)."""
    choices: dict[str, set[str]] = {
        "pool": set(operations.POOL_MATH),
        "share_rule": set(SHARE_RULES),
        "injection_rule": set(INJECTION_RULES),
        "yuma_backend": {"float", "exact"},
        "bond_mask": {"registered_since_last_tempo", "weight_older_than_registration"},
    }
    for name, known in choices.items():
        value = getattr(params, name)
        if value not in known:
            raise E.ConfigError(f"{name}={value!r} is not one of: {', '.join(sorted(known))}")
    return params


def _rao(value: object) -> int:
    try:
        return check_rao(value)
    except ValueError as exc:
        raise E.InvalidAmount(str(exc)) from None


def _netuid(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise E.SubnetNotExists(f"netuid must be an integer in [0, 65535], got {value!r}")
    return value


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise E.InvalidAmount(f"{what} must be a non-empty name, got {value!r}")
    return value

"""Build a state directly, the way the chain's test mock does (``add_network``,
``add_balance_to_coldkey_account``, ``increase_stake_for_hotkey_and_coldkey_on_subnet`` …).

A :class:`Genesis` collects subnets with given reserves, neurons, balances and stakes credited
without a swap, then :meth:`Genesis.build` checks that they fit together and returns a
:class:`~dtao.state.State` whose conservation identities hold exactly:

* ``TotalIssuance`` = Σ free balances + Σ pool TAO + root stake (every rao is somewhere);
* a subnet's ``SubnetAlphaOut`` defaults to the alpha staked on it; an explicit ``alpha_out``
  that differs (the mock often leaves it 0 while crediting stake) is recorded as the subnet's
  ``alpha_unbacked`` (alpha outstanding with no holder, or held but never counted), so the alpha
  identity still holds and says how the genesis departs from a real chain.

Under an era whose storage is not dTAO's (``root-vote``: no pools, TAO stake per hotkey and
coldkey) the same collected network is built, then mapped into the era's state by the era's
``Rules.genesis`` (:mod:`dtao.root_vote_genesis`: positions valued in TAO at the genesis spot
prices, root seats for the largest stakes, delegates, votes from the moving prices), so that one
starting network can be given to every preset. A root-vote network without pools is given as
subnets with no reserves and stake on netuid 0 (TAO, 1:1).

Anything inconsistent — a neuron or stake on a subnet that does not exist, a hotkey owned by
two coldkeys, more neurons than ``max_uids``, issuance beyond the supply — is a
``ConfigError`` naming the item. Amounts are int rao / alpha-rao.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dtao import extrinsics, invariants, ledger
from dtao import operations as ops
from dtao.eras import rules_for
from dtao.errors import ConfigError, DtaoError
from dtao.params import DEFAULT_PRESET, get_preset
from dtao.state import State
from dtao.units import U16_MAX

ROOT = 0


@dataclass
class _SubnetSpec:
    netuid: int
    owner_coldkey: str
    owner_hotkey: str
    tao_in: int
    alpha_in: int
    alpha_out: int | None
    moving_price_bits: int
    tempo: int | None
    registered_at: int | None
    locked: int
    burn: int | None


class Genesis:
    """A validated builder of a network's first state (see the module docstring).

    ``Genesis(preset, block=1, **overrides)``; every method returns the builder, so calls
    chain: ``Genesis().fund("a", 10**12).subnet(1, "a", "ahk", tao_in=..., alpha_in=...)``.
    """

    def __init__(self, preset: str = DEFAULT_PRESET, block: int = 1, **overrides: Any) -> None:
        if not isinstance(preset, str):
            raise ConfigError(f"preset must be a preset name, got {preset!r}")
        if isinstance(block, bool) or not isinstance(block, int) or block < 1:
            raise ConfigError(f"genesis block must be an integer ≥ 1, got {block!r}")
        self.preset, self.block, self.overrides = preset, block, overrides
        self._balances: dict[str, int] = {}
        self._hotkeys: dict[str, str] = {}  # hotkey -> owner coldkey
        self._subnets: dict[int, _SubnetSpec] = {}
        self._neurons: list[tuple[int, str]] = []
        self._stakes: list[tuple[str, str, int, int]] = []
        self._takes: dict[str, int] = {}
        get_preset(preset, **overrides)  # an unknown preset or parameter fails here, early

    # -- what goes in -----------------------------------------------------------------------

    def fund(self, coldkey: str, amount: int) -> Genesis:
        """Free TAO (rao) for ``coldkey`` (added to what it already has here)."""
        _check(ops.check_name, coldkey, "coldkey")
        _check(ops.check_amount, amount, "amount")
        self._balances[coldkey] = self._balances.get(coldkey, 0) + amount
        return self

    def hotkey(self, coldkey: str, hotkey: str) -> Genesis:
        """Create ``hotkey`` owned by ``coldkey`` (``create_account_if_non_existent``)."""
        _check(ops.check_name, coldkey, "coldkey")
        _check(ops.check_name, hotkey, "hotkey")
        owner = self._hotkeys.setdefault(hotkey, coldkey)
        if owner != coldkey:
            raise ConfigError(f"hotkey {hotkey!r} is owned by {owner!r}, not {coldkey!r}")
        return self

    def subnet(
        self,
        netuid: int,
        owner_coldkey: str,
        owner_hotkey: str,
        *,
        tao_in: int = 0,
        alpha_in: int = 0,
        alpha_out: int | None = None,
        moving_price_bits: int = 0,
        tempo: int | None = None,
        registered_at: int | None = None,
        locked: int = 0,
        burn: int | None = None,
    ) -> Genesis:
        """Subnet ``netuid`` (≥ 1) with pool reserves ``tao_in`` rao / ``alpha_in`` alpha-rao
        (none: 0, as under ``root-vote``, where the reserves only price the stake on it).

        ``alpha_out``: SubnetAlphaOut (default: the alpha staked on it); ``moving_price_bits``:
        the EMA price as raw I96F32 (price · 2^32); ``tempo``, ``burn`` (rao) default to the
        preset's; ``registered_at`` to the genesis block; ``locked`` is recorded, not paid.
        The owner hotkey becomes UID 0.
        """
        _check(ops.check_netuid, netuid, "netuid")
        if netuid == ROOT:
            raise ConfigError("netuid 0 is root: give root stake with stake(..., netuid=0)")
        if netuid in self._subnets:
            raise ConfigError(f"subnet {netuid} is given twice")
        given: dict[str, int | None] = {
            "tao_in": tao_in,
            "alpha_in": alpha_in,
            "locked": locked,
            "moving_price_bits": moving_price_bits,
            "alpha_out": alpha_out,
            "burn": burn,
            "tempo": tempo,
            "registered_at": registered_at,
        }
        for what, value in given.items():
            if value is not None or what in ("tao_in", "alpha_in", "locked", "moving_price_bits"):
                _check(ops.check_amount, value, what)
        if tempo is not None and tempo > U16_MAX:
            raise ConfigError(f"tempo {tempo} does not fit in u16")
        self.hotkey(owner_coldkey, owner_hotkey)
        self._subnets[netuid] = _SubnetSpec(
            netuid,
            owner_coldkey,
            owner_hotkey,
            tao_in,
            alpha_in,
            alpha_out,
            moving_price_bits,
            tempo,
            registered_at,
            locked,
            burn,
        )
        return self

    def neuron(self, netuid: int, hotkey: str, coldkey: str | None = None) -> Genesis:
        """Register ``hotkey`` on ``netuid`` (next UID, no burn); ``coldkey`` creates it."""
        _check(ops.check_netuid, netuid, "netuid")
        _check(ops.check_name, hotkey, "hotkey")
        if coldkey is not None:
            self.hotkey(coldkey, hotkey)
        self._neurons.append((netuid, hotkey))
        return self

    def stake(self, coldkey: str, hotkey: str, netuid: int, amount: int) -> Genesis:
        """Credit ``amount`` (alpha-rao; rao on root, netuid 0) to the position without a swap."""
        _check(ops.check_name, coldkey, "coldkey")
        _check(ops.check_name, hotkey, "hotkey")
        _check(ops.check_netuid, netuid, "netuid")
        _check(ops.check_amount, amount, "amount")
        self._stakes.append((coldkey, hotkey, netuid, amount))
        return self

    def take(self, hotkey: str, take: int) -> Genesis:
        """A validator take (u16 / 65535) other than the preset's default."""
        _check(ops.check_name, hotkey, "hotkey")
        if isinstance(take, bool) or not isinstance(take, int) or not 0 <= take <= U16_MAX:
            raise ConfigError(f"take must be an integer in [0, 65535], got {take!r}")
        self._takes[hotkey] = take
        return self

    # -- the state --------------------------------------------------------------------------

    def build(self) -> State:
        """The state, checked: ``ConfigError`` naming the first inconsistency; under an era with
        its own storage, the collected network mapped by the era's ``Rules.genesis``."""
        state = self._build_dtao()
        mapping = rules_for(state.params).genesis
        return state if mapping is None else mapping(state)

    def _build_dtao(self) -> State:
        """The collected network as a dTAO state (pools, share-pool stakes), checked."""
        params = get_preset(self.preset, **self.overrides)
        state = State(params=params, block=self.block)
        state.hotkey_owner = dict(self._hotkeys)
        state.balances = {ck: v for ck, v in sorted(self._balances.items()) if v}
        for spec in sorted(self._subnets.values(), key=lambda s: s.netuid):
            subnet = extrinsics.init_new_network(
                state,
                spec.netuid,
                spec.owner_coldkey,
                spec.owner_hotkey,
                tao_in=spec.tao_in,
                alpha_in=spec.alpha_in,
                locked=spec.locked,
            )
            subnet.registered_at = self.block if spec.registered_at is None else spec.registered_at
            if spec.burn is not None:
                subnet.burn = spec.burn
            cols = state.columns
            cols.moving_price_bits[spec.netuid] = spec.moving_price_bits
            if spec.tempo is not None:
                cols.tempo[spec.netuid] = spec.tempo
        for netuid, hotkey in self._neurons:
            if netuid not in state.subnets:
                raise ConfigError(f"neuron {hotkey!r} on subnet {netuid}, which is not given")
            subnet = state.subnets[netuid]
            if hotkey not in state.hotkey_owner:
                raise ConfigError(f"neuron {hotkey!r} has no owner: pass its coldkey")
            if subnet.neurons.uid_of(hotkey) is not None:
                raise ConfigError(f"hotkey {hotkey!r} is registered twice on subnet {netuid}")
            if subnet.neurons.n >= subnet.max_uids:
                raise ConfigError(f"subnet {netuid} holds at most {subnet.max_uids} neurons")
            extrinsics.append_neuron(subnet, hotkey, self.block)
        staked: dict[int, int] = {}
        for coldkey, hotkey, netuid, amount in self._stakes:
            if netuid != ROOT and netuid not in state.subnets:
                raise ConfigError(f"stake on subnet {netuid}, which is not given")
            if hotkey not in state.hotkey_owner:
                raise ConfigError(f"stake through hotkey {hotkey!r}, which has no owner")
            ledger.increase_stake(state, coldkey, hotkey, netuid, amount)
            staked[netuid] = staked.get(netuid, 0) + amount
        state.root_tao = staked.get(ROOT, 0)
        state.takes = dict(self._takes)
        cols = state.columns
        for netuid, spec in self._subnets.items():
            held = staked.get(netuid, 0)
            alpha_out = held if spec.alpha_out is None else spec.alpha_out
            cols.alpha_out[netuid] = alpha_out
            cols.alpha_unbacked[netuid] = alpha_out - held
            if spec.alpha_in + alpha_out > params.total_supply:
                raise ConfigError(f"subnet {netuid}: alpha issuance beyond the supply")
        state.total_issuance = (
            sum(state.balances.values())
            + sum(spec.tao_in for spec in self._subnets.values())
            + state.root_tao
        )
        if state.total_issuance > params.total_supply:
            raise ConfigError(
                f"genesis issuance {state.total_issuance} rao exceeds the supply "
                f"{params.total_supply}"
            )
        invariants.check(state)
        return state


def _check(check: Any, value: object, what: str) -> None:
    """A field check of :mod:`dtao.operations`, reported as a ``ConfigError``."""
    try:
        check(value, what)
    except DtaoError as exc:
        raise ConfigError(f"genesis: {exc}") from None

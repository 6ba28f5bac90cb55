"""One starting network under the Root Network era (``root-vote``, d4d8182; issue 12 item 3):
the rules that map a dTAO-shaped genesis — pools, alpha stakes, root stake, balances, as
:class:`dtao.Genesis` collects them and the snapshot loader gives them — to a root-vote state,
so that comparisons between the presets start from the same network.

* The same subnets (netuid, owner coldkey and hotkey, tempo, burn, registration block), the
  same neurons in the same UIDs, the same free balances and hotkey owners. There are no pools:
  reserves, prices and alpha are not carried over; unbacked alpha (no holder) maps to nothing.
* Every stake position is valued in TAO at the genesis spot price of its subnet, exactly:
  ``⌊α · tao_in / alpha_in⌋`` rao per (coldkey, hotkey, netuid) position, each floored once
  (a rational, not a fixed-point price); root stake is TAO already (1:1). The positions of one
  (hotkey, coldkey) add up to its ``Stake`` entry. Stake on a subnet without a pool cannot be
  valued: ``ConfigError`` (give TAO stake on netuid 0).
* ``SubnetLocked`` is the subnet's genesis lock (0 unless given), held TAO in this era.
  So ``TotalIssuance`` = Σ free + Σ root stake + Σ ⌊α·p⌋ + Σ locks: the TAO value of the dTAO
  network's holdings at genesis prices, below the exact rational value by less than 1 rao per
  alpha position.
* Root seats: the ``root_seats`` (64) hotkeys with the largest ``TotalHotkeyStake`` (ties: by
  name), in that order as root uids, registered at the genesis block — the set root
  registration converges to, since a newcomer replaces the lowest-stake seat.
* Delegates: a seated hotkey, and any hotkey holding stake of a coldkey other than its owner
  (a nominator could not have staked otherwise), is a delegate at its genesis take, else the
  preset's default take (11 796 / 65 535).
* Votes and ``EmissionValues``: every seat votes the subnets in proportion to their genesis
  moving prices — the inputs of dTAO's share rule (``ema_price``) — max-upscaled to u16
  (w = ⌊65 535·m / max m⌋), root weighted 0; ``EmissionValues`` is then the root epoch of the
  genesis state (:func:`dtao.root_vote.root_epoch` at the next root-tempo block), i.e. what the
  first root epoch will compute if nothing changes. With every moving price 0 there are no
  votes and ``EmissionValues`` is 0 until the seats vote.
"""

from __future__ import annotations

from fractions import Fraction

from dtao import extrinsics as X
from dtao import invariants, ledger
from dtao.emission import block_emission
from dtao.epoch import blocks_until_next_epoch
from dtao.errors import ConfigError
from dtao.root_vote import (
    ROOT,
    ROOT_DELEGATE_TAKE,
    increase_stake,
    root_epoch,
    root_tempo,
    root_vote,
)
from dtao.root_vote_subnets import init_new_network
from dtao.state import State
from dtao.units import U16_MAX


def value_in_tao(source: State, netuid: int, alpha: int) -> int:
    """⌊alpha · tao_in / alpha_in⌋ rao: a position of ``netuid`` at its genesis spot price (root:
    1:1); ``ConfigError`` for stake on a subnet without a pool."""
    if netuid == ROOT:
        return alpha
    y, x = source.columns.get("tao_in", netuid), source.columns.get("alpha_in", netuid)
    if x == 0:
        raise ConfigError(
            f"stake on subnet {netuid}, which has no pool to value it at under root-vote: "
            "give TAO stake on netuid 0"
        )
    return alpha * y // x


def from_dtao(source: State) -> State:
    """The root-vote state of the network ``source`` describes (rules in the module docstring),
    checked by :func:`dtao.invariants.check`; ``source`` is not changed."""
    params = source.params
    state = State(params=params, block=source.block)
    state.hotkey_owner = dict(source.hotkey_owner)
    state.balances = dict(source.balances)
    state.network_last_lock = source.network_last_lock
    state.network_last_lock_block = source.network_last_lock_block
    ext = root_vote(state)
    for netuid in source.netuids:
        old = source.subnets[netuid]
        new = init_new_network(
            state, netuid, old.owner_coldkey, source.columns.get("tempo", netuid)
        )
        new.owner_hotkey = old.owner_hotkey
        new.registered_at = old.registered_at
        new.burn = old.burn
        for uid, hotkey in enumerate(old.neurons.hotkeys):
            X.append_neuron(new, hotkey, int(old.neurons.registered_at[uid]))
        ext.registered_at[netuid] = old.registered_at
        if old.locked:
            ext.locked[netuid] = old.locked
    for coldkey, hotkey, netuid, alpha in ledger.stake_positions(source):
        increase_stake(state, coldkey, hotkey, value_in_tao(source, netuid, alpha))
    state.total_issuance = (
        sum(state.balances.values()) + sum(ext.stake.values()) + sum(ext.locked.values())
    )
    if state.total_issuance > params.total_supply:
        raise ConfigError(f"the root-vote genesis issues {state.total_issuance} rao, beyond supply")
    state.takes = dict(source.takes)
    _seat_and_vote(state, source)
    invariants.check(state)
    return state


def _seat_and_vote(state: State, source: State) -> None:
    """Root seats, delegates, votes and ``EmissionValues`` (module docstring)."""
    ext = root_vote(state)
    params = state.params
    for hotkey, coldkey in ext.stake:
        if ext.stake[(hotkey, coldkey)] and state.hotkey_owner[hotkey] != coldkey:
            state.takes.setdefault(hotkey, params.default_take_u16)
    staked = [(-v, h) for h, v in ext.hotkey_total.items() if v]
    ext.seats = [h for _, h in sorted(staked)[: params.root_seats]]
    ext.seat_block = [state.block] * len(ext.seats)
    for hotkey in ext.seats:
        state.takes.setdefault(hotkey, ROOT_DELEGATE_TAKE)
    prices = {n: source.columns.get("moving_price_bits", n) for n in source.netuids}
    top = max(prices.values(), default=0)
    if top and ext.seats:
        votes = [(n, int(Fraction(U16_MAX * m, top))) for n, m in sorted(prices.items())]
        for uid in range(len(ext.seats)):
            ext.root_weights[uid] = [(ROOT, 0), *votes]
            ext.root_last_update[uid] = state.block
    due = state.block + blocks_until_next_epoch(ROOT, root_tempo(state), state.block)
    values = root_epoch(state, block_emission(state.total_issuance, params), block=due)
    if values is not None:
        ext.emission_values.update(values)

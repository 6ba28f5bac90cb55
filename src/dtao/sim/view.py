"""``MarketView``: what an agent (or a metric) may see of a network, and nothing it could write.

A view wraps a :class:`dtao.Network` and forwards only its reads: the block, subnets and their
era-specific terms, neurons, balances, positions, emission shares, the gate's bar, the pruning
order, the lock cost and the quotes (the same numbers the engine would execute now). It has no
method that changes the network; :meth:`MarketView.clone` hands out an independent copy for
what-if calculations (metrics), whose writes never reach the viewed network. Amounts are int rao
/ alpha-rao; prices float TAO per alpha (read-outs).
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from dtao.network import Network, NeuronsView, SubnetTerms, SubnetView
from dtao.params import Params
from dtao.receipts import SwapQuote
from dtao.units import RAO_PER_TAO

#: blocks per day at 12 s a block (taostats' "BTday")
BLOCKS_PER_DAY = 7_200


class MarketView:
    """A read-only facade over one network (see the module docstring)."""

    __slots__ = ("__network",)

    def __init__(self, network: Network) -> None:
        if not isinstance(network, Network):
            raise TypeError(f"MarketView needs a dtao Network, got {type(network).__name__}")
        self.__network = network

    # -- the chain ----------------------------------------------------------------------------

    @property
    def block(self) -> int:
        """The current block number."""
        return self.__network.block

    @property
    def params(self) -> Params:
        """The constants in force (immutable)."""
        return self.__network.params

    @property
    def total_issuance(self) -> int:
        """``TotalIssuance`` (rao)."""
        return self.__network.total_issuance

    @property
    def netuids(self) -> list[int]:
        """Existing subnets (without root), ascending."""
        return self.__network.netuids

    def digest(self) -> str:
        """sha256 of the network's canonical JSON (to check that nothing changed it)."""
        return self.__network.digest()

    # -- subnets --------------------------------------------------------------------------------

    def subnet(self, netuid: int) -> SubnetView:
        """A subnet's pool, prices, owner and counters (``SubnetNotExists`` if absent)."""
        return self.__network.subnet(netuid)

    def subnets(self) -> list[SubnetView]:
        """Every subnet's view, by netuid."""
        return [self.__network.subnet(n) for n in self.__network.netuids]

    def terms(self, netuid: int) -> SubnetTerms:
        """A subnet's era-specific switches and records (start call, emission switch, …)."""
        return self.__network.subnet_terms(netuid)

    def neurons(self, netuid: int) -> NeuronsView:
        """Per-UID arrays of a subnet (copies)."""
        return self.__network.neurons(netuid)

    def emission_shares(self) -> dict[int, float]:
        """Each subnet's share of the last block's TAO emission."""
        return self.__network.emission_shares()

    def emission_gate_bar(self) -> float | None:
        """The gate's bar θ (share of demand) where the preset gates emission, else None."""
        return self.__network.emission_gate_bar()

    def pruning_order(self) -> list[int]:
        """Subnets past their immunity, the next to be pruned first."""
        return self.__network.pruning_order()

    def network_lock_cost(self) -> int:
        """What registering a subnet costs now (rao)."""
        return self.__network.network_lock_cost()

    @property
    def last_network_registration_block(self) -> int:
        """The block of the last subnet registration (0 = never)."""
        return self.__network.last_network_registration_block

    def registration_open(self, netuid: int) -> bool:
        """Whether a burned registration on ``netuid`` has room this block."""
        return self.__network.registration_open(netuid)

    # -- accounts -------------------------------------------------------------------------------

    def balance(self, coldkey: str) -> int:
        """Free TAO of a coldkey (rao)."""
        return self.__network.balance(coldkey)

    def stake(self, coldkey: str, hotkey: str, netuid: int) -> int:
        """A position's stake (alpha-rao; rao on root)."""
        return self.__network.stake(coldkey, hotkey, netuid)

    def hotkey_stake(self, hotkey: str, netuid: int) -> int:
        """All stake held through a hotkey on a subnet (alpha-rao)."""
        return self.__network.hotkey_stake(hotkey, netuid)

    def positions(self, coldkey: str | None = None) -> list[tuple[str, str, int, int]]:
        """Stake positions as (coldkey, hotkey, netuid, amount), optionally for one coldkey."""
        return self.__network.positions(coldkey)

    def emission_control_stakes(self) -> dict[str, int]:
        """The stake that decides emission, by holder (rao; see the network's method)."""
        return self.__network.emission_control_stakes()

    def hotkey_owner(self, hotkey: str) -> str | None:
        """The coldkey owning a hotkey, or None if it was never created."""
        return self.__network.hotkey_owner(hotkey)

    def take(self, hotkey: str) -> int:
        """A hotkey's validator take (u16 / 65535)."""
        return self.__network.take(hotkey)

    # -- quotes (exactly what the engine would execute now) -----------------------------------

    def quote_stake(self, netuid: int, amount: int) -> SwapQuote:
        """What ``add_stake(amount rao)`` would do now."""
        return self.__network.quote_stake(netuid, amount)

    def quote_unstake(self, netuid: int, alpha: int) -> SwapQuote:
        """What ``remove_stake(alpha)`` would do now."""
        return self.__network.quote_unstake(netuid, alpha)

    def quote_move(self, origin_netuid: int, destination_netuid: int, alpha: int) -> SwapQuote:
        """What moving ``alpha`` between subnets would do now."""
        return self.__network.quote_move(origin_netuid, destination_netuid, alpha)

    def spot_price(self, netuid: int) -> Fraction:
        """The exact spot price (TAO per alpha) the era's pool trades at now; 1 on root."""
        return self.__network.spot_price(netuid)

    def price_rao(self, netuid: int) -> int:
        """The spot price in rao per whole alpha (the unit of a record's ``limit_price``),
        floored; 10^9 on root."""
        return floor(self.__network.spot_price(netuid) * RAO_PER_TAO)

    # -- what-ifs -------------------------------------------------------------------------------

    def clone(self) -> Network:
        """An independent copy of the network (same digest); writing to it never changes the
        viewed network."""
        return self.__network.copy()

    def trade_clone(self) -> Network:
        """:meth:`clone` for stake trades and quotes only: its neurons are read-only views of
        the viewed network's (no matrices copied); stepping it or touching its UIDs raises."""
        return self.__network.copy(neurons_read_only=True)

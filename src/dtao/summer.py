"""The summer-2026 era's own per-subnet state (the 14bc6f9 runtime's storage that the launch
era does not have), kept as one :class:`~dtao.state.Extension` named ``summer-2026``.

Every amount is an ``int64`` column indexed by netuid, like :class:`dtao.state.SubnetColumns`,
so that the block step can read all subnets at once; global items are plain attributes. Storage
names are those of opentensor/subtensor ``pallets/subtensor/src/lib.rs`` and
``pallets/swap/src/pallet/mod.rs`` @ ``14bc6f9``. The section is only written when an era uses
it (:func:`summer_columns` creates it on first use), so launch states are unchanged.

Each part of the era (issue 9) declares its columns in its own block of :data:`COLUMNS` with the
column's default for a new subnet.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from dtao.state import EXTENSION_DECODERS, State

#: Perquintill denominator of the balancer's quote weight
PERQUINTILL = 10**18

#: column name -> value a subnet's row starts with (amounts rao / alpha-rao, raw fixed-point)
COLUMNS: dict[str, int] = {
    # -- pool (balancer, pallets/swap @ 14bc6f9) --
    "quote_weight": PERQUINTILL // 2,  # SwapBalancer quote weight w2, parts per 10^18
    "pool_initialized": 0,  # PalSwapInitialized (1 once a swap or init_swap set w2 = 0.5)
    "alpha_burned": 0,  # alpha burned (burn_alpha, unpaid sell fees): still counted in o
    # -- coinbase, pending pots, root claim --
    "protocol_alpha": 0,  # SubnetProtocolAlpha: alpha bought by chain buys (part of o)
    "pending_server": 0,  # PendingServerEmission (alpha)
    "pending_validator": 0,  # PendingValidatorEmission (alpha)
    "pending_root_alpha": 0,  # PendingRootAlphaDivs (alpha)
    "excess_tao": 0,  # SubnetExcessTao: last block's chain-buy budget (rao, record)
    "emission_enabled": 1,  # SubnetEmissionEnabled: TAO-side emission switch (1 on, 0 off)
    "owner_cut_enabled": 1,  # OwnerCutEnabled (1 on, 0 off)
    "miner_burned_bits": 0,  # MinerBurned: withheld share of last epoch's incentive, U96F32 raw
    "root_prop_bits": 0,  # RootProp: rp after the block's coinbase, U96F32 raw
    "root_claimable_alpha": 0,  # alpha accrued to RootClaimable rates, not yet claimed (part of o)
    "last_epoch_block": 0,  # LastEpochBlock: the stateful scheduler's last slot (block)
    "blocks_since_last_step": 0,  # BlocksSinceLastStep (blocks)
    "pending_epoch_at": 0,  # PendingEpochAt: a deferred or triggered epoch's block (0 = none)
    # -- subnets, neuron burn, epoch scheduler --
    "first_emission_block": -1,  # FirstEmissionBlockNumber (-1 = None: start_call not made)
    "subtoken_enabled": 0,  # SubtokenEnabled (1 once start_call is made)
    "burn_half_life": 360,  # BurnHalfLife (blocks, u16; 0 = the burn never decays)
    "registered_counter": 0,  # RegisteredSubnetCounter (kept when the subnet is dissolved)
    "account_tao": 0,  # the subnet account's TAO beyond SubnetTAO (rao; < 0: pool unbacked)
    "tao_flow": 0,  # SubnetTaoFlow: TAO inflow recorded (rao, i64; read by nothing at HEAD)
    # -- childkeys --
    # -- current: reservoirs (swap pallet, RaoFoundation/subtensor; always 0 before it) --
    "tao_reservoir": 0,  # BalancerTaoReservoir: TAO materialised, not yet price-active (rao)
    "alpha_reservoir": 0,  # BalancerAlphaReservoir: alpha minted, not yet price-active
    "protocol_flow": 0,  # SubnetProtocolFlow: protocol TAO inflow recorded (rao, i64; record)
    # -- current: epoch consensus (spec 474, dtao.epoch_null) --
    "epoch_consensus": 0,  # SubnetEpochConsensus: 0 Yuma (default), 1 Null
}

#: the wide item of ``SubnetFastMovingPrice`` (U64F64 raw, written by :mod:`dtao.fast_ema`)
FAST_PRICE = "fast_moving_price_bits"
#: per-subnet items whose raw values do not fit an int64 column, kept as Python ints by netuid
#: (a netuid absent from a table reads as None: the chain's OptionQuery / not yet written)
WIDE: tuple[str, ...] = (
    # -- current: fast EMA (spec 464+, dtao.fast_ema) --
    "fast_moving_price_bits",  # SubnetFastMovingPrice: U64F64 raw (TAO per alpha · 2^64)
    # -- current: superellipse curve (dtao-current.md §6.3, dtao.curve), Q32 (value · 2^32) --
    "curve_a",  # scale a
    "curve_b",  # scale b
    "curve_cx",  # centre c_x (alpha side)
    "curve_cy",  # centre c_y (TAO side)
)


class SummerColumns:
    """The summer-2026 per-subnet columns (row = netuid) and global items."""

    name: ClassVar[str] = "summer-2026"

    def __init__(self, capacity: int = 8) -> None:
        self.columns: dict[str, np.ndarray] = {
            column: np.full(capacity, default, dtype=np.int64)
            for column, default in COLUMNS.items()
        }
        #: the :data:`WIDE` items: name -> {netuid: value}
        self.wide: dict[str, dict[int, int]] = {name: {} for name in WIDE}

    @property
    def capacity(self) -> int:
        return len(next(iter(self.columns.values())))

    def ensure(self, netuid: int) -> None:
        """Grow every column so that ``netuid`` is a valid row (new rows take the defaults)."""
        if netuid < self.capacity:
            return
        size = max(netuid + 1, 2 * self.capacity)
        for column, old in self.columns.items():
            new = np.full(size, COLUMNS[column], dtype=np.int64)
            new[: len(old)] = old
            self.columns[column] = new

    def reset(self, netuid: int) -> None:
        """Every column of ``netuid`` back to its default (a new or dissolved subnet)."""
        self.ensure(netuid)
        for column, values in self.columns.items():
            values[netuid] = COLUMNS[column]
        for table in self.wide.values():
            table.pop(netuid, None)

    def get(self, column: str, netuid: int) -> int:
        """One value as a Python int (the default for a row never written)."""
        values = self.columns[column]
        return int(values[netuid]) if netuid < len(values) else COLUMNS[column]

    def set(self, column: str, netuid: int, value: int) -> None:
        """Write one value (``OverflowError`` outside int64)."""
        self.ensure(netuid)
        self.columns[column][netuid] = int(value)

    def get_wide(self, name: str, netuid: int) -> int | None:
        """One :data:`WIDE` item (None when never written)."""
        return self.wide[name].get(netuid)

    def set_wide(self, name: str, netuid: int, value: int) -> None:
        """Write one :data:`WIDE` item (a non-negative int)."""
        if value < 0:
            raise ValueError(f"{name}[{netuid}] = {value} is negative")
        self.wide[name][netuid] = int(value)

    def to_dict(self) -> dict[str, Any]:
        """Per column, the rows that differ from the default, as decimal strings by netuid;
        the written :data:`WIDE` items under ``wide`` (only when there are some, so a state
        that never wrote one keeps its text and digest)."""
        out: dict[str, Any] = {}
        for column, values in sorted(self.columns.items()):
            default = COLUMNS[column]
            rows = {str(i): str(int(v)) for i, v in enumerate(values) if int(v) != default}
            if rows:
                out[column] = rows
        wide = {
            name: {str(i): str(v) for i, v in sorted(table.items())}
            for name, table in sorted(self.wide.items())
            if table
        }
        return {"columns": out, "wide": wide} if wide else {"columns": out}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SummerColumns:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""
        ext = cls()
        columns = data["columns"]
        unknown = set(columns) - set(COLUMNS)
        if unknown:
            raise KeyError(f"unknown summer-2026 columns {sorted(unknown)}")
        for column, rows in columns.items():
            for key, value in rows.items():
                netuid = int(key)
                if netuid < 0:
                    raise ValueError(f"netuid {key!r}")
                ext.set(column, netuid, int(value))
        wide = data.get("wide", {})
        unknown = set(wide) - set(WIDE)
        if unknown:
            raise KeyError(f"unknown summer-2026 wide items {sorted(unknown)}")
        for name, rows in wide.items():
            for key, value in rows.items():
                if int(key) < 0:
                    raise ValueError(f"netuid {key!r}")
                ext.set_wide(name, int(key), int(value))
        return ext


EXTENSION_DECODERS[SummerColumns.name] = SummerColumns.from_dict


def wide_value(state: State, name: str, netuid: int) -> int | None:
    """One :data:`WIDE` item without creating the section (None when never written)."""
    ext = state.extensions.get(SummerColumns.name)
    return None if ext is None else ext.get_wide(name, netuid)  # type: ignore[attr-defined]


def summer_columns(state: State) -> SummerColumns:
    """The state's summer-2026 columns, created (all defaults) on first use."""
    ext = state.extensions.get(SummerColumns.name)
    if ext is None:
        ext = state.extensions[SummerColumns.name] = SummerColumns(state.columns.capacity)
    return ext  # type: ignore[return-value]

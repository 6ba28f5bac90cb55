"""dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.

Public API: :class:`Network`; operation records in :mod:`dtao.operations` (re-exported here);
:class:`Genesis` to build a state directly; receipts in :mod:`dtao.receipts`; the presets in
:mod:`dtao.params`; errors in :mod:`dtao.errors`; units helpers in :mod:`dtao.units`.
"""

from dtao import childkeys as _childkeys  # noqa: F401  (registers the childkeys state section)
from dtao import errors, operations, receipts, units
from dtao import root_claim as _root_claim  # noqa: F401  (registers the root-claim section)
from dtao import summer as _summer  # noqa: F401  (registers the summer-2026 state section)
from dtao.genesis import Genesis
from dtao.network import Network, NeuronsView, SubnetTerms, SubnetView
from dtao.operations import (
    AddStake,
    BecomeDelegate,
    BurnAlpha,
    BurnedRegister,
    ClaimRoot,
    DissolveNetwork,
    Fund,
    Governance,
    LockStake,
    MoveStake,
    Operation,
    RecycleAlpha,
    RegisterNetwork,
    RemoveStake,
    RootRegister,
    ScheduleDissolveNetwork,
    SetChildkeyTake,
    SetChildren,
    SetEpochConsensus,
    SetPerpetualLock,
    SetRootClaimType,
    SetRootWeights,
    SetSubnetEmissionEnabled,
    SetTake,
    SetWeights,
    StartCall,
    SwapStake,
    Transfer,
    TransferStake,
    UnstakeAll,
    UnstakeAllAlpha,
)
from dtao.params import DEFAULT_PRESET, PRESETS, Params, get_preset
from dtao.receipts import BlockReceipt, Receipt, SwapQuote
from dtao.units import RAO_PER_TAO, format_amount, parse_amount

__version__ = "0.1.0"

__all__ = [
    "AddStake",
    "BecomeDelegate",
    "BlockReceipt",
    "BurnAlpha",
    "BurnedRegister",
    "DissolveNetwork",
    "ClaimRoot",
    "Fund",
    "Genesis",
    "Governance",
    "LockStake",
    "SetSubnetEmissionEnabled",
    "SetEpochConsensus",
    "MoveStake",
    "Network",
    "NeuronsView",
    "Operation",
    "DEFAULT_PRESET",
    "PRESETS",
    "Params",
    "RAO_PER_TAO",
    "Receipt",
    "RecycleAlpha",
    "RegisterNetwork",
    "RemoveStake",
    "RootRegister",
    "ScheduleDissolveNetwork",
    "SetRootClaimType",
    "SetRootWeights",
    "SetChildkeyTake",
    "SetChildren",
    "SetPerpetualLock",
    "SetTake",
    "SetWeights",
    "StartCall",
    "SubnetTerms",
    "SubnetView",
    "SwapQuote",
    "SwapStake",
    "Transfer",
    "TransferStake",
    "UnstakeAll",
    "UnstakeAllAlpha",
    "errors",
    "format_amount",
    "get_preset",
    "operations",
    "parse_amount",
    "receipts",
    "units",
]

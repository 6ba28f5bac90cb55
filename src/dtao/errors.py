"""Error types. ``ProtocolError`` subclasses carry the chain's error names.

A ``ProtocolError`` is an expected rejection: the operation left state unchanged.
``InvariantViolation`` is a bug and is never caught inside the core.
"""

from __future__ import annotations


class DtaoError(Exception):
    """Base of every error dtao raises on purpose."""


class ConfigError(DtaoError):
    """Bad preset, override, scenario or other configuration."""


class SimulationError(DtaoError):
    """A simulation could not run as asked."""


class InvariantViolation(DtaoError):
    """A conservation or consistency invariant failed: a bug, never an expected outcome."""


class ProtocolError(DtaoError):
    """The chain would reject this operation; state is unchanged. Named after the chain error."""


def _protocol(name: str, doc: str) -> type[ProtocolError]:
    return type(name, (ProtocolError,), {"__doc__": doc, "__module__": __name__})


# Names follow opentensor/subtensor pallets/subtensor/src/lib.rs `Error<T>` (launch era, 5073ade).
NotEnoughBalanceToStake = _protocol(
    "NotEnoughBalanceToStake", "The coldkey's free balance does not cover the amount."
)
NotEnoughStakeToWithdraw = _protocol(
    "NotEnoughStakeToWithdraw", "The position holds less stake than asked."
)
SubnetNotExists = _protocol("SubnetNotExists", "No subnet with that netuid.")
# registration and weights code of the chain name the same condition differently
SubNetworkDoesNotExist = type(
    "SubNetworkDoesNotExist",
    (SubnetNotExists,),
    {"__doc__": "No subnet with that netuid (registration/weights).", "__module__": __name__},
)
HotKeyAccountNotExists = _protocol("HotKeyAccountNotExists", "The hotkey was never created.")
HotKeyNotRegisteredInSubNet = _protocol(
    "HotKeyNotRegisteredInSubNet", "The hotkey holds no UID on that subnet."
)
HotKeyAlreadyRegisteredInSubNet = _protocol(
    "HotKeyAlreadyRegisteredInSubNet", "The hotkey already holds a UID on that subnet."
)
NonAssociatedColdKey = _protocol("NonAssociatedColdKey", "The hotkey is owned by another coldkey.")
AmountTooLow = _protocol("AmountTooLow", "Below the minimum stake (plus fee).")
SlippageTooHigh = _protocol("SlippageTooHigh", "The limit price would be crossed.")
InsufficientLiquidity = _protocol(
    "InsufficientLiquidity", "The swap would leave a reserve below the minimum liquidity."
)
NotEnoughBalanceToTransfer = _protocol(
    "NotEnoughBalanceToTransfer", "Free balance does not cover the transfer."
)
NetworkTxRateLimitExceeded = _protocol(
    "NetworkTxRateLimitExceeded", "Subnet registrations are rate-limited."
)
SubnetLimitReached = _protocol("SubnetLimitReached", "No free netuid and none can be pruned.")
TooManyRegistrationsThisBlock = _protocol(
    "TooManyRegistrationsThisBlock", "MaxRegistrationsPerBlock reached on this subnet."
)
TooManyRegistrationsThisInterval = _protocol(
    "TooManyRegistrationsThisInterval", "3·target registrations this interval reached."
)
RegistrationNotPermittedOnRootSubnet = _protocol(
    "RegistrationNotPermittedOnRootSubnet", "burned_register on netuid 0."
)
SubNetRegistrationDisabled = _protocol(
    "SubNetRegistrationDisabled", "Registration is switched off on this subnet."
)
NoNeuronIdAvailable = _protocol("NoNeuronIdAvailable", "No UID can be allocated or pruned.")
SettingWeightsTooFast = _protocol(
    "SettingWeightsTooFast", "Weights set again within the weights rate limit."
)
WeightVecNotEqualSize = _protocol("WeightVecNotEqualSize", "uids and weights differ in length.")
DuplicateUids = _protocol("DuplicateUids", "A UID appears twice in a weight vector.")
UidVecContainInvalidOne = _protocol(
    "UidVecContainInvalidOne", "A UID in the weight vector does not exist."
)
WeightVecLengthIsLow = _protocol("WeightVecLengthIsLow", "Fewer weights than MinAllowedWeights.")
MaxWeightExceeded = _protocol("MaxWeightExceeded", "A normalised weight exceeds MaxWeightsLimit.")
NotEnoughStakeToSetWeights = _protocol(
    "NotEnoughStakeToSetWeights", "Stake weight below the StakeThreshold."
)
DelegateTakeTooHigh = _protocol("DelegateTakeTooHigh", "Take above MaxDelegateTake.")
DelegateTakeTooLow = _protocol(
    "DelegateTakeTooLow", "Take below MinDelegateTake, or not an increase/decrease as asked."
)
DelegateTxRateLimitExceeded = _protocol(
    "DelegateTxRateLimitExceeded", "Take increased again within TxDelegateTakeRateLimit."
)
TransferDisallowed = _protocol(
    "TransferDisallowed", "Stake transfers are switched off (TransferToggle) on a subnet."
)
NotSubnetOwner = _protocol("NotSubnetOwner", "The coldkey does not own the subnet.")
ZeroBalanceAfterWithdrawn = _protocol(
    "ZeroBalanceAfterWithdrawn", "Nothing could be withdrawn while keeping the existential deposit."
)
InvalidAmount = _protocol("InvalidAmount", "The amount is not a valid u64 number of rao.")
CanNotSetRootNetworkWeights = _protocol("CanNotSetRootNetworkWeights", "set_weights on netuid 0.")
UidsLengthExceedUidsInSubNet = _protocol(
    "UidsLengthExceedUidsInSubNet", "More uids than the subnet has."
)
NeuronNoValidatorPermit = _protocol(
    "NeuronNoValidatorPermit", "Non-self weights need a validator permit."
)
# swap pallet (pallets/swap @ 14bc6f9), used by the balancer pool math
ReservesTooLow = _protocol(
    "ReservesTooLow", "Output reserve below SwapMinimumReserve, or a non-zero input buys nothing."
)
PriceLimitExceeded = _protocol(
    "PriceLimitExceeded", "The limit price is not strictly beyond the current price."
)
SwapInputTooLarge = _protocol("SwapInputTooLarge", "Net input exceeds 1000 × the input reserve.")
ReservesOutOfBalance = _protocol(
    "ReservesOutOfBalance", "Initialisation would need a weight outside [0.01, 0.99]."
)
TransactorAccountShouldBeHotKey = _protocol(
    "TransactorAccountShouldBeHotKey", "Proof-of-work registration must be signed by the hotkey."
)
# root claims (claim_root.rs, macros/dispatches.rs, macros/errors.rs @ 14bc6f9)
BadOrigin = _protocol("BadOrigin", "The call needs the root origin (or the subnet's owner).")
StakingOperationRateLimitExceeded = _protocol(
    "StakingOperationRateLimitExceeded",
    "The position was staked into this block (the 2025-07 → 2026-06 per-block limiter).",
)
# swap pallet v3 (pallets/swap/src/pallet/mod.rs @ ec2212c)
FeeRateTooHigh = _protocol("FeeRateTooHigh", "A swap fee rate above the pallet's MaxFeeRate.")
InvalidSubnetNumber = _protocol(
    "InvalidSubnetNumber", "claim_root needs 1 to 5 subnets; KeepSubnets at least one."
)
InvalidNumRootClaim = _protocol("InvalidNumRootClaim", "NumRootClaim above MAX_NUM_ROOT_CLAIMS.")
InvalidRootClaimThreshold = _protocol(
    "InvalidRootClaimThreshold", "RootClaimableThreshold above MAX_ROOT_CLAIM_THRESHOLD."
)
# staking at 14bc6f9 (pallets/subtensor/src/lib.rs Error<T> @ 14bc6f9)
SubtokenDisabled = _protocol("SubtokenDisabled", "The subnet's token is not enabled (start_call).")
SameNetuid = _protocol("SameNetuid", "A stake move to the same keys and the same subnet.")
InsufficientBalance = _protocol(
    "InsufficientBalance", "Nothing can be moved while keeping the existential deposit."
)
CannotBurnOrRecycleOnRootSubnet = _protocol(
    "CannotBurnOrRecycleOnRootSubnet", "recycle_alpha / burn_alpha on netuid 0."
)
CallUnavailable = _protocol(
    "CallUnavailable", "The era's runtime has no such extrinsic (not in its call enum)."
)
# admin-utils (pallets/admin-utils @ 14bc6f9): governance calls of the summer-2026 coinbase
SubnetDoesNotExist = type(
    "SubnetDoesNotExist",
    (SubnetNotExists,),
    {"__doc__": "No subnet with that netuid (admin-utils).", "__module__": __name__},
)
NotPermittedOnRootSubnet = _protocol(
    "NotPermittedOnRootSubnet", "The governance call does not apply to netuid 0."
)

# childkeys (set_children.rs, rate_limiting.rs @ 5073ade and 14bc6f9)
TxRateLimitExceeded = _protocol(
    "TxRateLimitExceeded", "set_children again before the rate limit (150 blocks) has passed."
)
TooManyChildren = _protocol("TooManyChildren", "More children than allowed (5).")
InvalidChild = _protocol("InvalidChild", "A hotkey cannot be its own child.")
DuplicateChild = _protocol("DuplicateChild", "A child appears twice in the list.")
ProportionOverflow = _protocol("ProportionOverflow", "The proportions sum beyond u64::MAX.")
#: spec 475 fan-in cap: ``DispatchError::Other("TooManyParents")`` in
#: ``persist_child_parent_relations`` (RaoFoundation/subtensor set_children.rs, id:71444908410)
TooManyParents = _protocol("TooManyParents", "A child would have more parents than the cap.")
ChildParentInconsistency = _protocol(
    "ChildParentInconsistency", "A child would also be a parent of the hotkey (14bc6f9)."
)
NotEnoughStakeToSetChildkeys = _protocol(
    "NotEnoughStakeToSetChildkeys", "The hotkey's total stake is below the stake threshold."
)
InvalidChildkeyTake = _protocol("InvalidChildkeyTake", "The childkey take is out of range.")
TxChildkeyTakeRateLimitExceeded = _protocol(
    "TxChildkeyTakeRateLimitExceeded", "The childkey take changed again too soon."
)
# subnet lifecycle at 14bc6f9 (subnets/subnet.rs, coinbase/root.rs, macros/errors.rs)
CannotAffordLockCost = _protocol(
    "CannotAffordLockCost", "The coldkey's balance does not cover the subnet lock cost."
)
BadOrigin = _protocol("BadOrigin", "The signer may not make this call (e.g. not the owner).")
FirstEmissionBlockNumberAlreadySet = _protocol(
    "FirstEmissionBlockNumberAlreadySet", "start_call was already made on this subnet."
)
NeedWaitingMoreBlocksToStarCall = _protocol(
    "NeedWaitingMoreBlocksToStarCall", "StartCallDelay has not passed since registration."
)
# conviction locks (staking/lock.rs @ 14bc6f9)
LockHotkeyMismatch = _protocol(
    "LockHotkeyMismatch", "The coldkey's lock on this subnet is to another hotkey."
)
InsufficientStakeForLock = _protocol(
    "InsufficientStakeForLock", "The lock would exceed the coldkey's stake on the subnet."
)
# Root Reborn (RaoFoundation/subtensor, spec 475)
RootStakeLocked = _protocol(
    "RootStakeLocked", "The root stake of this pair is inside its RootStakeUnlockInterval hold."
)
BasketTradingDisabled = _protocol("BasketTradingDisabled", "Basket trading is switched off.")
BasketTradingFrozen = _protocol("BasketTradingFrozen", "This fund is frozen for trading.")
BasketSameSubnet = _protocol("BasketSameSubnet", "A basket trade's two rows must differ.")
BasketSwapBatchEmpty = _protocol("BasketSwapBatchEmpty", "A basket trade batch has no legs.")
BasketSwapBatchTooLarge = _protocol("BasketSwapBatchTooLarge", "Too many basket trade legs.")
BasketPriceBandExceeded = _protocol(
    "BasketPriceBandExceeded", "A basket trade leg fills outside the price band."
)
BasketTurnoverCapExceeded = _protocol(
    "BasketTurnoverCapExceeded", "The fund's turnover bucket cannot cover the trade."
)
BasketLiquidityCapExceeded = _protocol(
    "BasketLiquidityCapExceeded", "The destination holding would exceed the pool's cap."
)
BasketConcentrationCapExceeded = _protocol(
    "BasketConcentrationCapExceeded", "The destination would exceed its share of the NAV."
)

# The Root Network runtime (root-vote preset, d4d8182 lib.rs `Error<T>`).
RootNetworkDoesNotExist = _protocol("RootNetworkDoesNotExist", "Netuid 0 has not been created.")
StakeTooLowForRoot = _protocol(
    "StakeTooLowForRoot", "The root network is full and the hotkey outweighs no member."
)
NotRootSubnet = _protocol("NotRootSubnet", "Root weights are set on netuid 0 only.")
HotKeyAlreadyDelegate = _protocol("HotKeyAlreadyDelegate", "The hotkey is a delegate already.")
HotKeyNotDelegateAndSignerNotOwnHotKey = _protocol(
    "HotKeyNotDelegateAndSignerNotOwnHotKey",
    "Only the owner may stake to a hotkey that is not a delegate.",
)
NomStakeBelowMinimumThreshold = _protocol(
    "NomStakeBelowMinimumThreshold", "A nomination would stay below NominatorMinRequiredStake."
)
StakingRateLimitExceeded = _protocol(
    "StakingRateLimitExceeded", "Too many stake operations for this pair in the interval."
)
StakeToWithdrawIsZero = _protocol("StakeToWithdrawIsZero", "An unstake of 0 rao.")
AllNetworksInImmunity = _protocol(
    "AllNetworksInImmunity", "The subnet limit is reached and every subnet is immune."
)

"""Replay of operation scenarios (``vectors/ops/*.json``): the chain's test mock over dtao.

A case builds a state the way the upstream test builds it (the mock's helpers and direct storage
writes, each file's ``semantics`` says what they do), runs its steps — extrinsics through
:func:`dtao.operations.apply`, protocol calls through the engine's own functions — and checks the
assertions on the state after each step. The mock's configuration (``mock_runtime`` / ``params``,
chain names) becomes parameter overrides of the case's preset.

Setup writes state directly, as the mock does: a mock state need not satisfy dtao's
conservation identities (the mock funds accounts without issuance), so they are not checked
here; they are checked everywhere else.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any, Protocol

from dtao import codec, extrinsics, ledger
from dtao import errors as E
from dtao import operations as ops
from dtao.conformance.registry import OPS_SCENARIO, Case, CaseFailed, handles
from dtao.eras import rules_for
from dtao.fixed import FRAC64, ONE32
from dtao.params import get_preset
from dtao.state import SharePool, State, contiguous_subnets

#: mock configuration (chain name) -> dtao parameter; values the mock's ``init_new_network``
#: overwrites per subnet (MaxAllowedUids 256, ImmunityPeriod 5000, …) are dtao's defaults
#: already and are not mapped
MOCK_PARAMS = {
    "SubnetOwnerCut": "owner_cut_u16",
    "TaoWeight": "tao_weight_u64",
    "SubnetMovingAlpha": "ema_alpha",
    "DefaultDelegateTake": "default_take_u16",
    "MinDelegateTake": "min_take_u16",
    "MaxDelegateTake": "max_take_u16",
    "Tempo": "tempo",
    "Burn": "burn_initial",
    "MaxBurn": "burn_max",
    "MaxRegistrationsPerBlock": "max_registrations_per_block",
    "ActivityCutoff": "activity_cutoff",
    "Kappa": "kappa_u16",
    "BondsMovingAverage": "bonds_moving_average",
    "BondsPenalty": "bonds_penalty_u16",
    "WeightsSetRateLimit": "weights_rate_limit",
    "NetworkMinLockCost": "network_min_lock",
    "NetworkLastLockCost": "network_last_lock",
    "NetworkLockReductionInterval": "lock_reduction_interval",
    "NetworkRateLimit": "network_rate_limit",
    "StakeThreshold": "stake_threshold",
    "DefaultStakingFee": "staking_fee",
    "DefaultMinStake": "min_stake",
    "DefaultMinimumPoolLiquidity": "min_pool_liquidity",
    "TxDelegateTakeRateLimit": "take_rate_limit",
    "NominatorMinRequiredStake": "nominator_min_stake",
    "ExistentialDeposit": "existential_deposit",
    # the ``mock_runtime`` table of the taoflow files (tests/mock.rs @ ec2212c)
    "Tempo_default": "tempo",
    "MinBurn_default": "burn_min",
    "MaxBurn_default": "burn_max",
    "DefaultNeuronBurnCost": "burn_initial",
    "BurnHalfLife_default": "burn_half_life",
    "BurnIncreaseMult_default": "burn_increase_mult",
    "MinStake": "min_stake",
    "NetworkLastLockCost_default": "network_last_lock",
    "SubnetLimit_default": "subnet_limit",
    "NetworkImmunityPeriod": "network_immunity_period",
    "StartCallDelay": "start_call_delay",
    "EMAPriceHalvingBlocks": "ema_warmup_blocks",
    "FlowEmaSmoothingFactor": "flow_ema_smoothing",
    "TaoFlowCutoff": "tao_flow_cutoff",
    "FlowNormExponent": "flow_norm_exponent",
    "NetTaoFlowEnabled": "net_tao_flow",
    "SwapFeeRate_default": "swap_fee_rate",
    "SwapMinimumReserve": "swap_min_reserve",
    "BlockAuthor": "block_author",
    "RootClaimableThreshold_default": "root_claim_threshold",
    "NumRootClaim_default": "num_root_claim",
    "MaxTaoIssuance": "total_supply",
}
#: mock configuration that changes nothing dtao models (proof-of-work, childkey defaults)
MOCK_IGNORED = {
    "Difficulty",
    "DefaultChildKeyTake",
    "DefaultPendingCooldown",
    "SubnetOwner_default",
    "MinBurn",  # init_new_network overwrites it with 1
    "TargetRegistrationsPerInterval",  # overwritten with 1
    "AdjustmentInterval",  # overwritten with 360
    "AdjustmentAlpha",  # overwritten with 0.97
    "ImmunityPeriod",  # overwritten with 5000
    "MaxAllowedUids",  # overwritten with 256
    "MaxAllowedValidators",  # overwritten with 64
    "TotalIssuance",  # state, set below
    "NetworkLastRegistered",  # state, set below
    "MaxAllowedUids_default",  # init_new_network writes 256
    "ImmunityPeriod_default",  # init_new_network writes 5000
    "SwapFeeSplitToPool",  # 0: every fee to the author, the only split dtao models
    "SwapMinimumLiquidity",  # the v3 position's floor; dtao has no user liquidity
    "SwapMaxFeeRate",  # the fee-rate setter's bound (the taoflow swap overlay's)
}


class MockChain:
    """One case's chain: a dtao state, the era's rules, and the mock's helpers over them."""

    def __init__(self, case: Case, document: dict[str, Any]) -> None:
        config: dict[str, Any] = dict(document.get("mock_runtime") or {})
        config.update(case.get("params") or {})
        preset = case.get("preset") or document.get("preset") or "launch"
        mapped, ignored = dict(MOCK_PARAMS), set(MOCK_IGNORED)
        for overlay in overlays_for(preset):  # an overlay's own ``PARAMS`` (None: ignored)
            for name, target in getattr(overlay, "PARAMS", {}).items():
                if target is None:
                    ignored.add(name)
                    mapped.pop(name, None)
                else:
                    mapped[name] = target
        overrides: dict[str, Any] = {}
        for name, value in config.items():
            if name in mapped:
                overrides[mapped[name]] = value
            elif name not in ignored:
                raise CaseFailed(f"mock parameter {name!r} is not mapped to dtao")
        params = get_preset(preset, **overrides)
        self.state = State(params=params, block=1)
        self.state.total_issuance = int(config.get("TotalIssuance", 0))
        self.state.network_last_lock = params.network_last_lock
        self.state.network_last_lock_block = int(config.get("NetworkLastRegistered", 0))
        self.returns: dict[str, Any] = {}
        self.last_receipt: Any = None  # the receipt of the last extrinsic applied
        # the mock's tables: the launch ones, with the preset's overlay (``OVERLAYS``) on top
        self.record_actions = dict(RECORD_ACTIONS)
        self.actions = dict(ACTIONS)
        self.storage = dict(STORAGE)
        self.quantities = dict(QUANTITIES)
        for overlay in overlays_for(preset):
            self.record_actions.update(overlay.RECORD_ACTIONS)
            self.actions.update(overlay.ACTIONS)
            self.storage.update(overlay.STORAGE)
            self.quantities.update(overlay.QUANTITIES)
        #: per-subnet storage written before the subnet was added (netuid -> field -> value)
        self.before_added: dict[int, dict[str, Any]] = {}

    @property
    def rules(self) -> Any:
        return rules_for(self.state.params)

    # -- actions ----------------------------------------------------------------------------

    def act(self, action: dict[str, Any]) -> Any:
        """Run one setup action or step; its return value (None for most)."""
        name = action.get("action")
        fields = {k: v for k, v in action.items() if k not in _STEP_KEYS}
        record = self.record_actions.get(str(name))
        if record is not None:  # an extrinsic: its fields are the record's
            return self._apply(record(**fields))
        method = self.actions.get(str(name))
        if method is None:
            raise NotReplayed(f"action {name!r} is not replayed yet")
        return method(self, **fields)

    def set_block(self, block: int) -> None:
        self.state.block = int(block)

    def fund(self, coldkey: str, amount: int) -> None:
        """``add_balance_to_coldkey_account``: free balance only, issuance untouched."""
        ledger.increase_balance(self.state, coldkey, int(amount))

    def create_hotkey(self, coldkey: str, hotkey: str) -> None:
        self.state.hotkey_owner.setdefault(hotkey, coldkey)

    def add_dynamic_network(
        self, owner_hotkey: str, owner_coldkey: str, netuid: int | None = None
    ) -> int:
        """The mock helper: fund the owner with the lock cost, then ``register_network``."""
        lock = self.rules.registration.network_lock_cost(self.state)
        self.fund(owner_coldkey, lock)
        got = ops.apply(self.state, self.rules, ops.RegisterNetwork(owner_coldkey, owner_hotkey))
        if netuid is not None and got.result != netuid:
            raise CaseFailed(f"add_dynamic_network made netuid {got.result}, case says {netuid}")
        return int(got.result or 0)

    def credit_stake(self, hotkey: str, coldkey: str, netuid: int, amount: int) -> None:
        """``increase_stake_for_hotkey_and_coldkey_on_subnet``: share-pool credit, no swap."""
        ledger.increase_stake(self.state, coldkey, hotkey, int(netuid), int(amount))

    def debit_stake(self, hotkey: str, coldkey: str, netuid: int, amount: int) -> None:
        """``decrease_stake_for_hotkey_and_coldkey_on_subnet`` (only if the position covers it)."""
        netuid, amount = int(netuid), int(amount)
        held = ledger.get_stake(self.state, coldkey, hotkey, netuid)
        if (hotkey, netuid) in self.state.stakes and held >= amount:
            ledger.decrease_stake(self.state, coldkey, hotkey, netuid, amount)

    def credit_stake_all(self, hotkey: str, netuid: int, amount: int) -> None:
        """``increase_stake_for_hotkey_on_subnet``: TotalHotkeyAlpha += amount."""
        pool = self.state.stakes.setdefault((hotkey, int(netuid)), SharePool())
        pool.value += int(amount)

    def set_storage(
        self,
        item: str,
        value: Any,
        keys: dict[str, Any] | None = None,
        value_bits: int | None = None,
    ) -> None:
        """A direct storage write (``value_bits``: the raw I96F32 of a float value)."""
        if value_bits is not None:
            keys = {**(keys or {}), "value_bits": value_bits}
        writer = self.storage.get(item)
        if writer is None:
            raise NotReplayed(f"storage item {item!r} is not written yet")
        writer(self, keys or {}, value)

    def add_network(self, netuid: int, tempo: int, mechanism: int = 0) -> None:
        """The mock's ``add_network``: ``init_new_network`` with no owner, no UIDs, no lock;
        SubnetMechanism stays 0 (stable) and the pool keeps what storage already holds."""
        subnet = extrinsics.init_new_network(
            self.state, int(netuid), "0", "", None, None, 0, tempo=int(tempo), dynamic=False
        )
        for name, value in self.before_added.pop(int(netuid), {}).items():
            setattr(subnet, name, value)  # storage init_new_network does not overwrite

    def register_neuron(
        self, netuid: int, hotkey: str, coldkey: str, signer: str | None = None
    ) -> int:
        """The mock's ``register_ok_neuron``: proof-of-work ``register`` (no TAO moves)."""
        state, netuid = self.state, int(netuid)
        if signer is not None and signer != hotkey:
            raise E.TransactorAccountShouldBeHotKey("the signer must be the hotkey")
        if netuid == 0:
            raise E.RegistrationNotPermittedOnRootSubnet("netuid 0")
        subnet = state.subnets.get(netuid)
        if subnet is None:
            raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
        cols = state.columns
        if not cols.pow_registration_allowed[netuid]:
            raise E.SubNetRegistrationDisabled(f"registration is off on subnet {netuid}")
        per_block = cols.get("max_registrations_per_block", netuid)
        if extrinsics.registrations_this_block(state, netuid) >= per_block:
            raise E.TooManyRegistrationsThisBlock(f"subnet {netuid}")
        if subnet.registrations_this_interval >= 3 * cols.get("target_registrations", netuid):
            raise E.TooManyRegistrationsThisInterval(f"subnet {netuid}")
        if subnet.neurons.uid_of(hotkey) is not None:
            raise E.HotKeyAlreadyRegisteredInSubNet(hotkey)
        owner = state.hotkey_owner.get(hotkey, coldkey)
        if owner != coldkey:
            raise E.NonAssociatedColdKey(hotkey)
        if subnet.max_uids == 0:
            raise E.NoNeuronIdAvailable(f"subnet {netuid}")
        replace = None
        if subnet.neurons.n >= subnet.max_uids:
            replace = extrinsics.neuron_to_prune(subnet, state.block)
            if replace is None:
                raise E.NoNeuronIdAvailable(f"subnet {netuid}")
        state.hotkey_owner.setdefault(hotkey, coldkey)
        uid, _ = extrinsics.register_neuron(state, subnet, hotkey, replace)
        subnet.pow_registrations_this_interval += 1
        return uid

    # extrinsics: the steps of RECORD_ACTIONS become records applied by dtao's ``apply`` -----

    def clear_small_nominations(self) -> None:
        extrinsics.clear_small_nominations(self.state, self.rules, [])

    def _apply(self, record: ops.Operation) -> int:
        receipt = ops.apply(self.state, self.rules, record)
        self.last_receipt = receipt  # what the extrinsic's events are read from
        return int(receipt.result or 0)

    # protocol calls -----------------------------------------------------------------------

    def stake_into_subnet(self, hotkey: str, coldkey: str, netuid: int, tao: int, fee: int) -> int:
        """The pallet function: swap ``tao`` less the fee and credit it (no balance debit)."""
        return extrinsics._stake_into_subnet(
            self.state, self.rules, [], hotkey, coldkey, int(netuid), int(tao), fee=int(fee)
        )

    def run_coinbase(self, block_emission: int) -> None:
        """``run_coinbase(E)`` in the current block: injection, then the epochs due."""
        from dtao.block import coinbase_and_epochs
        from dtao.receipts import BlockReceipt

        state = self.state
        receipt = BlockReceipt(block=state.block)
        coinbase_and_epochs(
            state, self.rules, contiguous_subnets(state), int(block_emission), receipt
        )

    def drain_pending_emission(
        self,
        netuid: int,
        pending_alpha: int,
        pending_tao: int,
        pending_swapped: int,
        owner_cut: int,
    ) -> None:
        """The epoch payout called directly with the given pots (the pot storage is neither
        read nor reset by the call)."""
        state, netuid = self.state, int(netuid)
        if netuid not in state.subnets:
            return
        cols = state.columns
        names = (
            "pending_emission",
            "pending_root_divs",
            "pending_alpha_swapped",
            "pending_owner_cut",
        )
        saved = [cols.get(name, netuid) for name in names]
        for name, value in zip(
            names, (pending_alpha, pending_tao, pending_swapped, owner_cut), strict=True
        ):
            getattr(cols, name)[netuid] = int(value)
        self.rules.epoch(state, self.rules, netuid)
        for name, value in zip(names, saved, strict=True):
            getattr(cols, name)[netuid] = value

    def update_moving_price(self, netuid: int) -> None:
        """``update_moving_price`` of one subnet (stake_utils.rs @ 5073ade)."""
        import numpy as np

        from dtao.emission import ema_cap_bits, price_bits, updated_moving_price_bits

        state, netuid = self.state, int(netuid)
        cols, params = state.columns, state.params
        cap = ema_cap_bits(params)
        if extrinsics.is_dynamic(state, netuid):
            observed = price_bits(
                cols.tao_in[netuid : netuid + 1], cols.alpha_in[netuid : netuid + 1], cap
            )
        else:
            observed = np.array([min(ONE32, cap or ONE32)], dtype=np.int64)
        m = cols.moving_price_bits[netuid : netuid + 1]
        m[:] = updated_moving_price_bits(m, observed, None, params)

    def blocks_until_next_epoch(self, netuid: int, tempo: int, block: int) -> int:
        from dtao.epoch import blocks_until_next_epoch

        return blocks_until_next_epoch(int(netuid), int(tempo), int(block))

    def get_neuron_to_prune(self, netuid: int) -> int:
        """``get_neuron_to_prune`` (0 on an empty subnet); the chosen UID's pruning score
        becomes u16::MAX, as the chain's function writes it."""
        subnet = self.state.subnets.get(int(netuid))
        if subnet is None:
            return 0
        uid = extrinsics.neuron_to_prune(subnet, self.state.block)
        if uid is None:
            return 0
        subnet.neurons.pruning_score[uid] = 65_535
        return uid

    def swap_tao_for_alpha(self, netuid: int, amount: int) -> int:
        got = extrinsics.swap_tao_for_alpha(self.state, self.rules, int(netuid), int(amount))
        return got or 0

    def swap_alpha_for_tao(self, netuid: int, amount: int) -> int:
        return extrinsics.swap_alpha_for_tao(self.state, self.rules, int(netuid), int(amount))

    def step_block(self, n: int = 1) -> None:
        from dtao.block import process_block

        for _ in range(int(n)):
            process_block(self.state, self.rules)

    def run_to_block(self, block: int) -> None:
        self.step_block(max(int(block) - self.state.block, 0))

    # -- quantities ---------------------------------------------------------------------------

    def read(self, quantity: str, keys: dict[str, Any]) -> Any:
        reader = self.quantities.get(quantity)
        if reader is None:
            raise NotReplayed(f"quantity {quantity!r} is not read yet")
        return reader(self, **keys)


class NotReplayed(CaseFailed):
    """dtao cannot replay this action, storage write or read yet: the case fails."""


_STEP_KEYS = {"action", "expect_error", "expect_ok", "returns", "validate_only", "note", "notes"}


# -- storage writes ---------------------------------------------------------------------------


def _column_writer(column: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        netuid = int(keys["netuid"])
        if netuid == 0 and column == "tao_in":
            chain.state.root_tao = int(value)
            return
        chain.state.columns.ensure(netuid)  # storage of a subnet not added yet is kept
        getattr(chain.state.columns, column)[netuid] = int(value)

    return write


#: per-subnet items that ``init_new_network`` overwrites (written before it, they are lost)
_OVERWRITTEN = {"max_uids", "immunity_period", "adjustment_alpha_u64"}


def _subnet_field(name: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        netuid = int(keys["netuid"])
        subnet = chain.state.subnets.get(netuid)
        if subnet is None:  # kept until the subnet is added, unless that overwrites it
            if name not in _OVERWRITTEN:
                chain.before_added.setdefault(netuid, {})[name] = int(value)
            return
        setattr(subnet, name, int(value))

    return write


def _global_param(name: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.params = chain.state.params.replace(**{name: value})

    return write


def _pruning_score(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    subnet = chain.state.subnets.get(int(keys["netuid"]))
    if subnet is None:
        raise NotReplayed(f"PruningScores of subnet {keys['netuid']}, not added")
    subnet.neurons.pruning_score[int(keys["uid"])] = int(value)


def _transfer_toggle(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    netuid = int(keys["netuid"])
    chain.state.columns.ensure(netuid)
    chain.state.columns.transfers_off[netuid] = 0 if value else 1


def _subnet_owner(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    subnet = chain.state.subnets.get(int(keys["netuid"]))
    if subnet is None:
        raise NotReplayed(f"SubnetOwner of subnet {keys['netuid']}, not added")
    subnet.owner_coldkey = str(value)


def _delegates(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.takes[str(keys["hotkey"])] = int(value)


def _moving_price(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    netuid = int(keys["netuid"])
    chain.state.columns.moving_price_bits[netuid] = int(
        keys.get("value_bits", round(value * ONE32))
    )


def _tempo(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.columns.tempo[int(keys["netuid"])] = int(value)


def _total_hotkey_alpha(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    pool = chain.state.stakes.setdefault((str(keys["hotkey"]), int(keys["netuid"])), SharePool())
    pool.value = int(value)


def _total_hotkey_shares(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    pool = chain.state.stakes.setdefault((str(keys["hotkey"]), int(keys["netuid"])), SharePool())
    pool.total_shares = int(value["bits"]) if isinstance(value, dict) else int(value) << FRAC64


def _mechanism(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.columns.ensure(int(keys["netuid"]))
    chain.state.columns.mechanism[int(keys["netuid"])] = int(value)


STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "SubnetTAO": _column_writer("tao_in"),
    "SubnetAlphaIn": _column_writer("alpha_in"),
    "SubnetAlphaOut": _column_writer("alpha_out"),
    "SubnetMechanism": _mechanism,
    "SubnetMovingPrice": _moving_price,
    "Tempo": _tempo,
    "SubnetOwner": _subnet_owner,
    "Delegates": _delegates,
    "MaxAllowedUids": _subnet_field("max_uids"),
    "Burn": _subnet_field("burn"),
    "ImmunityPeriod": _subnet_field("immunity_period"),
    "TaoWeight": _global_param("tao_weight_u64"),
    "SubnetOwnerCut": _global_param("owner_cut_u16"),
    "SubnetMovingAlpha": _global_param("ema_alpha"),
    "TransferToggle": _transfer_toggle,
    "MaxRegistrationsPerBlock": _column_writer("max_registrations_per_block"),
    "TargetRegistrationsPerInterval": _column_writer("target_registrations"),
    "AdjustmentInterval": _column_writer("adjustment_interval"),
    "NetworkRegistrationAllowed": _column_writer("registration_allowed"),
    "NetworkPowRegistrationAllowed": _column_writer("pow_registration_allowed"),
    "AdjustmentAlpha": _subnet_field("adjustment_alpha_u64"),
    "RegistrationsThisInterval": _subnet_field("registrations_this_interval"),
    "PruningScores": _pruning_score,
    "NetworkLastLockCost": lambda c, k, v: setattr(c.state, "network_last_lock", int(v)),
    "NetworkMinLockCost": _global_param("network_min_lock"),
    "TotalHotkeyAlpha": _total_hotkey_alpha,
    "TotalHotkeyShares": _total_hotkey_shares,
}


# -- quantities -------------------------------------------------------------------------------


def _price_bits(chain: MockChain, netuid: int) -> int:
    """``get_alpha_price`` as raw I96F32 (1.0 on root and stable subnets)."""
    if not extrinsics.is_dynamic(chain.state, netuid):
        return ONE32
    y, x = extrinsics.reserves(chain.state, netuid)
    return (y << 32) // x if x else 0


def _total_stake_for_hotkey(chain: MockChain, hotkey: str) -> int:
    total = 0
    for (hk, netuid), pool in chain.state.stakes.items():
        if hk == hotkey and (netuid == 0 or netuid in chain.state.subnets):
            total += pool.value * _price_bits(chain, netuid) >> 32
    return total


def _total_stake_for_coldkey(chain: MockChain, coldkey: str) -> int:
    total = 0
    for (hk, netuid), pool in chain.state.stakes.items():
        if coldkey in pool.shares and (netuid == 0 or netuid in chain.state.subnets):
            stake = ledger.get_stake(chain.state, coldkey, hk, netuid)
            total += stake * _price_bits(chain, netuid) >> 32
    return total


def _key_of_uid(chain: MockChain, netuid: int, uid: int) -> str | None:
    subnet = chain.state.subnets.get(netuid)
    if subnet is None or uid >= subnet.neurons.n:
        return None
    return subnet.neurons.hotkeys[uid]


def _neuron_is_immune(chain: MockChain, netuid: int, uid: int) -> int:
    """``get_neuron_is_immune``: now − BlockAtRegistration < ImmunityPeriod (1 / 0)."""
    subnet = chain.state.subnets[netuid]
    registered = int(subnet.neurons.registered_at[uid])
    return int(chain.state.block - registered < subnet.immunity_period)


def _stake_for_uid(chain: MockChain, netuid: int, uid: int) -> int:
    subnet = chain.state.subnets.get(netuid)
    if subnet is None or uid >= subnet.neurons.n:
        return 0
    return ledger.get_hotkey_stake(chain.state, subnet.neurons.hotkeys[uid], netuid)


def _alpha_share(chain: MockChain, hotkey: str, coldkey: str, netuid: int) -> float:
    pool = chain.state.stakes.get((hotkey, netuid))
    shares = pool.shares.get(coldkey, 0) if pool else 0
    return shares / (1 << FRAC64)


def _max_amount_move(
    chain: MockChain, origin_netuid: int, destination_netuid: int, limit_price: int
) -> int:
    return extrinsics.max_amount_move(
        chain.state, chain.rules, origin_netuid, destination_netuid, limit_price
    )


def _column(name: str) -> Callable[..., int]:
    def read(chain: MockChain, netuid: int) -> int:
        if netuid == 0 and name == "tao_in":
            return chain.state.root_tao
        if netuid >= chain.state.columns.capacity:  # storage never written
            return 0
        return chain.state.columns.get(name, netuid)

    return read


QUANTITIES: dict[str, Callable[..., Any]] = {
    "Balance": lambda c, coldkey: ledger.get_balance(c.state, coldkey),
    "BalancesTotalIssuance": lambda c: sum(c.state.balances.values()),
    "Stake": lambda c, hotkey, coldkey, netuid: ledger.get_stake(c.state, coldkey, hotkey, netuid),
    "StakeSum": lambda c, positions: sum(
        ledger.get_stake(c.state, p["coldkey"], p["hotkey"], p["netuid"]) for p in positions
    ),
    "TotalHotkeyAlpha": lambda c, hotkey, netuid: ledger.get_hotkey_stake(c.state, hotkey, netuid),
    "Alpha": _alpha_share,
    "SubnetTAO": _column("tao_in"),
    "SubnetAlphaIn": _column("alpha_in"),
    "SubnetAlphaOut": _column("alpha_out"),
    "PendingEmission": _column("pending_emission"),
    "PendingOwnerCut": _column("pending_owner_cut"),
    "PendingRootDivs": _column("pending_root_divs"),
    "PendingAlphaSwapped": _column("pending_alpha_swapped"),
    "SubnetMovingPrice": lambda c, netuid: c.state.columns.get("moving_price_bits", netuid) / ONE32,
    "TotalIssuance": lambda c: c.state.total_issuance,
    "TotalStakeForHotkey": _total_stake_for_hotkey,
    "TotalStakeForColdkey": _total_stake_for_coldkey,
    "StakeForUid": _stake_for_uid,
    "SubnetworkN": lambda c, netuid: (
        c.state.subnets[netuid].neurons.n if netuid in c.state.subnets else 0
    ),
    "NominatorMinRequiredStake": lambda c: c.state.params.nominator_min_stake,
    "Delegates": lambda c, hotkey: c.state.takes.get(hotkey, c.state.params.default_take_u16),
    "MaxAmountAdd": lambda c, netuid, limit_price: extrinsics.max_amount_add(
        c.state, c.rules, netuid, limit_price
    ),
    "MaxAmountRemove": lambda c, netuid, limit_price: extrinsics.max_amount_remove(
        c.state, c.rules, netuid, limit_price
    ),
    "MaxAmountMove": _max_amount_move,
    "AlphaPrice": lambda c, netuid: _price_bits(c, netuid) / ONE32,
    "Burn": lambda c, netuid: c.state.subnets[netuid].burn,
    "NetworkLockCost": lambda c: c.rules.registration.network_lock_cost(c.state),
    "Returned": lambda c, name, key=None: c.returns[name] if key is None else c.returns[name][key],
    "Sum": lambda c, terms: sum(
        term.get("times", 1) * c.read(term["quantity"], term.get("keys", {})) for term in terms
    ),
    "Tempo": lambda c, netuid: c.state.columns.get("tempo", netuid),
    # no childkeys at the launch in dtao: a hotkey's stake on a subnet is its own pool
    "InheritedStake": lambda c, hotkey, netuid: ledger.get_hotkey_stake(c.state, hotkey, netuid),
    "CurrentBlock": lambda c: c.state.block,
    "TotalStake": lambda c: c.state.total_stake,
    "NetworksAdded": lambda c, netuid: netuid in c.state.subnets,
    "Owner": lambda c, hotkey: c.state.hotkey_owner.get(hotkey, "0"),
    "Uids": lambda c, netuid, hotkey: (
        c.state.subnets[netuid].neurons.uid_of(hotkey) if netuid in c.state.subnets else None
    ),
    "Keys": _key_of_uid,
    "RegistrationsThisInterval": lambda c, netuid: (
        c.state.subnets[netuid].registrations_this_interval
    ),
    "RegistrationsThisBlock": lambda c, netuid: extrinsics.registrations_this_block(
        c.state, netuid
    ),
    "TargetRegistrationsPerInterval": _column("target_registrations"),
    "MaxRegistrationsPerBlock": _column("max_registrations_per_block"),
    "MaxAllowedUids": lambda c, netuid: c.state.subnets[netuid].max_uids,
    "ImmunityPeriod": lambda c, netuid: c.state.subnets[netuid].immunity_period,
    "RAORecycledForRegistration": lambda c, netuid: c.state.subnets[netuid].rao_recycled,
    "WeightsSetRateLimit": lambda c, netuid: c.state.params.weights_rate_limit,
    "PruningScores": lambda c, netuid, uid: int(c.state.subnets[netuid].neurons.pruning_score[uid]),
    "BlockAtRegistration": lambda c, netuid, uid: int(
        c.state.subnets[netuid].neurons.registered_at[uid]
    ),
    "NeuronIsImmune": _neuron_is_immune,
    # the root-era EmissionValues: nothing writes it after dTAO, so it reads 0
    "EmissionValues": lambda c, netuid: 0,
}

#: extrinsic steps (chain names) -> the record their fields make
RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {
    "add_stake": ops.AddStake,
    "add_stake_limit": ops.AddStake,
    "remove_stake": ops.RemoveStake,
    "remove_stake_limit": ops.RemoveStake,
    "move_stake": ops.MoveStake,
    "transfer_stake": ops.TransferStake,
    "swap_stake": ops.SwapStake,
    "swap_stake_limit": ops.SwapStake,
    "increase_take": ops.IncreaseTake,
    "decrease_take": ops.DecreaseTake,
    "register_network": ops.RegisterNetwork,
    "burned_register": ops.BurnedRegister,
    "user_remove_network": ops.DissolveNetwork,
}

ACTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(MockChain, name)
    for name in (
        "set_block",
        "fund",
        "create_hotkey",
        "add_dynamic_network",
        "add_network",
        "credit_stake",
        "debit_stake",
        "credit_stake_all",
        "set_storage",
        "stake_into_subnet",
        "swap_tao_for_alpha",
        "swap_alpha_for_tao",
        "step_block",
        "run_to_block",
        "register_neuron",
        "run_coinbase",
        "drain_pending_emission",
        "update_moving_price",
        "blocks_until_next_epoch",
        "get_neuron_to_prune",
        "clear_small_nominations",
    )
}


class Overlay(Protocol):
    """A later era's additions to the mock (a module with these four tables, and optionally
    ``PARAMS``: mock configuration name -> dtao parameter, or None for one dtao ignores).
    Actions and storage writers take the chain first, as the launch ones do."""

    RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]]
    ACTIONS: dict[str, Callable[..., Any]]
    STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]]
    QUANTITIES: dict[str, Callable[..., Any]]


#: preset -> the overlays its cases replay with (registered by the overlay modules on import)
OVERLAYS: dict[str, list[Overlay]] = {}


#: preset -> the preset it is built on, whose overlays its cases replay with first
OVERLAY_BASES: dict[str, str] = {"current": "summer-2026", "taoflow": "summer-2026"}


def overlays_for(preset: str) -> list[Overlay]:
    """The overlays of ``preset``'s cases: its base preset's (recursively), then its own."""
    base = OVERLAY_BASES.get(preset)
    return [*(overlays_for(base) if base else ()), *OVERLAYS.get(preset, ())]


def register_overlay(preset: str, overlay: Overlay) -> None:
    """Add ``overlay`` to the mock of ``preset``'s cases (later overlays win on a name)."""
    OVERLAYS.setdefault(preset, []).append(overlay)


# -- the case ---------------------------------------------------------------------------------


def _compare(got: Any, assertion: dict[str, Any], expected: Any) -> bool:
    op = assertion.get("op", "==")
    if "value_bits" in assertion and isinstance(got, float):  # an I96F32, compared bit for bit
        got, expected = round(got * ONE32), int(assertion["value_bits"])
    tolerance = float(assertion.get("abs_tolerance", 0) or 0)
    relative = float(assertion.get("rel_tolerance", 0) or 0)
    if isinstance(got, bool) or isinstance(expected, bool):
        got, expected = bool(got), bool(expected)
    if got is None or expected is None:  # an Option read: None equals only None
        if op not in ("==", "!="):
            raise CaseFailed(f"cannot compare {got!r} {op} {expected!r}")
        return (got == expected) == (op == "==")
    if isinstance(expected, list) and op in ("==", "!="):  # lists compare element by element
        return (list(got) == expected) == (op == "==")
    if op in ("==", "!=") and not isinstance(expected, int | float):  # names, maps, null
        return (got == expected) == (op == "==")
    if op == "==":
        if isinstance(got, int) and isinstance(expected, int) and not (tolerance or relative):
            return got == expected
        bound = max(tolerance, relative * abs(float(expected)))
        return math.isclose(float(got), float(expected), rel_tol=0.0, abs_tol=bound) or (
            abs(got - expected) <= bound
        )
    comparisons: dict[str, Callable[[Any, Any], bool]] = {
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    if op not in comparisons:
        raise CaseFailed(f"unknown assertion op {op!r}")
    return comparisons[op](got, expected)


def _read_key(quantity: str, keys: dict[str, Any]) -> tuple[str, str]:
    return quantity, codec.json.dumps(keys, sort_keys=True)


def _refs(value: Any) -> list[dict[str, Any]]:
    """Every ``ref`` inside a value expression (nested ``plus_refs`` included)."""
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    if not isinstance(value, dict):
        return []
    found = [value["ref"]] if isinstance(value.get("ref"), dict) else []
    for item in value.get("plus_refs", ()):
        found += _refs(item)
    return found


def _evaluate(value: Any, reads: dict[tuple[int, str, str], Any]) -> Any:
    """A value expression (FORMAT.md and the head files' ``semantics``):
    floor(ref × times / floor_div) + plus + Σ times_i × ref_i, or the float of the U64F64
    quotient ``u64f64_of_ratio`` [y, x]; anything else is a literal."""
    if not isinstance(value, dict):
        return value
    if "u64f64_of_ratio" in value:
        y, x = (int(v) for v in value["u64f64_of_ratio"])
        return (((y << FRAC64) << FRAC64) // (x << FRAC64) if x else 0) / (1 << FRAC64)
    if "ref" not in value:
        return value
    ref = value["ref"]
    got = reads[(int(ref.get("after", -1)), *_read_key(ref["quantity"], ref.get("keys", {})))]
    times = value.get("times", 1)
    got = got * times
    if "floor_div" in value:
        got = got // int(value["floor_div"])
    got = got + value.get("plus", 0)
    for extra in value.get("plus_refs", ()):
        got = got + extra.get("times", 1) * _evaluate({"ref": extra["ref"]}, reads)
    return got


@handles(OPS_SCENARIO)
def run_ops_scenario(case: Case, document: dict[str, Any]) -> None:
    """Set up, run the steps, and check every assertion (reads taken after each step)."""
    chain = MockChain(case, document)
    assertions = case["expected"].get("assertions", [])
    wanted: dict[int, set[tuple[str, str]]] = {}
    for assertion in assertions:
        wanted.setdefault(int(assertion.get("after", -1)), set()).add(
            _read_key(assertion["quantity"], assertion.get("keys", {}))
        )
    step_values = [v for step in case["steps"] for v in step.values()]
    for ref in _refs([a.get("value") for a in assertions] + step_values):
        wanted.setdefault(int(ref.get("after", -1)), set()).add(
            _read_key(ref["quantity"], ref.get("keys", {}))
        )
    reads: dict[tuple[int, str, str], Any] = {}

    def take_reads(after: int) -> None:
        for quantity, keys in wanted.get(after, ()):
            try:
                value = chain.read(quantity, codec.json.loads(keys))
            except (KeyError, IndexError) as exc:
                value = exc
            reads[(after, quantity, keys)] = value

    for action in case.get("setup", []):
        chain.act(action)
    take_reads(-1)
    for index, step in enumerate(case["steps"]):
        _run_step(chain, {k: _evaluate(v, reads) for k, v in step.items()}, index)
        take_reads(index)
    problems = []
    for assertion in assertions:
        key = (
            int(assertion.get("after", -1)),
            *_read_key(assertion["quantity"], assertion.get("keys", {})),
        )
        got = reads[key]
        if isinstance(got, Exception):
            problems.append(f"{assertion['quantity']} {assertion.get('keys')}: {got!r}")
            continue
        value = _evaluate(assertion.get("value"), reads)
        if not _compare(got, assertion, value):
            problems.append(
                f"after step {key[0]}: {assertion['quantity']} {assertion.get('keys', {})} = "
                f"{got}, expected {assertion.get('op', '==')} {value}"
            )
    if problems:
        raise CaseFailed("; ".join(problems[:4]) + (" …" if len(problems) > 4 else ""))


def _run_step(chain: MockChain, step: dict[str, Any], index: int) -> None:
    expected_error = step.get("expect_error")
    before = codec.digest(chain.state) if expected_error or step.get("validate_only") else None
    saved = copy.deepcopy(chain.state) if step.get("validate_only") else None
    try:
        result = chain.act(step)
    except E.DtaoError as exc:
        if isinstance(exc, E.InvariantViolation):
            raise
        if expected_error is None:
            raise CaseFailed(
                f"step {index} ({step['action']}) failed: {type(exc).__name__}: {exc}"
            ) from None
        if type(exc).__name__ != expected_error:
            raise CaseFailed(
                f"step {index} ({step['action']}): {type(exc).__name__}, expected {expected_error}"
            ) from None
        if codec.digest(chain.state) != before:
            raise CaseFailed(
                f"step {index}: the rejected {step['action']} changed the state"
            ) from None
        return
    if expected_error is not None:
        raise CaseFailed(f"step {index} ({step['action']}) succeeded, expected {expected_error}")
    if saved is not None:  # validate only: nothing is executed
        chain.state = saved
    names = step.get("returns")
    if isinstance(names, list):  # a tuple returned: one name per element
        for name, item in zip(names, result, strict=True):
            chain.returns[name] = item
    elif names is not None:
        chain.returns[names] = result

"""The summer-2026 (14bc6f9) overlay of the ops mock: subnet and neuron registration, the
scheduler, pruning and dissolution (ops_head_subnet.json).

Each table adds to (or replaces) the launch mock's entry of the same name in
:mod:`dtao.conformance.cases_ops` for cases of the ``summer-2026`` preset. What each helper
does to the chain's state is the file's ``semantics`` text (``pallets/subtensor/src/tests/
mock.rs`` @ 14bc6f9); the subnet pallet account ``subnet_account:N`` is the pool TAO plus the
summer column ``account_tao`` (see :mod:`dtao.lifecycle`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import ledger, lifecycle
from dtao import operations as ops
from dtao.conformance import mock_summer_claim, mock_summer_pool
from dtao.conformance.cases_ops import MockChain, NotReplayed, register_overlay
from dtao.conviction import ConvictionLocks
from dtao.fixed import ONE64
from dtao.root_claim import RootClaims
from dtao.state import SharePool, State
from dtao.summer import summer_columns
from dtao.summer_subnets import registration_terms, u64f64_bits_of_float

TAO = 10**9
#: the test runtime's values that differ from the preset (tests/mock.rs @ 14bc6f9): the pool
#: overlay's (swap fee, minimum reserve, block author, takes) and the registration terms
MOCK_RUNTIME: dict[str, Any] = {
    **mock_summer_pool.MOCK_RUNTIME,
    "existential_deposit": 1,
    "network_min_lock": 100 * TAO,
    "network_last_lock": 100 * TAO,
    "lock_reduction_interval": 2,
    "network_rate_limit": 0,
    "subnet_limit": 128,
    "network_immunity_period": 1_296_000,
    "start_call_delay": 0,
    "burn_min": 500_000,
    "burn_max": TAO,
    "burn_initial": TAO,
    "owner_cut_u16": 0,
    "tao_weight_u64": 0,
    "min_stake": 2_000_000,
}
SUBNET_ACCOUNT = "subnet_account:"


# -- setup actions ----------------------------------------------------------------------------


def new_test_ext(chain: MockChain, block: int = 1) -> None:
    """An empty genesis at ``block`` under the test runtime's constants."""
    params = chain.state.params.replace(**MOCK_RUNTIME)
    chain.state = State(params=params, block=int(block))


def fund(chain: MockChain, coldkey: str, amount: int) -> None:
    """``add_balance_to_coldkey_account``: mint ``amount`` (TotalIssuance grows, capped at the
    supply) to the account, nothing below the existential deposit; a subnet account's TAO is its
    ``account_tao``."""
    state, amount = chain.state, int(amount)
    if amount < state.params.existential_deposit:
        return
    amount = min(amount, max(state.params.total_supply - state.total_issuance, 0))
    state.total_issuance += amount
    if coldkey.startswith(SUBNET_ACCOUNT):
        cols = summer_columns(state)
        netuid = int(coldkey[len(SUBNET_ACCOUNT) :])
        cols.set("account_tao", netuid, cols.get("account_tao", netuid) + amount)
    else:
        ledger.increase_balance(state, coldkey, amount)


def _init(chain: MockChain, netuid: int, tempo: int) -> None:
    netuid = int(netuid)
    before = chain.before_added.pop(netuid, {})
    subnet = lifecycle.init_new_network_head(chain.state, netuid, "0", "", tempo=int(tempo))
    for name, value in before.items():
        setattr(subnet, name, value)


def _mock_terms(chain: MockChain, netuid: int, emission_block: int | None) -> None:
    """What the mock writes after ``init_new_network``: registration on, the emission block,
    SubtokenEnabled, BurnHalfLife 1, BurnIncreaseMult 1.0."""
    state, cols = chain.state, summer_columns(chain.state)
    state.columns.registration_allowed[netuid] = 1
    if emission_block is not None:
        cols.set("first_emission_block", netuid, emission_block)
        cols.set("subtoken_enabled", netuid, 1)
    cols.set("burn_half_life", netuid, 1)
    registration_terms(state).burn_increase_mult[netuid] = ONE64


def add_network(chain: MockChain, netuid: int, tempo: int, mechanism: int = 0) -> None:
    """The mock's ``add_network``: ``init_new_network`` (mechanism stays 0) + the mock terms with
    FirstEmissionBlockNumber 1."""
    _init(chain, netuid, tempo)
    _mock_terms(chain, int(netuid), 1)


def add_network_without_emission_block(chain: MockChain, netuid: int, tempo: int) -> None:
    """As :func:`add_network`, with no FirstEmissionBlockNumber and no SubtokenEnabled."""
    _init(chain, netuid, tempo)
    _mock_terms(chain, int(netuid), None)


def add_network_disable_subtoken(chain: MockChain, netuid: int, tempo: int) -> None:
    """``init_new_network`` + registration on + SubtokenEnabled false + the burn terms."""
    _init(chain, netuid, tempo)
    _mock_terms(chain, int(netuid), None)


def init_new_network(chain: MockChain, netuid: int, tempo: int) -> None:
    """The chain's ``init_new_network`` alone (root, netuid 0, has no subnet record in dtao)."""
    if int(netuid) == 0:
        raise NotReplayed("root (netuid 0) has no registration terms in dtao")
    _init(chain, netuid, tempo)


def add_dynamic_network(
    chain: MockChain, owner_hotkey: str, owner_coldkey: str, netuid: int | None = None
) -> int:
    """The mock helper: fund the owner with the lock cost (minted) and add it to TotalIssuance
    once more, the real ``register_network``, then the mock terms with FirstEmissionBlockNumber
    0."""
    state = chain.state
    lock = chain.rules.registration.network_lock_cost(state)
    fund(chain, owner_coldkey, lock)
    state.total_issuance += lock
    got = chain._apply(ops.RegisterNetwork(owner_coldkey, owner_hotkey))
    if netuid is not None and got != int(netuid):
        raise NotReplayed(f"add_dynamic_network made netuid {got}, case says {netuid}")
    _mock_terms(chain, got, 0)
    return got


def remove_owner_registration_stake(chain: MockChain, netuid: int | None = None) -> None:
    """A no-op at 14bc6f9 (registration credits the owner no alpha)."""


def mock_credit_stake(
    chain: MockChain, hotkey: str, coldkey: str, netuid: int, amount: int
) -> None:
    """``mock_increase_stake_for_hotkey_and_coldkey_on_subnet``: a share-pool credit and the
    subnet account funded with 100 × the amount."""
    ledger.increase_stake(chain.state, coldkey, hotkey, int(netuid), int(amount))
    fund(chain, f"{SUBNET_ACCOUNT}{int(netuid)}", 100 * int(amount))


# -- protocol calls ---------------------------------------------------------------------------


def do_dissolve_network(chain: MockChain, netuid: int) -> None:
    lifecycle.dissolve_network(chain.state, chain.rules, [], int(netuid))


def get_network_to_prune(chain: MockChain) -> int | None:
    return lifecycle.network_to_prune(chain.state)


def bump_registration_price_after_registration(chain: MockChain, netuid: int) -> None:
    lifecycle.bump_burn(chain.state, int(netuid))


# -- storage writes ---------------------------------------------------------------------------


def _param(name: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.params = chain.state.params.replace(**{name: int(value)})

    return write


def _summer(column: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        summer_columns(chain.state).set(column, int(keys["netuid"]), int(value))

    return write


def _subnet(name: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        subnet = chain.state.subnets.get(int(keys["netuid"]))
        if subnet is None:
            raise NotReplayed(f"{name} of subnet {keys['netuid']}, not added")
        setattr(subnet, name, int(value))

    return write


def _subnet_tao(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """SubnetTAO alone: the subnet account's balance stays what it was."""
    state, netuid = chain.state, int(keys["netuid"])
    if netuid == 0:
        state.root_tao = int(value)
        return
    state.columns.ensure(netuid)
    cols = summer_columns(state)
    old = state.columns.get("tao_in", netuid)
    cols.set("account_tao", netuid, cols.get("account_tao", netuid) + old - int(value))
    state.columns.tao_in[netuid] = int(value)


def _emission(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    neurons = chain.state.subnets[int(keys["netuid"])].neurons
    neurons.emission[:] = 0
    for uid, amount in enumerate(value[: neurons.capacity]):
        neurons.emission[uid] = int(amount)


def _alpha_v2(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """A position's share (SafeFloat from u64) written alone: TotalHotkeyShares untouched."""
    key = (str(keys["hotkey"]), int(keys["netuid"]))
    pool = chain.state.stakes.setdefault(key, SharePool())
    pool.shares[str(keys["coldkey"])] = int(value) << 64


def _networks_added(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """NetworksAdded: root is always there in dtao; ``false`` on a subnet takes it out of
    every iteration (it keeps no other role in these cases)."""
    netuid = int(keys["netuid"])
    if netuid == 0 or value:
        return
    if netuid in chain.state.subnets:
        del chain.state.subnets[netuid]
        chain.state.columns.exists[netuid] = False


def _burn_increase_mult(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    bits = int(keys.get("bits_u64f64", u64f64_bits_of_float(float(value))))
    registration_terms(chain.state).burn_increase_mult[int(keys["netuid"])] = bits


def _registrations_this_block(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    netuid, cols = int(keys["netuid"]), chain.state.columns
    cols.registration_block[netuid] = chain.state.block
    cols.registrations_this_block[netuid] = int(value)


def _owner(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.hotkey_owner[str(keys["hotkey"])] = str(value)


STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "SubnetTAO": _subnet_tao,
    "SubnetLocked": _subnet("locked"),
    "MinBurn": _subnet("burn_min"),
    "MaxBurn": _subnet("burn_max"),
    "Emission": _emission,
    "AlphaV2": _alpha_v2,
    "NetworksAdded": _networks_added,
    "NetworkRegistrationStartBlock": _param("network_registration_start_block"),
    "TaoInRefundDeploymentBlock": _param("tao_in_refund_deployment_block"),
    "SubnetLimit": _param("subnet_limit"),
    "SubnetProtocolAlpha": _summer("protocol_alpha"),
    "BurnHalfLife": _summer("burn_half_life"),
    "BurnIncreaseMult": _burn_increase_mult,
    "RegistrationsThisBlock": _registrations_this_block,
    "Owner": _owner,
}


# -- quantities -------------------------------------------------------------------------------


def _exists(chain: MockChain, netuid: int) -> bool:
    return int(netuid) in chain.state.subnets


def _on_subnet(read: Callable[[Any], Any], default: Any = 0) -> Callable[..., Any]:
    def quantity(chain: MockChain, netuid: int) -> Any:
        subnet = chain.state.subnets.get(int(netuid))
        return default if subnet is None else read(subnet)

    return quantity


def _era(column: str) -> Callable[..., int]:
    def quantity(chain: MockChain, netuid: int) -> int:
        return summer_columns(chain.state).get(column, int(netuid))

    return quantity


def _contains(chain: MockChain, item: str, keys: dict[str, Any]) -> bool:
    state = chain.state
    if item == "AlphaV2":
        pool = state.stakes.get((str(keys["hotkey"]), int(keys["netuid"])))
        return pool is not None and str(keys["coldkey"]) in pool.shares
    if item in ("SubnetTAO", "SubnetProtocolAlpha"):
        return _exists(chain, keys["netuid"])
    if item == "FirstEmissionBlockNumber":
        netuid = int(keys["netuid"])
        first = summer_columns(state).get("first_emission_block", netuid)
        return _exists(chain, netuid) and first >= 0
    if item == "Lock":
        locks = state.extensions.get(ConvictionLocks.name)
        key = (str(keys["coldkey"]), int(keys["netuid"]))
        return isinstance(locks, ConvictionLocks) and key in locks.locks
    if item == "RootProp":  # written for every emitting subnet after the coinbase, never 0 then
        return summer_columns(state).get("root_prop_bits", int(keys["netuid"])) != 0
    if item == "RootClaimable":  # the netuid entry of the hotkey's map
        claims = state.extensions.get(RootClaims.name)
        rates = claims.claimable.get(str(keys["hotkey"]), {}) if claims else {}  # type: ignore[attr-defined]
        return int(keys["netuid"]) in rates
    return mock_summer_claim.QUANTITIES["Contains"](chain, item, keys)  # the root-claim maps


def _alpha_issuance(chain: MockChain, netuid: int) -> int:
    cols = chain.state.columns
    netuid = int(netuid)
    if netuid >= cols.capacity:
        return 0
    return cols.get("alpha_in", netuid) + cols.get("alpha_out", netuid)


QUANTITIES: dict[str, Callable[..., Any]] = {
    "SubnetExists": _exists,
    "TotalNetworks": lambda c: len(c.state.subnets),
    "SubnetOwner": _on_subnet(lambda s: s.owner_coldkey, None),
    "SubnetOwnerHotkey": _on_subnet(lambda s: s.owner_hotkey, None),
    "SubnetLocked": _on_subnet(lambda s: s.locked),
    "RAORecycledForRegistration": _on_subnet(lambda s: s.rao_recycled),
    "MinBurn": _on_subnet(lambda s: s.burn_min),
    "MaxBurn": _on_subnet(lambda s: s.burn_max),
    "NetworkRegistrationAllowed": lambda c, netuid: bool(
        _exists(c, netuid) and c.state.columns.registration_allowed[int(netuid)]
    ),
    "NetworkPowRegistrationAllowed": lambda c, netuid: bool(
        _exists(c, netuid) and c.state.columns.pow_registration_allowed[int(netuid)]
    ),
    "RegisteredSubnetCounter": _era("registered_counter"),
    "SubnetTaoFlow": _era("tao_flow"),
    "SubtokenEnabled": lambda c, netuid: bool(_era("subtoken_enabled")(c, netuid)),
    "FirstEmissionBlockNumber": lambda c, netuid: (
        None
        if _era("first_emission_block")(c, netuid) < 0
        else _era("first_emission_block")(c, netuid)
    ),
    "MedianSubnetAlphaPrice": lambda c: lifecycle.median_subnet_alpha_price_bits(c.state) / ONE64,
    "AlphaIssuance": _alpha_issuance,
    "Contains": _contains,
    "SubnetAlphaOut": lambda c, netuid: (
        c.state.columns.get("alpha_out", int(netuid))
        if int(netuid) < c.state.columns.capacity
        else 0
    ),
}

RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {
    "start_call": ops.StartCall,
}
ACTIONS: dict[str, Callable[..., Any]] = {
    "new_test_ext": new_test_ext,
    "fund": fund,
    "add_network": add_network,
    "add_network_without_emission_block": add_network_without_emission_block,
    "add_network_disable_subtoken": add_network_disable_subtoken,
    "init_new_network": init_new_network,
    "add_dynamic_network": add_dynamic_network,
    "remove_owner_registration_stake": remove_owner_registration_stake,
    "mock_credit_stake": mock_credit_stake,
    "do_dissolve_network": do_dissolve_network,
    "get_network_to_prune": get_network_to_prune,
    "bump_registration_price_after_registration": bump_registration_price_after_registration,
}

register_overlay("summer-2026", sys.modules[__name__])

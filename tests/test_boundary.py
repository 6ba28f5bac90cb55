"""A clean public boundary: every bad argument of every public call is a ``DtaoError``.

Reads and writes of :class:`dtao.Network`, its constructor (preset and overrides), governance,
records, blocks, and ``Network.from_json`` (mutated valid texts: wrong types, negative amounts,
floats for ints, missing and extra keys, broken references and conservation identities). Each
bad call must raise a ``DtaoError`` subclass — never another exception, never an
``InvariantViolation`` leaking out — and leave the network's digest unchanged.

The brief's examples are one table (:data:`EXAMPLES`); the generated calls (seeded, several
thousand) are counted and at least 500 must be made.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import math
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import dtao
from dtao import invariants
from dtao.errors import ConfigError, DtaoError, InvariantViolation
from dtao.params import _ORDERED, LAUNCH, RANGES, READ_ONLY

TAO = 10**9
SEED = 20_250_224


def rich_network() -> dtao.Network:
    """Two subnets with neurons, weights, bonds, stake on subnets and root, a changed take."""
    net = dtao.Network(
        "launch",
        tempo=4,
        max_uids=8,
        network_rate_limit=1,
        network_min_lock=100 * TAO,
        target_registrations=5,
        max_registrations_per_block=3,
        weights_rate_limit=1,
    )
    for coldkey in ("alice", "bob", "carol", "dave"):
        net.fund(coldkey, 5_000 * TAO)
    assert net.register_network("alice", "alice-hk") == 1
    net.step(1)
    assert net.register_network("bob", "bob-hk") == 2
    for hotkey, coldkey in (("carol-hk", "carol"), ("m1", "dave"), ("m2", "dave")):
        net.burned_register(coldkey, hotkey, 1)
    net.burned_register("dave", "m3", 2)
    net.add_stake("carol", "carol-hk", 1, 50 * TAO)
    net.add_stake("bob", "alice-hk", 1, 20 * TAO)
    net.add_stake("dave", "bob-hk", 2, 30 * TAO)
    net.add_stake("carol", "carol-hk", 0, 400 * TAO)  # root stake
    net.add_stake("bob", "bob-hk", 0, 100 * TAO)
    net.set_take("alice", "alice-hk", 5_000)
    net.step(12)  # epochs: validator permits for everyone
    net.set_weights("carol-hk", 1, [2, 3], [65_535, 20_000])
    net.set_weights("alice-hk", 1, [2, 3], [1_000, 65_535])
    net.step(12)  # bonds from the weights
    assert net.state.subnets[1].neurons.bonds.any()
    invariants.check(net.state)
    return net


@pytest.fixture(scope="module")
def base_text() -> str:
    return rich_network().to_json()


def fresh(text: str) -> dtao.Network:
    return dtao.Network.from_json(text)


# -- the brief's examples ------------------------------------------------------------------------


def _json_with(text: str, edit: Callable[[dict], None]) -> str:
    data = json.loads(text)
    edit(data)
    return json.dumps(data)


def _plus_one(data: dict, key: str) -> None:
    data[key] = str(int(data[key]) + 1)


EXAMPLES: list[tuple[str, Callable[[dtao.Network, str], Any], type[DtaoError]]] = [
    ("transfer(7, 'bob', 0)", lambda n, t: n.transfer(7, "bob", 0), DtaoError),
    ("stake('a', 'h', 1.0)", lambda n, t: n.stake("a", "h", 1.0), DtaoError),
    (
        "add_stake(..., allow_partial='no')",
        lambda n, t: n.add_stake("carol", "carol-hk", 1, TAO, None, "no"),
        DtaoError,
    ),
    ("Network(tempo=None)", lambda n, t: dtao.Network("launch", tempo=None), ConfigError),
    (
        "Network(base_block_emission=0)",
        lambda n, t: dtao.Network("launch", base_block_emission=0),
        ConfigError,
    ),
    (
        "from_json with issuance + 1",
        lambda n, t: dtao.Network.from_json(
            _json_with(t, lambda d: _plus_one(d, "total_issuance"))
        ),
        ConfigError,
    ),
    (
        "from_json with a negative balance",
        lambda n, t: dtao.Network.from_json(
            _json_with(t, lambda d: d["balances"].__setitem__("alice", "-5"))
        ),
        ConfigError,
    ),
    (
        "from_json with a negative pool amount",
        lambda n, t: dtao.Network.from_json(
            _json_with(t, lambda d: d["subnets"]["1"]["pool"].__setitem__("tao_in", "-1"))
        ),
        ConfigError,
    ),
    (
        "from_json with block 1.5",
        lambda n, t: dtao.Network.from_json(_json_with(t, lambda d: d.__setitem__("block", 1.5))),
        ConfigError,
    ),
    ("balance(['a'])", lambda n, t: n.balance(["a"]), DtaoError),
    ("subnet(1.0)", lambda n, t: n.subnet(1.0), DtaoError),
    ("Network(['launch'])", lambda n, t: dtao.Network(["launch"]), ConfigError),
    ("submit(a non-record)", lambda n, t: n.submit({"op": "Fund"}), DtaoError),
    ("Network(max_uids=0)", lambda n, t: dtao.Network("launch", max_uids=0), ConfigError),
    ("Network(tempo=65_536)", lambda n, t: dtao.Network("launch", tempo=65_536), ConfigError),
    (
        "Network(ema_alpha=nan)",
        lambda n, t: dtao.Network("launch", ema_alpha=math.nan),
        ConfigError,
    ),
    ("Network(ema_alpha=1.5)", lambda n, t: dtao.Network("launch", ema_alpha=1.5), ConfigError),
    (
        "Network(ema_price_cap=0.0)",
        lambda n, t: dtao.Network("launch", ema_price_cap=0.0),
        ConfigError,
    ),
    ("govern('tempo', None)", lambda n, t: n.govern("tempo", None), ConfigError),
    ("govern('pool', 'uniswap')", lambda n, t: n.govern("pool", "uniswap"), ConfigError),
    (
        "process_block with an unresolvable governance record",
        lambda n, t: n.process_block([dtao.Governance("pool", "uniswap")]),
        ConfigError,
    ),
    ("process_block(5)", lambda n, t: n.process_block(5), DtaoError),
    ("set_weights with uids=5", lambda n, t: n.set_weights("carol-hk", 1, 5, [1]), DtaoError),
]


@pytest.mark.parametrize(("label", "call", "error"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_the_brief_examples_are_clean_errors(base_text, label, call, error):
    net = fresh(base_text)
    before = net.digest()
    with pytest.raises(error) as caught:
        call(net, base_text)
    assert not isinstance(caught.value, InvariantViolation), label
    assert net.digest() == before, f"{label} changed the state"


# -- generated bad calls: the methods ------------------------------------------------------------

NAME_BAD: list[Any] = [7, 1.0, None, b"alice", ["alice"], ("alice",), "", "   ", True, {"a": 1}]
NETUID_BAD: list[Any] = [-1, 65_536, 2**64, 1.0, "1", True, False, None, [1], math.nan]
AMOUNT_BAD: list[Any] = [-1, -(2**70), 2**64, 1.5, 1e9, "5", None, True, False, [5], math.inf]
FLAG_BAD: list[Any] = ["no", "True", 0, 1, None, 1.0, [True]]
LIMIT_BAD: list[Any] = [v for v in AMOUNT_BAD if v is not None]
BLOCKS_BAD: list[Any] = [-1, 1.5, "3", None, True, [2], 2.0]
SEQ_BAD: list[Any] = [5, 3.5, None, "01", b"\x00", {0: 1}, [1.0], [-1], [True], [70_000], ["0"]]
TAKE_BAD: list[Any] = [-1, 65_536, 1.5, "100", None, True, [100]]
OPTIONAL_NAME_BAD: list[Any] = [v for v in NAME_BAD if v is not None]
PRESET_BAD: list[Any] = [["launch"], None, 5, b"launch", "", "atlantis", ("launch",)]


def _record_bad(net: dtao.Network) -> list[Any]:
    return [None, 5, "Fund", {"op": "Fund", "coldkey": "a", "amount": 1}, object(), dtao.Fund, net]


def _batch_bad(net: dtao.Network) -> list[Any]:
    fund = dtao.Fund("alice", 1)
    return [
        5,
        3.5,
        None,
        "abc",
        b"x",
        {"op": 1},
        [None],
        [1],
        [fund, "x"],
        [[fund]],
        [dtao.Governance("pool", "uniswap")],
        [fund, dtao.Governance("yuma_backend", "gpu")],
    ]


#: method -> [(parameter, kind, valid value)]; a kind names its list of bad values
SPEC: dict[str, list[tuple[str, str, Any]]] = {
    "balance": [("coldkey", "name", "alice")],
    "stake": [
        ("coldkey", "name", "carol"),
        ("hotkey", "name", "carol-hk"),
        ("netuid", "netuid", 1),
    ],
    "hotkey_stake": [("hotkey", "name", "carol-hk"), ("netuid", "netuid", 1)],
    "positions": [("coldkey", "optional_name", None)],
    "hotkey_owner": [("hotkey", "name", "carol-hk")],
    "take": [("hotkey", "name", "alice-hk")],
    "subnet": [("netuid", "netuid", 1)],
    "neurons": [("netuid", "netuid", 1)],
    "subnet_terms": [("netuid", "netuid", 1)],
    "registration_open": [("netuid", "netuid", 1)],
    "spot_price": [("netuid", "netuid", 1)],
    "accepts": [("kind", "record_type", dtao.AddStake)],
    "use_share_rule": [("rule", "rule", lambda subnets: {}), ("name", "name", "lab:rule")],
    "quote_stake": [("netuid", "netuid", 1), ("amount", "amount", TAO)],
    "quote_unstake": [("netuid", "netuid", 1), ("alpha", "amount", TAO)],
    "quote_stake_alpha": [("netuid", "netuid", 1), ("amount", "amount", TAO)],
    "quote_unstake_tao": [("netuid", "netuid", 1), ("alpha", "amount", TAO)],
    "quote_move": [
        ("origin_netuid", "netuid", 1),
        ("destination_netuid", "netuid", 0),
        ("alpha", "amount", TAO),
    ],
    "submit": [("op", "record", dtao.Fund("alice", 1))],
    "fund": [("coldkey", "name", "alice"), ("amount", "amount", TAO)],
    "transfer": [
        ("coldkey", "name", "alice"),
        ("destination", "name", "bob"),
        ("amount", "amount", TAO),
    ],
    "register_network": [("coldkey", "name", "alice"), ("hotkey", "name", "new-hk")],
    "burned_register": [
        ("coldkey", "name", "dave"),
        ("hotkey", "name", "m9"),
        ("netuid", "netuid", 1),
    ],
    "add_stake": [
        ("coldkey", "name", "carol"),
        ("hotkey", "name", "carol-hk"),
        ("netuid", "netuid", 1),
        ("amount", "amount", TAO),
        ("limit_price", "limit", None),
        ("allow_partial", "flag", False),
    ],
    "remove_stake": [
        ("coldkey", "name", "carol"),
        ("hotkey", "name", "carol-hk"),
        ("netuid", "netuid", 1),
        ("amount", "amount", TAO),
        ("limit_price", "limit", None),
        ("allow_partial", "flag", False),
    ],
    "move_stake": [
        ("coldkey", "name", "carol"),
        ("origin_hotkey", "name", "carol-hk"),
        ("destination_hotkey", "name", "alice-hk"),
        ("origin_netuid", "netuid", 1),
        ("destination_netuid", "netuid", 2),
        ("amount", "amount", TAO),
    ],
    "transfer_stake": [
        ("coldkey", "name", "carol"),
        ("destination_coldkey", "name", "dave"),
        ("hotkey", "name", "carol-hk"),
        ("origin_netuid", "netuid", 1),
        ("destination_netuid", "netuid", 1),
        ("amount", "amount", TAO),
    ],
    "swap_stake": [
        ("coldkey", "name", "carol"),
        ("hotkey", "name", "carol-hk"),
        ("origin_netuid", "netuid", 1),
        ("destination_netuid", "netuid", 2),
        ("amount", "amount", TAO),
    ],
    "set_weights": [
        ("hotkey", "name", "carol-hk"),
        ("netuid", "netuid", 1),
        ("uids", "seq", [2]),
        ("weights", "seq", [65_535]),
    ],
    "set_take": [
        ("coldkey", "name", "alice"),
        ("hotkey", "name", "alice-hk"),
        ("take", "take", 4_000),
    ],
    "increase_take": [
        ("coldkey", "name", "alice"),
        ("hotkey", "name", "alice-hk"),
        ("take", "take", 6_000),
    ],
    "decrease_take": [
        ("coldkey", "name", "alice"),
        ("hotkey", "name", "alice-hk"),
        ("take", "take", 4_000),
    ],
    "govern": [("parameter", "name", "staking_fee"), ("value", "any", 10_000)],
    "process_block": [("operations", "batch", ())],
    "step": [("blocks", "blocks", 1)],
    "from_state": [("state", "state", None)],
    "from_genesis": [("genesis", "genesis", None)],
}
#: public methods without arguments (nothing to get wrong), and ``from_json`` (mutations below)
NO_ARGUMENTS = {
    "to_json",
    "digest",
    "emission_shares",
    "network_lock_cost",
    "copy",
    "emission_gate_bar",
    "pruning_order",
    "emission_control_stakes",
}

#: calls with valid types that the state refuses (all must be clean too)
SEMANTIC: list[tuple[str, tuple[Any, ...]]] = [
    ("subnet", (99,)),
    ("subnet", (0,)),
    ("neurons", (99,)),
    ("quote_stake", (99, TAO)),
    ("quote_unstake", (99, TAO)),
    ("quote_move", (1, 99, TAO)),
    ("fund", ("alice", 2**63)),
    ("transfer", ("nobody", "bob", 1)),
    ("add_stake", ("carol", "no-such-hk", 1, TAO)),
    ("add_stake", ("carol", "carol-hk", 99, TAO)),
    ("add_stake", ("carol", "carol-hk", 1, 1)),
    ("add_stake", ("carol", "carol-hk", 1, 10**6 * TAO)),
    ("remove_stake", ("bob", "carol-hk", 1, TAO)),
    ("remove_stake", ("carol", "carol-hk", 99, TAO)),
    ("remove_stake", ("carol", "carol-hk", 1, 1)),
    ("move_stake", ("dave", "carol-hk", "alice-hk", 1, 2, TAO)),
    ("move_stake", ("carol", "carol-hk", "nobody-hk", 1, 2, TAO)),
    ("transfer_stake", ("carol", "dave", "carol-hk", 1, 99, TAO)),
    ("swap_stake", ("carol", "carol-hk", 1, 2, 10**6 * TAO)),
    ("register_network", ("pauper", "pauper-hk")),
    ("register_network", ("bob", "alice-hk")),
    ("burned_register", ("dave", "m9", 0)),
    ("burned_register", ("dave", "m9", 99)),
    ("burned_register", ("dave", "m1", 1)),
    ("burned_register", ("pauper", "p-hk", 1)),
    ("set_weights", ("carol-hk", 0, [0], [1])),
    ("set_weights", ("carol-hk", 1, [0, 0], [1, 1])),
    ("set_weights", ("carol-hk", 1, [0, 1], [1])),
    ("set_weights", ("nobody-hk", 1, [0], [1])),
    ("set_take", ("bob", "alice-hk", 100)),
    ("set_take", ("alice", "alice-hk", 60_000)),
    ("set_take", ("alice", "nobody-hk", 100)),
    ("increase_take", ("alice", "alice-hk", 100)),  # not above the current take
    ("decrease_take", ("alice", "alice-hk", 11_000)),  # not below it
    ("swap_stake", ("carol", "carol-hk", 1, 2, TAO, 10**18)),  # a limit beyond the price
    ("govern", ("era", "x")),
    ("govern", ("sources", {})),
    ("govern", ("warp_speed", 9)),
    ("submit", (dtao.Transfer("nobody", "bob", 1),)),
    ("submit", (dtao.Governance("tempo", None),)),
]


def _bad_values(kind: str, net: dtao.Network) -> list[Any]:
    table: dict[str, list[Any]] = {
        "name": NAME_BAD,
        "optional_name": OPTIONAL_NAME_BAD,
        "netuid": NETUID_BAD,
        "amount": AMOUNT_BAD,
        "limit": LIMIT_BAD,
        "flag": FLAG_BAD,
        "seq": SEQ_BAD,
        "take": TAKE_BAD,
        "blocks": BLOCKS_BAD,
        "record": _record_bad(net),
        "record_type": [None, "AddStake", 5, dtao.Network, dtao.Fund("alice", 1)],
        "rule": [None, 5, "lab:rule", dtao.Network],
        "batch": _batch_bad(net),
        "state": [None, "state", {}, 5, net, net.to_json()],
        "genesis": [None, "genesis", 5, net.state, dtao.Genesis],
        "any": [],  # govern's value: bad per parameter, generated from the ranges table
    }
    return table[kind]


def _bad_parameter_values() -> Iterator[tuple[str, Any]]:
    """(parameter, value) pairs outside each parameter's range (:data:`dtao.params.RANGES`)."""
    for name, bounds in RANGES.items():
        yield name, object()
        yield name, [getattr(LAUNCH, name)]
        if not bounds.optional:
            yield name, None
        if bounds.kind is bool:
            yield from ((name, v) for v in (0, 1, "True", 1.0))
        elif bounds.kind is str:
            yield from ((name, v) for v in (5, b"launch", ["x"]))
            if bounds.nonempty:
                yield name, "  "
        else:
            yield from ((name, v) for v in ("1", True, math.nan, math.inf, -math.inf))
            yield name, bounds.low - 1 if not bounds.open_low else bounds.low
            yield name, bounds.high + 1
            if bounds.kind is int:
                yield name, float(bounds.low if not bounds.open_low else bounds.high) + 0.5


def _method_calls(net: dtao.Network) -> Iterator[tuple[str, str, tuple[Any, ...]]]:
    """(label, method, args): one bad argument at a time, then seeded random combinations."""
    for method, params in SPEC.items():
        valid = [value for _, _, value in params]
        for i, (pname, kind, _) in enumerate(params):
            for bad in _bad_values(kind, net):
                args = list(valid)
                args[i] = bad
                yield f"{method}({pname}={bad!r:.40})", method, tuple(args)
    for name, value in _bad_parameter_values():
        if name not in READ_ONLY:
            yield f"govern({name!r}, {value!r:.40})", "govern", (name, value)
    for method, args in SEMANTIC:
        yield f"{method}{args!r:.60}", method, args
    rng = random.Random(SEED)
    several = [m for m, params in SPEC.items() if len(params) >= 2]
    for _ in range(300):
        method = rng.choice(several)
        params = SPEC[method]
        args = [value for _, _, value in params]
        for i in rng.sample(range(len(params)), rng.randint(2, len(params))):
            bads = _bad_values(params[i][1], net)
            if bads:
                args[i] = rng.choice(bads)
        if any(a is not v for a, (_, _, v) in zip(args, params, strict=True)):
            yield f"{method}{tuple(args)!r:.60}", method, tuple(args)


def _constructor_calls() -> Iterator[tuple[str, Callable[[], Any]]]:
    for preset in PRESET_BAD:
        yield f"Network({preset!r})", lambda p=preset: dtao.Network(p)
    for name, value in _bad_parameter_values():
        yield (
            f"Network({name}={value!r:.40})",
            lambda n=name, v=value: dtao.Network("launch", **{n: v}),
        )
    for name in ("era", "commit", "sources", "no_such_constant"):
        yield f"Network({name}=...)", lambda n=name: dtao.Network("launch", **{n: "x"})
    for low, high in _ORDERED:
        over = {low: RANGES[high].high, high: RANGES[high].low}
        if low == "base_block_emission":
            over = {low: RANGES[low].high, high: 10**9}
        yield f"Network(**{over})", lambda o=over: dtao.Network("launch", **o)


# -- generated bad calls: from_json --------------------------------------------------------------


#: objects whose keys are fixed by the format (deleting or adding one is always an error)
#: the only parameters a state's JSON must name; the others default when left out
_PARAMS_REQUIRED = {"era", "commit", "description"}


def _is_record(path: tuple[Any, ...]) -> bool:
    return (
        path in ((), ("params",))
        or (len(path) == 2 and path[0] == "subnets")
        or (len(path) == 3 and path[0] == "subnets" and path[2] in ("pool", "ratios", "neurons"))
    )


#: decimal strings that may be negative
_SIGNED = {"alpha_unbacked", "lost_tao"}


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _key_of(path: tuple[Any, ...]) -> str:
    """The last object key on a path (what the error message must name)."""
    keys = [k for k in path if isinstance(k, str)]
    return keys[-1] if keys else "state"


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, str):
        return 12
    if isinstance(value, int | float):
        return "x" if isinstance(value, float) else "7"
    if value is None:
        return "x"
    if isinstance(value, dict):
        return []
    return {}


def _json_mutations(text: str) -> Iterator[tuple[str, str, str | None]]:
    """(label, mutated text, key the message must name — None for broken identities)."""
    data = json.loads(text)

    def mutated(path: tuple[Any, ...], value: Any) -> str:
        copy_ = copy.deepcopy(data)
        if path:
            _set(copy_, path, value)
        else:
            copy_ = value
        return json.dumps(copy_)

    for path, value in _leaves(data):
        key = _key_of(path)
        yield f"type {path}", mutated(path, _wrong_type(value)), key
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            yield f"negative {path}", mutated(path, -(value + 1)), key
            yield f"float {path}", mutated(path, value + 0.5), key
        elif isinstance(value, float):
            yield f"negative {path}", mutated(path, -(value + 1.0)), key
            yield f"nan {path}", mutated(path, math.nan), key
        elif isinstance(value, str) and value.isdigit():
            if key not in _SIGNED:
                yield f"negative {path}", mutated(path, f"-{int(value) + 1}"), key
            yield f"float {path}", mutated(path, f"{value}.5"), key
            yield f"spaced {path}", mutated(path, f" {value}"), key
        if isinstance(value, dict) and _is_record(path):
            for name in value:
                if path == ("params",) and name not in _PARAMS_REQUIRED:
                    continue  # a parameter left out takes its default (Params.to_dict)
                copy_ = copy.deepcopy(data)
                del _get(copy_, path)[name]
                yield (
                    f"missing {(*path, name)}",
                    json.dumps(copy_),
                    name if name != "format" else "format",
                )
            yield f"extra key in {path}", mutated((*path, "zzz_extra"), 1), "zzz_extra"
    # broken conservation identities (every identity term + 1)
    for path in [
        ("total_issuance",),
        ("lost_tao",),
        ("root_fee_tao",),
        *[("balances", k) for k in data["balances"]],
        *[
            ("subnets", k, "pool", name)
            for k in data["subnets"]
            for name in (
                "tao_in",
                "alpha_out",
                "pending_emission",
                "pending_owner_cut",
                "pending_root_divs",
                "alpha_unbacked",
            )
        ],
        *[("stakes", i, 2) for i in range(len(data["stakes"]))],
    ]:
        yield f"+1 at {path}", mutated(path, str(int(_get(data, path)) + 1)), None
    yield "-1 issuance", mutated(("total_issuance",), str(int(data["total_issuance"]) - 1)), None
    # broken references and shapes
    neurons = data["subnets"]["1"]["neurons"]
    first = data["stakes"][0]
    for label, path, value, key in [
        ("stake on a missing subnet", ("stakes", 0, 1), 77, "stakes"),
        ("stake through an unowned hotkey", ("stakes", 0, 0), "ghost-hk", "stakes"),
        ("duplicate stake pool", ("stakes",), [*data["stakes"], first], "stakes"),
        ("short stake row", ("stakes", 0), first[:4], "stakes"),
        ("long stake row", ("stakes", 0), [*first, 1], "stakes"),
        ("unowned neuron", ("subnets", "1", "neurons", "hotkeys", 1), "ghost", "hotkeys"),
        (
            "a hotkey twice",
            ("subnets", "1", "neurons", "hotkeys", 1),
            neurons["hotkeys"][0],
            "hotkeys",
        ),
        (
            "vector too long",
            ("subnets", "1", "neurons", "incentive"),
            [*neurons["incentive"], 0],
            "incentive",
        ),
        (
            "permit as int",
            ("subnets", "1", "neurons", "validator_permit", 0),
            1,
            "validator_permit",
        ),
        ("weight uid out of range", ("subnets", "1", "neurons", "weights", 0, 0), 50, "weights"),
        ("capacity below n", ("subnets", "1", "neurons", "capacity"), 1, "capacity"),
        ("capacity huge", ("subnets", "1", "neurons", "capacity"), 10**6, "capacity"),
        ("max_uids above capacity", ("subnets", "1", "max_uids"), 100, "max_uids"),
        ("u16 overflow", ("subnets", "1", "neurons", "incentive", 0), 70_000, "incentive"),
        ("tempo beyond u16", ("subnets", "1", "pool", "tempo"), "70000", "tempo"),
        ("ratio above 1", ("subnets", "1", "ratios", "emission_share"), 1.5, "emission_share"),
        ("owner hotkey unknown", ("subnets", "2", "owner_hotkey"), "ghost", "owner_hotkey"),
        (
            "leading zero amount",
            ("total_issuance",),
            "0" + data["total_issuance"],
            "total_issuance",
        ),
        ("huge block", ("block",), 2**70, "block"),
        ("format", ("format",), "dtao-state/2", "format"),
        ("bad era", ("params", "era"), "", "era"),
        ("unknown strategy", ("params", "pool"), "uniswap", "pool"),
        ("empty key", ("balances", ""), "5", "balances"),
        ("extension unknown", ("extensions",), {"nope": {}}, "extension"),
        ("extensions not an object", ("extensions",), [], "extensions"),
    ]:
        yield f"{label}", mutated(path, value), key
    for key_text in ("0", "x", "01", "-1", "70000"):
        copy_ = copy.deepcopy(data)
        copy_["subnets"][key_text] = copy_["subnets"].pop("2")
        yield f"subnet key {key_text!r}", json.dumps(copy_), "subnets"
    for raw in (
        "",
        "[]",
        "null",
        "5",
        '"text"',
        "{not json",
        "[" * 50_000,
        '{"format": "dtao-state/1"}',
    ):
        yield f"text {raw[:20]!r}", raw, None
    yield "text that is not JSON", "\xff\xfe", None


# -- the generated test --------------------------------------------------------------------------


def _outcome(call: Callable[[], Any]) -> BaseException | None:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 — anything but a DtaoError is a finding
        return exc
    return None


def test_every_generated_bad_call_is_a_clean_dtao_error(base_text):
    net = fresh(base_text)
    digest = net.digest()
    made: dict[str, int] = {}
    problems: list[str] = []

    def expect(label: str, group: str, call: Callable[[], Any], error: type = DtaoError) -> None:
        nonlocal net
        made[group] = made.get(group, 0) + 1
        exc = _outcome(call)
        if not isinstance(exc, error) or isinstance(exc, InvariantViolation):
            problems.append(f"{label}: {type(exc).__name__}: {exc}"[:300])
        if net.digest() != digest:
            problems.append(f"{label}: changed the state")
            net = fresh(base_text)

    for label, method, args in _method_calls(net):
        expect(label, method, lambda m=method, a=args: getattr(net, m)(*a))
    for label, call in _constructor_calls():
        expect(label, "Network()", call, ConfigError)
    for label, text, key in _json_mutations(base_text):
        made["from_json"] = made.get("from_json", 0) + 1
        exc = _outcome(lambda t=text: dtao.Network.from_json(t))
        if not isinstance(exc, ConfigError):
            problems.append(f"from_json {label}: {type(exc).__name__}: {exc}"[:300])
        elif key is not None and key not in str(exc):
            problems.append(f"from_json {label}: message does not name {key!r}: {exc}"[:300])
    assert net.digest() == digest
    assert not problems, f"{len(problems)} unclean calls:\n" + "\n".join(problems[:40])
    total = sum(made.values())
    print(f"bad calls: {total} ({made})")
    assert total >= 500
    public = {
        name
        for name, member in inspect.getmembers(dtao.Network)
        if not name.startswith("_") and callable(member)
    }
    assert public - NO_ARGUMENTS - {"from_json"} <= set(made), "a public method is not exercised"
    assert made["from_json"] >= 200 and made["govern"] >= 200 and made["Network()"] >= 200


# -- the parameter table -------------------------------------------------------------------------


def test_the_ranges_table_covers_every_parameter():
    fields = {f.name for f in dataclasses.fields(LAUNCH)} - {"sources"}
    assert set(RANGES) == fields


def test_every_parameter_accepts_both_ends_of_its_range():
    for name, bounds in RANGES.items():
        if name in READ_ONLY or bounds.kind in (bool, str):
            continue
        ends = [bounds.high] if bounds.open_low else [bounds.low, bounds.high]
        for end in ends:
            companions: dict[str, Any] = {}
            for low, high in _ORDERED:  # keep low ≤ high while one end moves
                if name == low:
                    companions[high] = RANGES[high].high
                elif name == high:
                    companions[low] = RANGES[low].low
            params = LAUNCH.replace(**{name: end}, **companions)
            assert getattr(params, name) == end
        if bounds.optional:
            assert getattr(LAUNCH.replace(**{name: None}), name) is None


def test_an_int_for_a_float_parameter_becomes_a_float_and_bounds_are_named():
    params = LAUNCH.replace(ema_alpha=1)
    assert params.ema_alpha == 1.0 and type(params.ema_alpha) is float
    with pytest.raises(ConfigError, match=r"'tempo' expects an int in \[0, 65535\].*got None"):
        dtao.Network("launch", tempo=None)
    with pytest.raises(ConfigError, match="'burn_min'.*must not exceed 'burn_max'"):
        dtao.Network("launch", burn_min=10, burn_max=5)


def test_valid_edge_values_still_make_networks():
    for overrides in (
        {"tempo": 0},
        {"tempo": 65_535},
        {"ema_alpha": 0.0},
        {"ema_alpha": 1.0},
        {"ema_price_cap": None},
        {"network_min_lock": 0},
        {"burn_initial": 0},
        {"subnet_limit": 0},
        {"max_uids": 1},
        {"tao_weight_u64": 2**64 - 1},
    ):
        net = dtao.Network("launch", **overrides)
        assert all(getattr(net.params, k) == v for k, v in overrides.items())


def test_real_states_round_trip_through_the_validating_loader(base_text):
    again = dtao.Network.from_json(base_text)
    assert again.to_json() == base_text
    genesis = (
        dtao.Genesis("launch")
        .fund("a", 10 * TAO)
        .subnet(1, "a", "ahk", tao_in=5 * TAO, alpha_in=5 * TAO, alpha_out=0)
        .stake("a", "ahk", 1, 2 * TAO)  # alpha_out 0 < staked: negative alpha_unbacked
    )
    net = dtao.Network.from_genesis(genesis)
    assert net.state.columns.get("alpha_unbacked", 1) < 0
    assert dtao.Network.from_json(net.to_json()).digest() == net.digest()

"""The real network as a starting point: a snapshot in the shape of the bittensor SDK's subnet
data (one row per ``DynamicInfo``), read exactly, and a :class:`dtao.Genesis` built from it.

A snapshot is a JSON list of rows, one per netuid (0 = root). The columns read are
:data:`REQUIRED` (amounts in TAO / alpha as decimal numbers or decimal strings, converted to rao
exactly: more than 9 decimals is an error, never a rounding). The shipped one is
``dtao/sim/data/sudohayato_subnets_snapshot_2026-04-11.json`` (see ``data/SOURCE.md``).

What the snapshot does not hold is synthesised by the rules below (``docs/simulator.md``,
"Genesis assumptions"), all seeded by the scenario's seed:

* every subnet's pool: ``tao_in``, ``alpha_in``, ``alpha_out``, the moving price (I96F32 bits =
  ⌊m · 2³²⌋; a missing one is 0), tempo, registration block and owner keys, exactly as given;
* ``validators`` network-wide validator hotkeys ``val-<i>`` (coldkey ``genesis:val-<i>``), each
  registered on every subnet after the owner (UID 0), and ``miners`` miner hotkeys per subnet
  ``sn<k>-m<j>`` (coldkey ``genesis:miners``);
* ``holders`` nominator coldkeys ``genesis:holder-<j>``, holder j staking through validator
  j mod ``validators`` (with fewer holders than validators, evenly through validators j,
  j + ``holders``, …, so every validator has stake): every subnet's ``alpha_out`` is split
  over the holders by seeded Dirichlet(1) weights drawn per subnet (integer alpha-rao, the
  rest to holder 0), so no alpha is unbacked; root stake, the netuid 0 row's ``tau_in``
  (SubnetTAO of root), is split the same way (its own draw);
* free balances: ``genesis:unstaked`` is funded so that ``TotalIssuance`` equals
  :data:`ASSUMED_ISSUANCE` (the snapshot has no issuance; the rest of the world's free TAO);
* each validator's coldkey gets :data:`VALIDATOR_FUNDS` of free TAO (for the root seat's burn).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from dtao.errors import ConfigError, DtaoError
from dtao.genesis import Genesis
from dtao.units import RAO_PER_TAO, parse_amount

SHIPPED_NAME = "sudohayato_subnets_snapshot_2026-04-11.json"
#: the genesis block: the snapshot did not save its block; the last subnet registration in it
#: is at 7 894 898 and registrations came about 53 000 blocks apart then, so the snapshot was
#: taken between 7 894 898 and ~7 948 000; this is an estimate inside that bracket.
SNAPSHOT_BLOCK = 7_920_000
#: TotalIssuance at genesis (rao): the first halving (10.5 M TAO) was in December 2025, and
#: about 118 days × 3 600 TAO followed to 2026-04-11, so ≈ 10.92 M TAO (an estimate; it sets
#: the block emission to 0.5 TAO, the chain's then).
#: the synthetic network's genesis block: one day after its subnets registered (past their
#: registration, so every subnet's first epoch is due at once)
SYNTHETIC_BLOCK = 7_200
ASSUMED_ISSUANCE = 10_920_000 * RAO_PER_TAO
VALIDATOR_FUNDS = 100 * RAO_PER_TAO  # free TAO of each synthetic validator's coldkey (rao)
UNSTAKED = "genesis:unstaked"  # the free TAO the snapshot does not show

#: the columns a snapshot row must have (SDK ``DynamicInfo`` names in the comments)
REQUIRED: dict[str, str] = {
    "netuid": "netuid",
    "tau_in": "tao_in (TAO)",
    "alpha_in": "alpha_in (alpha)",
    "alpha_out": "alpha_out (alpha)",
    "moving_price": "moving_price (TAO per alpha, null = 0)",
    "tempo": "tempo (blocks)",
    "registered_at_block": "network_registered_at (block; null on root)",
    "owner_hk": "owner_hotkey",
    "owner_ck": "owner_coldkey",
}


@dataclass(frozen=True)
class SubnetRow:
    """One snapshot row, exact (amounts in rao / alpha-rao)."""

    netuid: int
    name: str
    tao_in: int
    alpha_in: int
    alpha_out: int
    moving_price_bits: int  # I96F32 raw bits, ⌊m · 2^32⌋
    tempo: int
    registered_at: int | None
    owner_hotkey: str
    owner_coldkey: str


def shipped_path() -> Path:
    """The shipped 2026-04-11 snapshot (package data)."""
    return Path(str(resources.files("dtao.sim") / "data" / SHIPPED_NAME))


def read_snapshot(path: Path | str | None = None) -> list[SubnetRow]:
    """The rows of a snapshot file (None = the shipped one), root first.

    ``ConfigError`` with one line ``FILE: row N: what`` for a file that is missing, not JSON,
    or a row with a missing column or a bad value.
    """
    file = shipped_path() if path is None else Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the snapshot ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not a JSON snapshot ({exc})") from None
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{file}: a snapshot is a non-empty JSON list of subnet rows")
    rows = [_row(file, i, raw) for i, raw in enumerate(data)]
    netuids = [r.netuid for r in rows]
    if len(set(netuids)) != len(netuids):
        raise ConfigError(f"{file}: a netuid appears twice")
    if 0 not in netuids:
        raise ConfigError(f"{file}: no root row (netuid 0)")
    if len(rows) < 2:
        raise ConfigError(f"{file}: no subnet rows besides root")
    return sorted(rows, key=lambda r: r.netuid)


def _row(file: Path, index: int, raw: Any) -> SubnetRow:
    where = f"{file}: row {index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a row must be a JSON object")
    missing = [key for key in REQUIRED if key not in raw]
    if missing:
        raise ConfigError(f"{where}: missing column {missing[0]!r} ({REQUIRED[missing[0]]})")
    netuid = _int(where, raw, "netuid")
    where = f"{where} (netuid {netuid})"
    amounts = {key: _amount(where, raw, key) for key in ("tau_in", "alpha_in", "alpha_out")}
    moving = raw["moving_price"]
    if moving is None:
        bits = 0
    elif isinstance(moving, Decimal | int | str) and not isinstance(moving, bool):
        try:
            value = Decimal(moving)
        except ArithmeticError:
            raise ConfigError(f"{where}: moving_price must be a number, got {moving!r}") from None
        if not value.is_finite() or value < 0:
            raise ConfigError(f"{where}: moving_price must be ≥ 0, got {moving}")
        bits = int(value * (1 << 32))
    else:
        raise ConfigError(f"{where}: moving_price must be a number or null, got {moving!r}")
    registered = raw["registered_at_block"]
    return SubnetRow(
        netuid=netuid,
        name=str(raw.get("name") or f"subnet {netuid}"),
        tao_in=amounts["tau_in"],
        alpha_in=amounts["alpha_in"],
        alpha_out=amounts["alpha_out"],
        moving_price_bits=bits,
        tempo=_int(where, raw, "tempo"),
        registered_at=None if registered is None else _int(where, raw, "registered_at_block"),
        owner_hotkey=_name(where, raw, "owner_hk"),
        owner_coldkey=_name(where, raw, "owner_ck"),
    )


def _int(where: str, raw: dict[str, Any], key: str) -> int:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: {key} must be a non-negative integer, got {value!r}")
    return value


def _amount(where: str, raw: dict[str, Any], key: str) -> int:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ConfigError(f"{where}: {key} must be a decimal amount, got {value!r}")
    try:
        return parse_amount(str(value), key)
    except DtaoError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _name(where: str, raw: dict[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty key name, got {value!r}")
    return value


# -- synthetic rows ------------------------------------------------------------------------------


def synthetic_rows(subnets: int, seed: int, price_scale: float = 1.0) -> list[SubnetRow]:
    """A small seeded network in the snapshot's shape: pools of 1 000–20 000 TAO at prices
    0.005–0.05 TAO/alpha (times ``price_scale``: the same draws), alpha_out = 1–2 × alpha_in,
    moving price = spot price, tempo 360, root stake 3 × Σ pool TAO (amounts rounded to whole
    TAO / alpha)."""
    rng = np.random.default_rng([seed, 7])
    rows = []
    for netuid in range(1, subnets + 1):
        tao = int(rng.uniform(1_000, 20_000))
        price = float(rng.uniform(0.005, 0.05)) * price_scale
        alpha = int(tao / price)
        rows.append(
            SubnetRow(
                netuid=netuid,
                name=f"synthetic {netuid}",
                tao_in=tao * RAO_PER_TAO,
                alpha_in=alpha * RAO_PER_TAO,
                alpha_out=int(alpha * rng.uniform(1.0, 2.0)) * RAO_PER_TAO,
                moving_price_bits=(tao << 32) // alpha,
                tempo=360,
                registered_at=netuid,
                owner_hotkey=f"owner-{netuid}-hk",
                owner_coldkey=f"owner-{netuid}",
            )
        )
    root_tao = 3 * sum(r.tao_in for r in rows)
    root = SubnetRow(0, "root", root_tao, 0, 0, 0, 100, None, "root-owner", "root-owner")
    return [root, *rows]


# -- genesis -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synthesis:
    """How the neurons the snapshot lacks are made (see the module docstring)."""

    validators: int = 4  # network-wide validator hotkeys, one UID on every subnet
    holders: int = 16  # nominator coldkeys holding the snapshot's stake
    miners: int = 3  # miner hotkeys per subnet
    issuance: int = ASSUMED_ISSUANCE  # TotalIssuance at genesis (rao); at least what is held


def validator_hotkeys(validators: int) -> list[str]:
    """The synthetic validators' hotkeys (their coldkey is ``genesis:<hotkey>``)."""
    return [f"val-{i}" for i in range(validators)]


def holder_coldkey(j: int) -> str:
    """The j-th synthetic nominator's coldkey."""
    return f"genesis:holder-{j}"


def _split(total: int, weights: np.ndarray) -> list[int]:
    """``total`` rao split by ``weights``: each part floored, the rest to the first."""
    parts = [int(total * w) for w in weights / weights.sum()]
    parts[0] += total - sum(parts)
    return parts


def build_genesis(
    rows: list[SubnetRow],
    preset: str,
    seed: int,
    synthesis: Synthesis = Synthesis(),
    block: int = SNAPSHOT_BLOCK,
    **overrides: Any,
) -> Genesis:
    """A :class:`dtao.Genesis` of the rows' network (rules in the module docstring)."""
    rng = np.random.default_rng([seed, 1])
    validators = validator_hotkeys(synthesis.validators)
    first_block = max([block] + [(r.registered_at or 0) + 1 for r in rows])
    genesis = Genesis(preset, block=first_block, **overrides)
    for hotkey in validators:
        genesis.hotkey(f"genesis:{hotkey}", hotkey).fund(f"genesis:{hotkey}", VALIDATOR_FUNDS)
    held = synthesis.validators * VALIDATOR_FUNDS
    for row in rows:
        if row.netuid == 0:
            continue
        genesis.subnet(
            row.netuid,
            row.owner_coldkey,
            row.owner_hotkey,
            tao_in=row.tao_in,
            alpha_in=row.alpha_in,
            moving_price_bits=row.moving_price_bits,
            tempo=row.tempo,
            registered_at=row.registered_at,
        )
        held += row.tao_in
        for hotkey in validators:
            genesis.neuron(row.netuid, hotkey)
        for j in range(synthesis.miners):
            genesis.neuron(row.netuid, f"sn{row.netuid}-m{j}", "genesis:miners")
        _stake_split(genesis, rng, row.netuid, row.alpha_out, validators, synthesis.holders)
    root = next(r for r in rows if r.netuid == 0)
    _stake_split(genesis, rng, 0, root.tao_in, validators, synthesis.holders)
    held += root.tao_in
    if synthesis.issuance > held:
        genesis.fund(UNSTAKED, synthesis.issuance - held)
    return genesis


def _stake_split(
    genesis: Genesis,
    rng: np.random.Generator,
    netuid: int,
    total: int,
    validators: list[str],
    holders: int,
) -> None:
    """``total`` of ``netuid`` credited to the holders (seeded Dirichlet(1) parts), holder j
    through validator j mod len(validators); with fewer holders than validators, holder j
    splits its part evenly over validators j, j + holders, … (the rest to the first), so that
    every validator has stake behind it (a permit, hence its votes)."""
    parts = _split(total, rng.dirichlet(np.ones(holders)))
    for j, amount in enumerate(parts):
        # j mod V, then every `holders`-th validator after it (only j itself when holders ≥ V)
        through = validators[j % len(validators) :: holders]
        each, rest = divmod(amount, len(through))
        for i, hotkey in enumerate(through):
            share = each + rest if i == 0 else each
            if share:
                genesis.stake(holder_coldkey(j), hotkey, netuid, share)

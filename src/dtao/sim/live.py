"""A fresh snapshot of the live network (``dtao snapshot OUT``), in the shipped snapshot's shape.

:func:`fetch_rows` asks the bittensor SDK (the optional ``[live]`` extra, ``bittensor>=10,<11``,
whose ``Subtensor.all_subnets()`` returns one ``DynamicInfo`` per subnet) and converts each with
:func:`row_from_dynamic_info`. Amounts are written as exact decimal strings of TAO / alpha
(from the ``Balance``'s integer ``rao``), which :func:`dtao.sim.snapshot.read_snapshot` reads
exactly; the shipped file's JSON numbers are read the same way.
"""

from __future__ import annotations

from typing import Any

from dtao.errors import ConfigError, DtaoError
from dtao.units import RAO_PER_TAO

BLOCKS_PER_DAY = 7_200


def _decimal(rao: int) -> str:
    """rao as an exact decimal string of whole tokens (``"1.500000000"``)."""
    sign = "-" if rao < 0 else ""
    whole, frac = divmod(abs(rao), RAO_PER_TAO)
    return f"{sign}{whole}.{frac:09d}"


def _rao(balance: Any) -> int:
    """The integer rao of an SDK ``Balance`` (or a plain int of rao)."""
    value = getattr(balance, "rao", balance)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"expected a Balance with integer rao, got {balance!r}")
    return value


def row_from_dynamic_info(info: Any) -> dict[str, Any]:
    """One snapshot row from an SDK ``DynamicInfo`` (field names of bittensor 10.x)."""
    tao_in, alpha_in, alpha_out = _rao(info.tao_in), _rao(info.alpha_in), _rao(info.alpha_out)
    price = tao_in / alpha_in if alpha_in else 0.0
    identity = getattr(info, "subnet_identity", None)
    netuid = int(info.netuid)
    emission = getattr(info, "tao_in_emission", None)
    return {
        "netuid": netuid,
        "name": info.subnet_name,
        "symbol": info.symbol,
        "tau_in": _decimal(tao_in),
        "alpha_in": _decimal(alpha_in),
        "alpha_out": _decimal(alpha_out),
        "total_alpha": _decimal(alpha_in + alpha_out),
        "price_tao": price,
        "moving_price": None if netuid == 0 else float(info.moving_price),
        "market_cap_tao": price * (alpha_in + alpha_out) / RAO_PER_TAO,
        "subnet_volume": _decimal(_rao(info.subnet_volume)),
        "emission_tao_day": None
        if emission is None
        else _rao(emission) * BLOCKS_PER_DAY / RAO_PER_TAO,  # per-block TAO injected × 7 200
        "tempo": int(info.tempo),
        "blocks_since_last_step": int(info.blocks_since_last_step),
        "is_dynamic": bool(info.is_dynamic),
        "registered_at_block": None if netuid == 0 else int(info.network_registered_at),
        "owner_hk": info.owner_hotkey,
        "owner_ck": info.owner_coldkey,
        "k_constant": str(tao_in * alpha_in),
        "github": getattr(identity, "github_repo", None),
        "description": getattr(identity, "description", None),
    }


def fetch_rows(network: str = "finney") -> list[dict[str, Any]]:
    """Every subnet of the live network as snapshot rows (netuid order). ``ConfigError`` if
    the SDK is not installed; ``DtaoError`` if the network cannot be read."""
    try:
        import bittensor
    except ImportError:
        raise ConfigError(
            "dtao snapshot needs the bittensor SDK: pip install 'dtao[live]'"
        ) from None
    try:
        infos = bittensor.Subtensor(network=network).all_subnets()
    except Exception as exc:  # the SDK raises many kinds; one line for the user
        raise DtaoError(f"could not read the {network} network: {exc}") from None
    return [row_from_dynamic_info(info) for info in sorted(infos, key=lambda i: i.netuid)]

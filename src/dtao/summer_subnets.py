"""The summer-2026 era's per-subnet registration terms that do not fit an ``int64`` column,
kept as one :class:`~dtao.state.Extension` named ``summer-2026-registration``.

``BurnIncreaseMult`` (opentensor/subtensor ``pallets/subtensor/src/lib.rs`` @ ``14bc6f9``) is a
U64F64 per subnet: its raw bits (value · 2^64) pass 2^63 for any multiplier ≥ 0.5, so it is held
here as Python ints by netuid; a subnet without an entry uses the preset's value. The section is
written only when an era uses it (:func:`registration_terms` creates it on first use).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from dtao.fixed import FRAC64, U64F64_MAX
from dtao.params import Params
from dtao.state import EXTENSION_DECODERS, State


def u64f64_bits_of_float(value: float) -> int:
    """``U64F64::from_num(f64)``: the float's exact value rounded to the nearest 2^-64 (ties to
    even) and saturated to the type's range; exact for every f64 ≥ 2^-12."""
    bits = round(Fraction(value) * (1 << FRAC64))
    return min(max(bits, 0), U64F64_MAX)


class RegistrationTerms:
    """Per-subnet ``BurnIncreaseMult`` raw U64F64 bits (only subnets that were given one)."""

    name: ClassVar[str] = "summer-2026-registration"

    def __init__(self) -> None:
        self.burn_increase_mult: dict[int, int] = {}

    def mult_bits(self, params: Params, netuid: int) -> int:
        """The subnet's multiplier as U64F64 bits (the preset's value when never set)."""
        bits = self.burn_increase_mult.get(netuid)
        return u64f64_bits_of_float(params.burn_increase_mult) if bits is None else bits

    def to_dict(self) -> dict[str, Any]:
        """Raw bits as decimal strings by netuid."""
        return {
            "burn_increase_mult": {
                str(k): str(v) for k, v in sorted(self.burn_increase_mult.items())
            }
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RegistrationTerms:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""
        ext = cls()
        for key, value in data["burn_increase_mult"].items():
            netuid, bits = int(key), int(value)
            if netuid < 0 or not 0 <= bits <= U64F64_MAX:
                raise ValueError(f"burn_increase_mult[{key!r}] = {value!r}")
            ext.burn_increase_mult[netuid] = bits
        return ext


EXTENSION_DECODERS[RegistrationTerms.name] = RegistrationTerms.from_dict


def registration_terms(state: State) -> RegistrationTerms:
    """The state's registration-terms section, created (empty) on first use."""
    ext = state.extensions.get(RegistrationTerms.name)
    if ext is None:
        ext = state.extensions[RegistrationTerms.name] = RegistrationTerms()
    return ext  # type: ignore[return-value]

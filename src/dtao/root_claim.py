"""Root dividends accrued for root claims (summer-2026; dtao-economics.md §5c).

Only the accrual the epoch payout needs: ``increase_root_claimable_for_hotkey_and_subnet`` in
``staking/claim_root.rs`` @ 14bc6f9. The claim side (Swap / Keep, thresholds, automatic
claims) belongs to the root-claim part of the era.

``RootClaimable[hotkey][netuid]`` is a per-unit-of-root-stake rate (I96F32 raw bits), kept in
the :class:`RootClaims` extension; the alpha it represents stays in the subnet's outstanding
alpha o and is counted in the summer column ``root_claimable_alpha`` until claimed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from dtao import ledger
from dtao.fixed import I96F32
from dtao.state import EXTENSION_DECODERS, State
from dtao.summer import summer_columns

ROOT = 0


class RootClaims:
    """``RootClaimable``: hotkey -> netuid -> rate (I96F32 raw: alpha-rao per rao of root)."""

    name: ClassVar[str] = "root-claims"

    def __init__(self) -> None:
        self.claimable: dict[str, dict[int, int]] = {}

    def to_dict(self) -> dict[str, Any]:
        """Rates as decimal strings of the raw bits, by hotkey and netuid."""
        return {
            "claimable": {
                hotkey: {str(n): str(v) for n, v in sorted(rates.items())}
                for hotkey, rates in sorted(self.claimable.items())
            }
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RootClaims:
        """The inverse of :meth:`to_dict`."""
        ext = cls()
        for hotkey, rates in data["claimable"].items():
            ext.claimable[str(hotkey)] = {int(n): int(v) for n, v in rates.items()}
        return ext


EXTENSION_DECODERS[RootClaims.name] = RootClaims.from_dict


def root_claims(state: State) -> RootClaims:
    """The state's root-claim rates, created empty on first use."""
    ext = state.extensions.get(RootClaims.name)
    if ext is None:
        ext = state.extensions[RootClaims.name] = RootClaims()
    return ext  # type: ignore[return-value]


def increase_root_claimable(state: State, hotkey: str, netuid: int, alpha: int) -> None:
    """Accrue ``alpha`` (alpha-rao of subnet ``netuid``) to the root stakers of ``hotkey``.

    rate += I96F32(alpha) / I96F32(root stake of hotkey) (truncated; 0 when the stake is 0).
    When ``alpha`` exceeds that root stake the chain stakes it to (hotkey, hotkey's owner) on
    ``netuid`` instead and accrues nothing. A zero amount still writes the (zero) entry, as
    the chain's ``mutate`` does.
    """
    total = ledger.get_hotkey_stake(state, hotkey, ROOT)
    if alpha > total:
        owner = state.hotkey_owner.get(hotkey, "0")
        ledger.increase_stake(state, owner, hotkey, netuid, alpha)
        return
    increment = I96F32.checked_div(I96F32.from_int(alpha), I96F32.from_int(total)) or 0
    # (alpha <= total here, so total > 0 unless alpha = 0: checked_div gives None → 0)
    rates = root_claims(state).claimable.setdefault(hotkey, {})
    rates[netuid] = I96F32.saturate(rates.get(netuid, 0) + increment)
    ext = summer_columns(state)
    ext.set("root_claimable_alpha", netuid, ext.get("root_claimable_alpha", netuid) + alpha)

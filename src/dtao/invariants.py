"""Conservation identities of the launch-era state, checked exactly (no tolerance).

TAO: every rao counted in ``TotalIssuance`` is somewhere:

    I = Σ free balances + Σ_{i≥1} tao_in_i + Σ root stake (root share-pool values)
        + root fees (flat fees kept in SubnetTAO[0]) + Σ pending root dividends (TAO)
        + lost TAO (dust and refused swaps the chain drops without reducing issuance)

Lock above MinLock leaves issuance at registration (§8b), so it appears on neither side.
From 14bc6f9 on the whole lock stays: a subnet account holds its pool's TAO plus
``account_tao`` (negative where a lock below MinLock seeded the pool with MinLock), and a
dissolution pays the account out (see :func:`check_dissolution`).

Alpha, per subnet i: the outstanding counter o_i is held by stakers, pots or the documented
launch drift:

    o_i = Σ_h stake_{h,i} + pending_emission_i + pending_owner_cut_i + alpha_unbacked_i

``alpha_unbacked`` collects alpha the chain keeps counted in o with no holder (a refused
root-alpha sale, dust from epoch floors) minus alpha credited by the epoch beyond the o
increase (the 02-24 dividend rule pays D_h − root_divs_h, see dtao-economics.md §5b).

summer-2026 (the ``summer-2026`` state extension) adds holders of o: the pots
``pending_server`` + ``pending_validator`` + ``pending_root_alpha``, the chain-bought
``protocol_alpha``, the alpha accrued for root claims (``root_claimable_alpha``) and the alpha
burned (``alpha_burned``: ``burn_alpha``, a sale's fee alpha when there is no block author, the
owner-hotkey incentive an epoch withholds), all still counted in o; its ``alpha_unbacked`` holds
the split's flooring dust, an owner cut without an owner and the payout's flooring dust, each
added where it arises. Recycled alpha (root alpha without the root-sell flag) leaves o itself.
On the TAO side the recycled rest of the minted E leaves issuance, a chain buy the pool refuses
is stranded on the subnet's account (``account_tao``), and swap fees paid to the block author are
its free balance, so they are in "free".
Root claims (summer-2026, §5c) add one holder of o, from causes: the summer column
``root_claimable_alpha``, the root alpha the epoch made claimable on subnet i minus the alpha
claims paid out of it (a Keep claim moves it into a stake; a Swap claim sells it, so o shrinks
by it and the pool's TAO becomes root stake — the TAO identity needs no new term).
summer-2026 adds, per subnet, the alpha burned (``burn_alpha``, a sale's fee alpha when there is
no block author), still counted in o: the summer column ``alpha_burned``. Swap fees paid to the
block author are its free balance, so they are in "free".
Alpha recycled by ``CKBurn`` (14bc6f9, §5d) leaves o and is recorded per subnet in the childkey
state; the payout derives it from the split, so it never lands in ``alpha_unbacked``.

Root Reborn (``current``, dtao-current.md §5) adds one holder of o: the alpha queued in
``PendingBasketDeposits`` (:func:`dtao.baskets.pending_alpha`), put there by the epoch's root
rest and taken out by a deposit (it becomes the escrow's stake) or a recycle (it leaves o).
Basket holdings are ordinary stake of the escrow coldkey, so both identities count them
already; the root burn and the claim fee leave issuance and free balance together.

current (spec 475) adds one TAO holding: ``tao_reservoir``, the materialised ⌊tao_in⌋ that
the balancer could not make price-active (parked per subnet, released by a later injection).
The parked alpha (``alpha_reservoir``) is minted but outside x and o; it counts in the alpha
issuance A only and must be non-negative. A stored superellipse curve (§6.3, off by default)
moves no balance; its pool's reserves must stay on the curve's tradable branch (X, Y > 0).

Root Network (``root-vote``, d4d8182) adds one TAO holding: its stake entries (TAO 1:1 to a
hotkey) and the subnet locks it keeps in ``SubnetLocked`` (:func:`root_vote_tao`). Nothing
else moves: pending TAO emission is minted only when paid (owner cut, hotkey drains).

Childkeys: every ChildKeys edge has its ParentKeys mirror (same proportion) and back, no
hotkey is its own child, and a parent lends at most u64::MAX in total.
"""

from __future__ import annotations

from collections import defaultdict

from dtao import baskets, childkeys, curve, ledger, root_claim, root_vote_state
from dtao.errors import InvariantViolation
from dtao.receipts import Dissolved
from dtao.registration_queue import escrow_tao
from dtao.state import State
from dtao.summer import SummerColumns

#: summer-2026 columns that hold part of a subnet's outstanding alpha o (alpha-rao)
SUMMER_HOLDERS = (
    "pending_server",
    "pending_validator",
    "pending_root_alpha",
    "protocol_alpha",
    "root_claimable_alpha",
    "alpha_burned",
)


def tao_holdings(state: State) -> dict[str, int]:
    """Where the issued TAO sits (rao), by kind."""
    cols = state.columns
    netuids = state.netuids
    return {
        "free": sum(state.balances.values()),
        "pools": sum(cols.get("tao_in", i) for i in netuids),
        "root_stake": sum(p.value for (_, netuid), p in state.stakes.items() if netuid == 0),
        "root_fees": state.root_fee_tao,
        "pending_root_divs": sum(cols.get("pending_root_divs", i) for i in netuids),
        "lost": state.lost_tao,
        "subnet_accounts": subnet_account_tao(state),
        "registration_escrow": escrow_tao(state),
        "reservoirs": reservoir_tao(state),
        "root_vote": root_vote_tao(state),
    }


def root_vote_tao(state: State) -> int:
    """TAO the Root Network era holds outside free balances (rao): every stake entry and every
    subnet lock (``SubnetLocked``); 0 when the era has no such state. Pending emission is not
    minted until it is paid, so it is no holding."""
    ext = root_vote_state.peek(state)
    if ext is None:
        return 0
    return sum(ext.stake.values()) + sum(ext.locked.values())


def reservoir_tao(state: State) -> int:
    """TAO materialised into the balancer reservoirs and not yet price-active (current era,
    summer column ``tao_reservoir``, rao); 0 when the era has no such state."""
    ext = state.extensions.get(SummerColumns.name)
    if not isinstance(ext, SummerColumns):
        return 0
    return int(ext.columns["tao_reservoir"].sum())


def subnet_account_tao(state: State) -> int:
    """TAO the subnet accounts hold beyond their pools (summer column ``account_tao``, rao),
    every netuid: a dissolved subnet's account keeps its existential deposit; 0 when the era
    has no such state."""
    ext = state.extensions.get(SummerColumns.name)
    if not isinstance(ext, SummerColumns):
        return 0
    return int(ext.columns["account_tao"].sum())


def check(state: State) -> None:
    """Raise ``InvariantViolation`` unless every identity holds exactly."""
    holdings = tao_holdings(state)
    total = sum(holdings.values())
    if total != state.total_issuance:
        raise InvariantViolation(
            f"TAO: issuance {state.total_issuance} != holdings {total} ({holdings})"
        )
    staked: dict[int, int] = defaultdict(int)
    for (_, netuid), pool in state.stakes.items():
        if pool.value < 0:
            raise InvariantViolation(f"negative pool value on subnet {netuid}")
        staked[netuid] += pool.value
    cols = state.columns
    summer = state.extensions.get(SummerColumns.name)
    for netuid in state.netuids:
        held = (
            staked[netuid]
            + cols.get("pending_emission", netuid)
            + cols.get("pending_owner_cut", netuid)
            + cols.get("alpha_unbacked", netuid)
        )
        if summer is not None:
            held += sum(summer.get(c, netuid) for c in SUMMER_HOLDERS)  # type: ignore[attr-defined]
        held += baskets.pending_alpha(state, netuid)  # Root Reborn's deposit queue
        if held != cols.get("alpha_out", netuid):
            raise InvariantViolation(
                f"alpha on subnet {netuid}: alpha_out {cols.get('alpha_out', netuid)} "
                f"!= stakes + pots {held}"
            )
        if (
            summer is not None
            and min(
                summer.get("tao_reservoir", netuid),  # type: ignore[attr-defined]
                summer.get("alpha_reservoir", netuid),  # type: ignore[attr-defined]
            )
            < 0
        ):
            raise InvariantViolation(f"a reservoir of subnet {netuid} is negative")
        for name in ("tao_in", "alpha_in", "alpha_out"):
            if cols.get(name, netuid) < 0:
                raise InvariantViolation(f"{name}[{netuid}] is negative")
        ellipse = curve.stored_curve(state, netuid)
        if ellipse is not None:  # a stored superellipse always prices its pool (X, Y > 0)
            y, x = cols.get("tao_in", netuid), cols.get("alpha_in", netuid)
            if min(ellipse.cx - (x << 32), ellipse.cy - (y << 32), ellipse.a, ellipse.b) <= 0:
                raise InvariantViolation(f"subnet {netuid}'s reserves are off its curve")
    if any(v < 0 for v in state.balances.values()):
        raise InvariantViolation("a free balance is negative")
    check_share_pools(state)
    claims = root_claim.peek(state)
    if claims is not None:
        check_root_claims(claims)
    problems = childkeys.check_consistency(state)
    if problems:
        raise InvariantViolation("childkeys: " + "; ".join(problems[:3]))
    check_root_vote_totals(state)


def check_root_vote_totals(state: State) -> None:
    """The Root Network's TotalHotkeyStake / TotalColdkeyStake equal the sums of their entries
    and no entry is negative."""
    ext = root_vote_state.peek(state)
    if ext is None:
        return
    hotkeys: dict[str, int] = defaultdict(int)
    coldkeys: dict[str, int] = defaultdict(int)
    for (hotkey, coldkey), amount in ext.stake.items():
        if amount < 0:
            raise InvariantViolation(f"negative root-vote stake of ({hotkey}, {coldkey})")
        hotkeys[hotkey] += amount
        coldkeys[coldkey] += amount
    for name, totals, sums in (
        ("TotalHotkeyStake", ext.hotkey_total, hotkeys),
        ("TotalColdkeyStake", ext.coldkey_total, coldkeys),
    ):
        if {k: v for k, v in totals.items() if v} != {k: v for k, v in sums.items() if v}:
            raise InvariantViolation(f"root-vote {name} differs from its entries")


def check_share_pools(state: State) -> None:
    """Every share pool adds up: Σ holders' shares = the pool's total shares (U64F64 raw), and
    Σ holders' values = the pool value less at most 2 rao of flooring per holder (each value
    is ⌊(V/D)·s⌋ with V/D itself truncated)."""
    for (hotkey, netuid), pool in state.stakes.items():
        if sum(pool.shares.values()) != pool.total_shares:
            raise InvariantViolation(
                f"pool ({hotkey!r}, {netuid}): holders' shares {sum(pool.shares.values())} "
                f"!= total shares {pool.total_shares}"
            )
        held = sum(ledger.value_of_shares(pool, shares) for shares in pool.shares.values())
        if not 0 <= pool.value - held <= 2 * len(pool.shares) and pool.shares:
            raise InvariantViolation(
                f"pool ({hotkey!r}, {netuid}): holders' values {held} vs pool value {pool.value}"
            )


def check_dissolution(event: Dissolved, existential_deposit: int) -> None:
    """A dissolution's payout from its causes (``destroy_alpha_in_out_stakes`` @ 14bc6f9):
    each staker's TAO is ⌊pot·w/Σw⌋ or one rao more (0 where the transfer was refused),
    the protocol's share likewise, stakers and protocol together never exceed the pot (exactly
    the pot when every transfer was made and Σw > 0), and the account's TAO is all accounted
    for: paid + refund + recycled + kept = account (recycled includes reaped dust), kept ≤ the
    existential deposit."""
    weights = [w for _, _, w in event.weights]
    total = sum(weights) + event.protocol_weight
    paid = [p for _, p in event.paid]
    if len(paid) != len(weights):
        raise InvariantViolation(f"dissolution of {event.netuid}: payouts and weights differ")
    for weight, share in zip(weights, paid, strict=True):
        floor = event.pot * weight // total if total else 0
        if share not in (0, floor, floor + 1):  # 0: the transfer was refused
            raise InvariantViolation(
                f"dissolution of {event.netuid}: paid {share} rao for weight {weight}/{total} "
                f"of a {event.pot} rao pot"
            )
    floor = event.pot * event.protocol_weight // total if total else 0
    if event.protocol not in (floor, floor + 1):
        raise InvariantViolation(f"dissolution of {event.netuid}: protocol share {event.protocol}")
    handed = sum(paid) + event.protocol
    if handed > event.pot or (total and event.pot and all(paid) and handed != event.pot):
        raise InvariantViolation(
            f"dissolution of {event.netuid}: {handed} rao handed out of a {event.pot} rao pot"
        )
    if sum(paid) + event.refund + event.recycled + event.kept != event.account:
        raise InvariantViolation(
            f"dissolution of {event.netuid}: account {event.account} != paid {sum(paid)} + "
            f"refund {event.refund} + recycled {event.recycled} + kept {event.kept}"
        )
    if not 0 <= event.kept <= existential_deposit:
        raise InvariantViolation(f"dissolution of {event.netuid}: {event.kept} rao kept")


def check_root_claims(claims: root_claim.RootClaims) -> None:
    """The root-claim storage is well formed: rates and watermarks are not negative, and the
    staking-coldkey index is a bijection onto [0, n) (``StakingColdkeys[c] = i`` exactly when
    ``StakingColdkeysByIndex[i] = c``)."""
    if any(rate < 0 for rates in claims.claimable.values() for rate in rates.values()):
        raise InvariantViolation("a RootClaimable rate is negative")
    if any(value < 0 for value in claims.claimed.values()):
        raise InvariantViolation("a RootClaimed watermark is negative")
    index = claims.coldkey_index
    if len(index) != len(claims.coldkeys) or any(
        index.get(coldkey) != i for i, coldkey in enumerate(claims.coldkeys)
    ):
        raise InvariantViolation("the staking-coldkey index is not a bijection onto [0, n)")

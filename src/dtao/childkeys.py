"""Childkeys (dtao-economics.md §5d, §11): a parent hotkey lends a proportion q of its stake on
one subnet to child hotkeys; Yuma weighs the child with the lent stake and the child's dividend
is shared back with its parents.

State (the extension ``childkeys``, written only once used): ``ChildKeys`` / ``ParentKeys`` per
(hotkey, netuid) as lists of (proportion u64 / (2^64 − 1), hotkey), ``PendingChildKeys`` with
their cooldown block, ``ChildkeyTake`` (u16 / 65535) per (hotkey, netuid), the last block of each
rate-limited transaction (``TransactionKeyLastBlock``) and the alpha recycled by ``CKBurn`` per
subnet (a record for the conservation identities).

Rules, in the chain's fixed-point order, for both eras it mirrors (era differences come from
:class:`~dtao.params.Params` switches and the split strategy in :class:`~dtao.rules.Rules`):

* inherited stake: ``get_inherited_for_hotkey_on_subnet`` /
  ``get_tao_inherited_for_hotkey_on_subnet`` in ``staking/stake_utils.rs`` @ 5073ade (I96F32)
  and @ 14bc6f9 (U96F32; the same bits, since Σ q ≤ 1 keeps every difference non-negative);
* the dividend split: ``get_dividends_distribution`` in ``coinbase/run_coinbase.rs`` @ 5073ade
  (:func:`split_whole_dividend`) and ``get_parent_child_dividends_distribution`` @ 14bc6f9
  (:func:`split_foreign_parents`);
* ``set_children`` (``do_schedule_children``) and ``set_childkey_take`` in
  ``staking/set_children.rs`` at both commits, with their rate limits
  (``utils/rate_limiting.rs``); pending children are applied on subnets whose epoch ran this
  block (``try_set_pending_children`` in ``coinbase/block_step.rs``, both commits).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao import errors as E
from dtao.fixed import FRAC32
from dtao.state import EXTENSION_DECODERS, State
from dtao.summer import COLUMNS, SummerColumns
from dtao.units import U16_MAX, U64_MAX

ROOT = 0
#: the chain's ``DefaultAccount`` (all-zero AccountId, "0" in the vectors): the owner a hotkey
#: without an ``Owner`` entry reads as
DEFAULT_ACCOUNT = "0"
#: ``TransactionType`` codes of ``TransactionKeyLastBlock`` (utils/rate_limiting.rs, both commits)
TX_SET_CHILDREN = 0
TX_SET_CHILDKEY_TAKE = 1

Links = tuple[tuple[int, str], ...]  # ((proportion u64, hotkey), ...)


@dataclass
class Childkeys:
    """The childkey storage (see the module docstring); keys are (hotkey, netuid)."""

    name: ClassVar[str] = "childkeys"

    children: dict[tuple[str, int], Links] = field(default_factory=dict)  # ChildKeys
    parents: dict[tuple[str, int], Links] = field(default_factory=dict)  # ParentKeys
    #: PendingChildKeys: (netuid, parent) -> (children, cooldown block)
    pending: dict[tuple[int, str], tuple[Links, int]] = field(default_factory=dict)
    takes: dict[tuple[str, int], int] = field(default_factory=dict)  # ChildkeyTake (u16)
    #: TransactionKeyLastBlock: (hotkey, netuid, tx type) -> block
    last_tx: dict[tuple[str, int, int], int] = field(default_factory=dict)
    #: alpha-rao recycled by CKBurn per subnet since genesis (record)
    burned: dict[int, int] = field(default_factory=dict)

    def linked(self, netuid: int) -> bool:
        """Whether any parent/child relation exists on ``netuid``."""
        return any(n == netuid for _, n in self.children)

    def set_links(
        self, table: dict[tuple[str, int], Links], key: tuple[str, int], links: Links
    ) -> None:
        """Write one ChildKeys / ParentKeys entry; an empty list removes the key (14bc6f9's
        ``set_childkeys``; at 5073ade an empty vector reads the same as no entry)."""
        if links:
            table[key] = links
        else:
            table.pop(key, None)

    def to_dict(self) -> dict[str, Any]:
        """Canonical data: sorted rows, proportions and amounts as decimal strings."""

        def links(values: Links) -> list[list[str]]:
            return [[str(p), hk] for p, hk in values]

        return {
            "children": [[h, n, links(v)] for (h, n), v in sorted(self.children.items())],
            "parents": [[h, n, links(v)] for (h, n), v in sorted(self.parents.items())],
            "pending": [
                [n, h, links(v), str(block)] for (n, h), (v, block) in sorted(self.pending.items())
            ],
            "takes": [[h, n, t] for (h, n), t in sorted(self.takes.items())],
            "last_tx": [[h, n, k, str(b)] for (h, n, k), b in sorted(self.last_tx.items())],
            "burned": {str(n): str(a) for n, a in sorted(self.burned.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Childkeys:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` / ``TypeError`` on a bad
        section."""

        def links(rows: Iterable[Sequence[Any]]) -> Links:
            out = tuple((int(p), str(hk)) for p, hk in rows)
            if any(not 0 <= p <= U64_MAX for p, _ in out):
                raise ValueError("proportion outside u64")
            return out

        ext = cls()
        for h, n, rows in data["children"]:
            ext.children[(str(h), int(n))] = links(rows)
        for h, n, rows in data["parents"]:
            ext.parents[(str(h), int(n))] = links(rows)
        for n, h, rows, block in data["pending"]:
            ext.pending[(int(n), str(h))] = (links(rows), int(block))
        for h, n, take in data["takes"]:
            if not 0 <= int(take) <= U16_MAX:
                raise ValueError(f"childkey take {take!r}")
            ext.takes[(str(h), int(n))] = int(take)
        for h, n, kind, block in data["last_tx"]:
            ext.last_tx[(str(h), int(n), int(kind))] = int(block)
        ext.burned = {int(n): int(a) for n, a in data["burned"].items()}
        return ext


EXTENSION_DECODERS[Childkeys.name] = Childkeys.from_dict


def get(state: State) -> Childkeys | None:
    """The state's childkey storage, or None when childkeys were never used."""
    return state.extensions.get(Childkeys.name)  # type: ignore[return-value]


def ensure(state: State) -> Childkeys:
    """The state's childkey storage, created (empty) on first use."""
    ext = get(state)
    if ext is None:
        ext = Childkeys()
        state.extensions[Childkeys.name] = ext
    return ext


def linked(state: State, netuid: int) -> bool:
    """Whether ``netuid`` has any parent/child relation (False fast when none exist)."""
    ext = get(state)
    return ext is not None and bool(ext.children) and ext.linked(netuid)


def owner_of(state: State, hotkey: str) -> str:
    """``Owner[hotkey]`` (``get_owning_coldkey_for_hotkey``), the default account if absent."""
    return state.hotkey_owner.get(hotkey, DEFAULT_ACCOUNT)


def childkey_take(state: State, hotkey: str, netuid: int) -> int:
    """``get_childkey_take`` (u16): the stored take (default ``childkey_take_default_u16``),
    at 14bc6f9 raised to the minimum (``childkey_take_min_is_floor``)."""
    params = state.params
    ext = get(state)
    take = params.childkey_take_default_u16
    if ext is not None:
        take = ext.takes.get((hotkey, netuid), take)
    if params.childkey_take_min_is_floor:
        take = max(take, params.childkey_take_min_u16)
    return take


# -- stake inherited through parents and children (§11) ------------------------------------------


def _fraction32(proportion: int) -> int:
    """q = proportion / u64::MAX as raw 32-fraction-bit fixed (``safe_div``, truncated)."""
    return (proportion << FRAC32) // U64_MAX


def own_stake(state: State, hotkey: str, netuid: int) -> int:
    """``TotalHotkeyAlpha[hotkey, netuid]`` (TAO rao on root): the hotkey's own pool value."""
    pool = state.stakes.get((hotkey, netuid))
    return pool.value if pool is not None else 0


def inherited(state: State, hotkey: str, netuid: int, source: int) -> int:
    """Stake of ``hotkey`` on ``netuid`` after lending and borrowing, rao (floored):
    ``source`` = ``netuid`` for alpha (``get_inherited_for_hotkey_on_subnet``; no relation on
    root) or 0 for root TAO (``get_tao_inherited_for_hotkey_on_subnet``).

    own·2^32 − Σ_children own·q_c (each product exact in 32 fraction bits, q_c truncated),
    clamped at 0, plus Σ_parents stake_p·q_p, then floored to rao.
    """
    own = own_stake(state, hotkey, source)
    ext = get(state)
    if ext is None or (source != ROOT and netuid == ROOT):
        return own
    bits = own << FRAC32
    for proportion, _ in ext.children.get((hotkey, netuid), ()):
        bits -= own * _fraction32(proportion)
    bits = max(bits, 0)
    for proportion, parent in ext.parents.get((hotkey, netuid), ()):
        bits += own_stake(state, parent, source) * _fraction32(proportion)
    return min(bits >> FRAC32, U64_MAX)


def inherited_stake(
    state: State, netuid: int, hotkeys: Sequence[str]
) -> tuple[list[int], list[int]] | None:
    """(inherited alpha, inherited root TAO) per hotkey, rao — the stake Yuma weighs on
    ``netuid`` (``get_stake_weights_for_network``) — or None when ``netuid`` has no relation
    (then every hotkey's own stake is its weight)."""
    if not linked(state, netuid):
        return None
    alpha = [inherited(state, hk, netuid, netuid) for hk in hotkeys]
    root = [inherited(state, hk, netuid, ROOT) for hk in hotkeys]
    return alpha, root


# -- the dividend split (§5d) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """One hotkey's dividend D shared with its parents (alpha-rao):
    Σ parents + child + burned + dust = D exactly."""

    parents: tuple[tuple[str, int], ...]  # (parent hotkey, share), in ParentKeys order
    child: int  # what the hotkey itself keeps (own share plus takes)
    burned: int = 0  # CKBurn part, recycled (14bc6f9)
    dust: int = 0  # lost to the floors (14bc6f9; the launch rule has none)


def _contributions(state: State, hotkey: str, netuid: int) -> tuple[int, list[tuple[str, int]]]:
    """(self contribution as raw 32-bit fixed, [(parent, contribution raw)]):
    ``get_self_contribution`` (floored to rao, then widened) and each parent's
    q·α_p + (q·τ_p)·tw (raw, 32 fraction bits, every product truncated)."""
    ext = get(state)
    assert ext is not None
    tw = (state.params.tao_weight_u64 << FRAC32) // U64_MAX
    remaining = 1 << FRAC32
    for proportion, _ in ext.children.get((hotkey, netuid), ()):
        remaining = max(remaining - _fraction32(proportion), 0)
    alpha, root = own_stake(state, hotkey, netuid), own_stake(state, hotkey, ROOT)
    own = (alpha * remaining + ((root * remaining * tw) >> FRAC32)) >> FRAC32
    parents = []
    for proportion, parent in ext.parents.get((hotkey, netuid), ()):
        q = _fraction32(proportion)
        alpha_p, root_p = own_stake(state, parent, netuid), own_stake(state, parent, ROOT)
        parents.append((parent, alpha_p * q + ((root_p * q * tw) >> FRAC32)))
    return own << FRAC32, parents


def _factor(contribution: int, total: int) -> int:
    """contribution / total as raw 32-bit fixed (``checked_div``, truncated; 0 if total is 0)."""
    return (contribution << FRAC32) // total if total else 0


def split_whole_dividend(state: State, netuid: int, hotkey: str, dividend: int) -> Split:
    """The launch rule (``get_dividends_distribution`` @ 5073ade): the child's take
    ChildkeyTake/65535 comes off the whole dividend first; parent j gets
    ⌊(D − take)·contrib_j/Σ contrib⌋; the child keeps D − Σ parents (its share plus the take)."""
    own, contributions = _contributions(state, hotkey, netuid)
    total = own + sum(c for _, c in contributions)
    take_fraction = (childkey_take(state, hotkey, netuid) << FRAC32) // U16_MAX
    take = dividend * take_fraction  # raw, 32 fraction bits
    remaining = (dividend << FRAC32) - take
    shares = tuple(
        (parent, (remaining * _factor(c, total)) >> (2 * FRAC32)) for parent, c in contributions
    )
    to_parents = sum(s for _, s in shares)
    return Split(parents=shares, child=max(dividend - to_parents, 0))


def split_foreign_parents(state: State, netuid: int, hotkey: str, dividend: int) -> Split:
    """The 14bc6f9 rule (``get_parent_child_dividends_distribution``): parent j's share is
    D·contrib_j/Σ contrib; if j's owner differs from the child's, the ``CKBurn`` fraction of it
    is recycled and the child takes ChildkeyTake/65535 of it. Parents get their share floored;
    the child ⌊D − Σ shares + Σ takes⌋; the floors' remainder is ``dust``."""
    params = state.params
    own, contributions = _contributions(state, hotkey, netuid)
    total = own + sum(c for _, c in contributions)
    burn_fraction = (params.ck_burn_u64 << FRAC32) // U64_MAX
    take_fraction = (childkey_take(state, hotkey, netuid) << FRAC32) // U16_MAX
    child_owner = owner_of(state, hotkey)
    validating = dividend << FRAC32
    remaining = validating
    takes = burned = 0
    shares = []
    for parent, c in contributions:
        share = (validating * _factor(c, total)) >> FRAC32
        remaining = max(remaining - share, 0)
        if owner_of(state, parent) != child_owner:
            burn = (burn_fraction * share) >> FRAC32
            take = (take_fraction * share) >> FRAC32
            share = max(share - burn - take, 0)
            takes += take
            burned += burn >> FRAC32
        shares.append((parent, share >> FRAC32))
    child = (remaining + takes) >> FRAC32
    dust = dividend - sum(s for _, s in shares) - child - burned
    return Split(parents=tuple(shares), child=child, burned=burned, dust=dust)


def distribute_dividends(
    state: State, split_rule: Any, netuid: int, hotkeys: Sequence[str], dividends: Sequence[int]
) -> tuple[list[str], list[int], int, int]:
    """Every UID's dividend through ``split_rule`` (``rules.childkey_split``), summed per
    receiving hotkey (``calculate_dividends_and_incentives``): (hotkeys in order of first
    appearance, their dividends, alpha burned, dust), alpha-rao. Zero dividends are skipped."""
    totals: dict[str, int] = {}
    burned = dust = 0
    for hotkey, dividend in zip(hotkeys, dividends, strict=True):
        dividend = int(dividend)
        if dividend <= 0:
            continue
        split: Split = split_rule(state, netuid, hotkey, dividend)
        for parent, share in split.parents:
            totals[parent] = totals.get(parent, 0) + share
        totals[hotkey] = totals.get(hotkey, 0) + split.child
        burned += split.burned
        dust += split.dust
    return list(totals), list(totals.values()), burned, dust


def recycle_ck_burn(state: State, netuid: int, alpha: int) -> int:
    """``recycle_subnet_alpha`` of the CKBurn part (coinbase/alpha.rs @ 14bc6f9): SubnetAlphaOut
    falls by ``alpha`` alpha-rao (saturating at 0) and the childkey record counts it; returns
    the amount removed from o."""
    removed = min(max(alpha, 0), state.columns.get("alpha_out", netuid))
    if removed:
        state.columns.add("alpha_out", netuid, -removed)
        ext = ensure(state)
        ext.burned[netuid] = ext.burned.get(netuid, 0) + removed
    return removed


# -- set_children, set_childkey_take and pending children -----------------------------------------


def _passes_rate_limit(
    ext: Childkeys | None, key: tuple[str, int, int], limit: int, block: int
) -> bool:
    """``check_passes_rate_limit``: never set, or at least ``limit`` blocks ago."""
    last = ext.last_tx.get(key, 0) if ext is not None else 0
    return last == 0 or max(block - last, 0) >= limit


def _total_stake_for_hotkey(state: State, hotkey: str) -> int:
    """``get_total_stake_for_hotkey``: Σ over root and subnets of stake·price (I96F32 price,
    floored per subnet), rao."""
    total = 0
    cols = state.columns
    for netuid in (ROOT, *state.netuids):
        stake = own_stake(state, hotkey, netuid)
        if not stake:
            continue
        if netuid == ROOT or not cols.mechanism[netuid]:
            total += stake
            continue
        y, x = cols.get("tao_in", netuid), cols.get("alpha_in", netuid)
        price = (y << FRAC32) // x if x else 0
        total += (stake * price) >> FRAC32
    return total


def _check_children(
    state: State, hotkey: str, netuid: int, children: Links, ext: Childkeys | None
) -> None:
    """The list checks of ``do_schedule_children`` in the era's order (see :func:`set_children`)."""
    params = state.params
    if params.childkeys_pc_relations:  # 14bc6f9: duplicates, then PCRelations
        seen: set[str] = set()
        for _, child in children:
            if child in seen:
                raise E.DuplicateChild(f"{child!r} is listed twice")
            seen.add(child)
        if any(child == hotkey for _, child in children):
            raise E.InvalidChild("a hotkey cannot be its own child")
        if len(children) > params.max_children:
            raise E.TooManyChildren(f"at most {params.max_children} children")
        if sum(p for p, _ in children) > U64_MAX:
            raise E.ProportionOverflow("the proportions sum beyond u64::MAX")
        parents = {p for _, p in ext.parents.get((hotkey, netuid), ())} if ext else set()
        if any(child in parents for _, child in children):
            raise E.ChildParentInconsistency("a child of this hotkey is also its parent")
        return
    # 5073ade: count, self, sum, duplicates
    if len(children) > params.max_children:
        raise E.TooManyChildren(f"at most {params.max_children} children")
    if any(child == hotkey for _, child in children):
        raise E.InvalidChild("a hotkey cannot be its own child")
    if sum(p for p, _ in children) > U64_MAX:
        raise E.ProportionOverflow("the proportions sum beyond u64::MAX")
    if len({child for _, child in children}) != len(children):
        raise E.DuplicateChild("a child is listed twice")


def set_children(state: State, coldkey: str, hotkey: str, netuid: int, children: Links) -> int:
    """``set_children`` (``do_schedule_children``): check everything, then schedule the new
    children list for ``block + childkey_cooldown``; returns that block.

    Checks in the chain's order: rate limit (``set_children_rate_limit`` blocks per hotkey and
    subnet, ``TxRateLimitExceeded``), not root (``RegistrationNotPermittedOnRootSubnet``), the
    subnet exists (``SubNetworkDoesNotExist`` at 5073ade, ``SubnetNotExists`` at 14bc6f9), the
    coldkey owns the hotkey (``NonAssociatedColdKey``), the list (≤ ``max_children``
    ``TooManyChildren``, no self ``InvalidChild``, Σ ≤ u64::MAX ``ProportionOverflow``, no
    duplicate ``DuplicateChild``; at 14bc6f9 also no child that is a parent of the hotkey,
    ``ChildParentInconsistency``), and a non-empty list needs the hotkey's total stake ≥
    ``stake_threshold`` unless it is the subnet's owner hotkey
    (``NotEnoughStakeToSetChildkeys``). At 14bc6f9 a subnet before its start call applies the
    list at once (``schedule_or_apply_ck``, ``childkeys_apply_before_start_call``).

    With the spec-475 fan-in cap on (``max_parents_per_child`` > 0) a list that would give a
    child more parents than the cap is refused here (``TooManyParents``) and again when a
    pending list applies (:func:`_within_fan_in`).
    """
    params = state.params
    ext = get(state)
    block = state.block
    if not _passes_rate_limit(
        ext, (hotkey, netuid, TX_SET_CHILDREN), params.set_children_rate_limit, block
    ):
        raise E.TxRateLimitExceeded(f"set_children for {hotkey!r} on {netuid} too soon")
    if netuid == ROOT:
        raise E.RegistrationNotPermittedOnRootSubnet("no children on root")
    subnet = state.subnets.get(netuid)
    if subnet is None:
        missing = E.SubnetNotExists if params.childkeys_pc_relations else E.SubNetworkDoesNotExist
        raise missing(f"subnet {netuid} does not exist")
    if state.hotkey_owner.get(hotkey) != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey!r} does not own {hotkey!r}")
    _check_children(state, hotkey, netuid, children, ext)
    if (
        children
        and _total_stake_for_hotkey(state, hotkey) < params.stake_threshold
        and subnet.owner_hotkey != hotkey
    ):
        raise E.NotEnoughStakeToSetChildkeys(f"{hotkey!r} has too little stake")
    if not _within_fan_in(state, ext, netuid, hotkey, children):
        raise E.TooManyParents(f"a child of {hotkey!r} has {params.max_parents_per_child} parents")
    ext = ensure(state)
    ext.last_tx[(hotkey, netuid, TX_SET_CHILDREN)] = block
    if params.childkeys_apply_before_start_call and not _start_call_made(state, netuid):
        _persist(state, ext, netuid, hotkey, children)
        return block
    due = block + params.childkey_cooldown
    ext.pending[(netuid, hotkey)] = (children, due)
    return due


def _start_call_made(state: State, netuid: int) -> bool:
    """``SubtokenEnabled[netuid]`` (the summer-2026 column; its default when never written)."""
    columns = state.extensions.get(SummerColumns.name)
    if columns is None:
        return bool(COLUMNS["subtoken_enabled"])
    return bool(columns.get("subtoken_enabled", netuid))  # type: ignore[attr-defined]


def set_childkey_take(state: State, coldkey: str, hotkey: str, netuid: int, take: int) -> None:
    """``set_childkey_take`` (``do_set_childkey_take``): the coldkey owns the hotkey
    (``NonAssociatedColdKey``), the take is within [min, max] (``InvalidChildkeyTake``; at
    5073ade only the max is checked), and the rate limit ``childkey_take_rate_limit`` holds
    (``TxChildkeyTakeRateLimitExceeded``; at 14bc6f9 only for an increase)."""
    params = state.params
    if state.hotkey_owner.get(hotkey) != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey!r} does not own {hotkey!r}")
    low = params.childkey_take_min_u16 if params.childkey_take_min_is_floor else 0
    if not low <= take <= params.childkey_take_max_u16:
        raise E.InvalidChildkeyTake(f"take {take} outside [{low}, {params.childkey_take_max_u16}]")
    ext = get(state)
    key = (hotkey, netuid, TX_SET_CHILDKEY_TAKE)
    limited = not params.childkey_take_decrease_free or take > childkey_take(state, hotkey, netuid)
    if limited and not _passes_rate_limit(ext, key, params.childkey_take_rate_limit, state.block):
        raise E.TxChildkeyTakeRateLimitExceeded(f"childkey take of {hotkey!r} changed too soon")
    ext = ensure(state)
    ext.last_tx[key] = state.block
    ext.takes[(hotkey, netuid)] = take


def _within_fan_in(
    state: State, ext: Childkeys | None, netuid: int, hotkey: str, children: Links
) -> bool:
    """The spec-475 fan-in cap (``persist_child_parent_relations``, set_children.rs
    id:71444908410): every child either already has ``hotkey`` among its parents on ``netuid``
    or has fewer than ``max_parents_per_child`` parents; always true when the cap is 0 (off).

    The chain checks it only when the list is persisted and drops a failing pending list
    silently (``DispatchError::Other("TooManyParents")``); dtao also refuses the extrinsic
    up front when the cap is already reached at submission."""
    cap = state.params.max_parents_per_child
    if cap == 0 or ext is None:
        return True
    for _, child in children:
        parents = ext.parents.get((child, netuid), ())
        if len(parents) >= cap and all(parent != hotkey for _, parent in parents):
            return False
    return True


def _persist(state: State, ext: Childkeys, netuid: int, hotkey: str, children: Links) -> None:
    """Make ``children`` the hotkey's children on ``netuid`` and mirror ParentKeys.

    5073ade (``do_set_pending_children``): the old children drop the hotkey from their parents,
    the list is stored as given and the hotkey appended to each new child's parents. 14bc6f9
    (``persist_pending_chidren_ok``): the list deduplicated (last proportion wins) and sorted by
    child, refused silently if a child is a parent of the hotkey; parents of a kept child are
    updated in place, new ones appended (``upsert_edge``). A list beyond the spec-475 fan-in
    cap is dropped (:func:`_within_fan_in`)."""
    if not _within_fan_in(state, ext, netuid, hotkey, children):
        return  # TooManyParents: the pending list is dropped, nothing changes
    if state.params.childkeys_pc_relations:
        latest = {child: p for p, child in children if child != hotkey}
        parents = {p for _, p in ext.parents.get((hotkey, netuid), ())}
        if any(child in parents for child in latest):
            return  # ChildParentInconsistency: the pending list is dropped
        children = tuple((latest[c], c) for c in sorted(latest))
    new = {child for _, child in children}
    for _, old in ext.children.get((hotkey, netuid), ()):
        if old not in new or not state.params.childkeys_pc_relations:
            kept = tuple(e for e in ext.parents.get((old, netuid), ()) if e[1] != hotkey)
            ext.set_links(ext.parents, (old, netuid), kept)
    ext.set_links(ext.children, (hotkey, netuid), children)
    for proportion, child in children:
        links = list(ext.parents.get((child, netuid), ()))
        for i, (_, parent) in enumerate(links):
            if parent == hotkey:
                links[i] = (proportion, hotkey)
                break
        else:
            links.append((proportion, hotkey))
        ext.set_links(ext.parents, (child, netuid), tuple(links))


def apply_pending_children(state: State) -> None:
    """Pending children whose cooldown block has passed (cooldown < now) become the children,
    on every subnet whose epoch ran in this block (``LastEpochBlock`` = now); at 14bc6f9 also
    any pending list of a subnet before its start call. Called at the end of the block step."""
    ext = get(state)
    if ext is None or not ext.pending:
        return
    block = state.block
    early = state.params.childkeys_apply_before_start_call
    for (netuid, hotkey), (children, due) in sorted(ext.pending.items()):
        subnet = state.subnets.get(netuid)
        if subnet is None or subnet.last_epoch_block != block:
            continue
        if due < block or (early and not _start_call_made(state, netuid)):
            _persist(state, ext, netuid, hotkey, children)
            del ext.pending[(netuid, hotkey)]


def apply_now(state: State, netuid: int, hotkey: str, children: Links) -> None:
    """Store ``children`` as the hotkey's children on ``netuid`` at once, as a due pending list
    is (the test mock's ``mock_set_children_no_epochs``; no checks)."""
    _persist(state, ensure(state), netuid, hotkey, children)


def drop_pending_below_threshold(state: State, hotkey: str) -> None:
    """After ``remove_stake`` / ``remove_stake_limit`` (remove_stake.rs, both commits): when the
    hotkey's total stake (Σ stake·price) is below ``stake_threshold``, its pending lists on every
    subnet are dropped."""
    ext = get(state)
    if ext is None or not ext.pending:
        return
    if _total_stake_for_hotkey(state, hotkey) < state.params.stake_threshold:
        for key in [k for k in ext.pending if k[1] == hotkey]:
            del ext.pending[key]


def remove_subnet(state: State, netuid: int) -> None:
    """Erase the childkey storage of a dissolved subnet: ChildKeys, ParentKeys, ChildkeyTake and
    PendingChildKeys of ``netuid`` (``remove_network`` in coinbase/root.rs @ 14bc6f9; at
    5073ade ``remove_network`` leaves them, so the launch era does not call this)."""
    ext = get(state)
    if ext is None:
        return
    for table in (ext.children, ext.parents, ext.takes):
        for key in [k for k in table if k[1] == netuid]:
            del table[key]
    for pending in [k for k in ext.pending if k[0] == netuid]:
        del ext.pending[pending]


def check_consistency(state: State) -> list[str]:
    """What is wrong with the relations (empty when all is well): every ChildKeys edge has
    its ParentKeys mirror with the same proportion and back, Σ proportions ≤ u64::MAX, no
    self-loop, and the CKBurn record is not negative."""
    ext = get(state)
    if ext is None:
        return []
    problems = []
    for (parent, netuid), links in ext.children.items():
        if sum(p for p, _ in links) > U64_MAX:
            problems.append(f"children of {parent!r} on {netuid} exceed u64::MAX")
        for p, child in links:
            if child == parent:
                problems.append(f"{parent!r} is its own child on {netuid}")
            if (p, parent) not in ext.parents.get((child, netuid), ()):
                problems.append(f"{parent!r} -> {child!r} on {netuid} has no ParentKeys mirror")
    for (child, netuid), links in ext.parents.items():
        for p, parent in links:
            if (p, child) not in ext.children.get((parent, netuid), ()):
                problems.append(f"{parent!r} -> {child!r} on {netuid} has no ChildKeys entry")
    if any(a < 0 for a in ext.burned.values()):
        problems.append("negative CKBurn record")
    return problems

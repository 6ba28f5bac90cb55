"""Bad input to every user command of the local network (wallet, stake, subnets, root, weights,
quote): the exit code (2 usage, 1 a rejected operation), one line on stderr naming what was
wrong (the chain's error name for a rejection), no traceback, and the network unchanged (state
digest, log and wallets). In-process through :func:`dtao.cli.run`, the logic of the ``dtao``
executable; ``test_cli_local.py`` drives the executable itself."""

from __future__ import annotations

import shlex

import pytest

from dtao import Network
from dtao import operations as ops
from dtao.cli import run
from dtao.store import Store

TAO = 10**9


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A network with wallets alice (hotkey hk, owns subnet 1) and bob (hotkey m, a neuron
    on subnet 1, staked through alice/hk; hotkey spare, unknown to the chain)."""
    path = tmp_path_factory.mktemp("local")
    store = Store.create(path, Network())
    for wallet, hotkey in (("alice", "hk"), ("bob", "m")):
        store.create_wallet(wallet)
        store.add_hotkey(wallet, hotkey)
    store.add_hotkey("bob", "spare")  # known to the wallet, never seen by the chain
    store.submit(ops.Fund("alice", 5_000 * TAO))
    store.submit(ops.Fund("bob", 100 * TAO))
    netuid = store.submit(ops.RegisterNetwork("alice", "alice/hk")).result
    assert netuid == 1
    store.submit(ops.StartCall("alice", 1))
    store.submit(ops.BurnedRegister("bob", "bob/m", 1))
    store.submit(ops.AddStake("bob", "alice/hk", 1, 2 * TAO))
    store.close()
    return path


def fingerprint(path) -> tuple[str, int, dict[str, list[str]]]:
    """The state digest, the number of log entries and the wallets."""
    with Store.open(path) as store:
        return store.network.digest(), len(store.history()), store.wallets()


A = "--name alice -H hk"
B = "--name bob -H m"

#: (arguments, exit code, a fragment the one stderr line must contain)
CASES = [
    # -- the command line itself
    ("frobnicate", 2, "No such command 'frobnicate'"),
    ("stake frobnicate", 2, "No such command"),
    ("wallet list --bogus", 2, "No such option: --bogus"),
    ("stake add --nme alice", 2, "No such option: --nme"),
    # -- wallet
    ("wallet create", 2, "Missing option '--name'"),
    ("wallet create --name alice", 2, "wallet 'alice' exists"),
    ("wallet create --name alice -H hk", 2, "already has hotkey 'hk'"),
    ("wallet create --name carol -H a/b", 2, "name 'a/b': 1-64 letters"),
    ("wallet create --name 'c d' -H a", 2, "name 'c d': 1-64 letters"),
    ("wallet create --name carol -H a -H a", 2, "given twice"),
    ("wallet balance --name ghost", 2, "unknown wallet 'ghost' (known: alice, bob)"),
    ("wallet faucet --name alice --amount -1", 2, "must not be negative"),
    ("wallet faucet --name alice --amount 1.0000000001", 2, "more than 9 decimals"),
    ("wallet faucet --name alice --amount lots", 2, "'lots' is not a number"),
    ("wallet faucet --name alice --amount 30000000 -y", 1, "InvalidAmount: funding would push"),
    ("wallet faucet --name ghost --amount 1", 2, "unknown wallet 'ghost'"),
    ("wallet faucet --name alice", 2, "Missing option '--amount'"),
    ("wallet transfer --name alice --dest ghost -a 1 -y", 2, "unknown wallet 'ghost'"),
    ("wallet transfer --name alice --dest bob -a 1e30 -y", 2, "does not fit in u64"),
    ("wallet transfer --name bob --dest alice -a 100000 -y", 1, "NotEnoughBalanceToTransfer"),
    ("wallet transfer --name alice --dest bob -a 1 --all -y", 2, "not both"),
    # -- stake add
    (f"stake add {A} -n 1 -a abc -y", 2, "'abc' is not a number"),
    (f"stake add {A} -n 99 -a 1 -y", 1, "SubnetNotExists"),
    (f"stake add {A} -n 70000 -a 1 -y", 2, "Invalid value for '--netuid'"),
    (f"stake add {A} -n one -a 1 -y", 2, "Invalid value for '--netuid'"),
    ("stake add --name alice -H nothere -n 1 -a 1 -y", 2, "unknown hotkey 'nothere'"),
    ("stake add --name alice -H ghost/x -n 1 -a 1 -y", 2, "unknown hotkey 'ghost/x'"),
    (f"stake add {A} -n 1 -a 1 --all -y", 2, "not both"),
    (f"stake add {A} -n 1 -y", 2, "missing option '--amount'"),
    (f"stake add {A} -n 1 -a 0.000001 -y", 1, "AmountTooLow"),
    (f"stake add {B} -n 1 -a 1000 --unsafe -y", 1, "NotEnoughBalanceToStake"),
    (f"stake add {A} -n 1 -a 100 -y", 1, "SlippageTooHigh"),
    (f"stake add {A} -n 1 -a 1 --tolerance -0.1 -y", 2, "Invalid value for '--tolerance'"),
    (f"stake add {A} -n 1 -a 1 --tolerance abc -y", 2, "Invalid value for '--tolerance'"),
    (f"stake add {A} -n 1 -a 1 --partial=yes -y", 2, "does not take a value"),
    # -- stake remove / move / transfer / swap
    (f"stake remove {A} -n 1 -a 1 --unsafe -y", 1, "AmountTooLow: cannot unstake zero"),
    (f"stake remove {A} -n 99 -a 1 -y", 1, "SubnetNotExists"),
    (f"stake remove {A} -n 1 -a '' -y", 2, "amount is empty"),
    (f"stake remove {A} -n 1 -a 1 --all -y", 2, "not both"),
    ("stake move --name bob -H alice/hk -o 1 -a 1 -y", 2, "Missing option '--dest-netuid'"),
    ("stake move --name bob -H alice/hk -o 1 -d 99 -a 1 -y", 1, "SubnetNotExists"),
    ("stake move --name bob -H alice/hk --to ghost -o 1 -d 1 -a 1 -y", 2, "unknown hotkey"),
    (f"stake move {A} -o 1 -d 0 -a 1 -y", 1, "AmountTooLow"),
    ("stake transfer --name bob -H alice/hk --dest ghost -o 1 -d 1 -a 1 -y", 2, "unknown wallet"),
    (f"stake transfer {A} --dest bob -o 1 -d 1 -a 1 -y", 1, "AmountTooLow"),
    ("stake swap --name bob -H alice/hk -o 1 -d 1 -a 1 -y", 1, "SameNetuid"),
    ("stake swap --name bob -H alice/hk -o 1 -d 99 -a 1 -y", 1, "SubnetNotExists"),
    ("stake swap --name bob -H alice/hk -o 1 -d 0 -a xyz -y", 2, "'xyz' is not a number"),
    # -- stake list, set-claim, lock, child
    ("stake list --name ghost", 2, "unknown wallet 'ghost'"),
    ("stake list --json --bogus", 2, "No such option: --bogus"),
    ("stake set-claim --name bob --type Nope -y", 2, "--type must be one of Swap, Keep"),
    ("stake set-claim --name bob --type Keep --netuids 1 -y", 2, "with --type KeepSubnets only"),
    ("stake set-claim --name bob --type KeepSubnets --netuids 1,a -y", 2, "'a' is not an integer"),
    ("stake set-claim --name ghost --type Keep -y", 2, "unknown wallet 'ghost'"),
    (f"stake lock {B} -n 1 -a 1000 -y", 1, "InsufficientStakeForLock"),
    (f"stake lock {B} -n 1 -a 1.2.3 -y", 2, "is not a number"),
    (f"stake child set {A} -n 1 --child bad -y", 2, "--child must be HOTKEY=PROPORTION"),
    (f"stake child set {A} -n 1 --child bob/m=2 -y", 2, "must be in [0, 1]"),
    (f"stake child set {A} -n 1 --child bob/m=half -y", 2, "is not a proportion"),
    (f"stake child set {A} -n 1 --child ghost=0.5 -y", 2, "unknown hotkey 'ghost'"),
    (f"stake child revoke {A} -y", 2, "Missing option '--netuid'"),
    (f"stake child take {A} -n 1 --take 2 -y", 2, "--take must be in [0, 1]"),
    (f"stake child take {A} -n 1 --take x -y", 2, "--take 'x' is not a number"),
    (f"stake set-take {A} --take 0.5 -y", 1, "DelegateTakeTooHigh"),
    ("stake perpetual-lock --name bob -n 1 -y", 2, "Missing option '--enable'"),
    ("stake unstake-all --name ghost -H m -y", 2, "unknown wallet 'ghost'"),
    ("stake unstake-all --name bob -H spare -y", 1, "HotKeyAccountNotExists"),
    # -- subnets
    ("subnets show -n 99", 1, "SubnetNotExists"),
    ("subnets show", 2, "Missing option '--netuid'"),
    ("subnets price", 2, "give --netuid or --all"),
    ("subnets price -n 1,x", 2, "'x' is not an integer"),
    ("subnets price -n 99", 1, "SubnetNotExists"),
    ("subnets hyperparameters -n 99", 1, "SubnetNotExists"),
    ("subnets burn-cost --netuid 1", 2, "No such option: --netuid"),
    (f"subnets create {B} -y", 1, "NetworkTxRateLimitExceeded"),
    ("subnets create --name ghost -H x -y", 2, "unknown wallet 'ghost'"),
    ("subnets start --name bob -n 1 -y", 1, "BadOrigin"),
    ("subnets start --name alice -n 99 -y", 1, "SubnetNotExists"),
    (f"subnets register {B} -n 1 -y", 1, "HotKeyAlreadyRegisteredInSubNet"),
    (f"subnets register {B} -n 99 -y", 1, "SubnetNotExists"),
    # -- root
    ("root register --name ghost -H x -y", 2, "unknown wallet 'ghost'"),
    (f"root stake {B} -a -5 -y", 2, "must not be negative"),
    (f"root stake {B} -a 1000 -y", 1, "NotEnoughBalanceToStake"),
    (f"root unstake {B} -a 5 -y", 1, "AmountTooLow"),
    ("root claim --name bob --netuids 1,2,3,4,5,6 -y", 2, "at most 5 subnets"),
    (f"root basket-stake {B} -a x -y", 2, "'x' is not a number"),
    ("root basket-claim --name ghost -H m -y", 2, "unknown wallet 'ghost'"),
    (f"root basket-swap {A} -o 1 -d 0 -a 1 --min-out x -y", 2, "'x' is not a number"),
    (f"root basket-swap {A} -o 1 -d 0 -a 1 -y", 1, "HotKeyNotRegisteredInSubNet"),
    # -- weights
    (f"weights set {B} -n 1 --uids 0,1 --weights 1 -y", 2, "2 --uids but 1 --weights"),
    (f"weights set {B} -n 1 --uids 0,1 --weights -1,2 -y", 2, "must not be negative"),
    (f"weights set {B} -n 1 --uids 0 --weights 0 -y", 2, "all zero"),
    (f"weights set {B} -n 1 --uids a --weights 1 -y", 2, "'a' is not an integer"),
    (f"weights set {B} -n 99 --uids 0 --weights 1 -y", 1, "SubNetworkDoesNotExist"),
    (f"weights set {B} -n 1 --uids 0 --weights 1 -y", 1, "SettingWeightsTooFast"),
    # -- quote
    ("quote stake -n 99 -a 1", 1, "SubnetNotExists"),
    ("quote stake -n 1 -a x", 2, "'x' is not a number"),
    ("quote unstake -n 1 -a", 2, "requires an argument"),
    ("quote move -o 1 -d 99 -a 1", 1, "SubnetNotExists"),
    ("quote move -d 1 -a 1", 2, "Missing option '--origin-netuid'"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(
    data_dir, capsys, monkeypatch, args, code, fragment
):
    monkeypatch.setenv("DTAO_HOME", str(data_dir))
    before = fingerprint(data_dir)
    assert run(shlex.split(args)) == code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert fingerprint(data_dir) == before


def test_there_are_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert {c[1] for c in CASES} == {1, 2}

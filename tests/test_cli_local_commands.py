"""Every user command once, in-process through :func:`dtao.cli.run`: each read prints its table
and its ``--json`` envelope; each write with ``--dry-run`` shows its preview and the receipt the
library gives on a copy of the state, and commits nothing; a write without -y asks first."""

from __future__ import annotations

import io
import json
import shlex
import shutil
from fractions import Fraction
from math import floor

import pytest

from dtao import Network
from dtao.cli import run
from dtao.cli.localnet import json_ready
from dtao.operations import AddStake, from_dict
from dtao.store import Store
from test_cli_local_errors import data_dir, fingerprint  # noqa: F401  (the shared fixture)

READS = [
    "wallet list",
    "wallet balance",
    "wallet balance --name bob",
    "stake list",
    "stake list --name bob",
    "subnets list",
    "subnets show -n 1",
    "subnets price --all",
    "subnets price -n 1,0",
    "subnets burn-cost",
    "subnets hyperparameters -n 1",
    "root list",
    "quote stake -n 1 -a 1",
    "quote unstake -n 1 -a 1",
    "quote move -o 1 -d 0 -a 1",
]

WRITES = [
    "wallet faucet --name bob -a 1",
    "wallet transfer --name bob --dest alice -a 1",
    "wallet transfer --name bob --dest alice --all",
    "stake add --name bob -H alice/hk -n 1 -a 1",
    "stake add --name bob -H alice/hk -n 1 --amount-tao 1 --no-slippage-protection",
    "stake add --name bob -H alice/hk -n 1 -a 50 --tolerance 0.001 --partial",
    "stake add --name bob -H m -n 0 -a 1",
    "stake remove --name bob -H alice/hk -n 1 -a 0.5",
    "stake remove --name bob -H alice/hk -n 1 --all --unsafe",
    "stake move --name bob -H alice/hk --to m -o 1 -d 1 -a 0.5",
    "stake move --name bob -H alice/hk -o 1 -d 0 --all",
    "stake transfer --name bob -H alice/hk --dest alice -o 1 -d 1 -a 0.5",
    "stake swap --name bob -H alice/hk -o 1 -d 0 -a 0.5 --tolerance 0.05",
    "stake unstake-all --name bob -H alice/hk",
    "stake set-claim --name bob --type KeepSubnets --netuids 1",
    "stake lock --name bob -H alice/hk -n 1 -a 0.1",
    "stake perpetual-lock --name bob -n 1 --enable",
    "stake set-take --name alice -H hk --take 0.1",
    "stake child set --name alice -H hk -n 1 --child bob/m=0.25",
    "stake child take --name bob -H m -n 1 --take 0.05",
    "subnets register --name bob -H spare -n 1",
    "root register --name bob -H m",
    "root stake --name bob -H m -a 2",
    "root claim --name bob",
    "root basket-stake --name bob -H m -a 1",
]


@pytest.fixture(autouse=True)
def _home(data_dir, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DTAO_HOME", str(data_dir))


@pytest.mark.parametrize("args", READS)
def test_reads_print_a_table_and_json(data_dir, capsys, args):  # noqa: F811
    assert run(shlex.split(args)) == 0
    assert capsys.readouterr().out.strip()
    assert run([*shlex.split(args), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1 and doc["kind"] == " ".join(args.split()[:2])


@pytest.mark.parametrize("args", WRITES)
def test_a_dry_run_shows_the_library_receipt_and_commits_nothing(
    data_dir,  # noqa: F811
    capsys,
    args,
):
    before = fingerprint(data_dir)
    assert run([*shlex.split(args), "--dry-run"]) == 0, capsys.readouterr().err
    assert "dry run (nothing committed)" in capsys.readouterr().out
    assert run([*shlex.split(args), "--dry-run", "--json"]) == 0, capsys.readouterr().err
    receipt = json.loads(capsys.readouterr().out)["receipt"]
    assert receipt["dry_run"] is True
    with Store.open(data_dir) as store:
        copy = Network.from_json(store.network.to_json())
    expected = copy.submit(from_dict({k: _ints(v) for k, v in receipt["op"].items()}))
    assert receipt["result"] == json_ready({"result": expected.result})["result"]
    assert fingerprint(data_dir) == before


def _ints(value):
    """The JSON's decimal strings of rao back to ints (names stay text)."""
    if isinstance(value, list):
        return [_ints(v) for v in value]
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def test_a_write_asks_first_and_no_leaves_everything_as_it_was(
    data_dir,  # noqa: F811
    tmp_path,
    capsys,
    monkeypatch,
):
    home = tmp_path / "copy"
    shutil.copytree(data_dir, home)
    monkeypatch.setenv("DTAO_HOME", str(home))
    args = ["stake", "add", "--name", "bob", "-H", "alice/hk", "-n", "1", "-a", "0.5"]
    before = fingerprint(home)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert run(args) == 1
    captured = capsys.readouterr()
    assert "Est. received" in captured.out and "Submit this operation?" in captured.out
    assert captured.err.strip() == "error: aborted (nothing was submitted)"
    assert fingerprint(home) == before

    with Store.open(home) as store:  # the library's safe stake (default tolerance 0.005)
        copy = Network.from_json(store.network.to_json())
    limit = floor(copy.spot_price(1) * (1 + Fraction("0.005")) * 10**9)
    copy.submit(AddStake("bob", "alice/hk", 1, 5 * 10**8, limit, False))
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert run(args) == 0
    assert "staked τ0.500000000 for" in capsys.readouterr().out
    assert fingerprint(home)[0] == copy.digest()

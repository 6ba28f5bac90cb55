"""``dtao init | step | history | verify | rewind`` over a temporary data directory.

The session tests drive the real ``dtao`` entry point in subprocesses; the bad-input cases
call the same entry point (``dtao.cli.main``) in-process, to keep the suite fast, and check
the exit code, that stderr is one ``error:`` line with no traceback, and that the stored state
(digest and log) did not change.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dtao
from dtao import operations as ops
from dtao.cli import main
from dtao.store import DB_NAME, SCHEMA_VERSION, Store

TAO = 10**9
ENV = {**os.environ, "DTAO_NO_JIT": "1"}


def dtao_cmd(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real command line in a subprocess."""
    done = subprocess.run(
        [sys.executable, "-m", "dtao.cli", *args],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _network() -> dtao.Network:
    net = dtao.Network(network_rate_limit=1, start_call_delay=0, tempo=30)
    net.fund("owner", net.network_lock_cost() + 100 * TAO)
    netuid = net.register_network("owner", "owner/hk")
    net.submit(ops.StartCall("owner", netuid))
    net.submit(ops.SetSubnetEmissionEnabled(netuid, True))
    return net


def test_a_session_through_the_real_command(tmp_path: Path) -> None:
    home = str(tmp_path / "net")
    dry = json.loads(dtao_cmd("init", "--data-dir", home, "--dry-run", "--json").stdout)
    assert dry["dry_run"] and not Path(home).exists()  # the dry run wrote nothing
    made = json.loads(dtao_cmd("init", "--data-dir", home, "--preset", "launch", "--json").stdout)
    assert made["era"] == "launch" and made["digest"] == dtao.Network("launch").digest()
    with Store.open(Path(home)) as store:
        store.submit(ops.Fund("alice", 5 * TAO))
    oracle = dtao.Network("launch")
    oracle.submit(ops.Fund("alice", 5 * TAO))

    preview = json.loads(
        dtao_cmd("step", "--blocks", "40", "--dry-run", "--json", "--data-dir", home).stdout
    )
    stepped = json.loads(dtao_cmd("step", "--blocks", "40", "--json", "--data-dir", home).stdout)
    oracle.step(40)
    assert preview["digest"] == stepped["digest"] == oracle.digest()
    assert stepped["block"] == oracle.block and stepped["blocks"] == 40

    days = json.loads(dtao_cmd("step", "--days", "0.01", "--json", "--data-dir", home).stdout)
    oracle.step(72)  # 0.01 day of 12 s blocks
    assert days["digest"] == oracle.digest() and days["blocks"] == 72

    history = json.loads(
        dtao_cmd("history", "--json", "--account", "alice", "--data-dir", home).stdout
    )
    assert history["schema_version"] == 1
    assert [(h["kind"], h["record"]["amount"]) for h in history["entries"]] == [
        ("Fund", str(5 * TAO))
    ]

    report = json.loads(dtao_cmd("verify", "--json", "--data-dir", home).stdout)
    assert report["ok"] and report["digest"] == report["replay_digest"] == oracle.digest()
    assert report["block"] == oracle.block
    # regression: the store's schema version once overwrote the envelope's (2 for 1)
    assert report["schema_version"] == 1 and report["store_schema_version"] == SCHEMA_VERSION

    target = 20
    would = json.loads(
        dtao_cmd(
            "rewind", "--to-block", str(target), "--dry-run", "--json", "--data-dir", home
        ).stdout
    )
    again = json.loads(dtao_cmd("verify", "--json", "--data-dir", home).stdout)
    assert again["digest"] == oracle.digest()  # the dry run changed nothing
    done = json.loads(
        dtao_cmd("rewind", "--to-block", str(target), "--json", "--data-dir", home).stdout
    )
    replay = dtao.Network("launch")
    replay.submit(ops.Fund("alice", 5 * TAO))
    replay.step(target - replay.block)
    assert would["digest"] == done["digest"] == replay.digest()
    assert done["discarded"] == oracle.block - target
    text = dtao_cmd("history", "--kind", "block", "--limit", "0", "--data-dir", home).stdout
    assert "undone by" in text  # the undone blocks stay in the history, marked
    last = dtao_cmd("verify", "--data-dir", home).stdout
    assert last.startswith(f"block {target} digest {replay.digest()}: ok")


def test_init_from_the_shipped_snapshot_and_from_a_scenario(tmp_path: Path) -> None:
    """The genesis is the simulator's (its Model after the setup blocks), stored as it is."""
    from dtao.sim.runner import Model
    from dtao.sim.scenario import load_scenario, scenario_from_dict

    spec = {"name": "dtao init", "preset": "current", "seed": 3, "blocks": 1}
    snapshot = scenario_from_dict({**spec, "genesis": {"source": "snapshot"}}, "test")
    home = str(tmp_path / "snap")
    made = dtao_cmd(
        "init", "--from-snapshot", "shipped", "--seed", "3", "--json", "--data-dir", home
    )
    report = json.loads(made.stdout)
    assert report["digest"] == Model(snapshot).net.digest() and report["subnets"] == 128
    assert json.loads(dtao_cmd("verify", "--json", "--data-dir", home).stdout)["ok"]
    home = str(tmp_path / "scenario")
    made = dtao_cmd("init", "--scenario", "new_subnet", "--json", "--data-dir", home)
    assert json.loads(made.stdout)["digest"] == Model(load_scenario("new_subnet")).net.digest()


def test_ctrl_c_stops_a_step_at_a_whole_block(tmp_path: Path) -> None:
    Store.create(tmp_path, _network()).close()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dtao.cli",
            "step",
            "--blocks",
            "100000",
            "--data-dir",
            str(tmp_path),
        ],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while _log_rows(tmp_path) < 20:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopped by Ctrl-C" in out and "Traceback" not in err
    with Store.open(tmp_path) as store:
        ran = len(store.history(kind="block", limit=None))
        assert store.network.block == store.genesis_block + ran
        assert f"→ {store.network.block} (stopped by Ctrl-C after {ran} of 100000)" in out
        assert store.verify()["ok"]


def _log_rows(path: Path) -> int:
    conn = sqlite3.connect(path / DB_NAME, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM log").fetchone()[0]
    finally:
        conn.close()


# -- bad input ------------------------------------------------------------------------------------


def _stored(path: Path) -> tuple[str, int] | None:
    """The stored state's digest and the log's length (None: no network)."""
    if not (path / DB_NAME).exists():
        return None
    conn = sqlite3.connect(path / DB_NAME)
    try:
        digest = conn.execute("SELECT digest FROM head").fetchone()[0]
        return digest, conn.execute("SELECT count(*) FROM log").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bad-input")
    with Store.create(path, _network()) as store:
        store.step(5)
    return path


BAD = "{home}"  # stands for the data directory in the cases below
NOWHERE = "{nowhere}"
CASES = [
    # (arguments, exit code, a word stderr names)
    (["init", "--data-dir", BAD], 1, "already exists"),
    (["init", "--data-dir", NOWHERE, "--preset", "nope"], 2, "unknown preset"),
    (["init", "--data-dir", NOWHERE, "--preset"], 2, "--preset"),
    (
        ["init", "--data-dir", NOWHERE, "--from-snapshot", "a.json", "--scenario", "b.toml"],
        2,
        "not both",
    ),
    (["init", "--data-dir", NOWHERE, "--from-snapshot", "/no/such/file.json"], 2, "no such file"),
    (["init", "--data-dir", NOWHERE, "--scenario", "/no/such/file.toml"], 2, "no such file"),
    (["init", "--data-dir", NOWHERE, "--snapshot-every", "0"], 2, "--snapshot-every"),
    (["init", "--data-dir", NOWHERE, "--seed", "x"], 2, "--seed"),
    (["init", "--data-dir", NOWHERE, "--from-snapshot", "shipped", "--seed", "-1"], 2, "--seed"),
    (["init", "--data-dir", NOWHERE, "--scenario", "no_such_scenario"], 2, "no_such_scenario"),
    (["init", "--data-dir", NOWHERE, "--scenario", "default", "--preset", "launch"], 2, "drop"),
    (["init", "--data-dir", NOWHERE, "--from-snapshot", "{bad_json}"], 2, "bad.json"),
    (["init", "--data-dir", NOWHERE, "--bogus"], 2, "--bogus"),
    (["step", "--data-dir", BAD, "--blocks", "-1"], 2, "--blocks"),
    (["step", "--data-dir", BAD, "--blocks", "x"], 2, "--blocks"),
    (["step", "--data-dir", BAD, "--blocks", "1.5"], 2, "--blocks"),
    (["step", "--data-dir", BAD, "--days", "-1"], 2, "--days"),
    (["step", "--data-dir", BAD, "--days", "soon"], 2, "--days"),
    (["step", "--data-dir", BAD, "--blocks", "3", "--days", "1"], 2, "not both"),
    (["step", "--data-dir", BAD, "--now"], 2, "--now"),
    (["step", "--data-dir", NOWHERE, "--blocks", "3"], 1, "no local network"),
    (["step", "--data-dir", BAD, "extra"], 2, "extra"),
    (["history", "--data-dir", BAD, "--netuid", "-1"], 2, "--netuid"),
    (["history", "--data-dir", BAD, "--netuid", "70000"], 2, "--netuid"),
    (["history", "--data-dir", BAD, "--netuid", "one"], 2, "--netuid"),
    (["history", "--data-dir", BAD, "--limit", "-3"], 2, "--limit"),
    (["history", "--data-dir", BAD, "--since", "-5"], 2, "--since"),
    (["history", "--data-dir", BAD, "--json=yes"], 2, "--json"),
    (["history", "--data-dir", NOWHERE], 1, "no local network"),
    (["history", "--data-dir", BAD, "--kind", "stakeadd"], 2, "unknown --kind"),
    (["verify", "--data-dir", NOWHERE], 1, "no local network"),
    (["verify", "--data-dir", BAD, "--fast"], 2, "--fast"),
    (["rewind", "--data-dir", BAD], 2, "--to-block"),
    (["rewind", "--data-dir", BAD, "--to-block", "-1"], 2, "--to-block"),
    (["rewind", "--data-dir", BAD, "--to-block", "x"], 2, "--to-block"),
    (["rewind", "--data-dir", BAD, "--to-block", "999999"], 2, "holds blocks"),
    (["rewind", "--data-dir", BAD, "--to-block", "0"], 2, "holds blocks"),
    (["rewind", "--data-dir", BAD, "--to-block", "999999", "--dry-run"], 2, "holds blocks"),
    (["rewind", "--data-dir", NOWHERE, "--to-block", "3"], 1, "no local network"),
    (["rewnd", "--to-block", "3"], 2, "No such command"),
]


@pytest.mark.parametrize(("args", "code", "word"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(
    args: list[str],
    code: int,
    word: str,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nowhere = tmp_path / "nowhere"
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('[{"netuid": 0, "tau_in": "x"}]')
    argv = [a.format(home=home, nowhere=nowhere, bad_json=bad_json) for a in args]
    before = _stored(home)
    monkeypatch.setattr(sys, "argv", ["dtao", *argv])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    assert exit_.value.code == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert word in lines[0] and "Traceback" not in err
    assert _stored(home) == before  # nothing written
    assert not nowhere.exists()


@pytest.mark.parametrize("damage", ["junk", "newer"])
def test_a_broken_database_is_one_line(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store.create(tmp_path, _network()).close()
    if damage == "junk":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp_path / DB_NAME}{suffix}").unlink(missing_ok=True)
        (tmp_path / DB_NAME).write_bytes(b"\x00garbage" * 512)
    else:
        conn = sqlite3.connect(tmp_path / DB_NAME)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
    for command in (["verify"], ["step"], ["history"], ["rewind", "--to-block", "1"]):
        monkeypatch.setattr(sys, "argv", ["dtao", *command, "--data-dir", str(tmp_path)])
        with pytest.raises(SystemExit) as exit_:
            main()
        err = capsys.readouterr().err
        assert exit_.value.code == 1
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert ("not a readable" if damage == "junk" else "newer") in err

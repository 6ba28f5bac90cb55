"""Sweeps: the grid's expansion and run ids, bad sweep files, executors giving the same table
(process pool, Dask LocalCluster, a Dask scheduler on 127.0.0.1), resume after a kill."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

import dtao.sim.sweep as sweep_module
import sweep_fakes
from dtao.cli.sim_sweep import sweep_command
from dtao.sim.sweep import (
    RESULT_FILE,
    SweepError,
    load_sweep,
    patch,
    run_sweep,
    shipped_sweeps,
)

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"

SCENARIO = """\
name = "tiny"
genesis = {source = "synthetic", subnets = 3, validators = 2, miners = 2}
days = 1
seed = 1
metrics_every = 100
[[shocks]]
kind = "buy"
at = 50
netuid = 1
tao = 5
[outputs]
report = false
png = false
"""

SWEEP = """\
scenario = "tiny.toml"
seeds = [0, 1]
blocks = 300
[set]
"genesis.miners" = 1
[grid]
"shocks.0.tao" = [10, 100]
"overrides.tempo" = [100, 360]
"""


def write_sweep(folder: Path, text: str = SWEEP, name: str = "s.toml") -> Path:
    (folder / "tiny.toml").write_text(SCENARIO)
    path = folder / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------- expansion


def test_expansion_order_ids_and_patched_tables(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path))
    order = [(r.params["shocks.0.tao"], r.params["overrides.tempo"], r.seed) for r in sweep.runs]
    # first grid key slowest, seeds innermost
    assert order == [
        (10, 100, 0), (10, 100, 1), (10, 360, 0), (10, 360, 1),
        (100, 100, 0), (100, 100, 1), (100, 360, 0), (100, 360, 1),
    ]  # fmt: skip
    last = sweep.runs[-1]
    assert last.table["shocks"][0] == {"kind": "buy", "at": 50, "netuid": 1, "tao": 100}
    assert last.table["overrides"] == {"tempo": 360}  # created: the scenario had none
    assert last.table["blocks"] == 300 and "days" not in last.table  # the length override
    assert last.table["seed"] == 1 and last.table["name"] == "tiny"
    assert last.table["genesis"]["miners"] == 1 and "genesis.miners" not in last.params
    assert last.source == str(tmp_path / "tiny.toml")
    # the id, computed independently: sha256 of the sorted, compact JSON of the table
    text = json.dumps(last.table, sort_keys=True, separators=(",", ":"))
    assert last.run_id == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert len({r.run_id for r in sweep.runs}) == 8


def test_a_run_keeps_its_id_when_the_grid_grows(tmp_path):
    small = load_sweep(write_sweep(tmp_path))
    bigger = load_sweep(
        write_sweep(tmp_path, SWEEP.replace("[10, 100]", "[10, 50, 100]"), name="b.toml")
    )
    assert {r.run_id for r in small.runs} < {r.run_id for r in bigger.runs}
    assert len(bigger.runs) == 12


def test_patch_walks_tables_and_lists():
    table = {"agents": [{"params": {"a": 1}}, {"params": {}}]}
    patch(table, "agents.1.params.b", [1, 2])
    patch(table, "x.y.z", 3)
    assert table == {"agents": [{"params": {"a": 1}}, {"params": {"b": [1, 2]}}],
                     "x": {"y": {"z": 3}}}  # fmt: skip
    with pytest.raises(KeyError, match=r"agents\.2: not an index of the list \(it has 2"):
        patch(table, "agents.2.params.a", 1)
    with pytest.raises(KeyError, match=r"x\.y\.z: is 3, not a table or a list"):
        patch(table, "x.y.z.w", 1)


# ---------------------------------------------------------------- bad sweep files

BAD = {
    "unknown key": ("scenario = 'tiny.toml'\nseeds = [0]\ncolour = 1\n", "colour: Extra inputs"),
    "no seeds key": ("scenario = 'tiny.toml'\n", "seeds: Field required"),
    "empty seeds": ("scenario = 'tiny.toml'\nseeds = []\n", "seeds: List should have at least"),
    "negative seed": ("scenario = 'tiny.toml'\nseeds = [-1]\n", "seeds: seeds must be ≥ 0"),
    "repeated seed": ("scenario = 'tiny.toml'\nseeds = [3, 3]\n", "seeds must be distinct"),
    "seed as text": ("scenario = 'tiny.toml'\nseeds = ['a']\n", "seeds.0: Input should be"),
    "grid not a list": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\n'overrides.x' = 3\n",
        "grid.overrides.x: Input should be a valid list",
    ),
    "empty grid values": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\n'overrides.x' = []\n",
        "grid key 'overrides.x' has no values",
    ),
    "seed in the grid": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\nseed = [1, 2]\n",
        "the seed is swept by 'seeds'",
    ),
    "a key both set and swept": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[set]\n'overrides.tempo' = 5\n"
        "[grid]\n'overrides.tempo' = [1]\n",
        "(top level): key 'overrides.tempo' is both set and swept by the grid",
    ),
    "a set key into a number": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[set]\n'metrics_every.x' = 5\n",
        "set.'metrics_every.x': metrics_every: is 100, not a table or a list",
    ),
    "the length override makes two runs the same": (
        "scenario = 'tiny.toml'\nseeds = [0]\nblocks = 300\n[grid]\nblocks = [10, 20]\n",
        "grid: runs 0 and 1 patch the scenario to the same table",
    ),
    "bad dotted key": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\n'agents..x' = [1]\n",
        "is not a dotted path",
    ),
    "list index past the end": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\n'shocks.3.tao' = [1]\n",
        "grid.'shocks.3.tao': shocks.3: not an index of the list (it has 1 items)",
    ),
    "blocks and days": (
        "scenario = 'tiny.toml'\nseeds = [0]\nblocks = 5\ndays = 1\n",
        "(top level): give either blocks or days, not both",
    ),
    "blocks as text": (
        "scenario = 'tiny.toml'\nseeds = [0]\nblocks = '300'\n",
        "blocks: Input should be a valid integer (got '300')",
    ),
    "zero blocks": ("scenario = 'tiny.toml'\nseeds = [0]\nblocks = 0\n", "blocks: Input should be"),
    "unknown shipped scenario": (
        "scenario = 'no_such_one'\nseeds = [0]\n",
        "scenario: unknown scenario 'no_such_one': shipped ones are default",
    ),
    "unknown metric key type": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[outputs]\nmetrics = 'score'\n",
        "outputs.metrics: Input should be a valid list",
    ),
    "not TOML": ("scenario = \n", "not valid TOML"),
    "missing scenario": (
        "scenario = 'nope.toml'\nseeds = [0]\n",
        "scenario: nope.toml: cannot read the scenario",
    ),
    "a patched scenario fails its validation": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\n'genesis.subnets' = [2, 500]\n",
        "run 1 (seed=0, genesis.subnets=500): ",
    ),
    "a patched shock goes past the end": (
        "scenario = 'tiny.toml'\nseeds = [0]\nblocks = 40\n",
        "shocks.0.at: block 50 is past the run's end (block 40)",
    ),
    "an unknown override": (
        "scenario = 'tiny.toml'\nseeds = [0]\n[grid]\n'overrides.no_such_param' = [1]\n",
        "overrides.no_such_param",
    ),
}


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("sweep")(sweep_command)
    app.command("other")(lambda: None)  # keeps 'sweep' a subcommand, as under 'dtao sim'
    return app


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_sweep_files_fail_with_one_line_and_exit_2(tmp_path, case):
    text, expected = BAD[case]
    path = write_sweep(tmp_path, text)
    result = CliRunner().invoke(cli(), ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]
    assert lines[0].startswith(f"error: {path}: ")  # names the file
    assert not (tmp_path / "out").exists()  # nothing ran


@pytest.mark.parametrize("name", ["pump_quick", "pump_real"])
def test_shipped_sweeps_validate(name):
    sweep = load_sweep(name)
    assert name in shipped_sweeps() and len(sweep.runs) >= 2
    agent = sweep.runs[-1].table["agents"][0]
    assert agent["kind"] == "manipulator" and agent["params"]["budget_tao"] == 1000
    assert all(m.startswith(("agents.whale.", "network.")) for m in sweep.spec.outputs.metrics)


def test_unknown_sweep_name_lists_the_shipped_ones(tmp_path):
    result = CliRunner().invoke(cli(), ["sweep", "no-such-sweep"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: no-such-sweep: no such sweep file or shipped sweep")
    assert ", ".join(shipped_sweeps()) in line


def test_the_command_runs_then_skips_what_finished(tmp_path):
    path = write_sweep(tmp_path, "scenario = 'tiny.toml'\nseeds = [0, 1]\nblocks = 100\n")
    args = ["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "2"]
    first, again = CliRunner().invoke(cli(), args), CliRunner().invoke(cli(), args)
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    table = tmp_path / "out" / "results.parquet"
    assert first.stdout.startswith("2 runs: 2 ran, 0 skipped (finished before); table ")
    assert again.stdout.startswith("2 runs: 0 ran, 2 skipped (finished before); table ")
    assert f"table {table}; summary {table.with_name('summary.html')}" in again.stdout
    assert pq.read_table(table).column("blocks").to_pylist() == [100, 100]


def test_a_bad_dask_address_is_one_line(tmp_path):
    path = write_sweep(tmp_path)
    result = CliRunner().invoke(cli(), ["sweep", str(path), "--dask", "somewhere"])
    assert result.exit_code == 2
    assert (
        result.stderr == "error: --dask 'somewhere': expected 'local' or an address "
        "tcp://HOST:PORT\n"
    )


def test_unknown_summary_metric_is_one_line(tmp_path):
    path = write_sweep(tmp_path, "scenario = 'tiny.toml'\nseeds = [0]\n[outputs]\nmetrics=['x']\n")
    with pytest.raises(SweepError, match=r"outputs\.metrics: 'x' is not a summary key \(known: "):
        run_sweep(path, tmp_path / "out", run=sweep_fakes.fake_run)


def test_dask_missing_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(SweepError, match=r"^Dask is not installed: pip install 'dtao\[dask\]'"):
        run_sweep(write_sweep(tmp_path), tmp_path / "o", "dask-local", run=sweep_fakes.fake_run)


# ---------------------------------------------------------------- the table, executors


def test_table_rows_columns_and_types(tmp_path):
    path = write_sweep(tmp_path)
    table_path = run_sweep(path, tmp_path / "out", workers=2, run=sweep_fakes.fake_run)
    table = pq.read_table(table_path)
    rows = table.to_pylist()
    sweep = load_sweep(path)
    assert [r["run_id"] for r in rows] == sorted(r.run_id for r in sweep.runs)
    assert table.column_names[:5] == ["run_id", "index", "seed", "shocks.0.tao", "overrides.tempo"]
    types = {f.name: str(f.type) for f in table.schema}
    assert types["score"] == "double" and types["rao"] == "int64"
    assert types["huge"] == "string" and types["final.ok"] == "bool"  # beyond int64: text
    assert types["never"] == "null" and types["shares"] == "string"  # lists as JSON text
    by_id = {r.run_id: r for r in sweep.runs}
    for row in rows:
        run = by_id[row["run_id"]]
        expected = sweep_fakes.fake_run(_scenario(run), tmp_path)
        assert row["index"] == run.index and row["seed"] == run.seed
        assert row["score"] == expected["score"] and row["huge"] == str(expected["huge"])
        assert json.loads(row["shares"]) == expected["shares"]
        assert row["final.seed"] == run.seed
        assert (tmp_path / "out" / "runs" / run.run_id / "fake.json").is_file()
    page = (tmp_path / "out" / "summary.html").read_text()
    assert "Plotly.newPlot" in page and "<script src=" not in page  # plotly.js inlined
    titles = [f"{m} vs shocks.0.tao" for m in ("final.seed", "rao", "score")]
    assert page.count('id="chart-') == 3 and all(t in page for t in titles)  # numeric columns
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [m["run_id"] for m in manifest["runs"]] == [r.run_id for r in sweep.runs]


def _scenario(run):
    from dtao.sim.scenario import scenario_from_dict

    return scenario_from_dict(run.table, run.source)


def worker_env() -> dict[str, str]:
    """Subprocesses import dtao from this checkout and the fake runs from tests/."""
    paths = [str(SRC), str(TESTS), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p), "DTAO_NO_JIT": "1"}


def start(args: list[str]) -> subprocess.Popen:
    """A Dask command in its own process group (its nanny processes die with it)."""
    return subprocess.Popen(
        [sys.executable, "-m", *args, "--dashboard-address", "127.0.0.1:0", "--no-dashboard"],
        env=worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture
def scheduler(tmp_path):
    """A Dask scheduler on 127.0.0.1 (a free port) with two single-threaded workers."""
    info = tmp_path / "scheduler.json"
    scheduler_args = ["--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(info)]
    procs = [start(["distributed.cli.dask_scheduler", *scheduler_args])]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker_args = ["--nworkers", "2", "--nthreads", "1", "--host", "127.0.0.1"]
        procs.append(start(["distributed.cli.dask_worker", address, *worker_args]))
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):  # the workers first, then the scheduler
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


REAL = """\
scenario = "tiny.toml"
seeds = [0, 1]
blocks = 300
[grid]
"overrides.tempo" = [100, 150]
[outputs]
metrics = ["network.gini", "total_issuance_end"]
"""


def test_executors_give_byte_identical_tables(tmp_path, scheduler):
    """The real runner, 4 runs of 300 blocks on each executor: the same table, byte for byte."""
    path = write_sweep(tmp_path, REAL)
    executors = [("pool", "process"), ("local", "dask-local"), ("tcp", scheduler)]
    tables = [run_sweep(path, tmp_path / name, executor, workers=2) for name, executor in executors]
    data = [table.read_bytes() for table in tables]
    assert data[0] == data[1] == data[2]
    pages = {table.with_name("summary.html").read_text() for table in tables}
    assert len(pages) == 1  # the HTML summary too
    rows = pq.read_table(tables[0]).to_pylist()
    assert len(rows) == 4 and len({r["state_digest"] for r in rows}) == 4  # four distinct runs
    # each row is its run's own summary.json, as the runner wrote it in the run's folder
    for row in rows:
        summary = json.loads(
            (tmp_path / "tcp" / "runs" / row["run_id"] / "summary.json").read_text()
        )
        assert (row["blocks"], row["state_digest"]) == (300, summary["state_digest"])
        assert row["network.gini"] == summary["network"]["gini"]
        assert row["overrides.tempo"] in (100, 150) and row["seed"] == summary["seed"]


def test_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_module, "CONNECT_SECONDS", 1)
    with pytest.raises(
        SweepError, match=r"^cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        run_sweep(
            write_sweep(tmp_path), tmp_path / "o", "tcp://127.0.0.1:9", run=sweep_fakes.fake_run
        )


# ---------------------------------------------------------------- resume

RESUMABLE = """\
import sys
from dtao.sim.sweep import run_sweep
import sweep_fakes
import dtao.sim.sweep as sweep_module
run_sweep(sys.argv[1], sys.argv[2], "process", workers=1, run=sweep_fakes.slow_fake_run)
"""


def finished(out: Path) -> set[str]:
    return {p.parent.name for p in (out / "runs").glob(f"*/{RESULT_FILE}")}


def test_a_killed_sweep_resumes_skipping_finished_runs(tmp_path):
    path = write_sweep(tmp_path)
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-c", RESUMABLE, str(path), str(out)],
        env=worker_env(), start_new_session=True,  # its own group: the pool dies with it
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(finished(out)) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = finished(out)
    assert 3 <= len(before) < 8, "the sweep was killed mid-way"
    assert not (out / "results.parquet").exists()

    events: list[tuple[str, bool]] = []
    table = run_sweep(
        path, out, run=sweep_fakes.fake_run, on_run=lambda r, s: events.append((r.run_id, s))
    )
    skipped = {run_id for run_id, was_skipped in events if was_skipped}
    assert skipped == before and len(events) == 8
    fresh = run_sweep(path, tmp_path / "fresh", run=sweep_fakes.fake_run)
    assert table.read_bytes() == fresh.read_bytes()

    events.clear()
    run_sweep(
        path,
        out,
        run=sweep_fakes.fake_run,
        resume=False,
        on_run=lambda r, s: events.append((r.run_id, s)),
    )
    assert not any(s for _, s in events)  # --no-resume runs everything again


def test_dtao_sim_sweep_on_dask_local_as_a_user_runs_it(tmp_path):
    """The installed command (subprocess): a bad file is one line and exit 2; a good one runs
    on a LocalCluster (its workers spawned from ``python -m dtao.cli``)."""
    path = write_sweep(tmp_path, "scenario = 'tiny.toml'\nseeds = [0, 1]\nblocks = 100\n")
    bad = write_sweep(tmp_path, "scenario = 'tiny.toml'\nseeds = [0]\nblock = 5\n", name="bad.toml")

    def dtao(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "dtao.cli", "sim", "sweep", *args]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=300, env=worker_env()
        )

    ids = {r.seed: r.run_id for r in load_sweep(path).runs}
    refused = dtao(str(bad))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == f"error: {bad}: block: Extra inputs are not permitted (got 5)\n"
    ran = dtao(str(path), "--dask", "local", "--workers", "2", "--out", str(tmp_path / "dask"))
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.startswith("2 runs: 2 ran, 0 skipped")
    table = pq.read_table(tmp_path / "dask" / "results.parquet")
    assert table.column("seed").to_pylist() == sorted([0, 1], key=lambda s: ids[s])

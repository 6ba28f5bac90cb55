"""Sweeps (Mesa's batch run): a grid of scenario keys × seeds, on a process pool or on Dask.

A sweep file (TOML; the fields of :class:`SweepSpec`) names a scenario, a grid of dotted keys
into the scenario's table, the seeds, an optional run-length override and the outputs::

    scenario = "default"                  # a shipped scenario's name, or a path (relative
                                          # to the sweep file's folder first)
    seeds = [0, 1]
    blocks = 300                          # every run's length (or days = …)
    [set]                                 # one value each, patched into every run
    "genesis.source" = "synthetic"
    [grid]
    "overrides.tempo" = [100, 360]
    "genesis.subnets" = [4, 8]
    [outputs]
    metrics = ["network.gini"]            # summary keys charted in summary.html

Patches, in order: ``set``, then the grid point, then the length, then ``seed``.
Expansion order: the grid's keys in file order, the first varying slowest (like nested loops
over ``itertools.product``), the seeds innermost. Every run's scenario table is validated before
the first run starts. A run's id is the first 16 hex digits of the SHA-256 of its patched
scenario table (seed included) as canonical JSON, so the same point of the grid keeps its id
(and its finished result) when the grid around it changes.

Output folder: ``manifest.json`` (the runs in grid order), ``runs/<run id>/`` (each run's own
outputs, and ``result.json`` written atomically once it has finished: the mark that lets an
interrupted sweep resume), ``results.parquet`` (one row per run, sorted by run id: the same
bytes whichever executor ran it) and ``summary.html`` (plotly inlined).

Executors (:func:`execute`): ``"process"`` (a local process pool), ``"dask-local"`` (a
``distributed.LocalCluster`` of ``workers`` single-threaded processes) or a scheduler's address
``tcp://HOST:PORT``. With a scheduler on other machines, dtao must be importable on its workers
and the output folder must be a path they can write.
"""

from __future__ import annotations

import copy
import hashlib
import html
import itertools
import json
import logging
import os
import shutil
import statistics
import tomllib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    field_validator,
    model_validator,
)

from dtao import __version__
from dtao.errors import ConfigError, DtaoError
from dtao.sim.runner import run_scenario
from dtao.sim.scenario import scenario_dict, scenario_from_dict, scenario_path

SWEEPS = Path(__file__).with_name("sweeps")  # the shipped sweep files
RESULT_FILE = "result.json"  # in a run's folder: written last, atomically, when it finished
INT64_MAX = 2**63 - 1
CONNECT_SECONDS = 10  # how long a Dask client tries to reach a scheduler

RunFunction = Callable[[Any, Path], dict]  # (Scenario, run folder) -> the run's summary


class SweepError(ConfigError):
    """A bad sweep file or sweep request (one line naming the file and the key)."""


class Outputs(BaseModel):
    """What the sweep writes besides the table."""

    model_config = ConfigDict(extra="forbid", strict=True)

    dir: str | None = Field(
        default=None, description="output folder (relative to the working folder); --out wins"
    )
    metrics: list[str] = Field(
        default_factory=list,
        description="summary keys (nested ones dotted) charted against the grid in "
        "summary.html; empty: every numeric summary column",
    )


class SweepSpec(BaseModel):
    """A sweep file: the scenario, the grid × seeds, the run length, the outputs."""

    model_config = ConfigDict(extra="forbid", strict=True)

    scenario: str = Field(min_length=1, description="a shipped scenario's name or a TOML path")
    seeds: list[int] = Field(min_length=1, description="seeds (≥ 0), each run once per point")
    set: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="dotted key -> one value, patched into every run before the grid",
    )
    grid: dict[str, list[JsonValue]] = Field(
        default_factory=dict,
        description="dotted key into the scenario table (list items by index) -> its values",
    )
    blocks: int | None = Field(
        default=None,
        ge=1,
        description="run length of every run in blocks (replaces the scenario's blocks or days)",
    )
    days: float | None = Field(
        default=None, gt=0, description="run length of every run in days (7 200 blocks each)"
    )
    outputs: Outputs = Field(default_factory=lambda: Outputs())

    @model_validator(mode="after")
    def _keys(self) -> SweepSpec:
        if self.blocks is not None and self.days is not None:
            raise ValueError("give either blocks or days, not both")
        for key in self.set:
            _check_key(key)
            if key in self.grid:
                raise ValueError(f"key {key!r} is both set and swept by the grid")
        return self

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, seeds: list[int]) -> list[int]:
        if any(s < 0 for s in seeds):
            raise ValueError("seeds must be ≥ 0")
        if len(set(seeds)) != len(seeds):
            raise ValueError("seeds must be distinct")
        return seeds

    @field_validator("grid")
    @classmethod
    def _grid(cls, grid: dict[str, list[JsonValue]]) -> dict[str, list[JsonValue]]:
        for key, values in grid.items():
            _check_key(key)
            if not values:
                raise ValueError(f"grid key {key!r} has no values")
            if len({canonical_json(v) for v in values}) != len(values):
                raise ValueError(f"grid key {key!r} repeats a value")
        return grid


def _check_key(key: str) -> None:
    """A patchable dotted key: non-empty parts, not the seed (``seeds`` sweeps it)."""
    if not key or any(not part for part in key.split(".")):
        raise ValueError(f"key {key!r} is not a dotted path like 'agents.0.count'")
    if key.split(".")[0] == "seed":
        raise ValueError("the seed is swept by 'seeds', not by the grid or set")


@dataclass(frozen=True)
class Run:
    """One run of a sweep: a grid point and a seed."""

    run_id: str
    index: int  # position in the expansion order
    seed: int
    params: dict[str, Any]  # grid key -> this run's value
    table: dict[str, Any]  # the patched scenario table
    source: str  # the scenario's file (validation messages name it; relative paths in it)


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file and its runs in expansion order."""

    path: Path
    spec: SweepSpec
    runs: list[Run]

    @property
    def name(self) -> str:
        return self.path.stem


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces; TOML dates as their ISO text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def shipped_sweeps() -> list[str]:
    """Names of the sweeps that ship with the package."""
    return sorted(p.stem for p in SWEEPS.glob("*.toml"))


def sweep_path(path_or_name: str | Path) -> Path:
    """A sweep file's path: an existing file, or the shipped sweep of that name."""
    path = Path(path_or_name)
    if path.is_file():
        return path
    shipped = SWEEPS / f"{path_or_name}.toml"
    if shipped.is_file():
        return shipped
    known = ", ".join(shipped_sweeps()) or "none"
    raise SweepError(f"{path_or_name}: no such sweep file or shipped sweep (shipped: {known})")


def parse_spec(path: Path) -> SweepSpec:
    """Read and validate a sweep file (one-line :class:`SweepError` on any problem)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SweepError(f"{path}: cannot read the file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SweepError(f"{path}: not valid TOML ({exc})") from None
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        got = "" if first["type"] == "missing" else f" (got {first['input']!r})"
        message = first["msg"].removeprefix("Value error, ")
        raise SweepError(f"{path}: {key}: {message}{got}") from None


def patch(table: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``dotted`` (``a.b.0.c``: tables by key, lists by index) in ``table`` to ``value``.

    Missing tables on the way are created (``overrides.x`` in a scenario without overrides);
    a list index must exist. Raises ``KeyError`` with what went wrong."""
    parts = dotted.split(".")
    node: Any = table
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        key: str | int
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"{where}: not an index of the list (it has {len(node)} items)")
            key = int(part)
        elif isinstance(node, dict):
            key = part
            if depth < len(parts) - 1 and part not in node:
                node[part] = {}
        else:
            raise KeyError(f"{'.'.join(parts[:depth])}: is {node!r}, not a table or a list")
        if depth == len(parts) - 1:
            node[key] = copy.deepcopy(value)
        else:
            node = node[key]


def _scenario_ref(spec: SweepSpec, path: Path) -> str:
    """The scenario as ``scenario_dict`` takes it: a file next to the sweep file wins."""
    beside = path.parent / spec.scenario
    return str(beside) if beside.is_file() else spec.scenario


def plan(spec: SweepSpec, path: Path, base: dict[str, Any], source: str) -> list[Run]:
    """Expand the grid × seeds over the scenario table ``base`` read from the file ``source``
    (in the documented order)."""
    runs: list[Run] = []
    seen: dict[str, int] = {}
    keys = list(spec.grid)
    for point in itertools.product(*spec.grid.values()):
        params = dict(zip(keys, point, strict=True))
        for seed in spec.seeds:
            table = copy.deepcopy(base)
            patches = [("set", k, v) for k, v in spec.set.items()]
            for section, key, value in patches + [("grid", k, v) for k, v in params.items()]:
                try:
                    patch(table, key, value)
                except KeyError as exc:
                    raise SweepError(f"{path}: {section}.{key!r}: {exc.args[0]}") from None
            for length, other in (("blocks", "days"), ("days", "blocks")):
                if getattr(spec, length) is not None:
                    table.pop(other, None)
                    table[length] = getattr(spec, length)
            table["seed"] = seed
            run_id = hashlib.sha256(canonical_json(table).encode()).hexdigest()[:16]
            if run_id in seen:
                raise SweepError(
                    f"{path}: grid: runs {seen[run_id]} and {len(runs)} patch the scenario "
                    "to the same table"
                )
            seen[run_id] = len(runs)
            runs.append(Run(run_id, len(runs), seed, params, table, source))
    return runs


def load_sweep(path_or_name: str | Path) -> Sweep:
    """Read a sweep file, expand it and validate every run's scenario, before anything runs.

    Raises a one-line :class:`SweepError` (or the scenario's own error, naming the point)."""
    path = sweep_path(path_or_name)
    spec = parse_spec(path)
    try:
        scenario_file = scenario_path(_scenario_ref(spec, path))
        base = scenario_dict(scenario_file)
    except DtaoError as exc:
        raise SweepError(f"{path}: scenario: {exc}") from None
    runs = plan(spec, path, base, str(scenario_file))
    for run in runs:
        try:
            scenario_from_dict(run.table, run.source)
        except DtaoError as exc:  # ScenarioError, or a preset's or a snapshot's ConfigError
            raise SweepError(f"{path}: run {run.index} ({describe(run)}): {exc}") from None
    return Sweep(path, spec, runs)


def describe(run: Run) -> str:
    """A run's point as text: ``seed=0, overrides.tempo=100``."""
    return ", ".join(f"{k}={v!r}" for k, v in {"seed": run.seed, **run.params}.items())


# ---------------------------------------------------------------- executors


def execute(
    fn: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    executor: str = "process",
    workers: int = 2,
) -> Iterator[tuple[int, Any]]:
    """Run ``fn(*task)`` for every task; yield ``(task index, result)`` as each finishes.

    ``executor``: ``"process"`` (a local pool of ``workers`` processes), ``"dask-local"`` (a
    ``LocalCluster`` of ``workers`` single-threaded processes) or a Dask scheduler's address
    (``tcp://HOST:PORT``). ``fn`` and the tasks must pickle (a module-level function). The first
    task that raises stops the rest and its error propagates."""
    if not tasks:
        return
    if executor == "process":
        yield from _execute_pool(fn, tasks, workers)
    elif executor == "dask-local" or "://" in executor:
        yield from _execute_dask(fn, tasks, executor, workers)
    else:
        raise SweepError(
            f"executor {executor!r}: expected 'process', 'dask-local' or a scheduler address "
            "like tcp://HOST:PORT"
        )


def _execute_pool(
    fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[tuple[int, Any]]:
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(tasks))))
    try:
        futures = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _execute_dask(
    fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], executor: str, workers: int
) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_as_completed
    except ImportError:
        raise SweepError(
            "Dask is not installed: pip install 'dtao[dask]' (or run without --dask)"
        ) from None
    cluster = None
    try:
        if executor == "dask-local":
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(executor, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise SweepError(f"cannot reach the Dask scheduler at {executor}: {exc}") from None
    futures: dict[Any, int] = {}
    try:
        futures = {client.submit(fn, *task, pure=False): i for i, task in enumerate(tasks)}
        for future in dask_as_completed(list(futures)):
            yield futures[future], future.result()
    finally:
        client.cancel(list(futures))
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- running a sweep


def run_in_folder(run: RunFunction, table: dict, source: str, run_dir: str) -> dict:
    """One run in a fresh folder (what a worker executes): the summary as plain JSON values."""
    folder = Path(run_dir)
    if folder.exists():
        shutil.rmtree(folder)  # what an interrupted attempt left
    folder.mkdir(parents=True)
    summary = run(scenario_from_dict(table, source), folder)
    try:
        return json.loads(canonical_json(summary))
    except (TypeError, ValueError) as exc:
        raise SweepError(f"{source}: the run's summary is not JSON-able ({exc})") from None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def finished_summary(run_dir: Path, run_id: str) -> dict | None:
    """The summary of a run that finished before (its result file), else None."""
    try:
        result = json.loads((run_dir / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict) or result.get("run_id") != run_id:
        return None
    summary = result.get("summary")
    return summary if isinstance(summary, dict) else None


def run_sweep(
    sweep: Sweep | str | Path,
    out_dir: Path | str | None = None,
    executor: str = "process",
    workers: int = 2,
    resume: bool = True,
    run: RunFunction = run_scenario,
    on_run: Callable[[Run, bool], None] | None = None,
) -> Path:
    """Run every run of ``sweep`` not finished before; write the table and the HTML summary.

    ``out_dir``: default the sweep's ``outputs.dir``, else ``sweeps/<sweep name>``. ``resume``:
    skip runs whose result file exists (False: run everything again). ``run(scenario, folder)``
    runs one scenario and returns its summary (default :func:`dtao.sim.runner.run_scenario`;
    module-level, so that workers can unpickle it). ``on_run(run, skipped)`` is called for each
    run, when it is skipped or has finished. Returns the path of ``results.parquet``."""
    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    out = Path(out_dir or sweep.spec.outputs.dir or Path("sweeps") / sweep.name)
    if workers < 1:
        raise SweepError(f"workers: expected ≥ 1 (got {workers})")
    (out / "runs").mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "manifest.json", _manifest(sweep).encode())

    summaries: dict[str, dict] = {}
    todo: list[Run] = []
    for r in sweep.runs:
        done = finished_summary(out / "runs" / r.run_id, r.run_id) if resume else None
        if done is None:
            todo.append(r)
        else:
            summaries[r.run_id] = done
            if on_run:
                on_run(r, True)
    runs_dir = (out / "runs").absolute()  # what a worker with another working folder writes
    tasks = [(run, r.table, r.source, str(runs_dir / r.run_id)) for r in todo]
    for i, summary in execute(run_in_folder, tasks, executor, workers):
        r = todo[i]
        folder = out / "runs" / r.run_id
        folder.mkdir(parents=True, exist_ok=True)  # a remote worker wrote elsewhere
        result = {"run_id": r.run_id, "seed": r.seed, "params": r.params, "summary": summary}
        _write_atomic(folder / RESULT_FILE, (json.dumps(result, indent=1) + "\n").encode())
        summaries[r.run_id] = summary
        if on_run:
            on_run(r, False)

    rows = [(r, summaries[r.run_id]) for r in sweep.runs]
    table_path = out / "results.parquet"
    write_table(sweep, rows, table_path)
    _write_atomic(out / "summary.html", summary_html(sweep, rows).encode())
    return table_path


def _manifest(sweep: Sweep) -> str:
    runs = [
        {"run_id": r.run_id, "index": r.index, "seed": r.seed, "params": r.params}
        for r in sweep.runs
    ]
    data = {"dtao": __version__, "sweep": sweep.spec.model_dump(mode="json"), "runs": runs}
    return json.dumps(data, indent=1) + "\n"


# ---------------------------------------------------------------- the table


def flatten(summary: dict, prefix: str = "") -> dict[str, Any]:
    """Nested tables of a summary as dotted keys (lists stay values)."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _column(values: list[Any]) -> tuple[Any, list[Any]]:
    """A pyarrow type for a column's values and the values as stored (None: missing).

    None only: null; all bools: bool; all ints within int64: int64; all numbers: float64;
    all strings: string; anything else (lists, mixed types, ints beyond int64): canonical
    JSON text."""
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if not present:
        return pa.null(), values
    if all(isinstance(v, bool) for v in present):
        return pa.bool_(), values
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present) and all(
        -INT64_MAX - 1 <= v <= INT64_MAX for v in present
    ):
        return pa.int64(), values
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present) and all(
        isinstance(v, float) or abs(v) <= 2**53 for v in present
    ):
        return pa.float64(), [None if v is None else float(v) for v in values]
    if all(isinstance(v, str) for v in present):
        return pa.string(), values
    return pa.string(), [None if v is None else canonical_json(v) for v in values]


def table_columns(sweep: Sweep, rows: list[tuple[Run, dict]]) -> dict[str, list[Any]]:
    """The table's columns in order: run_id, index, seed, the grid keys, the summary's keys
    (sorted, nested ones dotted, ``summary.`` before one that a column above has taken);
    rows sorted by run id."""
    ordered = sorted(rows, key=lambda row: row[0].run_id)
    flats = [flatten(summary) for _, summary in ordered]
    columns: dict[str, list[Any]] = {
        "run_id": [r.run_id for r, _ in ordered],
        "index": [r.index for r, _ in ordered],
        "seed": [r.seed for r, _ in ordered],
    }
    for key in sweep.spec.grid:
        if key in columns:
            raise SweepError(f"{sweep.path}: grid.{key!r}: the table already has a column {key}")
        columns[key] = [r.params[key] for r, _ in ordered]
    for key in sorted({k for flat in flats for k in flat}):
        name = f"summary.{key}" if key in columns else key  # the summary's own "seed"
        columns[name] = [flat.get(key) for flat in flats]
    return columns


def write_table(sweep: Sweep, rows: list[tuple[Run, dict]], path: Path) -> None:
    """The results table as Parquet (same rows, same bytes, whichever executor ran them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, names = [], []
    for name, values in table_columns(sweep, rows).items():
        kind, stored = _column(values)
        arrays.append(pa.array(stored, type=kind))
        names.append(name)
    metadata = {b"dtao.sweep": canonical_json(sweep.spec.model_dump(mode="json")).encode()}
    table = pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(metadata)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


# ---------------------------------------------------------------- the HTML summary


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def chart_metrics(sweep: Sweep, columns: dict[str, list[Any]]) -> list[str]:
    """The summary columns to chart: the sweep's ``outputs.metrics``, else every one stored
    as a number."""
    summary_keys = [k for k in columns if k not in {"run_id", "index", "seed", *sweep.spec.grid}]
    wanted = sweep.spec.outputs.metrics
    for key in wanted:
        if key not in summary_keys:
            known = ", ".join(summary_keys) or "none"
            raise SweepError(
                f"{sweep.path}: outputs.metrics: {key!r} is not a summary key (known: {known})"
            )
    if wanted:
        return wanted
    import pyarrow as pa

    numeric = (pa.int64(), pa.float64())
    return [k for k in summary_keys if _column(columns[k])[0] in numeric]


def summary_html(sweep: Sweep, rows: list[tuple[Run, dict]]) -> str:
    """A self-contained page: each metric against the first grid key (one line per value of
    the other keys: the mean over seeds, each seed a dot), then the table."""
    import plotly.graph_objects as go
    from plotly.colors import qualitative

    colours = qualitative.Plotly  # one per line of a chart: its dots and its mean

    columns = table_columns(sweep, rows)
    keys = list(sweep.spec.grid)
    x_key = keys[0] if keys else "seed"
    rest = keys[1:]
    charts = []
    for n, metric in enumerate(chart_metrics(sweep, columns)):
        fig = go.Figure()
        groups: dict[str, list[int]] = {}
        for i in sorted(range(len(columns["run_id"])), key=lambda i: columns["index"][i]):
            label = ", ".join(f"{k}={columns[k][i]!r}" for k in rest) or metric
            groups.setdefault(label, []).append(i)
        for g, (label, members) in enumerate(groups.items()):
            colour = colours[g % len(colours)]
            xs = [columns[x_key][i] for i in members]
            ys = [columns[metric][i] for i in members]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="markers",
                    name=f"{label} (each seed)",
                    opacity=0.45,
                    legendgroup=label,
                    marker={"color": colour},
                )
            )
            points: dict[str, list[float]] = {}
            for x, y in zip(xs, ys, strict=True):
                if _numeric(y):
                    points.setdefault(canonical_json(x), []).append(float(y))
            fig.add_trace(
                go.Scatter(
                    x=[json.loads(x) for x in points],
                    y=[statistics.fmean(v) for v in points.values()],
                    mode="lines+markers",
                    name=f"{label} (mean over seeds)",
                    legendgroup=label,
                    line={"color": colour},
                )
            )
        fig.update_layout(
            title=f"{metric} vs {x_key}",
            xaxis_title=x_key,
            yaxis_title=metric,
            template="plotly_white",
            height=420,
        )
        charts.append(fig.to_html(full_html=False, include_plotlyjs=(n == 0), div_id=f"chart-{n}"))
    head = "".join(f"<th>{html.escape(k)}</th>" for k in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(columns[k][i]))}</td>" for k in columns) + "</tr>"
        for i in range(len(columns["run_id"]))
    )
    title = html.escape(f"sweep {sweep.name}: {len(rows)} runs of {sweep.spec.scenario}")
    grid_text = html.escape(
        "; ".join(f"{k} = {v}" for k, v in sweep.spec.grid.items()) or "no grid"
    )
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
        "</style></head><body>"
        f"<h1>{title}</h1><p>grid: {grid_text}; seeds {sweep.spec.seeds}; dtao {__version__}</p>"
        + "".join(charts)
        + f"<h2>results (sorted by run id)</h2><table><tr>{head}</tr>{body}</table>"
        "</body></html>\n"
    )


def _cell(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else canonical_json(value)

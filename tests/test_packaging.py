"""The built wheel, installed in a fresh venv, works as a user would run it.

The wheel is built offline (``pip wheel --no-build-isolation --no-index``) from a copy of the
checkout, installed with ``--no-deps`` into a fresh venv that sees the third-party packages of
the test interpreter through a ``.pth`` file, and run from a folder outside the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import rich
import typer

import dtao

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout on the path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    # the fresh install would compile the Yuma kernel anew (~20 s); the numpy path is tested
    env["DTAO_NO_JIT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(args: list[str | Path], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def check(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (
        f"{result.args} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
    return result


def dependency_dirs() -> list[str]:
    """Folders holding the test interpreter's third-party packages (numpy, typer, rich...)."""
    import numpy

    dirs = [Path(m.__file__).resolve().parents[1] for m in (numpy, typer, rich) if m.__file__]
    dirs += [Path(p) for p in site.getsitepackages()]
    paths = sysconfig.get_paths()
    dirs += [Path(paths["purelib"]), Path(paths["platlib"])]
    out: list[str] = []
    for d in dirs:
        if d.is_dir() and str(d) not in out:
            out.append(str(d))
    return out


@dataclass(frozen=True)
class Installed:
    work: Path  # a folder outside the checkout, the cwd of every run
    wheel: Path
    venv: Path
    python: Path
    script: Path
    site_packages: Path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("packaging")
    # Build from a copy so the checkout gets no build/ or egg-info and stale files can't leak in.
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        SRC, source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    )
    wheels = work / "wheels"
    check(
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "-q",
                "-w",
                wheels,
                source,
            ],
            cwd=work,
            timeout=120,
        )
    )
    (wheel,) = wheels.glob("dtao-*.whl")

    venv = work / "venv"
    check(run([sys.executable, "-m", "venv", venv], cwd=work, timeout=120))
    python = venv / "bin" / "python"
    check(
        run(
            [python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel],
            cwd=work,
            timeout=120,
        )
    )
    purelib = check(
        run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work)
    ).stdout.strip()
    site_packages = Path(purelib)
    # Only appended to sys.path: the .pth files there (the editable hook) are not processed.
    (site_packages / "zz_test_dependencies.pth").write_text("\n".join(dependency_dirs()) + "\n")
    return Installed(work, wheel, venv, python, venv / "bin" / "dtao", site_packages)


def test_version_has_a_single_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "dtao.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", dtao.__version__)


def test_module_cli_version():
    result = check(run([sys.executable, "-m", "dtao.cli", "--version"], cwd=ROOT))
    assert result.stdout == f"dtao {dtao.__version__}\n"


def test_no_args_still_shows_help():
    result = run([sys.executable, "-m", "dtao.cli"], cwd=ROOT)
    assert result.returncode == 2
    out = result.stdout + result.stderr
    assert "Usage" in out
    assert "--version" in out
    assert "demo" in out and "vectors" in out


def test_wheel_contents(installed: Installed):
    with zipfile.ZipFile(installed.wheel) as zf:
        names = set(zf.namelist())
        dist_info = f"dtao-{dtao.__version__}.dist-info"
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
    assert installed.wheel.name == f"dtao-{dtao.__version__}-py3-none-any.whl"
    assert f"\nVersion: {dtao.__version__}\n" in metadata
    assert re.search(r"^dtao = dtao\.cli:main$", entry_points, re.M)
    # Every module of the source tree is shipped, and nothing but the package.
    sources = {p.relative_to(SRC).as_posix() for p in (SRC / "dtao").rglob("*.py")}
    assert sources <= names, sorted(sources - names)
    assert {n.split("/")[0] for n in names} == {"dtao", dist_info}
    # the simulator's package data: the real snapshot with its source and licence, scenarios
    data = {p.relative_to(SRC).as_posix() for p in (SRC / "dtao" / "sim" / "data").iterdir()}
    scenarios = {p.relative_to(SRC).as_posix() for p in (SRC / "dtao/sim/scenarios").glob("*")}
    assert "dtao/sim/data/sudohayato_subnets_snapshot_2026-04-11.json" in data
    assert "dtao/sim/data/SOURCE.md" in data and "dtao/sim/scenarios/default.toml" in scenarios
    assert data | scenarios <= names, sorted((data | scenarios) - names)
    assert "dtao/sim/claims.toml" in names  # the claims suite (dtao claims)


def test_installed_import_comes_from_the_wheel(installed: Installed):
    code = (
        "import json, sys, importlib.metadata as md, dtao, numpy, typer, rich; "
        "print(json.dumps({'file': dtao.__file__, 'version': dtao.__version__, "
        "'dist': md.version('dtao'), 'path': sys.path, "
        "'editable': sorted(m for m in sys.modules if 'editable' in m)}))"
    )
    info = json.loads(check(run([installed.python, "-c", code], cwd=installed.work)).stdout)
    dtao_file = Path(info["file"]).resolve()
    assert dtao_file.is_relative_to(installed.site_packages.resolve()), dtao_file
    assert dtao_file.is_relative_to(installed.venv.resolve())
    assert not dtao_file.is_relative_to(ROOT)
    assert info["version"] == dtao.__version__
    assert str(SRC) not in info["path"]
    assert not any(Path(p).resolve() == SRC.resolve() for p in info["path"] if p)
    assert info["editable"] == []


def test_installed_dtao_version(installed: Installed):
    result = check(run([installed.script, "--version"], cwd=installed.work))
    assert result.stdout == f"dtao {dtao.__version__}\n"


def test_installed_dtao_sim_finds_its_data(installed: Installed):
    listed = check(run([installed.script, "sim", "list"], cwd=installed.work)).stdout
    assert listed.split()[0] == "default" and "2026-04-11" in listed
    code = (
        "from dtao.sim import snapshot; p = snapshot.shipped_path(); "
        "print(p, len(snapshot.read_snapshot()))"
    )
    out = check(run([installed.python, "-c", code], cwd=installed.work)).stdout.split()
    assert Path(out[0]).resolve().is_relative_to(installed.site_packages.resolve())
    assert out[1] == "129"


def test_installed_dtao_demo(installed: Installed):
    result = check(run([installed.script, "demo", "--days", "0.1"], cwd=installed.work))
    lines = result.stdout.splitlines()
    assert any("netuid" in line for line in lines), result.stdout
    rows = [line for line in lines if re.match(r"^│\s+\d+\s+│", line)]
    assert rows, result.stdout

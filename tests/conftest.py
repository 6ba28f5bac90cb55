"""Shared fixtures: small launch networks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import dtao
from dtao.eras import NO_FAST_ENV, fast_enabled

TAO = 10**9
SHARED = Path(os.environ.get("DTAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))

# "ci" (the default) draws the same examples on every run, so a pass or a failure is
# reproducible; "explore" draws new ones each run (HYPOTHESIS_PROFILE=explore).
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-fast",
        action="store_true",
        help="run everything on the reference path (every fast twin off, DTAO_NO_FAST=1)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--no-fast"):
        os.environ[NO_FAST_ENV] = "1"  # read when rules are resolved; subprocesses inherit it


def pytest_report_header(config: pytest.Config) -> str:
    return f"dtao fast twins: {'on' if fast_enabled() else 'off (reference path only)'}"


@pytest.fixture
def fast_mode() -> bool:
    """Whether this run uses the fast twins (False under ``--no-fast``)."""
    return fast_enabled()


@pytest.fixture
def net() -> dtao.Network:
    """A launch network with one subnet (owner alice, pool seeded 1000 τ / 1000 α)."""
    network = dtao.Network("launch", network_min_lock=1_000 * TAO)
    network.fund("alice", 2_000 * TAO)
    network.fund("bob", 500 * TAO)
    network.fund("carol", 500 * TAO)
    assert network.register_network("alice", "alice-hk") == 1
    network.burned_register("bob", "bob-hk", 1)
    return network

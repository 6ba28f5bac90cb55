"""Shared fixtures: small launch networks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import dtao

TAO = 10**9
SHARED = Path(os.environ.get("DTAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def net() -> dtao.Network:
    """A launch network with one subnet (owner alice, pool seeded 1000 τ / 1000 α)."""
    network = dtao.Network(network_min_lock=1_000 * TAO)
    network.fund("alice", 2_000 * TAO)
    network.fund("bob", 500 * TAO)
    network.fund("carol", 500 * TAO)
    assert network.register_network("alice", "alice-hk") == 1
    network.burned_register("bob", "bob-hk", 1)
    return network

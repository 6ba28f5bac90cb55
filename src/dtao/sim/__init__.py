"""Simulation on top of the public API: agents, scenarios, demo runs."""

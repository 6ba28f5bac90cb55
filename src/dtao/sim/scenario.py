"""Scenarios: a TOML file (stdlib ``tomllib``) validated by pydantic before anything runs.

``load_scenario("default")`` reads a shipped scenario (``dtao/sim/scenarios/NAME.toml``),
``load_scenario("my.toml")`` a file. Every key is documented in ``docs/simulator.md``; any
mistake is a :class:`ScenarioError` of one line ``FILE: key.path: what was expected (got …)``,
raised before a network is built. Amounts are in TAO (decimal numbers, exact to the rao);
blocks count from the run's start (block 1 is the first block the run processes).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dtao.errors import ConfigError, DtaoError
from dtao.params import DEFAULT_PRESET, PRESETS, get_preset
from dtao.sim import snapshot
from dtao.units import RAO_PER_TAO

BLOCKS_PER_DAY = 7_200  # 12 s blocks


class ScenarioError(DtaoError):
    """A scenario that cannot run: one line naming the file, the key and what was expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Tao = Annotated[float, Field(gt=0, allow_inf_nan=False)]  # TAO, > 0, exact to 9 decimals
Block = Annotated[int, Field(ge=1)]  # blocks after the start (1 = the first block run)
Netuid = Annotated[int, Field(ge=1, le=65_535)]


def to_rao(tao: float) -> int:
    """TAO given in a scenario (a TOML number) → rao, exactly as written (``repr`` of the
    float is the shortest text that reads back to it, so ``1000.5`` is 1000.5 TAO)."""
    value = Decimal(repr(tao)) * RAO_PER_TAO
    return int(value.to_integral_value(rounding="ROUND_FLOOR"))


class GenesisSpec(_Strict):
    """Where the network starts (``docs/simulator.md``, "Genesis")."""

    source: str = "snapshot"  # "snapshot" | "snapshot:FILE" | "synthetic"
    subnets: int = Field(default=8, ge=1, le=128)  # synthetic only: number of subnets
    # synthetic only: the drawn prices (0.005–0.05 TAO/alpha) times this; > 1 lifts Σ EMA price
    # above 1, the chain's root-sell flag, without which root earns nothing (summer-2026 on)
    price_scale: float = Field(default=1.0, gt=0, le=1_000)
    validators: int = Field(default=4, ge=1, le=64)  # network-wide validator hotkeys
    holders: int = Field(default=16, ge=1, le=1_000)  # nominator coldkeys of the stake
    miners: int = Field(default=3, ge=0, le=64)  # miner hotkeys per subnet
    issuance_tao: Tao | None = None  # TotalIssuance at genesis; None = the stated assumption
    # blocks between the synthetic validators' weights (0: they never vote)
    weights_every: int = Field(default=360, ge=0)

    @field_validator("source")
    @classmethod
    def _source(cls, value: str, info: Any) -> str:
        if value in ("snapshot", "synthetic"):
            return value
        if value.startswith("snapshot:") and value[len("snapshot:") :].strip():
            base = Path((info.context or {}).get("base", "."))
            path = Path(value[len("snapshot:") :].strip()).expanduser()
            return f"snapshot:{(base / path).resolve()}"
        raise ValueError("expected 'snapshot', 'snapshot:FILE' or 'synthetic'")

    @property
    def snapshot_path(self) -> Path | None:
        """The snapshot file (None for the shipped one); only for snapshot genesis."""
        return Path(self.source[len("snapshot:") :]) if ":" in self.source else None

    def rows(self, seed: int) -> list[snapshot.SubnetRow]:
        """The genesis rows: the snapshot's, or the seeded synthetic network's."""
        if self.source == "synthetic":
            return snapshot.synthetic_rows(self.subnets, seed, self.price_scale)
        return snapshot.read_snapshot(self.snapshot_path)


class BuyShock(_Strict):
    """Buy ``tao`` TAO of subnet ``netuid``'s alpha at block ``at`` (netuid 0: root stake; the
    coldkey is funded with it first, from outside the network; the hotkey defaults to the
    subnet owner's, on root to the first synthetic validator ``val-0``)."""

    kind: Literal["buy"]
    at: Block
    netuid: int = Field(ge=0, le=65_535)  # 0: root stake
    tao: Tao
    coldkey: str = Field(default="shock:buyer", min_length=1)
    hotkey: str | None = Field(default=None, min_length=1)


class MoveRootShock(_Strict):
    """Move ``tao`` TAO of root stake of ``coldkey`` into subnet ``netuid`` (one
    ``MoveStake`` from netuid 0; the hotkey defaults to the coldkey's largest root position)."""

    kind: Literal["move_root"]
    at: Block
    netuid: Netuid
    tao: Tao
    coldkey: str = Field(default=snapshot.holder_coldkey(0), min_length=1)
    hotkey: str | None = Field(default=None, min_length=1)


class RegisterShock(_Strict):
    """Register a new subnet at block ``at`` (the coldkey is funded with the lock cost); the
    owner makes the start call and governance switches its emission on in the next block."""

    kind: Literal["register_subnet"]
    at: Block
    coldkey: str = Field(default="shock:owner", min_length=1)
    hotkey: str = Field(default="shock:owner-hk", min_length=1)
    emission: bool = True


class GovernanceShock(_Strict):
    """Set preset parameter ``parameter`` to ``value`` at block ``at`` (a ``Governance``)."""

    kind: Literal["governance"]
    at: Block
    parameter: str
    value: bool | int | float | str


class EmissionSwitchShock(_Strict):
    """Switch subnet ``netuid``'s emission on or off at block ``at``."""

    kind: Literal["emission_switch"]
    at: Block
    netuid: Netuid
    enabled: bool


Shock = Annotated[
    BuyShock | MoveRootShock | RegisterShock | GovernanceShock | EmissionSwitchShock,
    Field(discriminator="kind"),
]


SHOCK_KINDS = ("buy", "move_root", "register_subnet", "governance", "emission_switch")


class AgentSpec(_Strict):
    """``count`` agents of a kind (``dtao.sim.agents.AGENT_KINDS``) with their parameters."""

    kind: str
    count: int = Field(default=1, ge=1, le=1_000)
    name: str | None = Field(default=None, min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)


class Outputs(_Strict):
    """Which drawings a run makes besides its tables, manifest.json and summary.json."""

    report: bool = True  # report.html (plotly, self-contained)
    png: bool = True  # the main charts as PNG (matplotlib)


class Scenario(_Strict):
    """A validated scenario (every key in ``docs/simulator.md``)."""

    name: str = Field(min_length=1)
    description: str = ""
    preset: str = DEFAULT_PRESET
    overrides: dict[str, bool | int | float | str] = Field(default_factory=dict)
    genesis: GenesisSpec = Field(default_factory=lambda: GenesisSpec())
    blocks: int | None = Field(default=None, ge=1, le=10_000_000)
    days: float | None = Field(default=None, gt=0, le=1_000)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    metrics_every: int = Field(default=360, ge=1)  # blocks between two metric rows
    # a user share rule "module:function" in place of the preset's (dtao.rule_lab)
    share_rule: str | None = None
    agents: list[AgentSpec] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list)
    outputs: Outputs = Field(default_factory=lambda: Outputs())

    @field_validator("genesis", mode="before")
    @classmethod
    def _genesis_shorthand(cls, value: Any) -> Any:
        return {"source": value} if isinstance(value, str) else value

    @property
    def total_blocks(self) -> int:
        """The run's length in blocks."""
        if self.blocks is not None:
            return self.blocks
        return max(1, round((self.days or 0) * BLOCKS_PER_DAY))

    def to_table(self) -> dict[str, Any]:
        """The scenario as plain data (what the manifest records)."""
        return self.model_dump(mode="json")


# -- loading -------------------------------------------------------------------------------------


def scenarios_dir() -> Path:
    """The folder of the shipped scenarios."""
    return Path(str(resources.files("dtao.sim") / "scenarios"))


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario names → files."""
    return {p.stem: p for p in sorted(scenarios_dir().glob("*.toml"))}


def scenario_path(path_or_name: str | Path) -> Path:
    """The TOML file of a shipped name or a path (``ScenarioError`` for an unknown name)."""
    text = str(path_or_name)
    shipped = shipped_scenarios()
    if text in shipped:
        return shipped[text]
    path = Path(text).expanduser()
    if path.suffix == ".toml" or path.exists() or "/" in text:
        return path
    known = ", ".join(shipped)
    raise ScenarioError(
        f"unknown scenario {text!r}: shipped ones are {known}; or give a .toml file"
    )


def scenario_dict(path_or_name: str | Path) -> dict[str, Any]:
    """The raw TOML table of a scenario (a shipped name or a path); ``name`` defaults to the
    file's stem."""
    path = scenario_path(path_or_name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    data.setdefault("name", path.stem)
    return data


def load_scenario(path_or_name: str | Path) -> Scenario:
    """A validated scenario from a shipped name or a TOML path."""
    path = scenario_path(path_or_name)
    return scenario_from_dict(scenario_dict(path), str(path))


def scenario_from_dict(data: dict[str, Any], source: str) -> Scenario:
    """Validate a scenario table (``source`` names the file in messages; a relative
    ``snapshot:FILE`` is read beside it). ``ScenarioError`` on the first problem."""
    base = Path(source).parent if source.endswith(".toml") else Path(".")
    try:
        scenario = Scenario.model_validate(data, context={"base": str(base)})
    except ValidationError as exc:
        raise ScenarioError(f"{source}: {_first_error(exc)}") from None
    _check_semantics(scenario, source)
    return scenario


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    parts = list(error["loc"])
    if len(parts) > 2 and parts[0] == "shocks" and parts[2] in SHOCK_KINDS:
        del parts[2]  # the union's tag, not a key of the file
    loc = ".".join(str(p) for p in parts) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{loc}: unknown key"
    if kind == "missing":
        return f"{loc}: required key missing"
    if kind == "union_tag_invalid":
        tags = ", ".join(str(t) for t in error.get("ctx", {}).get("expected_tags", "").split(", "))
        return f"{loc}: kind must be one of {tags} (got {error['input'].get('kind')!r})"
    message = error["msg"].removeprefix("Value error, ")
    return f"{loc}: {message[0].lower()}{message[1:]} (got {_show(error.get('input'))})"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_semantics(scenario: Scenario, source: str) -> None:
    """What a schema cannot see: the preset and overrides, the snapshot, shocks against the
    network and the run's length, and each agent's parameters."""

    def fail(key: str, message: str) -> None:
        raise ScenarioError(f"{source}: {key}: {message}")

    if scenario.blocks is not None and scenario.days is not None:
        fail("days", "give either blocks or days, not both")
    if scenario.blocks is None and scenario.days is None:
        fail("days", "required key missing (or blocks)")
    if scenario.preset not in PRESETS:
        fail("preset", f"expected one of {', '.join(sorted(PRESETS))} (got {scenario.preset!r})")
    for name, value in scenario.overrides.items():
        try:
            get_preset(scenario.preset, **{name: value})
        except ConfigError as exc:
            fail(f"overrides.{name}", str(exc))
    try:
        get_preset(scenario.preset, **scenario.overrides)
    except ConfigError as exc:
        fail("overrides", str(exc))
    try:
        rows = scenario.genesis.rows(scenario.seed)
    except ConfigError as exc:
        fail("genesis.source", str(exc))
    netuids = {row.netuid for row in rows} - {0}
    end = scenario.total_blocks
    for i, shock in enumerate(scenario.shocks):
        key = f"shocks.{i}"
        if shock.at > end:
            fail(f"{key}.at", f"block {shock.at} is past the run's end (block {end})")
        netuid = getattr(shock, "netuid", None)
        if netuid is not None and netuid and netuid not in netuids:
            fail(f"{key}.netuid", f"no subnet {netuid} in the genesis")
        if isinstance(shock, BuyShock | MoveRootShock):
            _exact(fail, f"{key}.tao", shock.tao)
        if isinstance(shock, GovernanceShock):
            try:
                get_preset(scenario.preset, **scenario.overrides).replace(
                    **{shock.parameter: shock.value}
                )
            except ConfigError as exc:
                fail(f"{key}.parameter", str(exc))
    if scenario.genesis.issuance_tao is not None:
        _exact(fail, "genesis.issuance_tao", scenario.genesis.issuance_tao)
    if scenario.agents:
        from dtao.sim.agents import validate_agent

        for i, spec in enumerate(scenario.agents):
            try:
                validate_agent(spec.kind, spec.params)
            except ValidationError as exc:
                fail(f"agents.{i}.params", _first_error(exc))
            except ValueError as exc:
                fail(f"agents.{i}", str(exc).splitlines()[0])


def _exact(fail: Any, key: str, tao: float) -> None:
    try:
        value = Decimal(repr(tao))
    except InvalidOperation:  # pragma: no cover - a float always has a repr
        fail(key, f"not a number (got {tao!r})")
    if value * RAO_PER_TAO != (value * RAO_PER_TAO).to_integral_value():
        fail(key, f"more than 9 decimals, finer than 1 rao (got {tao!r})")

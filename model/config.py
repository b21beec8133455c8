"""Every model parameter in one validated config: unit, default, allowed range and reason.

Fields are grouped (`membership.rho`, `violence.contagion_beta`, ...). `--set key=value` and spec
files go through `Config.with_overrides`, so a bad value is refused with its field and range named.
"""

from __future__ import annotations

import tomllib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mxstab.model.grid import DATA_DIR

CALIBRATION_FILE = DATA_DIR / "calibration.toml"


def calibrated(name: str) -> float:
    """The value `mxstab calibrate` fitted for a parameter (model/data/calibration.toml)."""
    with open(CALIBRATION_FILE, "rb") as f:
        section, _, field = name.partition(".")
        return tomllib.load(f)[section][field]["value"]


def param(default: Any, lo: float | None, hi: float | None, unit: str, description: str) -> Any:
    """A config field with its range (inclusive), unit and a one-line description."""
    return Field(default, ge=lo, le=hi, description=description, json_schema_extra={"unit": unit})


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Membership(Section):
    """Prieto-Curiel, Campedelli & Hope (2023, Science 381:1312), per week, made spatial."""

    spatial: bool = param(
        True,
        None,
        None,
        "",
        "local modulation of arrests by corruption (false: the published ODE)",
    )
    members_2022: float = param(
        175_000, 1_000, 1_000_000, "people", "members in 2022, the start of the published fit"
    )
    rho: float = param(2.527e-3, 0, 0.05, "1/week", "recruitment rate (published)")
    eta: float = param(110, 0, 2_000, "arrests/week", "national arrests shared by size (published)")
    theta: float = param(1.55e-8, 0, 1e-5, "1/(member·week)", "conflict deaths (published)")
    omega: float = param(4e-8, 0, 1e-5, "1/(member·week)", "saturation (published)")
    size_exponent: float = param(
        calibrated("membership.size_exponent"),
        0.2,
        8.0,
        "",
        "size ∝ rank^-a of the groups after the three published shares (calibrated)",
    )
    local_rivalry_weight: float = param(
        calibrated("membership.local_rivalry_weight"),
        0,
        100,
        "",
        "rivalry between local groups of one state, against a named rivalry's 1 (calibrated)",
    )
    rivalry_scale: float = param(
        calibrated("membership.rivalry_scale"),
        0,
        100,
        "",
        "scale of the sparse rivalry matrix K (calibrated: 92 deaths/week at 175k)",
    )
    substeps: int = param(13, 1, 130, "per month", "integration sub-steps per month (52/12 weeks)")


class Territory(Section):
    """Who holds which cell at the start."""

    home_share: float = param(
        0.5,
        0,
        1,
        "share",
        "members of a named organisation in its home state; the rest spread over the other "
        "states reporting it (assumption: no published figure; vary it in sensitivity runs)",
    )


class Leadership(Section):
    """Leader removals and the fragmentation that follows."""

    splinter_rivalry: float = param(
        calibrated("leadership.splinter_rivalry"),
        0,
        1000,
        "",
        "rivalry between splinters of one parent, against a named rivalry's 1 (calibrated: "
        "homicides +25% to +100% where the group held ground, months 1–12 after a removal)",
    )


class Violence(Section):
    """Monthly homicide counts per cell: background + conflict + contagion (Osorio 2015)."""

    contagion_beta: float = param(
        0.3,
        0,
        0.95,
        "deaths per excess death",
        "new deaths induced next month among the neighbours by one excess death (calibrate)",
    )


class Routes(Section):
    """Land routes to the crossings (Dell 2015); cost factors per cell, split by a logit."""

    rival_cost: float = param(
        1.0,
        0,
        20,
        "× length",
        "extra cost of crossing a cell on a front between rivals (assumption, to calibrate)",
    )
    logit_scale_km: float = param(
        200.0, 1, 5_000, "km", "cost difference that changes a crossing's odds by e (assumption)"
    )
    fentanyl_kg_per_month: float = param(
        1_000.0,
        0,
        100_000,
        "kg/month",
        "fentanyl made in the lab states (scale assumption: no production estimate ships; "
        "read relative changes, not the level)",
    )


class Corruption(Section):
    """Per-cell corruption κ in [0, 1]: grows with flow and control where governance is weak."""

    growth: float = param(
        0.05,
        0,
        1,
        "1/month",
        "growth at the busiest cell, full control, no governance (assumption)",
    )
    diffusion: float = param(0.1, 0, 1, "1/month", "pull towards the neighbours' mean (assumption)")
    decay: float = param(
        0.05, 0, 1, "1/month", "fall per unit of anti-corruption effort (assumption)"
    )
    anticorruption: float = param(
        1.0, 0, 10, "× baseline", "Mexico's anti-corruption effort (1 = the 2024 level)"
    )
    governance: float = param(
        0.5, 0, 1, "index", "municipal governance capacity, uniform (assumption: no index shipped)"
    )


class Displacement(Section):
    """Out-migration from violent cells, part of it toward the US border."""

    rate: float = param(
        0.0002,
        0,
        0.1,
        "1/month",
        "largest share leaving a cell per month; half of it at the threshold (assumption)",
    )
    threshold_rate: float = param(
        100.0,
        0,
        1_000,
        "per 100k per year",
        "smoothed homicide rate where half the largest share leaves (assumption)",
    )
    width_rate: float = param(
        25.0,
        1,
        500,
        "per 100k per year",
        "spread of the logistic around the threshold (assumption)",
    )
    north_share: float = param(
        0.2, 0, 1, "share", "of the displaced heading to US-border cells (assumption)"
    )
    smoothing: float = param(
        0.3, 0.01, 1, "per month", "weight of the latest month in the smoothed rate (assumption)"
    )


class Navy(Section):
    """Maritime cocaine traffic and the units that hunt it (DESIGN: NavalUnit, Vessel)."""

    launches_per_month: float = param(
        206,
        0,
        5_000,
        "vessels/month",
        "maritime cocaine movements per month across the transit zone (CCDB 2015), all bound "
        "for Mexican landings in the model",
    )
    pacific_share: float = param(
        0.72, 0, 1, "share", "launches through the Eastern Pacific (CCDB 2015; rest Caribbean)"
    )
    vessel_load_tons: float = param(
        1.5, 0.1, 20, "t", "cocaine per vessel (a go-fast carries 1–2 t, MECHANICS)"
    )
    vessel_speed_kmh: float = param(
        50, 5, 120, "km/h", "go-fast transit speed, about 27 knots (assumption)"
    )
    crew_min: int = param(2, 1, 20, "people", "smallest crew (MECHANICS: 2–5)")
    crew_max: int = param(5, 1, 20, "people", "largest crew (2–5 averages 3.5, as 157/45 did)")
    coast_guard_pacific: int = param(
        4, 0, 50, "units", "US Coast Guard cutters; 5 split 72/28 like the traffic (assumption)"
    )
    coast_guard_caribbean: int = param(1, 0, 50, "units", "US Coast Guard cutters (see Pacific)")
    us_navy_pacific: int = param(
        3, 0, 50, "units", "US Navy ships; 4 split 72/28 like the traffic (assumption)"
    )
    us_navy_caribbean: int = param(1, 0, 50, "units", "US Navy ships (see Pacific)")
    semar_pacific: int = param(
        3, 0, 50, "units", "Mexican Navy patrol ships; 4 split 72/28 like the traffic (assumption)"
    )
    semar_caribbean: int = param(1, 0, 50, "units", "Mexican Navy patrol ships (see Pacific)")
    sweep_width_km: float = param(
        calibrated("navy.sweep_width_km"),
        0,
        500,
        "km",
        "effective search width of a unit with its aircraft (calibrated: US seizures 76 t a "
        "year, the Coast Guard's yearly average)",
    )
    unit_speed_kmh: float = param(30, 1, 100, "km/h", "patrol speed, about 16 knots (assumption)")
    days_on_station: float = param(
        20, 0, 30, "days/month", "a unit's days on patrol each month (assumption)"
    )
    risk_memory: float = param(
        0.3, 0.01, 1, "per month", "weight of the latest month in traffickers' risk (assumption)"
    )
    risk_aversion: float = param(
        20,
        0,
        500,
        "per unit risk",
        "log-odds shift of launches away from a basin per unit rise of its loss risk (assumption)",
    )
    deterrence: float = param(
        calibrated("navy.deterrence"),
        0,
        1_000,
        "per unit risk",
        "fall of launches per unit of strike risk (calibrated: Eastern Pacific traffic −25%)",
    )
    reship_share: float = param(
        0.5, 0, 1, "share", "lost loads shipped again the next month (assumption)"
    )

    @model_validator(mode="after")
    def crew_range(self) -> Navy:
        if self.crew_max < self.crew_min:
            raise ValueError(f"navy.crew_max must be ≥ navy.crew_min ({self.crew_min})")
        return self


class Relations(Section):
    """US–Mexico relations index in [0, 1] (MECHANICS: falls with tariffs and unconsented
    action, rises with cooperation and transfers; relaxes back toward its start)."""

    start: float = param(
        0.6, 0, 1, "index", "relations in January 2024, cooperative but strained (assumption)"
    )
    recovery: float = param(
        0.05, 0, 1, "1/month", "pull back toward the start when nothing happens (assumption)"
    )
    tariff_cost: float = param(
        0.2,
        0,
        10,
        "index/month per unit tariff",
        "monthly fall per unit of effective tariff (rate × tariffed share) (assumption)",
    )
    transfer_gain: float = param(
        0.001, 0, 0.1, "index per person", "rise per figure transferred to the US (assumption)"
    )


class Config(Section):
    """The whole parameter set of one run."""

    membership: Membership = Membership()
    territory: Territory = Territory()
    leadership: Leadership = Leadership()
    violence: Violence = Violence()
    routes: Routes = Routes()
    corruption: Corruption = Corruption()
    displacement: Displacement = Displacement()
    navy: Navy = Navy()
    relations: Relations = Relations()

    def with_overrides(self, overrides: dict[str, Any]) -> Config:
        """A copy with dotted-key overrides applied and validated (ConfigError names the field)."""
        data = self.model_dump()
        for key, value in overrides.items():
            section, _, name = key.partition(".")
            if (
                section not in data
                or not isinstance(data[section], dict)
                or name not in data[section]
            ):
                raise ConfigError(f"unknown parameter '{key}' (see `mxstab params`)")
            data[section][name] = value
        try:
            return Config.model_validate(data)
        except ValidationError as error:
            raise ConfigError(describe(error)) from None


class ConfigError(ValueError):
    """A refused configuration, with the field and its allowed range in the message."""


def field_table() -> list[dict[str, Any]]:
    """One row per field: dotted name, type, default, unit, min, max, description."""
    rows = []
    for section_name, section_field in Config.model_fields.items():
        section = section_field.annotation
        for name, field in section.model_fields.items():
            bounds = {type(m).__name__: m for m in field.metadata}
            rows.append(
                {
                    "name": f"{section_name}.{name}",
                    "type": field.annotation.__name__,
                    "default": field.default,
                    "unit": (field.json_schema_extra or {}).get("unit", ""),
                    "min": bounds["Ge"].ge if "Ge" in bounds else None,
                    "max": bounds["Le"].le if "Le" in bounds else None,
                    "description": field.description,
                }
            )
    return rows


def describe(error: ValidationError) -> str:
    """One line per problem: the dotted field, the allowed range, the value given."""
    by_name = {row["name"]: row for row in field_table()}
    lines = []
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"])
        row = by_name.get(name)
        allowed = ""
        if row and row["min"] is not None:
            allowed = f" (allowed {row['min']} to {row['max']} {row['unit']}".rstrip() + ")"
        lines.append(f"{name}: {problem['msg']}{allowed}, got {problem.get('input')!r}")
    return "; ".join(lines)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """`key=value` strings as a dict; values stay strings for pydantic to coerce and check."""
    parsed = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects key=value, got {assignment!r}")
        parsed[key.strip()] = value.strip()
    return parsed

"""Every model parameter in one validated config: unit, default, allowed range and reason.

Fields are grouped (`membership.rho`, `violence.contagion_beta`, ...). `--set key=value` and spec
files go through `Config.with_overrides`, so a bad value is refused with its field and range named.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mxstab.model.data import DATA_DIR

CALIBRATION_FILE = DATA_DIR / "calibration.toml"


@cache
def calibration() -> dict[str, Any]:
    """model/data/calibration.toml, parsed once (shared: read it, do not change it)."""
    with open(CALIBRATION_FILE, "rb") as f:
        return tomllib.load(f)


VIOLENCE_POSTERIOR_FILE = DATA_DIR / "violence_posterior.csv"
VIOLENCE_FIT_FILE = DATA_DIR / "violence_fit.toml"
POSTERIOR_FILES = {"us_agent": "us_agent_posterior.csv", "mx_agent": "mx_agent_posterior.csv"}
GOVERNMENTS_FIT_FILE = DATA_DIR / "governments_fit.toml"


@cache
def governments_fit() -> dict[str, Any]:
    """model/data/governments_fit.toml: the diagnostics of the governments' fit."""
    with open(GOVERNMENTS_FIT_FILE, "rb") as f:
        return tomllib.load(f)


@cache
def posterior(section: str) -> np.ndarray:
    """The posterior draws `mxstab calibrate --part governments` wrote for an agent's weights
    (a structured array, one row per draw)."""
    return np.genfromtxt(DATA_DIR / POSTERIOR_FILES[section], delimiter=",", names=True)


def weights_for_run(section: str, held: BaseModel, rng: np.random.Generator) -> dict[str, float]:
    """One posterior draw of an agent's fitted weights; those the config sets are held."""
    draws = posterior(section)
    row = draws[rng.integers(draws.size)]
    return {
        name: float(row[name]) if getattr(held, name) is None else float(getattr(held, name))
        for name in draws.dtype.names
    }


@cache
def violence_ensemble() -> np.ndarray:
    """The violence mechanisms' parameter ensemble `mxstab calibrate --part violence` wrote (a
    structured array, one row per member; columns named by dotted parameter, and `crps`)."""
    return np.genfromtxt(VIOLENCE_POSTERIOR_FILE, delimiter=",", names=True, deletechars="")


def calibrated(name: str) -> float:
    """The value `mxstab calibrate` fitted for a parameter (model/data/calibration.toml)."""
    section, _, field = name.partition(".")
    return calibration()[section][field]["value"]


KINDS = ("published", "calibrated", "assumed", "lever", "setting")
"""published: a value taken from a cited estimate; calibrated: fitted by `mxstab calibrate` (with
its posterior or ensemble where one exists); assumed: set by judgement, with a plausible range
and the reason for it; lever: a policy setting a scenario chooses; setting: how a run is made
(integration steps, switches for experiments), not a claim about the world."""


def param(
    default: Any,
    lo: float | None,
    hi: float | None,
    unit: str,
    description: str,
    *,
    kind: str,
    plausible: tuple[float, float] | None = None,
    why: str = "",
) -> Any:
    """A config field with its allowed range (inclusive), unit, one-line description and kind;
    an assumed number also has its `plausible` range (what robustness samples) and `why`."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {KINDS}")
    number = isinstance(default, int | float) and not isinstance(default, bool)
    if kind == "assumed" and number and (plausible is None or not why):
        raise ValueError(f"an assumed number needs a plausible range and why: {description}")
    low, high = plausible if plausible is not None else (None, None)
    extra = {"unit": unit, "kind": kind, "low": low, "high": high, "why": why}
    return Field(default, ge=lo, le=hi, description=description, json_schema_extra=extra)


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
        kind="setting",
    )
    members_2022: float = param(
        175_000,
        1_000,
        1_000_000,
        "people",
        "members in 2022, the start of the published fit",
        kind="published",
    )
    rho: float = param(
        2.527e-3, 0, 0.05, "1/week", "recruitment rate (published)", kind="published"
    )
    eta: float = param(
        110,
        0,
        2_000,
        "arrests/week",
        "national arrests shared by size (published)",
        kind="published",
    )
    theta: float = param(
        1.55e-8, 0, 1e-5, "1/(member·week)", "conflict deaths (published)", kind="published"
    )
    omega: float = param(
        4e-8, 0, 1e-5, "1/(member·week)", "saturation (published)", kind="published"
    )
    size_exponent: float = param(
        calibrated("membership.size_exponent"),
        0.2,
        8.0,
        "",
        "size ∝ rank^-a of the groups after the three published shares (calibrated)",
        kind="calibrated",
    )
    local_rivalry_weight: float = param(
        calibrated("membership.local_rivalry_weight"),
        0,
        100,
        "",
        "rivalry between local groups of one state, against a named rivalry's 1 (calibrated)",
        kind="calibrated",
    )
    rivalry_scale: float = param(
        calibrated("membership.rivalry_scale"),
        0,
        100,
        "",
        "scale of the sparse rivalry matrix K (calibrated: 92 deaths/week at 175k)",
        kind="calibrated",
    )
    substeps: int = param(
        13, 1, 130, "per month", "integration sub-steps per month (52/12 weeks)", kind="setting"
    )


class Territory(Section):
    """Who holds which cell at the start."""

    home_share: float = param(
        0.5,
        0,
        1,
        "share",
        "members of a named organisation in its home state; the rest spread over the other "
        "states reporting it (assumption: no published figure; vary it in sensitivity runs)",
        kind="assumed",
        plausible=(0.25, 0.75),
        why=(
            "no published figure: from a quarter to three quarters of a named group's members "
            "at home"
        ),
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
        kind="calibrated",
    )


class Violence(Section):
    """Monthly homicide counts per cell: background + conflict + contagion (Osorio 2015)."""

    contagion_beta: float = param(
        calibrated("violence.contagion_beta"),
        0,
        0.95,
        "deaths per excess death",
        "new deaths induced next month among the neighbours by one excess death (Osorio 2015's "
        "form; calibrated on the training window's backtests, `calibrate --part violence`)",
        kind="calibrated",
    )
    state_drift_sd: float = param(
        calibrated("violence.state_drift_sd"),
        0,
        1,
        "log level/month",
        "each state's structural level moves as a random walk (a statistical backbone, calibrated "
        "on the record 2015–2023; 0: levels held)",
        kind="calibrated",
    )
    state_noise_sd: float = param(
        calibrated("violence.state_noise_sd"),
        0,
        1,
        "log level",
        "month-to-month noise of each state's level beyond Poisson (backbone, calibrated)",
        kind="calibrated",
    )
    posterior: bool = param(
        False,
        None,
        None,
        "",
        "draw this section's fitted mechanism parameters per run from their ensemble "
        "(violence_posterior.csv) instead of its medians: intervals then include them",
        kind="setting",
    )
    presence_share: float = param(
        calibrated("violence.presence_share"),
        0,
        1,
        "share",
        "share of a cell's background homicides that follows the members per cell of the group "
        "holding it (criminal presence; calibrated on the training window's backtests)",
        kind="calibrated",
    )
    flow_elasticity: float = param(
        1.0,
        -1,
        20,
        "per unit flow share",
        "rise of a cell's background homicides per unit rise of its trafficking flow (the "
        "busiest cell of 2024 = 1) over its 2024 level (assumption; negative: less flow, more "
        "violence, as in shortages)",
        kind="assumed",
        plausible=(-1.0, 2.0),
        why=(
            "Dell (2015) gives a positive sign; Castillo, Mejía & Restrepo (2020, REStat) "
            "found cocaine supply shortages raised violence in Mexico"
        ),
    )


class Routes(Section):
    """Land routes to the crossings (Dell 2015); cost factors per cell, split by a logit."""

    rival_cost: float = param(
        1.0,
        0,
        20,
        "× length",
        "extra cost of crossing a cell on a front between rivals (assumption, to calibrate)",
        kind="assumed",
        plausible=(0.5, 2.0),
        why=(
            "half to double the default: no estimate exists for the cost of crossing a "
            "contested front"
        ),
    )
    logit_scale_km: float = param(
        200.0,
        1,
        5_000,
        "km",
        "cost difference that changes a crossing's odds by e (assumption)",
        kind="assumed",
        plausible=(100.0, 400.0),
        why=(
            "half to double the default: no estimate exists for how sharply traffickers pick "
            "the cheapest crossing"
        ),
    )
    land_seizure_share: float = param(
        calibrated("routes.land_seizure_share"),
        0,
        1,
        "share",
        "cocaine seized on land in Mexico on its way north (calibrated: the Army's seizures, "
        "12.1 t in 2020 and 7.7 t in 2022, SEDENA via Milenio)",
        kind="calibrated",
    )
    border_seizure_share: float = param(
        calibrated("routes.border_seizure_share"),
        0,
        1,
        "share",
        "cocaine seized at the US southwest border (calibrated: CBP, 11.1 t a year in fiscal "
        "2019–2023)",
        kind="calibrated",
    )


class Fentanyl(Section):
    """Fentanyl made in Mexico and carried to the US (rules.fentanyl): reported as an index, as no
    estimate of production or of the flow exists."""

    raids_per_month: float = param(
        3.9,
        0,
        500,
        "labs/month",
        "labs raided by Mexican forces at investigation 1 (FGR: 282 clandestine labs seized in "
        "2019–2024, El Siglo de Torreón 2025-08-11); each destroys part of a cell's capacity",
        kind="published",
    )
    precursor_seizure_share: float = param(
        0.2,
        0,
        0.95,
        "share",
        "imported precursors seized at Mexican ports at `mx.precursor_controls` = 1 (assumption: "
        "no rate is published; SEMAR seized 604 t of chemicals in 2023)",
        kind="assumed",
        plausible=(0.1, 0.4),
        why="half to double the default: no seizure rate of precursors is published",
    )
    border_seizure_share: float = param(
        0.2,
        0,
        0.95,
        "share",
        "fentanyl crossing into the US that CBP seizes at `us.border_interdiction` = 1 "
        "(assumption: no rate is published; CBP seized 9.9 t in fiscal 2024)",
        kind="assumed",
        plausible=(0.1, 0.4),
        why="half to double the default: no rate of CBP's fentanyl seizures is published",
    )


class Corruption(Section):
    """Per-cell corruption κ in [0, 1]: grows with flow and control where governance is weak."""

    growth: float = param(
        0.05,
        0,
        1,
        "1/month",
        "growth at the busiest cell, full control, no governance (assumption)",
        kind="assumed",
        plausible=(0.025, 0.1),
        why="half to double the default: no corruption data ships",
    )
    diffusion: float = param(
        0.1,
        0,
        1,
        "1/month",
        "pull towards the neighbours' mean (assumption)",
        kind="assumed",
        plausible=(0.05, 0.2),
        why="half to double the default: no corruption data ships",
    )
    decay: float = param(
        0.05,
        0,
        1,
        "1/month",
        "fall per unit of anti-corruption effort (assumption)",
        kind="assumed",
        plausible=(0.025, 0.1),
        why="half to double the default: no corruption data ships",
    )
    governance: float = param(
        0.5,
        0,
        1,
        "index",
        "municipal governance capacity, uniform (assumption: no index shipped)",
        kind="assumed",
        plausible=(0.25, 0.75),
        why="no municipal governance index ships: the middle half of the index",
    )


class Displacement(Section):
    """Out-migration from violent cells, part of it toward the US border."""

    rate: float = param(
        0.0002,
        0,
        0.1,
        "1/month",
        "largest share leaving a cell per month; half of it at the threshold (assumption)",
        kind="assumed",
        plausible=(0.0001, 0.0004),
        why="half to double the default: the project ships no displacement records",
    )
    threshold_rate: float = param(
        100.0,
        0,
        1_000,
        "per 100k per year",
        "smoothed homicide rate where half the largest share leaves (assumption)",
        kind="assumed",
        plausible=(50.0, 200.0),
        why="half to double the default: the project ships no displacement records",
    )
    width_rate: float = param(
        25.0,
        1,
        500,
        "per 100k per year",
        "spread of the logistic around the threshold (assumption)",
        kind="assumed",
        plausible=(12.5, 50.0),
        why="half to double the default: the project ships no displacement records",
    )
    north_share: float = param(
        0.2,
        0,
        1,
        "share",
        "of the displaced heading to US-border cells (assumption)",
        kind="assumed",
        plausible=(0.1, 0.4),
        why="half to double the default: no record of where the displaced go ships",
    )
    smoothing: float = param(
        0.3,
        0.01,
        1,
        "per month",
        "weight of the latest month in the smoothed rate (assumption)",
        kind="assumed",
        plausible=(0.15, 0.6),
        why="half to double the default: how fast people react to violence is not measured",
    )


class Sea(Section):
    """Maritime cocaine traffic toward the US, how traffickers learn, and how patrols find them.
    The levels of the flow and their sources are in docs/cocaine_budget.md."""

    launches_per_month: float = param(
        60,
        0,
        5_000,
        "vessels/month",
        "maritime cocaine shipments leaving South America toward the US each month: four to six "
        "dozen (Int. J. Drug Policy 2016, doi:10.1016/j.drugpo.2016.07.010); all bound for "
        "Mexican landings in the model",
        kind="published",
    )
    pacific_share: float = param(
        0.72,
        0,
        1,
        "share",
        "launches through the Eastern Pacific: more than 68% of documented cocaine movement "
        "(SOUTHCOM posture statement, March 2016), 80% (US Coast Guard, 2025); rest Caribbean",
        kind="published",
    )
    vessel_load_tons: float = param(
        1.5,
        0.1,
        20,
        "t",
        "cocaine per vessel (assumption: a go-fast carries a ton or more, a semi-submersible up "
        "to 10 t); with 60 launches a month, 1,080 t a year leave South America",
        kind="assumed",
        plausible=(1.0, 3.0),
        why=(
            "a go-fast carries a ton or more; semi-submersibles (up to 10 t) are a minority "
            "of launches"
        ),
    )
    vessel_speed_kmh: float = param(
        50,
        5,
        120,
        "km/h",
        "go-fast transit speed, about 27 knots (assumption)",
        kind="assumed",
        plausible=(25.0, 75.0),
        why=(
            "a transit averages less than a go-fast's top speed of 40 knots or more "
            "(refuelling, waiting): about 14–40 knots"
        ),
    )
    crew_min: int = param(
        2,
        1,
        20,
        "people",
        "smallest crew (assumption: 2–5, averaging the record's 3.5)",
        kind="assumed",
        plausible=(1.0, 3.0),
        why="the record's 157 killed in 45 strikes average 3.5 a vessel",
    )
    crew_max: int = param(
        5,
        1,
        20,
        "people",
        "largest crew (2–5 averages 3.5, as 157/45 did)",
        kind="assumed",
        plausible=(4.0, 6.0),
        why="the record's 157 killed in 45 strikes average 3.5 a vessel",
    )
    sweep_width_km: float = param(
        calibrated("sea.sweep_width_km"),
        0,
        2_000,
        "km",
        "effective search width of a US unit with its aircraft (calibrated: US seizures at sea "
        "of 211 t a year, the Coast Guard's mean of fiscal 2016–2018)",
        kind="calibrated",
    )
    semar_sweep_width_km: float = param(
        calibrated("sea.semar_sweep_width_km"),
        0,
        2_000,
        "km",
        "effective search width of a SEMAR unit (calibrated: SEMAR's seizures of 104.5 t in "
        "2019–2023, 20.9 t a year)",
        kind="calibrated",
    )
    unit_speed_kmh: float = param(
        30,
        1,
        100,
        "km/h",
        "patrol speed, about 16 knots (assumption)",
        kind="assumed",
        plausible=(20.0, 40.0),
        why="cutters and patrol ships cruise at about 12–20 knots (22–37 km/h)",
    )
    risk_memory: float = param(
        0.3,
        0.01,
        1,
        "per month",
        "weight of the latest month in traffickers' risk (assumption)",
        kind="assumed",
        plausible=(0.15, 0.6),
        why="half to double the default: how fast traffickers learn is not measured",
    )
    risk_aversion: float = param(
        30,
        0,
        500,
        "per unit risk",
        "log-odds shift of launches away from a basin per unit rise of its loss risk (set so "
        "that doubling the Caribbean's US units moves the Pacific share by at least 5 points, "
        "the balloon at sea of NarcoLogic and CCDB; no elasticity ships)",
        kind="assumed",
        plausible=(15.0, 60.0),
        why=(
            "set for a balloon at sea of 5 points or more; no elasticity is published: half "
            "to double"
        ),
    )
    deterrence: float = param(
        calibrated("sea.deterrence"),
        0,
        1_000,
        "per unit risk",
        "fall of launches per unit of strike risk (calibrated: Eastern Pacific traffic −25%)",
        kind="calibrated",
    )
    reship_share: float = param(
        0.5,
        0,
        1,
        "share",
        "lost loads shipped again the next month (assumption)",
        kind="assumed",
        plausible=(0.25, 0.75),
        why="no data on re-shipped loads: a quarter to three quarters of lost loads",
    )

    @model_validator(mode="after")
    def crew_range(self) -> Sea:
        if self.crew_max < self.crew_min:
            raise ValueError(f"sea.crew_max must be ≥ sea.crew_min ({self.crew_min})")
        return self


class Labour(Section):
    """Local recruitment r_i = 2σ(b·(x_i − x₀)), x = (w_cartel − w_legal − transfer) / w_cartel
    (a is set so that σ = 1/2 in 2024, where r = 1)."""

    cartel_wage: float = param(
        13_000,
        100,
        1e6,
        "US$/year",
        "a member's pay (assumption: the starting value of an unpublished script by "
        "Prieto-Curiel, the membership equation's first author)",
        kind="assumed",
        plausible=(6500.0, 26000.0),
        why=(
            "an unpublished script's starting value; no survey of members' pay ships: half to "
            "double"
        ),
    )
    legal_wage: float = param(
        6_500,
        100,
        1e6,
        "US$/year",
        "legal income open to a recruit (assumption: half the above)",
        kind="assumed",
        plausible=(3250.0, 9750.0),
        why=(
            "half to 1.5 times the default (the script set it at half the cartel pay): no "
            "survey of recruits' legal income ships"
        ),
    )
    transfer: float = param(
        832,
        0,
        1e5,
        "US$/year",
        "social-program transfer in 2024 (assumption: the same script's starting value)",
        kind="assumed",
        plausible=(416.0, 1664.0),
        why=(
            "an unpublished script's starting value; no per-recruit transfer figure ships: "
            "half to double"
        ),
    )
    slope: float = param(
        5.0,
        0,
        100,
        "per unit x",
        "b: response of recruitment to the wage gap (assumption: Dell, Feigenberg & Teshima "
        "2019 give the direction, not a value the project ships)",
        kind="assumed",
        plausible=(1.0, 10.0),
        why=(
            "Dell, Feigenberg & Teshima (2019) give the direction only: from a weak to a "
            "steep response"
        ),
    )
    tariff_job_loss: float = param(
        0.4,
        0,
        5,
        "share of legal income per unit tariff",
        "legal income lost in export regions (US-border states) per unit of effective tariff "
        "(assumption)",
        kind="assumed",
        plausible=(0.2, 0.8),
        why="half to double the default: no estimate exists",
    )
    sanction_pay_cut: float = param(
        0.1,
        0,
        1,
        "share",
        "members' pay lost to financial sanctions (assumption)",
        kind="assumed",
        plausible=(0.05, 0.2),
        why="half to double the default: no estimate exists",
    )


class Enforcement(Section):
    """Arrests, leader captures and the forces' clashes."""

    intel_arrest_gain: float = param(
        0.5,
        0,
        10,
        "× at full sharing",
        "extra arrests with full US intelligence (assumption)",
        kind="assumed",
        plausible=(0.25, 1.0),
        why="half to double the default: no estimate exists",
    )
    recorded_arrests: bool = param(
        True,
        None,
        None,
        "",
        "arrests follow the record's monthly count against 2022–2023 (arrests_record.csv); "
        "false: held at that level, to measure what the recorded arrests do",
        kind="setting",
    )
    leader_hazard: float = param(
        calibrated("enforcement.leader_hazard"),
        0,
        1,
        "1/month",
        "h0: monthly hazard that a hunted leader is removed at the 2019–2023 effort, in every "
        "month of every run (calibrated: the record's removals in 2019–2023)",
        kind="calibrated",
    )
    leak: float = param(
        1.0,
        0,
        10,
        "per unit κ",
        "p_leak = leak × mean corruption where an operation acts",
        kind="assumed",
        plausible=(0.5, 2.0),
        why="half to double the default: no estimate exists",
    )
    target_members: float = param(
        2_000,
        0,
        1e6,
        "members",
        "smallest named group whose leader is hunted: a high-value target (assumption)",
        kind="assumed",
        plausible=(1000.0, 4000.0),
        why="half to double the default: no size defines a high-value target",
    )
    guard_cells: float = param(
        0.02,
        0,
        1,
        "share",
        "share of cells, the most violent, where the National Guard deploys",
        kind="assumed",
        plausible=(0.01, 0.04),
        why="half to double the default: no estimate exists",
    )
    guard_clash: float = param(
        0.02,
        0,
        1,
        "deaths/member/month",
        "clash deaths per member present, per unit of deployment above 2024 (assumption)",
        kind="assumed",
        plausible=(0.01, 0.04),
        why="half to double the default: no estimate exists",
    )
    gun_lethality: float = param(
        0.3,
        0,
        1,
        "share",
        "fall of conflict deaths when the southbound gun flow stops (assumption; direction from "
        "Dube, Dube & García-Ponce 2013)",
        kind="assumed",
        plausible=(0.15, 0.6),
        why=("Dube, Dube & García-Ponce (2013) give the direction, not the size: half to double"),
    )
    flee_share: float = param(
        0.3,
        0,
        1,
        "share",
        "vessels detected by US units near Mexico that flee into Mexican waters; SEMAR takes "
        "them with cooperation (assumption)",
        kind="assumed",
        plausible=(0.15, 0.6),
        why="half to double the default: no estimate exists",
    )


class Force(Section):
    """Force on Mexican soil: lab strikes, raids, large-scale intervention."""

    def personnel(self) -> np.ndarray:
        """US personnel on Mexican soil at each escalation level 0–3."""
        return np.array(
            [0.0, self.lab_strike_personnel, self.raid_personnel, self.intervention_personnel]
        )

    lab_strikes: float = param(
        4,
        0,
        100,
        "per month",
        "lab strikes at escalation ≥ 1",
        kind="assumed",
        plausible=(2.0, 8.0),
        why="half to double the default: no estimate exists",
    )
    lab_destroyed: float = param(
        0.5,
        0,
        1,
        "share",
        "production capacity of a struck lab cell destroyed (assumption)",
        kind="assumed",
        plausible=(0.25, 1.0),
        why="half to double the default: no estimate exists",
    )
    lab_recovery: float = param(
        0.1,
        0,
        1,
        "1/month",
        "capacity rebuilt, labs relocating (assumption)",
        kind="assumed",
        plausible=(0.05, 0.2),
        why="half to double the default: no estimate exists",
    )
    raids: float = param(
        2,
        0,
        100,
        "per month",
        "special-operations raids at escalation ≥ 2",
        kind="assumed",
        plausible=(1.0, 4.0),
        why="half to double the default: no estimate exists",
    )
    raid_capture: float = param(
        0.1,
        0,
        1,
        "per raid",
        "chance a raid removes the targeted group's leader (assumption)",
        kind="assumed",
        plausible=(0.05, 0.2),
        why="half to double the default: no estimate exists",
    )
    intervention_cells: float = param(
        0.05,
        0,
        1,
        "share",
        "cells of the most violent ground held at escalation 3",
        kind="assumed",
        plausible=(0.025, 0.1),
        why="half to double the default: no estimate exists",
    )
    members_killed: float = param(
        5,
        0,
        1_000,
        "per operation",
        "members killed by a strike or raid (assumption)",
        kind="assumed",
        plausible=(2.5, 10.0),
        why="half to double the default: no estimate exists",
    )
    collateral: float = param(
        0.3,
        0,
        10,
        "per member killed",
        "bystanders killed (assumption)",
        kind="assumed",
        plausible=(0.15, 0.6),
        why="half to double the default: no estimate exists",
    )
    clash_rate: float = param(
        0.02,
        0,
        1,
        "deaths/member/month",
        "clash deaths per member in intervention cells (assumption; Espinosa & Rubin 2015 give "
        "the sign)",
        kind="assumed",
        plausible=(0.01, 0.04),
        why="Espinosa & Rubin (2015) give the sign, not the size: half to double",
    )
    retaliation: float = param(
        1.0,
        0,
        10,
        "deaths per member killed",
        "revenge killings next month (assumption)",
        kind="assumed",
        plausible=(0.5, 2.0),
        why="half to double the default: no estimate exists",
    )
    sovereignty_cost: float = param(
        0.02,
        0,
        1,
        "index/month",
        "fall of relations per month of unconsented force (assumption)",
        kind="assumed",
        plausible=(0.01, 0.04),
        why="half to double the default: no estimate exists",
    )
    lab_strike_personnel: float = param(
        100,
        0,
        100_000,
        "people",
        "US personnel on Mexican soil at escalation 1 (assumption)",
        kind="assumed",
        plausible=(50.0, 200.0),
        why="half to double the default: no estimate exists",
    )
    raid_personnel: float = param(
        1_000,
        0,
        100_000,
        "people",
        "the same at escalation 2, special-operations raids",
        kind="assumed",
        plausible=(500.0, 2000.0),
        why="half to double the default: no estimate exists",
    )
    intervention_personnel: float = param(
        20_000,
        0,
        500_000,
        "people",
        "the same at escalation 3, an intervention (assumption)",
        kind="assumed",
        plausible=(10000.0, 40000.0),
        why="half to double the default: no estimate exists",
    )
    exposure_memory: float = param(
        0.9,
        0,
        0.99,
        "share kept/month",
        "corruption exposure persists: contacts made stay (assumption; docs/governments.md)",
        kind="assumed",
        plausible=(0.8, 0.97),
        why="exposure's half-life from about 3 months to 2 years",
    )
    exposure_leak: float = param(
        0.2,
        0,
        10,
        "per unit exposure",
        "operations leak more as exposure grows: leak × corruption × (1 + this × exposure) "
        "(assumption; docs/governments.md)",
        kind="assumed",
        plausible=(0.1, 0.4),
        why="half to double the default: no estimate exists",
    )


FITTED = (
    "None: drawn per run from the posterior fitted on 2019–2023 (docs/governments.md); a number "
    "holds it"
)


class USAgent(Section):
    """The adaptive USGovernment (`rules.us_policy`): pressure against costs, a logit over
    neighbouring options, in units of utility (the logit's temperature is 1). The weights marked
    fitted are drawn, one posterior draw per run, from `us_agent_posterior.csv`
    (`mxstab calibrate --part governments`); setting one holds it at that value."""

    mandate: float | None = param(
        None, -20, 20, "utility", f"constant push. {FITTED}", kind="calibrated"
    )
    hardline_weight: float | None = param(
        None,
        0,
        20,
        "utility",
        f"w_h: an administration that campaigned on force. {FITTED}",
        kind="calibrated",
    )
    overdose_weight: float | None = param(
        None,
        0,
        20,
        "per 50,000 deaths",
        f"w_f: synthetic-opioid deaths, 12 months. {FITTED}",
        kind="calibrated",
    )
    migration_weight: float | None = param(
        None,
        0,
        20,
        "per 100,000/month",
        f"w_m: Border Patrol encounters. {FITTED}",
        kind="calibrated",
    )
    election_weight: float | None = param(
        None, 0, 20, "utility", f"w_e: closeness of a federal election. {FITTED}", kind="calibrated"
    )
    news_weight: float | None = param(
        None, 0, 20, "per shock", f"w_s: news shocks, halving monthly. {FITTED}", kind="calibrated"
    )
    effort_weight: float | None = param(
        None,
        0,
        20,
        "per unit effort",
        f"w_x: transfers per 100 a year + cooperation. {FITTED}",
        kind="calibrated",
    )
    tariff_cost: float | None = param(
        None,
        0,
        1000,
        "per unit squared",
        f"trade cost × (rate × tariffed share)². {FITTED}",
        kind="calibrated",
    )
    maritime_cost: float | None = param(
        None, 0, 100, "utility", f"cost of lethal strikes at sea. {FITTED}", kind="calibrated"
    )
    force_cost: float | None = param(
        None,
        0,
        100,
        "per level",
        f"cost of a level of force on Mexican soil. {FITTED}",
        kind="calibrated",
    )
    legal_cover: float | None = param(
        None,
        0,
        1,
        "share",
        f"share of the cost of lethal force the designation removes. {FITTED}",
        kind="calibrated",
    )
    switch_cost: float | None = param(
        None,
        0,
        100,
        "per move",
        f"hysteresis: the cost of moving a dial. {FITTED}",
        kind="calibrated",
    )
    relations_cost: float = param(
        1.0,
        0,
        50,
        "per level at relations 1",
        "land force costs more when relations are good (assumption: not identified in 2019–2023)",
        kind="assumed",
        plausible=(0.5, 2.0),
        why="not identified in 2019–2023: half to double the default",
    )
    hardline_after_2029: float = param(
        0.5,
        0,
        1,
        "share",
        "how hardline the administration from January 2029 is (unknown; assumption: even odds)",
        kind="assumed",
        plausible=(0.0, 1.0),
        why="the administration from 2029 is unknown: from not hardline to hardline",
    )
    exposure_weight: float = param(
        1.0,
        0,
        50,
        "utility per unit exposure",
        "cost of the corruption exposure a level's forces would settle at (assumption; "
        "docs/governments.md)",
        kind="assumed",
        plausible=(0.5, 2.0),
        why="no analysis weighs exposure as a cost of intervening: half to double",
    )


class MXAgent(Section):
    """The adaptive MexicanGovernment (`rules.mx_policy`): a monthly logit of conceding to US
    pressure. Weights as in `USAgent`, from `mx_agent_posterior.csv`."""

    base: float | None = param(
        None, -20, 20, "logit", f"concession in a quiet month. {FITTED}", kind="calibrated"
    )
    threat_weight: float | None = param(
        None, -20, 20, "logit", f"a US threat this month or last. {FITTED}", kind="calibrated"
    )
    sovereignty_weight: float | None = param(
        None,
        0,
        20,
        "logit per level",
        f"US force on Mexican soil (2 if unconsented). {FITTED}",
        kind="calibrated",
    )
    results_weight: float | None = param(
        None,
        -20,
        20,
        "logit per log ratio",
        f"homicides over a year before. {FITTED}",
        kind="calibrated",
    )
    transfer_batch: int = param(
        28,
        0,
        500,
        "people",
        "figures a concession transfers: half the yearly extraditions of 2019–2023 (278 in five "
        "years, FGR via El Mañana 2023; assumption that a batch is half a year's)",
        kind="assumed",
        plausible=(18.0, 39.0),
        why=(
            "half a year's extraditions in 2019–2023 (37 to 78 a year); the 2025–26 transfers "
            "were 29, 26 and 37"
        ),
    )


# --- policy levers: they act from `policy.start`; before it the model runs on their defaults,
# which are the recorded posture (so every scenario shares the recorded past) -----------------


class Policy(Section):
    """When a scenario's policy takes over from the record."""

    start: str = Field(
        "2026-04",
        pattern=r"^(20[1-9]\d)-(0[1-9]|1[0-2])$",
        description="first calendar month of the scenario's policy, YYYY-MM (2026-04: after the "
        "last recorded event); a run that starts later has the policy from its first month",
        json_schema_extra={
            "unit": "YYYY-MM",
            "kind": "lever",
            "low": None,
            "high": None,
            "why": "",
        },
    )


class Navy(Section):
    """Naval units on patrol, per force and basin."""

    coast_guard_pacific: int = param(
        4,
        0,
        50,
        "units",
        "US Coast Guard cutters; 5 split 72/28 like the traffic (assumption)",
        kind="lever",
    )
    coast_guard_caribbean: int = param(
        1, 0, 50, "units", "US Coast Guard cutters (see Pacific)", kind="lever"
    )
    us_navy_pacific: int = param(
        3,
        0,
        50,
        "units",
        "US Navy ships; 4 split 72/28 like the traffic (assumption)",
        kind="lever",
    )
    us_navy_caribbean: int = param(1, 0, 50, "units", "US Navy ships (see Pacific)", kind="lever")
    semar_pacific: int = param(
        3,
        0,
        50,
        "units",
        "Mexican Navy patrol ships; 4 split 72/28 like the traffic (assumption)",
        kind="lever",
    )
    semar_caribbean: int = param(
        1, 0, 50, "units", "Mexican Navy patrol ships (see Pacific)", kind="lever"
    )
    days_on_station: float = param(
        20, 0, 30, "days/month", "a unit's days on patrol each month (assumption)", kind="lever"
    )
    resupply_days: float = param(
        5,
        0,
        10,
        "days/month",
        "extra days on station for US units resupplied in Mexican ports, at full cooperation "
        "(assumption)",
        kind="lever",
    )


class US(Section):
    """The US dials and instruments; `adaptive` lets the USGovernment agent set the dials."""

    adaptive: bool = param(
        False,
        None,
        None,
        "",
        "the US agent sets the three dials each month (else fixed)",
        kind="lever",
    )
    tariff_rate: float = param(
        0.0, 0, 1, "share", "tariff on Mexican imports (record: struck down)", kind="lever"
    )
    usmca_exempt_share: float = param(
        0.5, 0, 1, "share", "imports exempt as USMCA-compliant (record: about half)", kind="lever"
    )
    maritime_posture: int = param(
        2, 0, 2, "level", "0 none, 1 interdiction, 2 lethal strikes (record: strikes)", kind="lever"
    )
    escalation_level: int = param(
        0,
        0,
        3,
        "level",
        "land force: 0 none, 1 lab strikes, 2 raids, 3 large-scale intervention",
        kind="lever",
    )
    designation: bool = param(
        True, None, None, "", "cartels designated terrorist organisations", kind="lever"
    )
    financial_sanctions: bool = param(
        False,
        None,
        None,
        "",
        "the designation's money channel (off by default: the FinCEN orders of June 2025 are "
        "not among the dated events the record replays)",
        kind="lever",
    )
    intel_sharing: float = param(
        0.0,
        0,
        1,
        "share",
        "intelligence shared with Mexico (0 the 2024 level, 1 full)",
        kind="lever",
    )
    gun_interdiction: float = param(
        0.0,
        0,
        1,
        "share",
        "southbound gun flow stopped (Dube, Dube & García-Ponce 2013)",
        kind="lever",
    )
    border_interdiction: float = param(
        1.0,
        0,
        10,
        "× 2024",
        "CBP's effort against fentanyl at the border (1 = the 2024 effort)",
        kind="lever",
    )


class MX(Section):
    """Mexico's effort, cooperation and consent."""

    investigation: float = param(
        1.0,
        0,
        10,
        "× 2024",
        "intelligence and investigation: arrests and leader captures",
        kind="lever",
    )
    social_programs: float = param(
        1.0,
        0,
        20,
        "× 2024",
        "transfers to young people in cartel areas (lower recruitment)",
        kind="lever",
    )
    national_guard: float = param(
        1.0, 0, 10, "× 2024", "National Guard deployed where violence is highest", kind="lever"
    )
    anticorruption: float = param(
        1.0, 0, 10, "× 2024", "anti-corruption effort (1 = the 2024 level)", kind="lever"
    )
    kingpin_targeting: float = param(
        0.0,
        0,
        1,
        "1/month",
        "extra monthly hazard that a named group's leader is captured or killed",
        kind="lever",
    )
    cooperation: float = param(
        0.5,
        0,
        1,
        "share",
        "share of US requests granted: SEMAR intercepts, resupply in Mexican ports (assumption: "
        "half, as in 2025)",
        kind="lever",
    )
    precursor_controls: float = param(
        1.0,
        0,
        10,
        "× 2024",
        "controls on imported precursors at Mexico's ports (1 = 2024's)",
        kind="lever",
    )
    crackdown_state: int = param(
        0, 0, 32, "INEGI code", "state whose roads are under a crackdown (0: none)", kind="lever"
    )
    crackdown_cost: float = param(
        3.0,
        0,
        50,
        "× length",
        "extra route cost of crossing a cell under the crackdown",
        kind="lever",
    )
    transfers_per_year: int = param(
        0,
        0,
        500,
        "people/year",
        "prisoner transfers to the US, in two batches a year",
        kind="lever",
    )
    adaptive: bool = param(
        False,
        None,
        None,
        "",
        "the Mexican agent concedes to US pressure month by month (replaces transfers_per_year)",
        kind="lever",
    )
    consent: str = Field(
        "by_relations",
        pattern="^(always|never|by_relations)$",
        description="consent to US operations on Mexican soil: always, never, or when relations "
        "are at least 0.5",
        json_schema_extra={"unit": "", "kind": "lever", "low": None, "high": None, "why": ""},
    )


class Relations(Section):
    """US–Mexico relations index in [0, 1] (assumption: falls with tariffs and unconsented
    action, rises with cooperation and transfers; relaxes back toward its start)."""

    start: float = param(
        0.6,
        0,
        1,
        "index",
        "relations in January 2024, cooperative but strained (assumption)",
        kind="assumed",
        plausible=(0.4, 0.8),
        why="no index of US–Mexico relations ships: 'cooperative but strained'",
    )
    recovery: float = param(
        0.05,
        0,
        1,
        "1/month",
        "pull back toward the start when nothing happens (assumption)",
        kind="assumed",
        plausible=(0.025, 0.1),
        why="half to double the default: no estimate exists",
    )
    tariff_cost: float = param(
        0.1,
        0,
        10,
        "index/month per unit tariff",
        "monthly fall per unit of effective tariff (rate × tariffed share) (assumption)",
        kind="assumed",
        plausible=(0.05, 0.2),
        why="half to double the default: no estimate exists",
    )
    transfer_gain: float = param(
        0.001,
        0,
        0.1,
        "index per person",
        "rise per figure transferred to the US (assumption)",
        kind="assumed",
        plausible=(0.0005, 0.002),
        why="half to double the default: no estimate exists",
    )


class Config(Section):
    """The whole parameter set of one run."""

    membership: Membership = Membership()
    territory: Territory = Territory()
    leadership: Leadership = Leadership()
    violence: Violence = Violence()
    routes: Routes = Routes()
    fentanyl: Fentanyl = Fentanyl()
    corruption: Corruption = Corruption()
    displacement: Displacement = Displacement()
    sea: Sea = Sea()
    relations: Relations = Relations()
    labour: Labour = Labour()
    enforcement: Enforcement = Enforcement()
    force: Force = Force()
    us_agent: USAgent = USAgent()
    mx_agent: MXAgent = MXAgent()
    policy: Policy = Policy()
    navy: Navy = Navy()
    us: US = US()
    mx: MX = MX()

    def recorded(self) -> Config:
        """This config with every lever at its default: the posture the record left, which the
        model runs on before `policy.start`."""
        return self.model_copy(update={name: type(getattr(self, name))() for name in LEVERS})

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


LEVERS = ("navy", "us", "mx")


class ConfigError(ValueError):
    """A refused configuration, with the field and its allowed range in the message."""


def field_table() -> list[dict[str, Any]]:
    """One row per field: dotted name, type, default, unit, min, max, description, and its kind
    with, for an assumed number, the plausible low and high and why."""
    rows = []
    for section_name, section_field in Config.model_fields.items():
        section = section_field.annotation
        for name, field in section.model_fields.items():
            bounds = {type(m).__name__: m for m in field.metadata}
            extra = field.json_schema_extra or {}
            rows.append(
                {
                    "name": f"{section_name}.{name}",
                    "type": str(field.annotation).replace("<class '", "").replace("'>", ""),
                    "default": field.default,
                    "unit": (field.json_schema_extra or {}).get("unit", ""),
                    "min": bounds["Ge"].ge if "Ge" in bounds else None,
                    "max": bounds["Le"].le if "Le" in bounds else None,
                    "description": field.description,
                    **{k: extra.get(k) for k in ("kind", "low", "high", "why")},
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


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables, parsed (never executed); a syntax error names the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: {error}") from None


def load_spec_file[Spec: BaseModel](path: Path, schema: type[Spec]) -> Spec:
    """A spec file checked against its schema; each problem names its field and the value given."""
    try:
        return schema.model_validate(read_toml(path))
    except ValidationError as error:
        raise ConfigError(f"{path.name}: {describe(error)}") from None


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """`key=value` strings as a dict; values stay strings for pydantic to coerce and check."""
    parsed = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects key=value, got {assignment!r}")
        parsed[key.strip()] = value.strip()
    return parsed

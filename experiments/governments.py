"""The two governments' weights, fitted on the record of 2019–2023, and their past as a forecast.

Fit: the month-by-month likelihood of what each government did (the US dials; Mexico's
concessions) given what it saw (`world.signals`, the dated record), computed by the agents' own
rules (`rules.us_policy`, `rules.mx_policy`) for many draws from the priors at once; the draws
are weighted by their likelihood and resampled (importance sampling), which gives posterior
draws with their effective sample size. Only months to `TRAIN_END` are read (a test holds it).

Score (`mxstab validate --part us`): both agents let loose in January 2025 (from the dials of
December 2024; the record's later dial changes, transfers and threats no longer replay, its news
and the designation do), scored against what the governments did to March 2026, beside a
no-change forecaster whose transition frequencies come from the training window. Mexico's rule is
also scored given the threats the US really made (`mx_*_given_record`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from mxstab.experiments.batch import RunSpec, run_many
from mxstab.model.config import POSTERIOR_FILES, Config, field_table, posterior
from mxstab.model.data import DATA_DIR
from mxstab.model.io import write_atomic
from mxstab.model.model import MxStabModel
from mxstab.model.rules import mx_policy, us_policy
from mxstab.model.world import signals
from mxstab.model.world.calendar import month_label, month_number
from mxstab.model.world.record import (
    concession_months,
    recorded_dials,
    recorded_events,
    us_threat_months,
)
from mxstab.model.world.victims import TEST_START, TRAIN_END, victims_record

TRAIN_FIRST = "2019-01"
TRAINING_MONTHS = month_number(TRAIN_END) - month_number(TRAIN_FIRST) + 1
PRIOR_DRAWS = 200_000
POSTERIOR_DRAWS = 1_000
FIT_SEED = 20190101
FIT_FILE = "governments_fit.toml"
US_START, US_END = "2025-01", "2026-03"
US_DIALS = {
    "tariff_rate": us_policy.TARIFF_LEVELS,
    "maritime_posture": tuple(range(us_policy.MARITIME_TOP + 1)),
    "escalation_level": tuple(range(us_policy.ESCALATION_TOP + 1)),
}

# Priors in units of utility (logit temperature 1): weakly informative, stated as
# (distribution, a, b): normal (mean, sd), halfnormal (sd), lognormal (median, sd of log), uniform.
US_PRIORS = {
    "mandate": ("normal", 0.0, 1.0),
    "hardline_weight": ("halfnormal", 1.0, 0),
    "overdose_weight": ("halfnormal", 1.0, 0),
    "migration_weight": ("halfnormal", 1.0, 0),
    "election_weight": ("halfnormal", 1.0, 0),
    "news_weight": ("halfnormal", 1.0, 0),
    "effort_weight": ("halfnormal", 1.0, 0),
    "tariff_cost": ("lognormal", 25.0, 1.0),
    "maritime_cost": ("lognormal", 2.0, 1.0),
    "force_cost": ("lognormal", 3.0, 1.0),
    "legal_cover": ("uniform", 0.0, 1.0),
    "switch_cost": ("lognormal", 2.0, 0.75),
}
MX_PRIORS = {
    "base": ("normal", -3.0, 1.5),
    "threat_weight": ("normal", 1.5, 1.5),
    "sovereignty_weight": ("halfnormal", 2.0, 0),
    "results_weight": ("normal", 0.0, 1.0),
}


Priors = dict[str, tuple[str, float, float]]


def draw_prior(
    priors: Priors, section: str, n: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """`n` draws of each weight from its prior, truncated to the config field's range (draws
    outside it are drawn again), so every draw is a value `--set` would accept."""
    bounds = {row["name"]: (row["min"], row["max"]) for row in field_table()}
    draws = {}
    for name, (kind, a, b) in priors.items():
        low, high = bounds[f"{section}.{name}"]
        kept = np.zeros(0)
        while kept.size < n:
            if kind == "normal":
                fresh = rng.normal(a, b, n)
            elif kind == "halfnormal":
                fresh = np.abs(rng.normal(0.0, a, n))
            elif kind == "lognormal":
                fresh = a * np.exp(rng.normal(0.0, b, n))
            else:
                fresh = rng.uniform(a, b, n)
            kept = np.concatenate([kept, fresh[(fresh >= low) & (fresh <= high)]])
        draws[name] = kept[:n]
    return draws


# --- what each government saw and did ----------------------------------------------------------


def news_level(month: int) -> float:
    """News shocks known in `month`, each fading as in `USGovernment.forget_news`."""
    shocks = [e.when for e in recorded_events() if e.kind == "news_shock" and e.when <= month]
    return float(sum(us_policy.NEWS_KEPT ** (month - when) for when in shocks))


def us_signals(month: int, config: Config) -> us_policy.Signals:
    """The recorded signals of a training month, as `USGovernment.signals` reads them: no
    transfers in 2019–2023, cooperation at the level runs start from."""
    return us_policy.Signals(
        opioid_deaths=signals.known(signals.OPIOID_DEATHS, month),
        border_encounters=signals.known(signals.ENCOUNTERS, month),
        hardline=signals.hardline_administration(month, config.us_agent.hardline_after_2029),
        election=signals.election_closeness(month),
        news=news_level(month),
        effort=config.mx.cooperation,
    )


def us_log_likelihood(w: dict[str, np.ndarray], first: int, last: int) -> np.ndarray:
    """Per draw: Σ over months and dials of log P(recorded level | last month's level), with the
    designation of the month itself (a recorded input acts before the month runs)."""
    dials = recorded_dials(first - 1, last)
    total = np.zeros(np.asarray(w["mandate"]).shape)
    relations, exposure = training_force_terms()
    config = Config()
    for month in range(first, last + 1):
        now, before = dials.loc[month], dials.loc[month - 1]
        push = us_policy.pressure(w, us_signals(month, config))
        costs = {
            "tariff_rate": us_policy.tariff_costs(w, before["usmca_exempt_share"]),
            "maritime_posture": us_policy.maritime_costs(w, bool(now["designation"])),
            "escalation_level": us_policy.force_costs(
                w, bool(now["designation"]), relations, exposure
            ),
        }
        for dial, levels in US_DIALS.items():
            current = levels.index(before[dial])
            options, p = us_policy.option_probabilities(
                current, costs[dial], push, w["switch_cost"]
            )
            chosen = np.flatnonzero(options == levels.index(now[dial]))
            total += np.log(p[..., chosen[0]]) if chosen.size else -np.inf
    return total


@cache
def training_force_terms() -> tuple[float, np.ndarray]:
    """The assumed (not fitted) terms of the force cost as the agent met them in 2019–2023:
    relations at their start, and the corruption exposure weighed at the corruption a run from
    January 2019 starts with on the named groups' ground."""
    config = Config()
    model = MxStabModel(config, seed=0, start=TRAIN_FIRST)
    exposure = config.us_agent.exposure_weight * model.us.settled_exposure()
    return config.us_agent.relations_cost * config.relations.start, exposure


def national_homicides(first: int, last: int) -> pd.Series:
    """SESNSP's national victims per month number."""
    record = victims_record().between(month_label(first), month_label(last))
    return record.groupby("when")["victims"].sum()


def mx_history(first: int, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(threat, violence trend, conceded) per month: a threat this month or last; log of last
    month's national homicides over the same month a year before; Mexico conceded."""
    threats = us_threat_months(first - 1, last)
    conceded = concession_months(first, last)
    year = mx_policy.TREND_MONTHS
    homicides = national_homicides(first - 1 - year, last - 1)
    months = range(first, last + 1)
    threat = np.array([float(m in threats or m - 1 in threats) for m in months])
    trend = np.array(
        [mx_policy.violence_trend(homicides[m - 1], homicides[m - 1 - year]) for m in months]
    )
    return threat, trend, np.array([float(m in conceded) for m in months])


def mx_log_likelihood(w: dict[str, np.ndarray], first: int, last: int) -> np.ndarray:
    """Per draw: Σ over months of log P(Mexico conceded or not, as it did); no US force was on
    Mexican soil in 2019–2023, so the sovereignty term is 0 throughout."""
    threat, trend, conceded = mx_history(first, last)
    total = np.zeros(np.asarray(w["base"]).shape)
    for t in range(threat.size):
        p = mx_policy.concession_probability(w, threat[t], 0.0, trend[t])
        total += np.log(p if conceded[t] else 1 - p)
    return total


# --- the fit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posterior:
    draws: pd.DataFrame
    effective_sample_size: float
    prior_draws: int
    log_likelihood_max: float


def importance_posterior(
    priors: Priors,
    section: str,
    log_likelihood: Callable[[dict[str, np.ndarray], int, int], np.ndarray],
    rng: np.random.Generator,
) -> Posterior:
    """Prior draws weighted by their training likelihood, resampled."""
    prior = draw_prior(priors, section, PRIOR_DRAWS, rng)
    first, last = month_number(TRAIN_FIRST), month_number(TRAIN_END)
    loglik = log_likelihood(prior, first, last)
    weights = np.exp(loglik - loglik.max())
    weights /= weights.sum()
    picked = rng.choice(PRIOR_DRAWS, size=POSTERIOR_DRAWS, p=weights)
    draws = pd.DataFrame({name: values[picked] for name, values in prior.items()})
    return Posterior(draws, float(1 / np.sum(weights**2)), PRIOR_DRAWS, float(loglik.max()))


def fit_governments() -> dict[str, Posterior]:
    """Both posteriors from the training window (2019–2023)."""
    rng = np.random.default_rng(FIT_SEED)
    return {
        "us_agent": importance_posterior(US_PRIORS, "us_agent", us_log_likelihood, rng),
        "mx_agent": importance_posterior(MX_PRIORS, "mx_agent", mx_log_likelihood, rng),
    }


def write_posteriors(fitted: dict[str, Posterior]) -> list[str]:
    """Write each agent's draws and the fit's diagnostics (governments_fit.toml); return the
    diagnostics as lines."""
    relations, exposure = training_force_terms()
    lines = [
        "# Written by `mxstab calibrate --part governments` (experiments/governments.py).",
        f'train = "{TRAIN_FIRST} to {TRAIN_END}"',
        f'training_sha256 = "{victims_record().training_sha256}"',
        "# assumed terms of the force cost in the fit: relations, and exposure by level 0-3",
        f"relations_cost_per_level = {relations:.6g}",
        f"exposure_cost_by_level = [{', '.join(f'{x:.6g}' for x in exposure)}]",
        "",
    ]
    for section, fit in fitted.items():
        draws = fit.draws
        write_atomic(
            DATA_DIR / POSTERIOR_FILES[section],
            lambda path, d=draws: d.to_csv(path, index=False, float_format="%.6g"),
        )
        lines += [
            f"[{section}]",
            f"prior_draws = {fit.prior_draws}",
            f"posterior_draws = {len(draws)}",
            f"effective_sample_size = {fit.effective_sample_size:.0f}",
            f"log_likelihood_max = {fit.log_likelihood_max:.4f}",
            *(
                f"{name} = [{q[0]:.4g}, {q[1]:.4g}, {q[2]:.4g}]  # 5%, 50%, 95%"
                for name, q in draws.quantile([0.05, 0.5, 0.95]).to_dict("list").items()
            ),
            "",
        ]
    write_atomic(
        DATA_DIR / FIT_FILE, lambda path: path.write_text("\n".join(lines), encoding="utf-8")
    )
    return lines


# --- the score ----------------------------------------------------------------------------------


def no_change_probabilities(options: tuple, start: float, months: int, moves: int) -> np.ndarray:
    """(months, options) P(level) of a Markov chain that keeps its level with the frequency the
    training window shows (`moves` changes in its months), Laplace-smoothed, moving to a
    neighbouring level otherwise, run from the level of `start`."""
    stay = (TRAINING_MONTHS - moves + 1) / (TRAINING_MONTHS + 2)
    chain = np.zeros((len(options), len(options)))
    for k in range(len(options)):
        neighbours = [j for j in (k - 1, k + 1) if 0 <= j < len(options)]
        chain[k, k] = stay
        chain[k, neighbours] = (1 - stay) / len(neighbours)
    p = np.zeros(len(options))
    p[options.index(start)] = 1.0
    rows = []
    for _ in range(months):
        p = p @ chain
        rows.append(p)
    return np.array(rows)


def frequency(chosen: np.ndarray, value: float, options: int) -> np.ndarray:
    """Per month, the share of runs that chose `value` among `options` levels, smoothed
    (add one half per level) so none is 0 or 1 and the levels' shares sum to 1."""
    return ((chosen == value).sum(axis=0) + 0.5) / (chosen.shape[0] + 0.5 * options)


def retrodiction_runs(seeds: list[int], workers: int = 1) -> list[pd.DataFrame]:
    """Both agents let loose in January 2025 from the US dials of December 2024 (runs from
    January 2024, the record replayed before): each run's monthly table, indexed by `YYYY-MM`."""
    months = month_number(US_END) - month_number(TEST_START) + 1
    december = recorded_dials(month_number(US_START) - 1, month_number(US_START) - 1).iloc[0]
    overrides = {
        "policy.start": US_START,
        "us.adaptive": True,
        "mx.adaptive": True,
        **{f"us.{dial}": value for dial, value in december.items()},
    }
    config = Config().with_overrides(overrides)
    specs = [RunSpec(config, seed, months, TEST_START) for seed in seeds]
    return [s.national.set_index("date") for s in run_many(specs, workers)]


def scored(table: pd.DataFrame) -> pd.DataFrame:
    """A run's months inside the scored window."""
    return table.loc[US_START:US_END]


def recorded_choices() -> pd.DataFrame:
    """What the governments did, January 2025 to March 2026: the three US dials and whether
    Mexico transferred figures (1/0), indexed by `YYYY-MM`; the row before is December 2024."""
    first, last = month_number(US_START), month_number(US_END)
    table = recorded_dials(first - 1, last)[list(US_DIALS)]
    conceded = concession_months(first - 1, last)
    table["transferred"] = [float(m in conceded) for m in table.index]
    table.index = [month_label(m) for m in table.index]
    return table


def retrodiction_table(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Per month and choice: the recorded value, the share of runs that chose it, and the
    probability the no-change forecaster gave it."""
    tables = [scored(t) for t in tables]
    record = recorded_choices()
    training = recorded_dials(month_number(TRAIN_FIRST) - 1, month_number(TRAIN_END))
    rows = []
    for choice, options in {**US_DIALS, "transferred": (0.0, 1.0)}.items():
        truth = record[choice].iloc[1:]
        if choice == "transferred":
            chosen = np.array([(t["transfers"].to_numpy() > 0).astype(float) for t in tables])
            trained = len(concession_months(month_number(TRAIN_FIRST), month_number(TRAIN_END)))
            p_yes = (trained + 1) / (TRAINING_MONTHS + 2)
            p_none = [p_yes if v else 1 - p_yes for v in truth]
        else:
            chosen = np.array([t[choice].to_numpy() for t in tables])
            moves = int((training[choice].diff().iloc[1:] != 0).sum())
            chain = no_change_probabilities(options, record[choice].iloc[0], truth.size, moves)
            p_none = [chain[t, options.index(v)] for t, v in enumerate(truth)]
        for t, (month, value) in enumerate(truth.items()):
            rows.append(
                {
                    "choice": choice,
                    "month": month,
                    "recorded": value,
                    "agent_match": float((chosen[:, t] == value).mean()),
                    "agent_p": float(frequency(chosen[:, t : t + 1], value, len(options))[0]),
                    "no_change_p": float(p_none[t]),
                }
            )
    return pd.DataFrame(rows)


def first_strike(tables: list[pd.DataFrame]) -> str:
    """The median month of the agent's first boat strike (`none` if most runs never strike)."""
    tables = [scored(t) for t in tables]
    months = [
        month_number(t.index[t["maritime_posture"] == 2][0])
        if (t["maritime_posture"] == 2).any()
        else math.inf
        for t in tables
    ]
    median = np.median(months)
    return month_label(int(median)) if np.isfinite(median) else "none"


def scores(table: pd.DataFrame) -> dict[str, float]:
    """The figures `validate --part us` reports, from a retrodiction table."""

    def part(choices: tuple[str, ...]) -> pd.DataFrame:
        return table[table["choice"].isin(choices)]

    us, mx = part(tuple(US_DIALS)), part(("transferred",))
    match = table.groupby("choice")["agent_match"].mean()
    return {
        "us_match_maritime": float(match["maritime_posture"]),
        "us_match_tariff": float(match["tariff_rate"]),
        "us_match_escalation": float(match["escalation_level"]),
        "us_log_score": float(np.log(us["agent_p"]).mean()),
        "us_log_score_no_change": float(np.log(us["no_change_p"]).mean()),
        "mx_match_transfers": float(match["transferred"]),
        "mx_log_score": float(np.log(mx["agent_p"]).mean()),
        "mx_log_score_no_change": float(np.log(mx["no_change_p"]).mean()),
    }


def mexico_given_record(tables: list[pd.DataFrame]) -> dict[str, float]:
    """Mexico's rule scored given the threats the US really made (no US force on Mexican soil
    in the record): per run, the probability of conceding each month averaged over the whole
    posterior, with the run's own homicides as its security results; then over runs."""
    first, last = month_number(US_START), month_number(US_END)
    threats = us_threat_months(first - 1, last)
    conceded = concession_months(first, last)
    draws = posterior("mx_agent")
    weights = {name: draws[name] for name in draws.dtype.names}
    violence = Config().violence
    level, _ = victims_record().filtered_level_before(
        TEST_START, violence.state_drift_sd, violence.state_noise_sd
    )
    before = level.sum()  # a run's starting level
    year = mx_policy.TREND_MONTHS
    p_yes = []
    for table in tables:
        homicides = {month_number(d): h for d, h in table["homicides"].items()}
        seen = [
            float(
                np.mean(
                    mx_policy.concession_probability(
                        weights,
                        float(m in threats or m - 1 in threats),
                        0.0,
                        mx_policy.violence_trend(
                            homicides.get(m - 1, before), homicides.get(m - 1 - year, before)
                        ),
                    )
                )
            )
            for m in range(first, last + 1)
        ]
        p_yes.append(seen)
    p = np.mean(p_yes, axis=0)
    truth = np.array([m in conceded for m in range(first, last + 1)])
    p_record = np.where(truth, p, 1 - p)
    return {
        "mx_match_transfers_given_record": float(p_record.mean()),
        "mx_log_score_given_record": float(np.log(p_record).mean()),
    }


def governments_skill(seeds: list[int], workers: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """Both agents from January 2025 against what the governments did to March 2026: the
    figures, and the month-by-month table they come from."""
    tables = retrodiction_runs(seeds, workers)
    record = recorded_choices()
    table = retrodiction_table(tables)
    figures = {
        "us_start": US_START,
        "us_end": US_END,
        "us_seeds": len(seeds),
        **scores(table),
        **mexico_given_record(tables),
        "us_first_strike_date": first_strike(tables),
        "us_first_strike_record": record.index[record["maritime_posture"] == 2][0],
    }
    return figures, table

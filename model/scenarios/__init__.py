"""Named scenarios: `model/scenarios/<name>.toml`, a one-line `description` and tables of
lever values (`[us]`, `[mx]`, `[navy]`, or any config section) that act from `policy.start`.

Files are parsed (TOML), never executed; their values go through the validated config, so a bad
value is refused with the field and its range named.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from mxstab.model.config import LEVERS, Config, ConfigError, read_toml
from mxstab.model.world.calendar import DEFAULT_START, month_label, month_number, months_between

SCENARIO_DIR = Path(__file__).parent
ORDER = (
    "baseline",
    "maritime_strikes",
    "cooperation",
    "kingpin_campaign",
    "tariff_coercion",
    "lab_strikes",
    "special_ops",
    "full_intervention",
    "social_causes",
    "adaptive",
)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    overrides: dict[str, Any]
    digest: str = ""  # SHA-256 of the file's bytes: what a cached result depends on

    def config(self, overrides: dict[str, Any] | None = None) -> Config:
        """The scenario's config, with `--set` overrides on top."""
        return Config().with_overrides({**self.overrides, **(overrides or {})})

    @cached_property
    def plain(self) -> Config:
        """The scenario's own config, without overrides."""
        return self.config()

    def check_levers_act(
        self, overrides: dict[str, Any], months: int, start: str = DEFAULT_START
    ) -> None:
        """Levers act only from `policy.start`: a run that moves one away from this scenario's
        value and ends before then would silently equal the scenario, so it is refused."""
        config, plain = self.config(overrides), self.plain
        moved = [
            name
            for name in overrides
            if name.partition(".")[0] in LEVERS and value_of(config, name) != value_of(plain, name)
        ]
        acts_from = months_between(start, config.policy.start)
        if moved and months <= acts_from:
            last = month_label(month_number(start) + months - 1)
            raise ConfigError(
                f"policy.start: {', '.join(moved)} act from {config.policy.start}, after this "
                f"run's last month {last}; run more than {acts_from} months from {start}"
            )


def value_of(config: Config, name: str) -> Any:
    section, _, field = name.partition(".")
    return getattr(getattr(config, section), field)


def scenario_names() -> list[str]:
    """Every shipped scenario: the documented ones in order, then any others by name."""
    found = sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))
    return [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]


def load_scenario(name: str) -> Scenario:
    """Read and check one shipped scenario, by name only (never a path: names come from users
    and the app); ConfigError names what is wrong."""
    if name not in scenario_names():
        allowed = ", ".join(scenario_names())
        raise ConfigError(f"unknown scenario {name!r} (allowed: {allowed})")
    return load_scenario_file(SCENARIO_DIR / f"{name}.toml")


def load_scenario_file(path: Path) -> Scenario:
    """Read and check a scenario file the user named explicitly (`--scenario-file`)."""
    if path.suffix != ".toml" or not path.is_file():
        raise ConfigError(f"{path}: expected an existing .toml scenario file")
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    table = read_toml(path)
    description = table.pop("description", "")
    overrides = {}
    for section, fields in table.items():
        if not isinstance(fields, dict):
            raise ConfigError(f"{path.name}: '{section}' must be a table of parameters")
        overrides.update({f"{section}.{field}": value for field, value in fields.items()})
    scenario = Scenario(path.stem, description, overrides, digest)
    scenario.config()
    return scenario

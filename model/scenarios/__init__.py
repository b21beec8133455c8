"""Named scenarios: `model/scenarios/<name>.toml`, a one-line `description` and tables of
lever values (`[us]`, `[mx]`, `[navy]`, or any config section) that act from `policy.start`.

Files are parsed (TOML), never executed; their values go through the validated config, so a bad
value is refused with the field and its range named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mxstab.model.config import Config, ConfigError, read_toml

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

    def config(self, overrides: dict[str, Any] | None = None) -> Config:
        """The scenario's config, with `--set` overrides on top."""
        return Config().with_overrides({**self.overrides, **(overrides or {})})


def scenario_names() -> list[str]:
    """Every shipped scenario: the documented ones in order, then any others by name."""
    found = sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))
    return [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]


def load_scenario(name: str) -> Scenario:
    """Read and check one scenario; ConfigError names what is wrong."""
    path = SCENARIO_DIR / f"{name}.toml"
    if not path.is_file():
        allowed = ", ".join(scenario_names())
        raise ConfigError(f"unknown scenario {name!r} (allowed: {allowed})")
    table = read_toml(path)
    description = table.pop("description", "")
    overrides = {}
    for section, fields in table.items():
        if not isinstance(fields, dict):
            raise ConfigError(f"{path.name}: '{section}' must be a table of parameters")
        overrides.update({f"{section}.{field}": value for field, value in fields.items()})
    scenario = Scenario(name, description, overrides)
    scenario.config()
    return scenario

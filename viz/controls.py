"""What the app's sidebar offers and how a choice becomes a model (no Solara here, so the rules
are tested without a browser).

A `Choice` is everything the sidebar holds: preset, seed, resolution and every lever's value.
Picking a preset loads its values into the levers, so the sidebar always shows what Reset will
build; a lever left at the preset's value adds nothing, a moved one overrides the preset.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from mxstab.model.config import LEVERS, Config, ConfigError, field_table
from mxstab.model.model import MxStabModel
from mxstab.model.scenarios import load_scenario, scenario_names, value_of
from mxstab.model.world.grid import RESOLUTIONS as GRID_RESOLUTIONS
from mxstab.model.world.states import state_table
from mxstab.viz.numbers import number

SEED_RANGE = (0, 2**32 - 1)
PLACE_UNITS = ("level",)  # a position on a scale: "level 3", not "3 level"
RESOLUTIONS = tuple(str(r) for r in GRID_RESOLUTIONS)
SECTIONS = {"policy": "Policy", "navy": "Navies at sea", "us": "United States", "mx": "Mexico"}
WORDS = {  # words a raw field name abbreviates
    "usmca": "USMCA",
    "semar": "SEMAR",
    "intel": "intelligence",
    "mx": "Mexico",
    "us": "US",
}


@cache
def lever_rows() -> tuple[dict[str, Any], ...]:
    """The config fields the app offers as controls: every lever, and the policy start."""
    return tuple(
        row
        for row in field_table()
        if row["name"].split(".")[0] in LEVERS or row["name"] == "policy.start"
    )


@cache
def units() -> dict[str, str]:
    return {row["name"]: row["unit"] for row in lever_rows()}


def readable(dotted: str) -> str:
    """`us.usmca_exempt_share` → `USMCA exempt share`: the field's own words, abbreviations
    spelt out, first letter capital."""
    words = [WORDS.get(word, word) for word in dotted.partition(".")[2].split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def shown(value: Any, unit: str) -> str:
    """A lever's value with its unit, as a slider's label shows it."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if unit == "INEGI code":  # a state: its name
        return state_table().loc[int(value), "name"] if value else "none"
    text = number(value) if isinstance(value, int | float) else str(value)
    if unit in ("", "YYYY-MM"):
        return text
    return f"{unit} {text}" if unit in PLACE_UNITS else f"{text} {unit}"


def lever_text(name: str, value: Any) -> str:
    """`Escalation level: level 3`: how the app names a lever's value everywhere."""
    return f"{readable(name)}: {shown(value, units()[name])}"


def slider_step(row: dict[str, Any]) -> float:
    """1 for a count; else a power of ten near a hundredth of the range, so every round value
    (each preset's among them) lies on the slider."""
    if row["type"] == "int":
        return 1
    return 10.0 ** math.floor(math.log10((row["max"] - row["min"]) / 100))


def choices(dotted: str) -> list[str]:
    """The values a text lever allows, read from its field's pattern `^(a|b|c)$`."""
    section, _, name = dotted.partition(".")
    field = Config.model_fields[section].annotation.model_fields[name]
    patterns = [m.pattern for m in field.metadata if getattr(m, "pattern", None)]
    found = re.fullmatch(r"\^\(([\w|]+)\)\$", patterns[0]) if patterns else None
    if found is None:
        raise ValueError(f"{dotted}: no pattern ^(a|b|...)$ lists its values")
    return found[1].split("|")


@cache
def plain_values(preset: str) -> dict[str, Any]:
    config = load_scenario(preset).plain
    return {row["name"]: value_of(config, row["name"]) for row in lever_rows()}


def preset_values(preset: str) -> dict[str, Any]:
    """Every lever's value in a preset's config."""
    return dict(plain_values(preset))


@dataclass(frozen=True)
class Choice:
    """What the sidebar holds; `AppModel` builds from it."""

    preset: str = "baseline"
    seed: str = "0"
    resolution: str = "0.25"
    levers: dict[str, Any] = field(default_factory=lambda: preset_values("baseline"))

    def with_preset(self, preset: str) -> Choice:
        """The preset picked: its values loaded into every lever."""
        return replace(self, preset=preset, levers=preset_values(preset))

    def with_lever(self, name: str, value: Any) -> Choice:
        """One lever moved (the preset stays: the lever overrides it)."""
        return replace(self, levers={**self.levers, name: value})

    def overrides(self) -> dict[str, Any]:
        """The levers moved away from the preset's values."""
        plain = plain_values(self.preset) if self.preset in scenario_names() else {}
        return {k: v for k, v in self.levers.items() if plain.get(k, v) != v}

    def changes_from(self, applied: Choice) -> list[str]:
        """What differs from the choice the running model was built from, for people."""
        changed = [
            f"{label}: {before} → {after}"
            for label, before, after in (
                ("preset", applied.preset, self.preset),
                ("seed", applied.seed, self.seed),
                ("resolution", applied.resolution, self.resolution),
            )
            if before != after
        ]
        for name, value in self.levers.items():
            before = applied.levers.get(name)
            if before != value:
                changed.append(f"{lever_text(name, before)} → {shown(value, units()[name])}")
        return changed


def parse_seed(text: Any) -> tuple[int, str | None]:
    """The seed typed in the sidebar, or 0 and a message saying what is allowed."""
    try:
        seed = int(str(text).strip())
        if not SEED_RANGE[0] <= seed <= SEED_RANGE[1]:
            raise ValueError
        return seed, None
    except ValueError:
        return 0, (
            f"seed: expected a whole number from {SEED_RANGE[0]} to {SEED_RANGE[1]}, got "
            f"{text!r}; running seed 0"
        )


class AppModel(MxStabModel):
    """The model as the app builds it from the sidebar's choice; bad input gives a message
    (`input_problems`) and falls back to valid values. (The preset is not named `scenario`:
    Mesa reserves that name.)"""

    def __init__(self, choice: Choice | None = None, extra: dict[str, Any] | None = None) -> None:
        choice = choice or Choice()
        problems = []
        seed, problem = parse_seed(choice.seed)
        if problem:
            problems.append(problem)
        resolution = choice.resolution
        if resolution not in RESOLUTIONS:
            allowed = " or ".join(RESOLUTIONS)
            problems.append(f"resolution: expected {allowed}, got {resolution!r}; using 0.25")
            resolution = RESOLUTIONS[0]
        preset = choice.preset
        if preset not in scenario_names():
            problems.append(f"preset: unknown {preset!r}; running the baseline")
            preset = "baseline"
        scenario = load_scenario(preset)
        wanted = {**choice.overrides(), **(extra or {})} if preset == choice.preset else {}
        moved = {k: v for k, v in wanted.items() if plain_values(preset).get(k) != v}
        try:
            config = scenario.config(moved)
        except ConfigError as error:
            problems.append(f"{error}; running the preset without these changes")
            config, moved = scenario.plain, {}
        super().__init__(config, seed=seed, resolution=float(resolution))
        self.preset = preset
        self.moved = moved
        self.input_problems = problems
        # the choice this model runs: bad input replaced by what runs instead
        typed = choice.seed if problem is None else str(seed)  # as typed, when it is valid
        self.ran = Choice(preset, typed, resolution, {**preset_values(preset), **moved})

    @property
    def label(self) -> str:
        """The preset, and how many levers were moved off it: what titles and files say ran."""
        count = len(self.moved)
        return self.preset + (f" + {count} moved lever{'s' * (count > 1)}" if count else "")

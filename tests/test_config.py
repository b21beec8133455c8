"""The validated config: defaults, overrides, and refusals that name the field and its range."""

from __future__ import annotations

import pytest

from mxstab.model.config import Config, ConfigError, field_table, parse_assignments


def test_defaults_are_valid_and_calibrated_values_are_read():
    config = Config()
    assert config.membership.rho == 2.527e-3
    assert 0 < config.membership.rivalry_scale < 100


def test_overrides_are_coerced_and_validated():
    config = Config().with_overrides(
        parse_assignments(["membership.spatial=false", "violence.contagion_beta=0.1"])
    )
    assert config.membership.spatial is False
    assert config.violence.contagion_beta == 0.1
    assert Config().violence.contagion_beta != 0.1, "overrides make a copy"


def test_out_of_range_value_names_field_and_range():
    with pytest.raises(ConfigError) as error:
        Config().with_overrides({"violence.contagion_beta": "3"})
    message = str(error.value)
    assert "violence.contagion_beta" in message
    assert "allowed 0 to 0.95" in message and "'3'" in message


def test_unknown_and_malformed_keys_are_refused():
    with pytest.raises(ConfigError, match="unknown parameter 'violence.nope'"):
        Config().with_overrides({"violence.nope": 1})
    with pytest.raises(ConfigError, match="unknown parameter 'nope'"):
        Config().with_overrides({"nope": 1})
    with pytest.raises(ConfigError, match="key=value"):
        parse_assignments(["membership.rho"])
    with pytest.raises(ConfigError, match="membership.spatial"):
        Config().with_overrides({"membership.spatial": "perhaps"})


def test_field_table_lists_every_field():
    rows = field_table()
    names = {row["name"] for row in rows}
    assert "membership.rho" in names and "violence.contagion_beta" in names
    for row in rows:
        assert row["type"] in {"float", "int", "bool", "str", "float | None"}
        assert row["description"]
        if row["type"] == "float | None":  # fitted: drawn from a posterior unless set
            assert row["default"] is None and "posterior" in row["description"], row["name"]
        elif row["type"] in {"float", "int"}:
            assert row["min"] is not None and row["max"] is not None, row["name"]
            assert row["min"] <= row["default"] <= row["max"], row["name"]


def test_every_parameter_is_classed_and_every_assumed_number_has_its_range():
    """`kind` on every field; an assumed number's plausible range holds its default inside the
    allowed range, with a reason; a calibrated default is in calibration.toml or drawn from a
    posterior; a lever belongs to a section a scenario sets."""
    import tomllib

    from mxstab.model.config import CALIBRATION_FILE, KINDS, LEVERS, field_table

    with open(CALIBRATION_FILE, "rb") as f:
        fitted = {f"{s}.{k}" for s, fields in tomllib.load(f).items() for k in fields}
    rows = field_table()
    assert {row["kind"] for row in rows} <= set(KINDS)
    for row in rows:
        name, default = row["name"], row["default"]
        number = isinstance(default, int | float) and not isinstance(default, bool)
        if row["kind"] == "assumed" and number:
            low, high = row["low"], row["high"]
            assert low <= default <= high and row["why"], name
            assert row["min"] is None or row["min"] <= low, name
            assert row["max"] is None or high <= row["max"], name
        if row["kind"] == "calibrated":
            assert name in fitted or default is None, name
        if row["kind"] == "lever":
            assert name.split(".")[0] in (*LEVERS, "policy"), name
    assert next(r for r in rows if r["name"] == "violence.flow_elasticity")["low"] == -1.0

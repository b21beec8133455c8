"""Cartel presence per state, keyed by INEGI code."""

from __future__ import annotations

from mxstab.model.world.presence import cartel_presence, organisations_per_state


def test_presence_is_keyed_by_inegi_code():
    rows = cartel_presence()
    assert rows["state"].between(1, 32).all()
    assert rows["source"].notna().all()
    counts = organisations_per_state()
    assert list(counts.index) == list(range(1, 33))
    assert (counts >= 2).all(), "the DEA 2025 maps place CDS and CJNG in every state"


def test_border_rows_apply_to_each_state_and_alliances_are_not_presence():
    rows = cartel_presence()
    viagras = rows[rows["organisation"] == "Los Viagras / Cárteles Unidos"]
    assert set(viagras["state"]) == {12, 15, 16}
    assert "Los Chapitos (alliance)" not in set(rows["organisation"])
    assert not rows["role"].isin(["limited/none", "present (historical)"]).any()

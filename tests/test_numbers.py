"""One formatter for people: significant figures, separators, no scientific notation."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mxstab.viz.numbers import NO_CHANGE, effect, estimate, number


def test_numbers_read_as_people_write_them():
    assert number(263_041.7) == "263,000"
    assert number(2.7298485280189224) == "2.73"
    assert number(2.7298485280189224, digits=4) == "2.73"
    assert number(0.0000123456) == "0.0000123"
    assert number(-1523.9) == "-1,520"
    assert number(0.25) == "0.25" and number(1.0) == "1" and number(0.0) == "0"
    assert number(999.7) == "1,000"
    assert number(3.2, sign=True) == "+3.2" and number(-3.2, sign=True) == "-3.2"
    assert number(float("nan")) == "—"
    assert estimate(5.0, 5.0, 5.0) == "5 (every seed)"
    assert estimate(29_203, 28_008, 30_989) == "29,200 (28,000 to 31,000)"
    assert effect(9.09e-14, -1e-13, 1e-13, real=False) == NO_CHANGE
    assert effect(-3.33, -6.0, -1.81, real=True) == "-3.33 (-6 to -1.81)"
    assert effect(0.109, 0.109, 0.109, real=True) == "+0.109 (every seed)"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_no_number_is_in_scientific_notation_and_each_keeps_its_value(value):
    text = number(value)
    assert not re.search(r"\de[+-]?\d", text)
    if value != 0 and abs(value) >= 1e-12:
        assert abs(float(text.replace(",", "")) - value) <= abs(value) * 0.006

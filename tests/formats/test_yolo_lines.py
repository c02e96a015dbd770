"""The pure YOLO line converters, as tables and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.geometry import RotatedBox
from ontolabel.core.geometry.box import rotated_box_corners
from ontolabel.formats.yolo.lines import (
    LineError,
    box_lines,
    class_index,
    corners_to_rotated,
    is_axis_aligned,
    is_parallelogram,
    line,
    number,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.15, "0.15"),
        (0.15000000000000002, "0.15"),  # the noise of cos(90 degrees) is gone
        (120.00000000000001 / 800, "0.15"),
        (1.0, "1"),
        (0.0, "0"),
        (-0.0, "0"),
        (-1e-13, "0"),
        (2e-05, "0.00002"),  # never an exponent
        (-0.009808, "-0.009808"),
        (1 / 3, "0.333333333333"),
        (2 / 3, "0.666666666667"),
        (1.166666666666667, "1.166666666667"),
    ],
)
def test_numbers_are_plain_decimals(value: float, text: str) -> None:
    assert number(value) == text


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_the_fast_form_is_the_twelve_decimal_form(value: float) -> None:
    slow = f"{value:.12f}".rstrip("0").rstrip(".")
    assert float(number(value)) == float(slow if slow not in ("", "-0") else "0")
    assert "e" not in number(value)


@pytest.mark.parametrize(
    ("token", "expected"),
    [("0", 0), ("12", 12), ("2.0", 2), ("2.5", None), ("-1", None), ("a", None)],
)
def test_class_ids(token: str, expected: int | None) -> None:
    if expected is None:
        with pytest.raises(LineError):
            class_index(token)
    else:
        assert class_index(token) == expected


@given(
    st.floats(0, 100),
    st.floats(0, 100),
    st.floats(1, 50),
    st.floats(1, 50),
    st.floats(-179, 179),  # atan2 gives (-180, 180]: 180 and -180 are one angle
)
def test_corners_give_back_their_rotated_box(
    cx: float, cy: float, w: float, h: float, angle: float
) -> None:
    box = RotatedBox(cx=cx, cy=cy, w=w, h=h, angle=angle)
    back = corners_to_rotated(rotated_box_corners(box))
    assert (back.cx, back.cy, back.w, back.h) == pytest.approx((cx, cy, w, h), abs=1e-9)
    assert math.isclose(back.angle, angle, abs_tol=1e-7)


def test_parallelograms_and_axes() -> None:
    rectangle = [0.1, 0.1, 0.3, 0.1, 0.3, 0.6, 0.1, 0.6]
    turned = [0.146731, 0.151795, 0.319936, 0.301795, 0.186603, 0.648205, 0.013397, 0.498205]
    kite = [0.5, 0.0, 1.0, 0.4, 0.5, 1.0, 0.0, 0.4]
    assert is_parallelogram(rectangle) and is_axis_aligned(rectangle)
    assert is_parallelogram(turned) and not is_axis_aligned(turned)
    assert not is_parallelogram(kite)
    assert not is_parallelogram(rectangle[:6])


BoxRow = tuple[int, float, float, float, float]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 120),
            *(
                st.one_of(
                    st.floats(0, 1),
                    st.sampled_from([0.0, -0.0, 1.0, 1e-05, 1e-13, 1 / 3, 0.15000000000000002]),
                    st.integers(0, 19200).map(lambda n: n / 10 / 1920),
                )
                for _ in range(4)
            ),
        ),
        max_size=12,
    )
)
def test_box_lines_are_the_lines_of_line(rows: list[BoxRow]) -> None:
    flat = [v for row in rows for v in row]
    assert box_lines(flat) == "".join(line(row[0], row[1:]) + "\n" for row in rows)

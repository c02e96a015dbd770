"""Building a ratings table, and bad input refused with the unit and rater named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ontolabel.errors import InvalidError, RatingsError
from ontolabel.quality.agreement import (
    Ratings,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)


def test_from_table_declares_the_sorted_observed_labels() -> None:
    ratings = Ratings.from_table([["b", "a", None], ["c", float("nan"), "a"]])
    assert ratings.categories == ("a", "b", "c")
    assert ratings.codes.tolist() == [[1, 0, -1], [2, -1, 0]]
    assert list(ratings.units) == ["1", "2"] and list(ratings.raters) == ["1", "2", "3"]
    assert ratings.cell(0, 1) == "a" and ratings.cell(0, 2) is None


def test_numbers_sort_before_text_and_numpy_scalars_are_labels() -> None:
    ratings = Ratings.from_table([[np.int64(10), 2.5], ["x", None]])
    assert ratings.categories == (2.5, 10, "x")


def test_declared_categories_keep_their_order() -> None:
    ratings = Ratings.from_table([["high", "low"]], categories=["low", "mid", "high"])
    assert ratings.categories == ("low", "mid", "high")
    assert ratings.codes.tolist() == [[2, 0]]


def test_table_is_immutable() -> None:
    ratings = Ratings.from_codes([[0, 1]], categories=["a", "b"])
    with pytest.raises(ValueError):
        ratings.codes[0, 0] = 1


def test_from_codes_copies_its_input() -> None:
    codes = np.array([[0, 1], [1, 1]])
    ratings = Ratings.from_codes(codes, categories=["a", "b"])
    codes[0, 0] = 1
    assert ratings.codes[0, 0] == 0
    assert ratings.codes.dtype == np.int32


def test_from_records() -> None:
    ratings = Ratings.from_records(
        [("doc1", "ann", "pos"), ("doc1", "bob", "neg"), ("doc2", "bob", "pos")],
        categories=["neg", "pos"],
    )
    assert ratings.units == ("doc1", "doc2")
    assert ratings.raters == ("ann", "bob")
    assert ratings.codes.tolist() == [[1, 0], [-1, 1]]


def test_subset_by_ids_in_the_given_order() -> None:
    ratings = Ratings.from_table(
        [["a", "b", "a"], ["b", "b", "a"]], units=["u1", "u2"], raters=["x", "y", "z"]
    )
    sub = ratings.subset(raters=["z", "x"], units=["u2"])
    assert sub.units == ("u2",) and sub.raters == ("z", "x")
    assert sub.codes.tolist() == [[0, 1]]
    assert sub.categories == ratings.categories


def test_subset_of_numbered_ids() -> None:
    ratings = Ratings.from_codes(np.zeros((5, 3), dtype=int), categories=["a"])
    assert ratings.subset(units=["5", "2"]).codes.shape == (2, 3)
    with pytest.raises(RatingsError) as err:
        ratings.subset(units=["6"])
    assert "'6'" in str(err.value)


# -- bad input: RatingsError naming the unit and the rater ---------------------------------


def test_ratings_error_is_a_validation_error() -> None:
    assert issubclass(RatingsError, InvalidError)


def test_ragged_table_short_row() -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_table(
            [["a", "b", "a"], ["a", "b"]], units=["doc-1", "doc-2"], raters=["ann", "bob", "cy"]
        )
    message = str(err.value)
    assert "'doc-2'" in message and "'cy'" in message
    assert err.value.unit == "doc-2" and err.value.rater == "cy"
    assert err.value.to_dict()["unit"] == "doc-2"


def test_ragged_table_long_row() -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_table([["a", "b"], ["a", "b", "c"]])
    message = str(err.value)
    assert "unit '2'" in message and "rater '#3" in message and "2 raters" in message


def test_label_not_in_categories() -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_table(
            [["cat", "dog"], ["cat", "cow"]],
            categories=["cat", "dog"],
            units=["img-7", "img-8"],
            raters=["ann", "bob"],
        )
    message = str(err.value)
    assert "'img-8'" in message and "'bob'" in message and "'cow'" in message


def test_label_not_in_categories_from_records() -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_records([("u", "r", "x")], categories=["y"])
    assert "unit 'u'" in str(err.value) and "rater 'r'" in str(err.value)


def test_nan_where_the_interval_level_needs_a_number() -> None:
    ratings = Ratings.from_table(
        [[1, 2], [2, "n/a"], [3, 3]], categories=[1, 2, 3, "n/a"], raters=["ann", "bob"]
    )
    assert krippendorff_alpha(ratings, level="ordinal", ci=False).value is not None
    for level in ("interval", "ratio"):
        with pytest.raises(RatingsError) as err:
            krippendorff_alpha(ratings, level=level, ci=False)  # type: ignore[arg-type]
        message = str(err.value)
        assert "unit '2'" in message and "rater 'bob'" in message and "not a number" in message


def test_nan_cannot_be_declared_as_a_category() -> None:
    with pytest.raises(RatingsError, match="missing"):
        Ratings.from_table([[1.0, 2.0]], categories=[1.0, 2.0, math.nan])


def test_negative_value_at_ratio_level() -> None:
    ratings = Ratings.from_table([[-1, 2], [2, 2]], raters=["a", "b"])
    with pytest.raises(RatingsError) as err:
        krippendorff_alpha(ratings, level="ratio", ci=False)
    assert "unit '1'" in str(err.value) and "rater 'a'" in str(err.value)


@pytest.mark.parametrize("rows", [[], [[]]])
def test_empty_table(rows: list[list[object]]) -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_table(rows)
    message = str(err.value)
    assert "no units" in message or ("no raters" in message and "unit '1'" in message)


def test_empty_records_and_codes() -> None:
    with pytest.raises(RatingsError, match="no units"):
        Ratings.from_records([])
    with pytest.raises(RatingsError, match="no units"):
        Ratings.from_codes(np.zeros((0, 2), dtype=int), categories=["a"])


def test_duplicate_record_names_unit_and_rater() -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_records([("doc", "ann", "a"), ("doc", "bob", "a"), ("doc", "ann", "a")])
    message = str(err.value)
    assert "unit 'doc'" in message and "rater 'ann'" in message and "twice" in message


def test_from_codes_out_of_range_names_the_cell() -> None:
    codes = np.zeros((4, 3), dtype=np.int64)
    codes[2, 1] = 5
    with pytest.raises(RatingsError) as err:
        Ratings.from_codes(codes, categories=["a", "b"], raters=["x", "y", "z"])
    message = str(err.value)
    assert "unit '3'" in message and "rater 'y'" in message and "code 5" in message


def test_from_codes_rejects_floats_and_wrong_shapes() -> None:
    with pytest.raises(RatingsError, match="integers"):
        Ratings.from_codes(np.zeros((2, 2)), categories=["a"])
    with pytest.raises(RatingsError, match="2-D"):
        Ratings.from_codes(np.zeros(3, dtype=int), categories=["a"])


def test_bad_cell_type_names_the_cell() -> None:
    with pytest.raises(RatingsError) as err:
        Ratings.from_table([["a", ["b"]]], raters=["r1", "r2"])
    assert "unit '1'" in str(err.value) and "rater 'r2'" in str(err.value)


def test_duplicate_categories_and_ids() -> None:
    with pytest.raises(RatingsError, match="declared twice"):
        Ratings.from_table([["a"]], categories=["a", "a"])
    with pytest.raises(RatingsError, match="given twice"):
        Ratings.from_table([["a", "b"]], raters=["x", "x"])


def test_bad_weights_and_options() -> None:
    ratings = Ratings.from_table([["a", "b"], ["b", "b"], ["a", "a"]])
    with pytest.raises(RatingsError, match="unknown weights"):
        cohen_kappa(ratings, weights="cubic")  # type: ignore[arg-type]
    with pytest.raises(RatingsError, match="2 x 2"):
        cohen_kappa(ratings, weights=np.eye(3))
    with pytest.raises(RatingsError, match="diagonal"):
        cohen_kappa(ratings, weights=np.zeros((2, 2)))
    with pytest.raises(RatingsError, match="unknown level"):
        krippendorff_alpha(ratings, level="cardinal")  # type: ignore[arg-type]
    with pytest.raises(RatingsError, match="confidence level"):
        fleiss_kappa(ratings, level=1.5)

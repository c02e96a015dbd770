"""Why a coefficient has no value for a table, in words a lead understands."""

from __future__ import annotations

from ontolabel.quality.agreement.ratings import Category

# 1 - chance agreement at or below this is a zero denominator: the coefficient is 0/0.
DENOMINATOR_EPS = 1e-12


def one_rater(n_raters: int) -> str:
    return (
        f"the table has {n_raters} rater{'s' if n_raters != 1 else ''}: agreement needs "
        "at least two raters"
    )


def not_two_raters(name: str, n_raters: int) -> str:
    return (
        f"{name} compares exactly two raters and this table has {n_raters}; use Fleiss' κ, "
        "Conger's κ, Gwet's AC1 or Krippendorff's α for more raters, or pick two raters "
        "with Ratings.subset"
    )


def no_pairable() -> str:
    return "no unit was rated by two raters, so there are no pairs of ratings to compare"


def one_unit() -> str:
    return (
        "only one unit was rated by two or more raters: agreement beyond chance cannot be "
        "estimated from a single unit"
    )


def no_variation(used: list[Category]) -> str:
    if not used:
        return no_pairable()
    if len(used) == 1:
        return (
            f"every rating is {used[0]!r}: with no variation, agreement expected by chance is "
            "total and the coefficient is 0/0 (undefined, not 0 or 1)"
        )
    return (
        "agreement expected by chance is total (every pair of the categories used counts as "
        "full agreement under these weights), so the coefficient is 0/0"
    )


def one_category(q: int) -> str:
    return (
        f"only {q} categor{'y is' if q == 1 else 'ies are'} declared: this coefficient's chance "
        "term needs at least two"
    )

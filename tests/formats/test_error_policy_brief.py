"""A reported problem stays readable however much of the file it quotes."""

from __future__ import annotations

from ontolabel.errors import Location, Violation
from ontolabel.formats import ErrorPolicy
from ontolabel.formats.base import MAX_ITEM, MAX_MESSAGE


def test_a_message_quoting_a_huge_value_keeps_its_head_and_its_reason() -> None:
    policy = ErrorPolicy("collect")
    token = "x" * 40_000_000
    policy.report(f"tag {token!r} is neither O nor B-/I-", Location(file="big.conll", line=2))
    (v,) = policy.violations
    assert len(v.message) <= MAX_MESSAGE
    assert v.message.startswith("tag 'xxx")
    assert v.message.endswith("xxx' is neither O nor B-/I-")
    assert "[39,999," in v.message  # says how much was left out
    assert (v.location.file, v.location.line) == ("big.conll", 2)


def test_short_messages_and_ids_are_kept_whole() -> None:
    policy = ErrorPolicy("collect")
    short = Violation("unknown class 'Car'", Location(file="f", line=1, item="a" * MAX_ITEM))
    policy.extend([short])
    assert policy.violations == [short]


def test_a_huge_item_id_is_cut_in_the_report() -> None:
    policy = ErrorPolicy()
    policy.report("the item id is too long", Location(file="f", line=3, item="i" * 600))
    (v,) = policy.violations
    assert v.message == "the item id is too long"
    assert v.location.item is not None and len(v.location.item) <= MAX_ITEM
    assert v.location.item.startswith("iii") and "characters]" in v.location.item

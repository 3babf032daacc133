"""The requirement kinds' status rules over Python values and their wording templates, stated
directly (the mutation score's survivors in ``evaluate/kinds``, docs/testing.md "Mutation
score"): the golden corpus reaches these through whole evaluations, where some branches (a
missing value, a template's pieces for the columnar engine) are never decisive."""

from __future__ import annotations

import datetime as dt

import pytest

from hezhang_rules.evaluate.kinds import VALUES, count, deadline, evidence, forbid, response
from hezhang_rules.evaluate.kinds.ops import Ops, status_of
from hezhang_rules.evaluate.kinds.words import Wording

D = dt.date
DUE = D(2021, 6, 30)


@pytest.mark.parametrize(
    ("done", "as_of", "status"),
    [
        (D(2021, 6, 1), D(2021, 6, 2), "fulfilled"),
        (DUE, D(2021, 7, 1), "fulfilled"),  # on the due date: on time
        (D(2021, 7, 1), D(2021, 7, 1), "fulfilled_late"),
        (None, DUE, "pending"),  # due today: still open
        (None, D(2021, 7, 1), "violated"),
    ],
)
def test_a_dated_duty_over_values(done: dt.date | None, as_of: dt.date, status: str) -> None:
    assert status_of(done, DUE, as_of) == status
    assert deadline.status(VALUES, done, DUE, as_of) == status
    assert response.status(VALUES, done, DUE, as_of) == status


def test_a_count_is_met_from_the_required_number_of_acts() -> None:
    as_of = D(2021, 7, 1)
    assert count.status(VALUES, 2, 2, D(2021, 3, 1), DUE, as_of) == "fulfilled"
    assert count.status(VALUES, 3, 2, D(2021, 3, 1), DUE, as_of) == "fulfilled"
    assert count.status(VALUES, 1, 2, None, DUE, as_of) == "violated"
    assert count.status(VALUES, 1, 2, None, DUE, DUE) == "pending"


def test_a_forbidden_act_is_a_breach_at_once() -> None:
    assert forbid.status(VALUES, 1, DUE, D(2021, 1, 5)) == "violated"
    assert forbid.status(VALUES, 0, DUE, DUE) == "pending"  # the period still runs
    assert forbid.status(VALUES, 0, DUE, D(2021, 7, 1)) == "fulfilled"


def test_a_record_is_judged_on_its_failed_conditions() -> None:
    assert evidence.status(VALUES, 0) == "fulfilled"
    assert evidence.status(VALUES, 1) == "violated"
    assert evidence.status(VALUES, 3) == "violated"


def test_a_comparison_with_a_missing_value_does_not_hold() -> None:
    """SQL's rule, the same in both interpreters (docs: ``kinds.ops``)."""
    for op in (VALUES.le, VALUES.gt, VALUES.ge):
        assert op(None, DUE) is False
        assert op(DUE, None) is False
        assert op(None, None) is False
    assert VALUES.le(DUE, DUE) and not VALUES.gt(DUE, DUE) and VALUES.ge(DUE, DUE)
    assert VALUES.gt(D(2021, 7, 1), DUE) and not VALUES.le(D(2021, 7, 1), DUE)
    assert VALUES.ge(D(2021, 7, 1), DUE) and not VALUES.ge(D(2021, 6, 29), DUE)
    assert VALUES.is_set(D(2021, 7, 1)) and VALUES.is_set(0) and not VALUES.is_set(None)
    assert VALUES.when(True, "a", "b") == "a" and VALUES.when(False, "a", "b") == "b"
    assert VALUES.lit("x") == "x"


def test_the_abstract_operations_name_no_interpretation() -> None:
    ops: Ops[object] = Ops()
    for call in (
        lambda: ops.lit(1),
        lambda: ops.when(1, 2, 3),
        lambda: ops.le(1, 2),
        lambda: ops.gt(1, 2),
        lambda: ops.ge(1, 2),
        lambda: ops.is_set(1),
    ):
        with pytest.raises(NotImplementedError):
            call()


def test_a_wording_is_filled_and_cut_into_pieces() -> None:
    w = Wording(zh="{a}至{b}共{n}次", en="{n} between {a} and {b}")
    assert w.fill(a=1, b=2, n=3) == ("1至2共3次", "3 between 1 and 2")
    assert w.parts("zh") == [("", "a"), ("至", "b"), ("共", "n"), ("次", None)]
    assert w.parts("en") == [("", "n"), (" between ", "a"), (" and ", "b"), ("", None)]
    assert Wording(zh="无", en="none").parts("en") == [("none", None)]


@pytest.mark.parametrize("text", ["{n:>3}", "{n!r}", "{0}", "{a.b}"])
def test_a_wording_takes_only_plain_named_fields(text: str) -> None:
    with pytest.raises(ValueError, match="plain"):
        Wording(zh="{n}", en=text)
    with pytest.raises(ValueError, match="plain"):
        Wording(zh=text, en="{n}")

"""A batch's quantity as the library checks it, whichever page or API sends it."""

from decimal import Decimal

import pytest

from marketplace.errors import ApplicationError
from traceability.batches.validation import quantity


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("-1"), "quantity_invalid"),
        (Decimal("NaN"), "quantity_invalid"),
        (Decimal("1e12") + 1, "quantity_too_large"),
        (Decimal("9" * 30), "quantity_too_large"),
    ],
)
def test_a_quantity_out_of_range_says_which_way(amount, code):
    with pytest.raises(ApplicationError) as refused:
        quantity(amount, "kg")
    assert [f.code for f in refused.value.fields] == [code]


def test_the_largest_quantity_is_kept_exactly():
    assert quantity(Decimal("1e12"), "kg") == ("1000000000000", "kg")

"""The facets of a kept order (graph.facets): positions by value, and filters as sorted-array set operations."""
import numpy as np
from hypothesis import given, strategies as st

from graph import facets as F

ORDER = ["a", "b", "c", "d", "e", "f"]


def test_positions_by_value_are_sorted_distinct_and_only_of_the_order():
    pairs = [("e", "good"), ("a", "good"), ("e", "good"), ("z", "good"), ("c", "poor")]
    got = F.positions_by_value(ORDER, pairs)
    assert {k: v.tolist() for k, v in got.items()} == {"good": [0, 4], "poor": [2]}
    assert all(v.dtype == np.uint32 for v in got.values())
    assert F.positions_by_value(ORDER, []) == {}


def test_narrow_keeps_the_span_and_every_having_and_drops_each_lacking():
    good, hmi = np.array([0, 2, 3, 5], dtype=np.uint32), np.array([2, 5], dtype=np.uint32)
    assert F.narrow((0, 6)).tolist() == [0, 1, 2, 3, 4, 5]
    assert F.narrow((1, 4)).tolist() == [1, 2, 3]
    assert F.narrow((0, 6), [good]).tolist() == [0, 2, 3, 5]
    assert F.narrow((0, 6), [good, hmi]).tolist() == [2, 5]
    assert F.narrow((0, 6), [good], [hmi]).tolist() == [0, 3]
    assert F.narrow((1, 5), lacking=[hmi]).tolist() == [1, 3, 4]
    assert F.narrow((3, 3), [good]).tolist() == []
    assert F.narrow((0, 6), [F.NONE]).tolist() == []


def test_union_is_sorted_and_distinct():
    assert F.union([np.array([3, 5], dtype=np.uint32), np.array([1, 3], dtype=np.uint32)]).tolist() == [1, 3, 5]
    assert F.union([]).tolist() == []


@given(st.integers(0, 40), st.integers(0, 40), st.lists(st.sets(st.integers(0, 39)), max_size=3),
       st.lists(st.sets(st.integers(0, 39)), max_size=2))
def test_narrow_is_the_set_arithmetic_it_stands_for(lo, hi, having, lacking):
    as_arrays = lambda sets: [np.array(sorted(s), dtype=np.uint32) for s in sets]  # noqa: E731
    expected = [n for n in range(lo, hi) if all(n in s for s in having) and not any(n in s for s in lacking)]
    assert F.narrow((lo, hi), as_arrays(having), as_arrays(lacking)).tolist() == expected

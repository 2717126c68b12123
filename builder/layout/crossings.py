"""Counting edge crossings between two adjacent layers, for the ordering search (:mod:`.ordering`)."""
from bisect import bisect_right

SMALL = 64


def count_inversions(ends, size) -> int:
    """How many pairs of `ends` (each in range(size)) are out of order, a larger one before a smaller:
    the crossings between two layers, with the edges listed by their upper end, left to right.

    Barth, Jünger and Mutzel's accumulator tree: each end is added at its leaf, and on the way up counts
    the ends already in the right sibling of every left child it passes; O(E log V). Up to SMALL places
    (most layers), a sorted list with bisection does the same at C speed.
    """
    if size <= SMALL:
        seen, total = [], 0  # the ends so far, sorted: few enough that inserting is a short move
        for end in ends:
            place = bisect_right(seen, end)
            total += len(seen) - place
            seen.insert(place, end)
        return total
    first = 1
    while first < size:
        first *= 2
    tree = [0] * (2 * first - 1)
    total, first = 0, first - 1
    for end in ends:
        index = end + first
        tree[index] += 1
        while index:
            if index & 1:  # a left child: the ends in its right sibling lie further right
                total += tree[index + 1]
            index = (index - 1) >> 1
            tree[index] += 1
    return total

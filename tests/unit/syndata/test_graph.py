"""Orders and cycles of dependency graphs (``syndata.graph``)."""

from __future__ import annotations

import itertools

import pytest

from syndata.graph import CycleError, find_cycle, stable_order


def test_stable_order_puts_dependencies_first_and_keeps_the_given_order_otherwise():
    nodes = ["orders", "customers", "regions", "notes"]
    depends_on = {"orders": ["customers"], "customers": ["regions"], "notes": []}
    assert stable_order(nodes, depends_on) == ["regions", "customers", "orders", "notes"]
    assert stable_order(["b", "a"], {}) == ["b", "a"]


def test_dependencies_outside_the_nodes_and_on_itself_are_ignored():
    assert stable_order(["a", "b"], {"a": ["a", "elsewhere"], "b": ["a"]}) == ["a", "b"]
    assert find_cycle(["a"], {"a": ["a"]}) == []


def test_a_cycle_is_named_each_node_depending_on_the_next():
    depends_on = {"a": ["b"], "b": ["c"], "c": ["a"], "d": []}
    cycle = find_cycle(["d", "a", "b", "c"], depends_on)
    assert cycle[0] == cycle[-1] and len(cycle) == 4
    for node, nxt in itertools.pairwise(cycle):
        assert nxt in depends_on[node]
    with pytest.raises(CycleError) as info:
        stable_order(["a", "b", "c"], depends_on)
    assert " -> " in str(info.value) and info.value.cycle[0] == info.value.cycle[-1]

"""Orders and cycles of dependency graphs (tables by foreign keys, columns by conditions).

One place, on the standard library's ``graphlib``: ``stable_order`` puts every node after
the nodes it depends on and otherwise keeps the given order (of a config's tables, say);
``find_cycle`` gives one cycle as ``a -> b -> ... -> a``, each node depending on the next.
"""

from __future__ import annotations

import graphlib
import heapq
from collections.abc import Iterable, Mapping, Sequence


class CycleError(ValueError):
    """The graph has a cycle; ``cycle`` lists it, each node depending on the next."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def _sorter(
    nodes: Sequence[str], depends_on: Mapping[str, Iterable[str]]
) -> graphlib.TopologicalSorter[str]:
    known = set(nodes)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for node in nodes:
        sorter.add(node, *(d for d in depends_on.get(node, ()) if d in known and d != node))
    return sorter


def find_cycle(nodes: Sequence[str], depends_on: Mapping[str, Iterable[str]]) -> list[str]:
    """One cycle (``[a, b, ..., a]``, each node depending on the next), or [] when none.

    Dependencies on nodes outside ``nodes`` and on the node itself are ignored.
    """
    try:
        _sorter(nodes, depends_on).prepare()
    except graphlib.CycleError as exc:
        return list(reversed(exc.args[1]))
    return []


def stable_order(nodes: Sequence[str], depends_on: Mapping[str, Iterable[str]]) -> list[str]:
    """``nodes`` with each one after those it depends on, else in the given order.

    At each step the earliest node of ``nodes`` whose dependencies are placed comes next.
    Dependencies on nodes outside ``nodes`` and on the node itself are ignored. Raises
    ``CycleError`` with one cycle when there is no such order.
    """
    sorter = _sorter(nodes, depends_on)
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        raise CycleError(list(reversed(exc.args[1]))) from None
    position = {node: i for i, node in enumerate(nodes)}
    ready = [(position[n], n) for n in sorter.get_ready()]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        out.append(node)
        sorter.done(node)
        for nxt in sorter.get_ready():
            heapq.heappush(ready, (position[nxt], nxt))
    return out

"""No import cycles between the modules of the four packages, module-level or deferred.

Every ``import`` is read from the source (inside functions too; ``if TYPE_CHECKING:``
blocks excepted, they never run), resolved to the module it loads, and the graph searched
for cycles. Importing one's own parent package is not an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

from syndata.graph import find_cycle

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("syndata", "app_api", "app_ui", "model_registry")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for n in ast.walk(node)}
    return skipped


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text())
        skipped = _type_checking_nodes(tree)
        targets: list[str] = []
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        resolved = {resolve(t) for t in targets}
        edges[module] = {
            r for r in resolved if r and r != module and not module.startswith(r + ".")
        }
    return edges


def test_the_scan_sees_the_imports():
    edges = _imports(_modules())
    assert "syndata.graph" in edges["syndata.config"]
    assert "syndata.cli.app" in edges["syndata.cli.generate"]
    assert "syndata.models.registry" in edges["syndata.models.hierarchical"]
    assert "syndata.privacy.guard" in edges["syndata.pipeline.fitting"]  # inside a function
    assert "syndata.model_store" in edges["model_registry.adapter"]


def test_no_module_imports_itself_through_others():
    modules = _modules()
    edges = _imports(modules)
    assert find_cycle(sorted(edges), edges) == []


def test_no_cycle_between_the_packages():
    edges = _imports(_modules())
    crossing: dict[str, set[str]] = {package: set() for package in PACKAGES}
    why: dict[tuple[str, str], list[str]] = {}
    for module, targets in edges.items():
        source = module.partition(".")[0]
        for target in targets:
            package = target.partition(".")[0]
            if package != source:
                crossing[source].add(package)
                why.setdefault((source, package), []).append(f"{module} -> {target}")
    mutual = sorted((a, b) for a, b in why if a < b and (b, a) in why)
    fewer = [min((a, b), (b, a), key=lambda pair: len(why[pair])) for a, b in mutual]
    found = [
        f"{up} -> {down} ({len(why[up, down])}: {', '.join(sorted(why[up, down])[:4])})"
        for up, down in fewer
    ]
    assert find_cycle(sorted(crossing), crossing) == [], "; ".join(found)

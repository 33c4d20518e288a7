"""The layout's rules, read from the source with `ast` (nothing is imported):

- the rooms of webapp/ (its packages: account, captcha, mail, oidc, register, signup, structures, web;
  and each flat module: auth, models, ...; __init__.py is the factory) import each other without a cycle;
- no module imports another module's private name (one starting with "_");
- no module imports the views of another package (structures' sub-packages are packages of their own);
- webapp/ holds at most 10 flat modules, and no module-level __getattr__ (a lazy-import shim).

Each test prints what it found, with the file and line of every import involved.
"""
import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


WEBAPP = Path(__file__).resolve().parents[1] / "webapp"
FACTORY = "webapp (the factory, __init__.py)"
MAX_FLAT_MODULES = 10


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module (or package), dotted
    names: tuple  # the names taken from it (`from target import a, b`); () for `import target`
    where: str  # file:line
    in_function: bool  # imported inside a function (read at call time) rather than at import time


def module_name(path):
    parts = path.relative_to(WEBAPP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(name):
    return (WEBAPP.parent / Path(*name.split(".")) / "__init__.py").is_file()


def is_module(name):
    return is_package(name) or (WEBAPP.parent / Path(*name.split("."))).with_suffix(".py").is_file()


def sources():
    """(dotted name, path, parsed tree) of every module under webapp/."""
    for path in sorted(WEBAPP.rglob("*.py")):
        yield module_name(path), path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports_of(name, path, tree):
    """Every import of a webapp module in the tree, absolute or relative, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(WEBAPP.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, (), where, id(node) in inside)
                      for alias in node.names if alias.name.split(".")[0] == "webapp"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from its package, one level up per extra dot
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "webapp":
                continue
            names = tuple(alias.name for alias in node.names)
            # `from webapp.x import y` where y is a module: the import is of webapp.x.y.
            submodules = [n for n in names if is_module(f"{target}.{n}")]
            for submodule in submodules:
                found.append(Import(name, f"{target}.{submodule}", (), where, id(node) in inside))
            rest = tuple(n for n in names if n not in submodules)
            if rest:
                found.append(Import(name, target, rest, where, id(node) in inside))
    return found


def all_imports():
    return [found for name, path, tree in sources() for found in imports_of(name, path, tree)]


def room(name):
    """The room of a module: webapp.structures.new.views -> "structures"; webapp.auth -> "auth"."""
    parts = name.split(".")
    return FACTORY if len(parts) == 1 else parts[1]


def strongly_connected(graph):
    """Tarjan's strongly connected components of {node: set(nodes)}."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def a_cycle(graph, members):
    """One cycle through the first member, staying inside the component (breadth-first: a shortest one)."""
    start, members = members[0], set(members)
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for other in sorted(graph[path[-1]] & members):
            if other == start:
                return path + [start]
            if other not in path:
                paths.append(path + [other])
    return [start]


def room_graph(imports):
    graph, edges = defaultdict(set), defaultdict(list)
    for found in imports:
        source, target = room(found.source), room(found.target)
        if source != target:
            graph[source].add(target)
            edges[source, target].append(found)
    return graph, edges


def describe(found):
    taken = f" ({', '.join(found.names)})" if found.names else ""
    late = "  [inside a function]" if found.in_function else ""
    return f"{found.where}: {found.source} imports {found.target}{taken}{late}"


def test_the_rooms_import_each_other_without_a_cycle():
    graph, edges = room_graph(all_imports())
    report = []
    for members in strongly_connected(graph):
        if len(members) < 2:
            continue
        cycle = a_cycle(graph, members)
        report.append(f"rooms in a cycle: {', '.join(members)}")
        report.append(f"  a shortest cycle: {' -> '.join(cycle)}")
        report.append("  every import from one of these rooms to another (each lies on a cycle):")
        for (source, target), found in sorted(edges.items()):
            if source in members and target in members:
                report.append(f"    {source} -> {target}:")
                report += [f"      {describe(i)}" for i in found]
    print("\n".join(report) or "no cycle between the rooms of webapp/")
    assert not report, "the rooms of webapp/ import each other in a cycle:\n" + "\n".join(report)


def test_no_module_imports_a_private_name_of_another():
    found = [f"{describe(i)}" for i in all_imports()
             if i.source != i.target and any(n.startswith("_") and not n.startswith("__") for n in i.names)]
    # `import webapp.x as m` then `m._name`: a private name reached through a module.
    for name, path, tree in sources():
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                aliases.update({alias.asname: alias.name for alias in node.names
                                if alias.asname and alias.name.startswith("webapp.")})
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("webapp"):
                aliases.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names
                                if is_module(f"{node.module}.{alias.name}")})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")
                    and aliases[node.value.id] != name):
                found.append(f"{path.relative_to(WEBAPP.parent)}:{node.lineno}: {name} uses "
                             f"{aliases[node.value.id]}.{node.attr}")
    print("\n".join(found) or "no private name crosses a module boundary")
    assert not found, "private names taken from another module:\n" + "\n".join(found)


def package_of(name):
    """The package a module belongs to (a package's __init__ belongs to the package itself)."""
    return name if is_package(name) else name.rpartition(".")[0]


def is_views(name):
    return "views" in name.rpartition(".")[2]


def test_no_package_imports_the_views_of_another():
    found = [describe(i) + f"  [views of {package_of(i.target)}, imported from {package_of(i.source)}]"
             for i in all_imports() if is_views(i.target) and package_of(i.target) != package_of(i.source)]
    print("\n".join(found) or "every views module is imported from its own package only")
    assert not found, "views imported from another package:\n" + "\n".join(found)


def test_webapp_holds_at_most_ten_flat_modules():
    flat = sorted(path.name for path in WEBAPP.glob("*.py"))
    print(f"{len(flat)} flat modules in webapp/: {', '.join(flat)}")
    assert len(flat) <= MAX_FLAT_MODULES, f"webapp/ holds {len(flat)} flat modules (at most {MAX_FLAT_MODULES}): {flat}"


def test_no_module_level_getattr():
    found = [f"{path.relative_to(WEBAPP.parent)}:{node.lineno}: {name} defines __getattr__"
             for name, path, tree in sources() for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__getattr__"]
    print("\n".join(found) or "no module-level __getattr__ in webapp/")
    assert not found, "module-level __getattr__ (an import shim):\n" + "\n".join(found)


# --- The tests' own layout (issue 10): helpers are shared, not copied ----------------------------------

TESTS = Path(__file__).resolve().parent
SHARED_HELPERS = (TESTS / "factories.py", TESTS / "e2e" / "steps.py")


def top_level_functions(path):
    """{name: line} of the functions defined at the top level of a module (fixtures included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.name: node.lineno for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_no_test_module_redefines_a_shared_helper():
    """A helper of tests/factories.py or tests/e2e/steps.py is imported, never copied under the same name
    (once there were three sign_in helpers, two make_account and four CSRF readers)."""
    shared = defaultdict(list)
    for path in SHARED_HELPERS:
        for name in top_level_functions(path):
            shared[name].append(str(path.relative_to(TESTS.parent)))
    found = []
    for path in sorted([*TESTS.glob("test_*.py"), *(TESTS / "e2e").glob("test_*.py")]):
        for name, line in sorted(top_level_functions(path).items(), key=lambda item: item[1]):
            if name in shared:
                found.append(f"{path.relative_to(TESTS.parent)}:{line}: defines {name}(), "
                             f"already in {', '.join(shared[name])}")
    print("\n".join(found) or "no test module redefines a helper of factories.py or steps.py")
    assert not found, ("test modules define their own copy of a shared helper (import it, or give a helper "
                       "that does something else another name):\n" + "\n".join(found))

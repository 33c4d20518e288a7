"""constraints.txt pins every package requirements.txt and requirements-dev.txt pull in, at the version
this environment runs (scripts/update-constraints rewrites it)."""
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def requirement_lines(path):
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            yield from requirement_lines(line[3:].strip())
        elif line:
            yield Requirement(line)


def pins():
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            found[canonicalize_name(name)] = version
    return found


def closure(requirements):
    """Every distribution these requirements need here, with its extras, markers evaluated."""
    seen, todo = {}, [(r, "") for r in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for dependency in metadata.requires(requirement.name) or []:
            dependency = Requirement(dependency)
            todo.extend((dependency, e) for e in (extras or {""}))
    return seen


def test_every_transitive_dependency_is_pinned_at_the_installed_version():
    pinned = pins()
    needed = closure(list(requirement_lines("requirements-dev.txt")))
    assert len(needed) > 40
    for name in needed:
        assert pinned.get(name) == metadata.version(name), f"{name}: run scripts/update-constraints"


def test_direct_pins_agree_with_the_constraints():
    pinned = pins()
    for requirement in requirement_lines("requirements-dev.txt"):
        [specifier] = requirement.specifier
        assert specifier.operator == "==" and pinned[canonicalize_name(requirement.name)] == specifier.version

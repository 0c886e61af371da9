"""TAP505: a module directory without a README."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.config import RuleOptions
from fixers.edits import new_file
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.module import Module
from fixers.rules._module_level import module_finding, module_prefix
from fixers.rules._readme import has_readme, render

RULE = Rule(
    id="TAP505",
    name="module-readme-missing",
    severity=Severity.LOW,
    why="Without a README a module's inputs and outputs are learnt by reading every file.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
    default=False,  # precision on public code: see its docs page
)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    # Every directory of Terraform is a module someone applies or calls, so every one gets a
    # README; whether it declares inputs or outputs must not decide it, or a fix that adds the
    # first variable would raise a new TAP505 finding and be rejected.
    if not module.blocks or has_readme(module.neighbours):
        return
    inputs = len(module.variables)
    outputs = len([b for b in module.of_type("output") if b.labels])
    path = module_prefix(module) + "README.md"
    where = "the module directory" if module.path == "." else module.path
    fix = None
    if not module.errors:
        # A file that does not parse would be missing from the tables.
        fix = Fix.safe(f"Add {path} with the inputs and outputs tables", new_file(path, render(module)))
    if inputs or outputs:
        detail = f"its {_count(inputs, 'input')} and {_count(outputs, 'output')} are documented nowhere but in the code"
    else:
        detail = "nothing tells a reader what it is for or how to apply it"
    finding = module_finding(
        RULE,
        module,
        f"{where} has no README.md: {detail}",
        resource=path,
        fix=fix,
    )
    if finding is not None:
        yield finding


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

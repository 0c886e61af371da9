"""What the rules about a whole module (TAP502, TAP505) and about what a module lacks share:
where a module-level finding points and how it is suppressed.

A leading underscore keeps this module out of rule discovery.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixers.findings import Finding, Fix, Rule
from fixers.hcl.source import SourceText
from fixers.model import Block
from fixers.module import Module
from fixers.suppress import suppressions_in

# The files a module is usually entered from, when it has no `terraform` block to point at.
_ENTRY_FILES = ("main.tf", "versions.tf", "providers.tf", "terraform.tf")


@dataclass
class Span:
    """A stretch of a file a finding can point at that is not a block (a file's first line)."""

    file: SourceText
    start: int
    end: int


def module_prefix(module: Module) -> str:
    """What paths of new files in the module start with (paths are relative to the scan root)."""
    return "" if module.path == "." else module.path + "/"


def parsed_sources(module: Module) -> list[SourceText]:
    return [p.source for _, p in sorted(module.files.items()) if p.tree is not None]


def first_line(source: SourceText) -> Span:
    return Span(source, 0, source.line_end(1))


def module_anchor(module: Module) -> Block | Span | None:
    """Where a finding about the whole module points: its `terraform` block, else the first line
    of main.tf (or versions.tf, providers.tf, terraform.tf), else of its first file."""
    for block in module.of_type("terraform"):
        return block
    sources = parsed_sources(module)
    if not sources:
        return None
    by_name = {s.path.rsplit("/", 1)[-1]: s for s in sources}
    return first_line(next((by_name[n] for n in _ENTRY_FILES if n in by_name), sources[0]))


def module_suppression(module: Module, rule_id: str) -> str | None:
    """The reason of a `tapfix:ignore <rule_id> <reason>` anywhere in the module: a finding about
    the whole module has no block of its own to carry the comment, so a comment that names the rule
    is a module-level comment wherever it is. `all` is not: on a block, it covers that block only
    (and the finding's own anchor, which the engine checks like any block)."""
    for source in parsed_sources(module):
        for s in suppressions_in(source):
            if s.reason and rule_id in s.rules:
                return s.reason
    return None


def module_finding(
    rule: Rule,
    module: Module,
    message: str,
    *,
    resource: str,
    fix: Fix | None = None,
    at: Block | Span | None = None,
) -> Finding | None:
    """One finding for the whole module, pointed at `at` or else `module_anchor`, suppressed by
    a comment naming the rule in any of its files."""
    anchor = at or module_anchor(module)
    if anchor is None:
        return None
    finding = rule.finding(anchor, message, resource=resource, fix=fix)
    reason = module_suppression(module, rule.id)
    if reason is not None:
        finding.suppressed = True
        finding.suppression_reason = reason
    return finding

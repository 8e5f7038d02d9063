"""A chain report as rich renderables: the verdict, the tree leaf -> root with
every check of every link, the alternatives and the openssl command line."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from tlsexplorer.core.chain.facts import describe, key_description, name_of
from tlsexplorer.core.chain.model import ChainReport, Finding
from tlsexplorer.core.chain.revocation_chain import revocation_verdict
from tlsexplorer.core.der import name_bytes
from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.timeutil import format_iso8601

if TYPE_CHECKING:
    from rich.table import Table

OK_MARK = "✔"
FAIL_MARK = "✘"
_ENCOUNTERED = re.compile(r"\s*\(encountered processing <Certificate\(.*\)>\)\s*$", re.DOTALL)


def role(report: ChainReport, index: int) -> str:
    """leaf, intermediate, root or trust anchor, for the certificate at ``index``."""
    last = len(report.chain) - 1
    if index == 0:
        return "leaf (trusted itself)" if report.trusted and last == 0 else "leaf"
    if index == last and report.trusted:
        return "trust anchor (from the bundle)" if index in report.bundle_anchors else "trust anchor"
    try:
        issuer, subject = name_bytes(report.chain[index])
    except InvalidInput:
        return "intermediate"
    return "self-signed, untrusted" if subject == issuer else "intermediate"


def _short_error(error: str) -> str:
    """The verifier's message without its trailing ``(encountered processing <Certificate(...)>)``.

    The certificate it names is the one marked in the tree; the Python repr only costs lines.
    """
    return _ENCOUNTERED.sub("", error)


def verdict_text(report: ChainReport, *, always_revocation: bool = False) -> Text:
    """The verifier's verdict and what was asked; then the revocation verdict when revocation was
    checked (or ``always_revocation``: "revocation not checked" otherwise)."""
    what = f"{report.purpose}"
    if report.host and report.purpose == "server":
        what += f" {report.host}"
    when = format_iso8601(report.at) if report.at is not None else ""
    if report.valid:
        text = Text(f"{OK_MARK} VALID", style="bold green")
        text.append(f"  the verifier accepts this chain for {what} at {when}", style="green")
    else:
        text = Text(f"{FAIL_MARK} NOT VALID", style="bold red")
        text.append(f"  for {what} at {when}", style="red")
        if report.error and not report.verifier_valid:  # a revoked or unknown status: said below
            text.append(f"\nverifier: {_short_error(report.error)}", style="red")
    if report.revocation_asked or always_revocation:
        text.append("\n")
        text.append_text(revocation_text(report))
    if not report.agrees:
        text.append(
            "\nThe checklist and the verifier disagree: this is a bug of tlsexplorer, please report it.",
            style="bold yellow",
        )
    return text


def revocation_text(report: ChainReport) -> Text:
    """The revocation verdict: ``valid, not revoked``, ``revoked on DATE (reason)``, ``valid,
    revocation not checked`` or why the status is unknown."""
    line = revocation_verdict(report)
    statuses = {check.status for check in report.revocation}
    if "revoked" in statuses:
        return Text(f"{FAIL_MARK} {line}", style="bold red")
    if not report.revocation_asked:
        return Text(line, style="dim")
    if "unknown" in statuses and " unknown: " in line:
        failing = not report.valid and report.verifier_valid
        return Text(f"{FAIL_MARK if failing else '?'} {line}", style="red" if failing else "yellow")
    return Text(f"{OK_MARK} {line}", style="green")


def anchor_text(report: ChainReport, origin: str | None) -> Text:
    """``anchor: <name>  from <where>``: the trust anchor the chain ends at (empty: it ends at none)."""
    if not report.trusted or not report.chain or origin is None:
        return Text()
    return Text.assemble(("anchor: ", "bold"), describe(report.chain[-1]), ("  from ", "dim"), origin)


def certificate_label(report: ChainReport, index: int) -> Text:
    """``[0] leaf  alice.example.net  ✔`` with the failure count when there are failures."""
    cert = report.chain[index]
    failures = [f for f in report.findings_for(index) if not f.ok]
    mark = Text(f"{FAIL_MARK} " if failures else f"{OK_MARK} ", style="red" if failures else "green")
    label = Text.assemble(
        mark,
        (f"[{index}] ", "dim"),
        (describe(cert), "bold"),
        (f"  {role(report, index)}", "cyan"),
        (f"  {key_description(cert)}", "dim"),
    )
    if failures:
        label.append(f"  {len(failures)} problem{'s' if len(failures) != 1 else ''}", style="red")
    return label


def tree_label(report: ChainReport, index: int) -> Text:
    """A short label for a tree node: mark, index, name and role."""
    failures = sum(1 for f in report.findings_for(index) if not f.ok)
    return Text.assemble(
        (f"{FAIL_MARK} " if failures else f"{OK_MARK} ", "red" if failures else "green"),
        (f"[{index}] ", "dim"),
        (describe(report.chain[index]), "bold"),
    )


def finding_text(finding: Finding) -> Text:
    """One check: mark, title, message and, on failure, the fix."""
    text = Text()
    text.append(f"{OK_MARK} " if finding.ok else f"{FAIL_MARK} ", style="green" if finding.ok else "bold red")
    text.append(finding.title, style="bold" if not finding.ok else "")
    text.append(": ")
    text.append(finding.message, style="" if finding.ok else "red")
    if finding.fix and not finding.ok:
        text.append("\n  fix: ", style="bold yellow")
        text.append(finding.fix, style="yellow")
    return text


def path_findings(report: ChainReport, path: int, index: int) -> tuple[Finding, ...]:
    """The findings of certificate ``index`` of path number ``path`` (0 is the chain shown)."""
    if path == 0 or path >= len(report.path_findings):
        return report.findings_for(index)
    return tuple(f for f in report.path_findings[path] if f.certificate == index)


def path_label(report: ChainReport, path: int, index: int, *, details: bool = False) -> Text:
    """The label of a certificate of any path: mark, index, name (and role, key, problems)."""
    paths = report.paths or (report.chain,)
    cert = paths[path][index]
    failures = sum(1 for f in path_findings(report, path, index) if not f.ok)
    label = Text.assemble(
        (f"{FAIL_MARK} " if failures else f"{OK_MARK} ", "red" if failures else "green"),
        (f"[{index}] ", "dim"),
        (describe(cert), "bold"),
    )
    if path > 0 and not details:
        label.append(f" (path {path + 1})", style="yellow")
    if details:
        if path == 0:
            label.append(f"  {role(report, index)}", style="cyan")
        label.append(f"  {key_description(cert)}", style="dim")
        if failures:
            label.append(f"  {failures} problem{'s' if failures != 1 else ''}", style="red")
    return label


def checklist_table(report: ChainReport, index: int) -> Table:
    """The checklist of one certificate as a table (check, result, explanation)."""
    return findings_table(report.findings_for(index))


def findings_table(findings: tuple[Finding, ...]) -> Table:
    """Findings as a table (mark, check, what was found and the fix)."""
    from rich.table import Table  # the CLI's tree does not use it: imported when a screen asks

    table = Table(expand=True, show_edge=False, pad_edge=False, box=None)
    table.add_column("", width=1, no_wrap=True)
    table.add_column("check", style="bold", width=20)
    table.add_column("what was found / how to fix", ratio=1)
    for finding in findings:
        mark = Text(OK_MARK, style="green") if finding.ok else Text(FAIL_MARK, style="bold red")
        body = Text(finding.message, style="" if finding.ok else "red")
        if finding.fix and not finding.ok:
            body.append("\nfix: ", style="bold yellow")
            body.append(finding.fix, style="yellow")
        table.add_row(mark, finding.title, body)
    return table


def chain_tree(report: ChainReport, *, details: bool = True) -> Tree:
    """The chain from leaf to root, each certificate nested under the one it vouches for."""
    tree = Tree(Text("chain, leaf → root", style="bold"), guide_style="dim")
    node = tree
    for index, cert in enumerate(report.chain):
        child = node.add(certificate_label(report, index))
        child.add(Text(f"subject {name_of(cert, 'subject')}", style="dim"))
        child.add(Text(f"issuer  {name_of(cert, 'issuer')}", style="dim"))
        if details:
            for finding in report.findings_for(index):
                child.add(finding_text(finding))
        node = child
    if report.missing is not None:
        missing = Text.assemble((f"{FAIL_MARK} missing issuer ", "bold red"), (report.missing.issuer, "red"))
        if report.missing.urls:
            missing.append(f"\n  download: {', '.join(report.missing.urls)}", style="yellow")
        missing.append(f"\n  fix: {report.missing.fix}", style="yellow")
        node.add(missing)
    return tree


def paths_text(report: ChainReport) -> Text | None:
    """The alternative paths, when the builder found more than one."""
    if len(report.paths) <= 1:
        return None
    text = Text(f"{len(report.paths)} paths found (the one shown first):\n", style="bold")
    for number, path in enumerate(report.paths, 1):
        text.append(f"  {number}. " + " → ".join(describe(c) for c in path) + "\n")
    text.rstrip()
    return text


def command_text(report: ChainReport, legend: str = "") -> Text:
    """The equivalent openssl command line, and what its file names stand for when they are not
    files on disk (``legend``)."""
    text = Text("openssl equivalent: ", style="bold")
    text.append(report.openssl_command, style="cyan")
    for command in report.revocation_commands:
        text.append("\n                    ")
        text.append(command, style="cyan")
    if legend:
        text.append(f"\n{legend}", style="dim")
    return text


def chain_report_view(report: ChainReport) -> RenderableType:
    """Everything: verdict, tree with the checklist of every link, alternatives, notes, command."""
    parts: list[RenderableType] = [verdict_text(report, always_revocation=True), chain_tree(report)]
    alternatives = paths_text(report)
    if alternatives is not None:
        parts.append(alternatives)
    for note in report.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    parts.append(command_text(report))
    return Group(*parts)


__all__ = [
    "FAIL_MARK",
    "OK_MARK",
    "certificate_label",
    "chain_report_view",
    "chain_tree",
    "checklist_table",
    "command_text",
    "finding_text",
    "findings_table",
    "path_findings",
    "path_label",
    "paths_text",
    "revocation_text",
    "role",
    "tree_label",
    "verdict_text",
]

"""Deriving a stage's overall outcome from the findings on each issue of the complaint."""

from __future__ import annotations

from collections.abc import Iterable

from domain.vocab import FINDINGS, Outcome


def derive_outcome(findings: Iterable[Outcome | str]) -> Outcome | None:
    """The overall outcome the domain README derives from per-issue findings.

    All upheld -> upheld; some upheld or partially upheld -> partially upheld; none upheld and at
    least one not upheld -> not upheld; all not determined -> not determined. None without findings.
    """
    found = [Outcome(f) for f in findings]
    for f in found:
        if f not in FINDINGS:
            raise ValueError(f"{f.value!r} is not a finding on an issue; use one of: "
                             + ", ".join(x.value for x in FINDINGS))
    if not found:
        return None
    if all(f is Outcome.UPHELD for f in found):
        return Outcome.UPHELD
    if any(f in (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD) for f in found):
        return Outcome.PARTIALLY_UPHELD
    if any(f is Outcome.NOT_UPHELD for f in found):
        return Outcome.NOT_UPHELD
    return Outcome.NOT_DETERMINED

"""The verdict on a privacy report: one check per measure, the worst check's outcome.

The thresholds and why they are what they are: see ``syndata.privacy.risk``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from syndata.privacy.metrics import DEFAULT_TOLERANCE

PASS, WARN, FAIL = "pass", "warn", "fail"
SKIPPED, INCONCLUSIVE = "skipped", "inconclusive"  # checks that do not change the verdict
_RANK = {PASS: 0, WARN: 1, FAIL: 2}

# thresholds of the verdict (see syndata.privacy.risk for the reasons)
COPY_TOLERANCE = DEFAULT_TOLERANCE  # copy rate: at most the holdout's + 0.01
DCR_SHARE_LOW, DCR_SHARE_HIGH = 0.45, 0.55  # pass band of share_closer_to_train
DCR_SHARE_FAIL = 0.60
RISK_WARN = 0.2
RISK_FAIL = 0.5
MIN_ATTACKS_TO_FAIL = 100  # fewer attacked rows (a small holdout) can warn but not fail


@dataclass
class Check:
    """One check of the verdict: what was checked, its outcome and why, in plain words."""

    part: str
    verdict: str
    reason: str


def copy_check(copies: dict[str, Any]) -> Check:
    """Fail when synthetic rows copy training rows more often than holdout rows do."""
    syn, hold = copies["synthetic_copy_rate"], copies["holdout_copy_rate"]
    tolerance = copies.get("tolerance", COPY_TOLERANCE)
    words = (
        f"{pct(syn)} of synthetic rows repeat a training row exactly, against "
        f"{pct(hold)} of held-out real rows (chance level)"
    )
    if syn > hold + tolerance:
        return Check("copies", FAIL, f"copies training rows: {words}")
    return Check("copies", PASS, f"no more exact copies than chance: {words}")


def dcr_check(dcr: dict[str, Any]) -> Check:
    """Judge ``share_closer_to_train``: fail above 0.60, warn outside 0.45-0.55."""
    share = dcr["share_closer_to_train"]
    words = (
        f"{pct(share, 0)} of synthetic rows are closer to a training row than to a "
        f"held-out row (50% expected)"
    )
    if share > DCR_SHARE_FAIL:
        return Check("dcr_share", FAIL, f"memorises its training rows: {words}")
    if share > DCR_SHARE_HIGH:
        return Check("dcr_share", WARN, f"leans towards its training rows: {words}")
    if share < DCR_SHARE_LOW:
        return Check(
            "dcr_share",
            WARN,
            f"closer to the held-out rows than expected: {words}; "
            "check that the holdout was not used for fitting",
        )
    return Check("dcr_share", PASS, f"no sign of memorisation: {words}")


def attack_check(attack: dict[str, Any]) -> Check:
    """Judge one attack's risk (see the module docstring's table).

    A risk reaches a level (``RISK_FAIL``, ``RISK_WARN``) when its estimate is above the
    level and its 95% interval's lower bound above half the level; failing also needs at
    least ``MIN_ATTACKS_TO_FAIL`` attacked rows (else it warns). A risk that reaches
    neither is ``pass`` when its estimate is at most ``RISK_WARN`` and its interval rules
    out ``RISK_FAIL``, else ``inconclusive``; an attack anonymeter could not run is
    ``skipped``. Inconclusive and skipped checks do not change the overall verdict.
    """
    name = attack["attack"]
    what = name.replace("_", " ").replace("inference:", "inference of ")
    if attack.get("error"):
        return Check(name, SKIPPED, f"{what} not measured: {attack['error']}")
    risk, (low, high) = attack["risk"], attack["ci"]
    words = f"{what} risk {risk:.2f} (95% CI {low:.2f}-{high:.2f})"
    if not attack.get("beats_baseline", True):
        words += ", but the attack did no better than random guessing"
    if risk > RISK_FAIL and low > RISK_FAIL / 2:
        attacked = attack.get("n_attacks", MIN_ATTACKS_TO_FAIL)
        if attacked >= MIN_ATTACKS_TO_FAIL:
            return Check(name, FAIL, f"high {words}")
        return Check(
            name,
            WARN,
            f"high {words}, but only {attacked} rows were attacked: too "
            f"few to fail on (at least {MIN_ATTACKS_TO_FAIL} are needed)",
        )
    if risk > RISK_WARN and low > RISK_WARN / 2:
        return Check(name, WARN, f"elevated {words}")
    if risk > RISK_WARN or high > RISK_FAIL:
        control = attack.get("control_rate")
        why = (
            f"the attack already guesses {pct(control, 0)} of held-out rows right, so "
            "little is left to measure"
            if control is not None and control > 0.8
            else "raise n_attacks to narrow it"
        )
        return Check(
            name, INCONCLUSIVE, f"uncertain {words}: the interval is too wide to tell; {why}"
        )
    return Check(name, PASS, f"low {words}")


def privacy_verdict(
    copies: dict[str, Any] | None, dcr: dict[str, Any] | None, attacks: dict[str, Any] | None
) -> tuple[str, list[Check]]:
    """The overall verdict (the worst check's) and every check behind it.

    Each part may be None (not run). Only pass, warn and fail checks count; without any,
    the verdict is ``inconclusive`` (some check was) or ``skipped``.
    """
    checks: list[Check] = []
    if copies is not None:
        checks.append(copy_check(copies))
    if dcr is not None:
        checks.append(dcr_check(dcr))
    if attacks is not None:
        checks.extend(attack_check(a) for a in attacks["attacks"])
    return worst(c.verdict for c in checks), checks


def worst(verdicts: Iterable[str]) -> str:
    """The worst of pass, warn and fail; else ``inconclusive`` (if one is) or ``skipped``."""
    seen = list(verdicts)
    counted = [v for v in seen if v in _RANK]
    if counted:
        return max(counted, key=_RANK.__getitem__)
    return INCONCLUSIVE if INCONCLUSIVE in seen else SKIPPED


def pct(value: float | None, digits: int = 1) -> str:
    """``value`` as a percentage, ``n/a`` when it is missing."""
    return "n/a" if value is None or math.isnan(value) else f"{100 * value:.{digits}f}%"

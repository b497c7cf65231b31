"""Suspected sepsis (Pathways/suspected-sepsis.yaml), checked on the simulator's event log.

Time zero is the first NEWS2 in the emergency department (the start of triage); high risk
(NEWS2 7 or more, or neutropenic) means antibiotics within 1 hour of it. The attainment the
simulator reports must be the one recomputed from the log, and low-risk patients never take the
high-risk route.
"""
from datetime import timedelta

import pytest

from journeys import simulate

PATHWAY = "suspected-sepsis.yaml"


@pytest.fixture(scope="module")
def log():
    return simulate(PATHWAY, patients=2000)


@pytest.mark.parametrize("target,step,hours", [
    ("high-risk-antibiotics", "antibiotics-high-risk", 1),
    ("moderate-risk-antibiotics", "antibiotics-moderate-risk", 3),
    ("low-risk-antibiotics", "antibiotics-low-risk", 6),
])
def test_attainment_from_time_zero_matches_the_report(log, target, step, hours):
    treated = [j for j in log if j.reached(step)]
    assert len(treated) > 100
    waits = [j.between("ed-triage", step, a_when="start", b_when="start") for j in treated]
    met = sum(w <= timedelta(hours=hours) for w in waits)
    reported = next(t for t in log.report["targets"] if t["id"] == target)
    assert reported["met"] == met and reported["measured"] == len(treated)
    assert reported["attainment"]["mean"] == pytest.approx(met / len(treated), abs=1e-6)


def test_high_risk_attainment_is_not_a_foregone_conclusion(log):
    reported = next(t for t in log.report["targets"] if t["id"] == "high-risk-antibiotics")
    assert 0.4 < reported["attainment"]["mean"] < 0.95


def test_time_zero_is_before_senior_review_and_antibiotics(log):
    for j in log:
        if j.reached("antibiotics-high-risk"):
            assert j.before("ed-triage", "senior-review-high-risk")
            assert j.before("sepsis-bloods-high-risk", "antibiotics-high-risk")  # cultures first


def test_low_risk_patients_never_take_the_high_risk_route():
    log = simulate(PATHWAY, [{"set": "attributes.news2.distribution", "value": "3"},
                             {"set": "attributes.neutropenic.probability", "value": 0}], patients=800)
    assert len(log) == 800
    for step in ("high-risk-recognised", "high-risk-bundle", "senior-review-high-risk", "antibiotics-high-risk",
                 "moderate-risk-review", "antibiotics-moderate-risk"):
        assert not any(j.reached(step) for j in log), step
    assert sum(j.reached("antibiotics-low-risk") for j in log) > 200


def test_neutropenic_patients_are_high_risk_whatever_their_news2():
    log = simulate(PATHWAY, [{"set": "attributes.news2.distribution", "value": "2"},
                             {"set": "attributes.neutropenic.probability", "value": 1}], patients=300)
    assert all(j.reached("antibiotics-high-risk") for j in log)

"""Suspected chronic heart failure (Pathways/chronic-heart-failure.yaml), checked on the event log.

- NG106 s1.2 / QS9 statement 2: NT-proBNP above 2,000 ng/L goes the urgent (2-week) route,
  400-2,000 the routine (6-week) route, below 400 is not referred for heart failure.
- NG106 (2025 update): preserved ejection fraction is treated with an SGLT2 inhibitor and an MRA;
  reduced ejection fraction with the four medicines.
- NG106 / QS9 statement 6: everyone diagnosed with heart failure is offered cardiac
  rehabilitation.
"""
from __future__ import annotations

import pytest

from journeys import simulate

PATHWAY = "chronic-heart-failure.yaml"
TREATMENTS = ("start-hfref-treatment", "start-hfmref-treatment", "start-hfpef-treatment")


@pytest.fixture(scope="module")
def log():
    return simulate(PATHWAY, patients=1500)


def test_every_journey_finishes(log):
    assert log.report["unfinished"] == 0
    assert len(log.finished()) == len(log)


def test_nt_probnp_decides_the_route(log):
    counts = {"urgent": 0, "routine": 0, "none": 0}
    for j in log:
        value = j.number("ntprobnp")
        urgent, routine = j.reached("urgent-referral"), j.reached("routine-referral")
        if value > 2000:
            assert urgent and not routine, (j.case, value)
            assert j.reached("urgent-slot-wait") and not j.reached("routine-slot-wait"), j.case
            counts["urgent"] += 1
        elif value >= 400:
            assert routine and not urgent, (j.case, value)
            assert j.reached("routine-slot-wait") and not j.reached("urgent-slot-wait"), j.case
            counts["routine"] += 1
        else:
            assert not urgent and not routine, (j.case, value)
            assert not j.reached("hf-specialist-review") and not j.reached("echocardiogram"), j.case
            assert j.reached("alternative-cause") and j.outcome() == "heart-failure-unlikely", j.case
            counts["none"] += 1
    assert all(n > 100 for n in counts.values()), counts


@pytest.mark.parametrize("value, route", [("2001", "urgent-referral"), ("2000", "routine-referral"),
                                          ("400", "routine-referral"), ("399", None)])
def test_one_patient_value_at_each_threshold(value, route):
    fixed = simulate(PATHWAY, changes=[{"set": "attributes.ntprobnp.distribution", "value": value}], patients=60)
    for j in fixed:
        assert j.number("ntprobnp") == float(value)
        reached = [s for s in ("urgent-referral", "routine-referral") if j.reached(s)]
        assert reached == ([route] if route else []), (value, j.case, reached)


def test_urgent_patients_are_seen_sooner_than_routine(log):
    def mean_days(step):
        waits = [j.between(step, "hf-specialist-review") for j in log.reaching(step)]
        return sum(w.total_seconds() for w in waits) / len(waits) / 86400
    assert mean_days("urgent-referral") + 7 < mean_days("routine-referral")


def test_treatment_follows_ejection_fraction(log):
    for j in log:
        lvef = j.number("lvef")
        started = [s for s in TREATMENTS if j.reached(s)]
        if j.reached("start-hfpef-treatment"):
            # Preserved EF: the SGLT2 inhibitor and MRA step, and only for EF 50% or above.
            assert lvef >= 50, (j.case, lvef)
            assert started == ["start-hfpef-treatment"], j.case
        if j.reached("hf-specialist-review") and lvef <= 40:
            assert started == ["start-hfref-treatment"], (j.case, lvef)
        if j.reached("hf-specialist-review") and 40 < lvef < 50:
            assert started == ["start-hfmref-treatment"], (j.case, lvef)
    assert len(log.reaching("start-hfpef-treatment")) > 50


def test_everyone_with_heart_failure_is_offered_cardiac_rehabilitation(log):
    treated = [j for j in log if any(j.reached(s) for s in TREATMENTS)]
    assert len(treated) > 200
    for j in treated:
        assert j.reached("cardiac-rehab-offer"), j.case
        assert j.before("community-hf-review", "cardiac-rehab-offer"), j.case
        assert j.before("cardiac-rehab-offer", "titration-review"), j.case
        if j.reached("rehab-programme"):
            assert j.before("rehab-assessment", "rehab-programme"), j.case
    accepted = sum(j.reached("rehab-programme") for j in treated)
    assert 0.3 * len(treated) < accepted < 0.7 * len(treated)
    # Nobody without heart failure is offered it.
    for j in log:
        if not any(j.reached(s) for s in TREATMENTS):
            assert not j.reached("cardiac-rehab-offer"), j.case

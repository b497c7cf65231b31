"""Frailty deteriorating at home: 2-hour urgent community response (UCR) and virtual ward.

Checks the clinically important routes of Pathways/frailty-urgent-community-response.yaml on
the simulator's event log: the UCR team sees every referral at home before anyone is admitted
to the virtual ward; patients who deteriorate on the virtual ward are conveyed to the acute
trust; the 2-hour clock starts when the UCR service accepts the referral and stops when the
face-to-face assessment at home starts; and every survivor's GP receives the CGA summary.
"""
from datetime import timedelta

import pytest

from journeys import simulate

PATHWAY = "frailty-urgent-community-response.yaml"
TWO_HOURS = timedelta(hours=2)


def need(value):
    """Give every patient one presenting need (one of the UCR conditions, grouped)."""
    return {"set": "attributes.presenting-need.values",
            "value": {v: (1 if v == value else 0) for v in
                      ["fall", "decompensation", "delirium", "reduced-function", "other"]}}


def source(value):
    """Give every patient one route into UCR (direct, gp, ambulance, nhs111)."""
    return {"set": "attributes.referral-source.values",
            "value": {v: (1 if v == value else 0) for v in ["direct", "gp", "ambulance", "nhs111"]}}


@pytest.fixture(scope="module")
def delirium_log():
    # Delirium is the need most often admitted to the virtual ward, so many patients use it.
    return simulate(PATHWAY, changes=[need("delirium")], patients=1500)


@pytest.fixture(scope="module")
def standard_log():
    return simulate(PATHWAY, patients=1500)


def test_every_virtual_ward_admission_follows_a_ucr_assessment_at_home(delirium_log):
    admitted = delirium_log.reaching("vw-admission-review")
    assert len(admitted) > 300, "delirium should often lead to the virtual ward"
    for j in admitted:
        assert j.reached("ucr-home-assessment"), j.case
        assert j.organisations("ucr-home-assessment") == {"community"}, j.case
        # UCR triage, then the home assessment, then the ward's admission review and ward care.
        assert j.before("ucr-triage", "ucr-home-assessment"), j.case
        assert j.before("ucr-home-assessment", "vw-admission-review"), j.case
        ward = "vw-care" if j.reached("vw-care") else "vw-care-until-deterioration"
        assert j.before("vw-admission-review", ward), j.case
    # Nobody reaches a ward bed without the admission review.
    for j in delirium_log:
        if j.reached("vw-care") or j.reached("vw-care-until-deterioration"):
            assert j.reached("vw-admission-review"), j.case


def test_deterioration_on_the_virtual_ward_means_conveyance_to_the_acute_trust(delirium_log):
    deteriorated = delirium_log.reaching("vw-care-until-deterioration")
    recovered = delirium_log.reaching("vw-care")
    assert deteriorated and recovered
    for j in deteriorated:
        # Senior review of the deterioration, 999, ambulance, then the acute trust: in that order.
        assert j.before("vw-care-until-deterioration", "vw-escalation"), j.case
        assert j.before("vw-escalation", "ambulance-conveyance"), j.case
        assert j.before("ambulance-conveyance", "acute-frailty-assessment"), j.case
        assert j.organisations("ambulance-conveyance") == {"ambulance"}, j.case
        assert j.organisations("acute-frailty-assessment") == {"acute"}, j.case
        # They leave the ward for hospital: no virtual ward discharge.
        assert not j.reached("vw-discharge"), j.case
    for j in recovered:
        # Patients who recover on the ward are discharged from it, never conveyed from it.
        assert j.reached("vw-discharge") and not j.reached("ambulance-conveyance"), j.case


def test_two_hour_clock_runs_from_referral_accepted_to_first_face_to_face_contact(standard_log):
    log = standard_log
    target = next(t for t in log.report["targets"] if t["id"] == "ucr-within-two-hours")
    waits = [j.between("ucr-triage", "ucr-home-assessment", "start", "start") for j in log]
    assert all(w is not None for w in waits)
    within = sum(w <= TWO_HOURS for w in waits)
    # The simulator's own count is exactly the referral-accepted → assessment-started clock.
    assert target["measured"] == len(waits)
    assert target["met"] == within
    # ... and neither the clock from the first call (GP, 111, 999) nor one stopping at the end
    # of the assessment, which would both count fewer within 2 hours.
    from_first_call = sum(j.first("ucr-home-assessment", "start") - j.events[0].time <= TWO_HOURS for j in log)
    to_completion = sum(j.between("ucr-triage", "ucr-home-assessment", "start", "complete") <= TWO_HOURS for j in log)
    assert from_first_call < within
    assert to_completion < within
    # Realistic, not perfect: above the 70% standard but short of everyone.
    assert 0.70 < within / len(waits) < 0.99


def test_referrals_made_while_the_hub_is_closed_start_their_clock_when_it_opens(standard_log):
    overnight = 0
    for j in standard_log:
        arrived = j.first("ucr-triage", "schedule")
        accepted = j.first("ucr-triage", "start")
        seen = j.first("ucr-home-assessment", "start")
        # The hub accepts 2-hour referrals 08:00-18:00; the team visits 08:00-20:00.
        assert 8 <= accepted.hour < 18, (j.case, accepted)
        assert 8 <= seen.hour < 20, (j.case, seen)
        if arrived.hour >= 18 or arrived.hour < 8:
            overnight += 1
            assert accepted - arrived > timedelta(0), j.case
    assert overnight > 100


def test_calls_through_111_are_on_the_clock_only_from_ucr_acceptance():
    log = simulate(PATHWAY, changes=[source("nhs111")], patients=600)
    for j in log:
        assert j.steps()[:3] == ["route-of-call", "nhs111-assessment", "ucr-triage"], j.case
        assert j.organisations("nhs111-assessment") == {"nhs111"}, j.case
        # The 111 call-back comes before the UCR clock starts.
        assert j.first("nhs111-assessment", "complete") <= j.first("ucr-triage", "start"), j.case


def test_every_survivor_goes_back_to_the_gp_with_the_cga_summary(standard_log):
    finished = standard_log.finished()
    assert len(finished) == len(standard_log), "every journey should finish"
    for j in finished:
        # Everyone is assessed by UCR at home first, whatever happens next.
        assert j.reached("ucr-home-assessment"), j.case
        if j.outcome() == "died-in-hospital":
            assert j.reached("acute-admission"), j.case
            continue
        assert j.outcome() == "home-with-gp-care", j.case
        assert j.steps()[-2:] == ["gp-review", "home-with-gp-care"], j.case
        assert j.organisations("gp-review") == {"gp"}, j.case
        assert j.before("ucr-home-assessment", "gp-review"), j.case


def test_falls_are_conveyed_less_often_than_delirium(delirium_log):
    falls = simulate(PATHWAY, changes=[need("fall")], patients=1500)
    conveyed_falls = len(falls.reaching("ucr-arrange-conveyance")) / len(falls)
    conveyed_delirium = len(delirium_log.reaching("ucr-arrange-conveyance")) / len(delirium_log)
    assert conveyed_falls < conveyed_delirium
    # Most falls without serious injury stay at home with UCR care.
    assert len(falls.reaching("ucr-short-term-care")) / len(falls) > 0.7

"""Clinically important routes of Pathways/elective-hip-replacement.yaml, checked on the simulator's event log.

RTT rules (rules suite October 2022, Rule 1; NHS Data Dictionary "Referral To Treatment Period"):
the GP's referral to the MSK interface service starts clock 1; the exercise programme the
interface starts is first definitive treatment and stops it; a physiotherapist's later referral
to the hip surgeon is a new referral to a consultant-led service and starts clock 2 when the
orthopaedic service receives it. Every hip replacement follows listing and pre-operative
assessment, and a high HbA1c (JBDS-IP: aim below 69 mmol/mol) means optimisation first.
"""
from datetime import datetime, timedelta

from journeys import simulate

PATHWAY = "elective-hip-replacement.yaml"
WEEKS_18 = timedelta(weeks=18)
CLOCK_1_STOPS = ("physio-programme", "total-hip-replacement", "not-for-surgery")
CLOCK_2_STOPS = ("total-hip-replacement", "not-for-surgery")


def first_stop(journey, steps):
    times = [journey.first(step, "start") for step in steps if journey.reached(step)]
    return min(times) if times else None


def target(log, target_id):
    return next(t for t in log.report["targets"] if t["id"] == target_id)


def test_referral_on_after_physiotherapy_starts_a_new_clock_at_the_surgeons_service():
    log = simulate(PATHWAY, patients=1500)
    referred_on = [j for j in log if j.reached("ortho-rereferral-received")]
    assert len(referred_on) > 50
    met = 0
    for j in referred_on:
        # They had the exercise programme (clock 1 stopped there), then were referred on.
        assert j.before("physio-programme", "physio-refers-on")
        assert j.before("physio-refers-on", "ortho-rereferral-received")
        assert not j.reached("refer-orthopaedics")
        start = j.first("ortho-rereferral-received", "schedule")
        stop = first_stop(j, CLOCK_2_STOPS)
        assert stop is not None and stop >= start
        met += stop - start <= WEEKS_18
    # The report's clock 2 is exactly the wait from the surgeon's service receiving the
    # physiotherapist's referral: same patients, same number within 18 weeks.
    clock2 = target(log, "rtt-after-physiotherapy")
    assert clock2["measured"] == len(referred_on)
    assert clock2["met"] == met
    # ... and it is not the wait from the GP's referral: measured from MSK triage, fewer would
    # be within 18 weeks (the 6-week programme alone uses a third of it).
    from_triage = sum(first_stop(j, CLOCK_2_STOPS) - j.first("msk-triage", "schedule") <= WEEKS_18 for j in referred_on)
    assert from_triage < met


def test_clock_1_runs_from_the_interface_referral_to_the_first_treatment_or_decision():
    log = simulate(PATHWAY, patients=1500)
    measured = met = 0
    for j in log:
        if j.reached("msk-triage"):
            start = j.first("msk-triage", "schedule")
        elif j.attribute("waiting_since"):  # backlog patients: already on clock 1
            start = datetime.strptime(j.attribute("waiting_since"), "%Y-%m-%dT%H:%M:%S.%fZ")
            assert j.reached("ortho-referral-received") and not j.reached("ortho-rereferral-received")
        else:
            continue
        stop = first_stop(j, CLOCK_1_STOPS)
        assert stop is not None
        measured += 1
        met += stop - start <= WEEKS_18
        # A patient who had the exercise programme had clock 1 stopped there, even if the
        # surgeon operates later.
        if j.reached("physio-programme"):
            assert stop == j.first("physio-programme", "start")
    clock1 = target(log, "referral-to-treatment")
    assert clock1["measured"] == measured
    assert clock1["met"] == met
    assert 0 < met < measured  # the backlog breaches: the check can fail either way


def test_every_hip_replacement_follows_listing_and_pre_operative_assessment():
    log = simulate(PATHWAY, patients=1200)
    operated = log.reaching("total-hip-replacement")
    assert len(operated) > 300
    for j in operated:
        assert j.before("hip-clinic", "list-for-surgery")
        assert j.before("list-for-surgery", "pre-op-assessment")
        # The assessment is complete before the operation starts.
        assert j.first("pre-op-assessment", "complete") <= j.first("total-hip-replacement", "start")
    # Nobody reaches theatre without the pre-operative assessment (never skipped).
    assert all(j.reached("pre-op-assessment") for j in operated)


def test_hba1c_above_69_means_optimisation_before_surgery_and_not_at_or_below():
    no_backlog = [{"remove": "backlog"}]  # faster; the backlog's HbA1c is drawn the same way
    high = simulate(PATHWAY, no_backlog + [{"set": "attributes.hba1c.distribution", "value": "75"}], patients=600)
    operated = high.reaching("total-hip-replacement")
    assert len(operated) > 100
    assert all(j.reached("optimisation") and j.before("optimisation", "total-hip-replacement") for j in operated)
    at_limit = simulate(PATHWAY, no_backlog + [{"set": "attributes.hba1c.distribution", "value": "69"}], patients=600)
    assert at_limit.reaching("total-hip-replacement")
    assert not any(j.reached("optimisation") for j in at_limit)

"""Clinically important routes of Pathways/acute-stroke.yaml, checked on the simulator's event log.

- A patient arriving 8 hours after onset with a large vessel occlusion and perfusion imaging
  showing salvageable brain reaches thrombectomy (NICE NG128 1.4.6, up to 24 hours), after CT
  perfusion; without salvageable tissue they never do.
- Nobody is thrombolysed outside the 4.5-hour window (TA264 1.1, TA990 1.1).
- Every thrombectomy is done at the neuroscience centre after a referral and transfer.
"""
from datetime import timedelta

from journeys import simulate

PATHWAY = "acute-stroke.yaml"
LYSIS = ("tenecteplase", "alteplase")


def _late_lvo(salvageable: bool) -> list[dict]:
    return [
        {"set": "attributes.onset.distribution", "value": "8"},
        {"set": "attributes.diagnosis.values", "value": {"ischaemic": 1.0, "haemorrhagic": 0.0, "mimic": 0.0}},
        {"set": "attributes.lvo.probability", "value": 1.0},
        {"set": "attributes.thrombectomy-suitable.probability", "value": 1.0},
        {"set": "attributes.lysis-eligible.probability", "value": 1.0},
        {"set": "attributes.salvageable.probability", "value": 1.0 if salvageable else 0.0},
    ]


def test_late_presenter_with_salvageable_brain_reaches_thrombectomy_after_perfusion():
    log = simulate(PATHWAY, _late_lvo(True), patients=150)
    assert len(log) >= 150
    for j in log:
        assert j.number("onset") == 8
        assert j.reached("mechanical-thrombectomy"), j.steps()
        assert j.before("ct-perfusion", "thrombectomy-referral"), j.steps()
        # 8 hours after onset is outside the thrombolysis window.
        assert not any(j.reached(step) for step in LYSIS), j.steps()


def test_late_presenter_without_salvageable_brain_gets_no_thrombectomy():
    log = simulate(PATHWAY, _late_lvo(False), patients=150)
    for j in log:
        assert j.reached("ct-perfusion"), j.steps()
        assert not j.reached("thrombectomy-referral"), j.steps()
        assert not j.reached("mechanical-thrombectomy"), j.steps()
        assert j.reached("stroke-unit-admission"), j.steps()


def test_no_thrombolysis_outside_the_window():
    log = simulate(PATHWAY, patients=1500)
    treated = [j for j in log if any(j.reached(step) for step in LYSIS)]
    assert len(treated) >= 50  # the route is exercised
    late_needles = 0
    for j in treated:
        needle = min(t for t in (j.first(step, "start") for step in LYSIS) if t is not None)
        door = j.first("ed-arrival", "schedule")
        onset_to_needle = timedelta(hours=j.number("onset")) + (needle - door)
        assert j.attribute("diagnosis") == "ischaemic"
        assert j.number("onset") <= 3  # the decision's limit: 90 minutes left for door to needle
        late_needles += onset_to_needle > timedelta(hours=4.5)
        assert j.before("brain-imaging", "treatment-decision")  # haemorrhage excluded first
    # A decision cannot read the time already spent in the hospital, so a patient held up for
    # more than 90 minutes would still be treated; this must stay rare (see the pathway notes).
    assert late_needles <= 0.01 * len(treated), late_needles
    # Arriving 5 hours after onset: nobody is thrombolysed, whatever else is true.
    late = simulate(PATHWAY, [{"set": "attributes.onset.distribution", "value": "5"},
                              {"set": "attributes.lysis-eligible.probability", "value": 1.0}], patients=300)
    assert not any(j.reached(step) for j in late for step in LYSIS)


def test_thrombectomy_candidates_are_transferred_to_the_neuroscience_centre():
    log = simulate(PATHWAY, patients=1500)
    done = log.reaching("mechanical-thrombectomy")
    assert len(done) >= 20
    for j in done:
        assert j.before("thrombectomy-referral", "mechanical-thrombectomy")
        assert j.organisations("thrombectomy-referral") == {"acute"}
        assert j.organisations("mechanical-thrombectomy") == {"neuroscience"}
        # The inter-hospital transfer takes at least 30 minutes (the handoff's minimum delay).
        transfer = j.between("thrombectomy-referral", "mechanical-thrombectomy", "complete", "start")
        assert transfer >= timedelta(minutes=30)
        assert j.attribute("diagnosis") == "ischaemic" and j.flag("lvo")
        # Beyond the early window only perfusion-selected patients go (NG128 1.4.6).
        if j.number("onset") > 4:
            assert j.flag("salvageable") and j.reached("ct-perfusion")
        assert j.number("onset") <= 22

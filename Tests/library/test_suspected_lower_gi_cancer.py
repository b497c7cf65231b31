"""Clinically important routes of Pathways/suspected-lower-gi-cancer.yaml, checked on the simulator's event log.

A rectal or anal mass is referred without waiting for FIT (DG56 1.1; NHS England 2022); FIT of
at least 10 is referred (DG56 1.2); FIT below 10 gets safety-netting, not discharge (DG56 1.4;
BSG/ACPGBI 2022); a lesion suspicious on CT colonography is biopsied before any cancer
diagnosis, and some turn out not to be cancer.
"""
from journeys import simulate

PATHWAY = "suspected-lower-gi-cancer.yaml"


def people(fit, mass, age=None):
    changes = [
        {"set": "attributes.fit.distribution", "value": str(fit)},
        {"set": "attributes.mass.probability", "value": 1 if mass else 0},
    ]
    if age is not None:
        changes.append({"set": "attributes.age.distribution", "value": str(age)})
    return changes


def test_rectal_mass_is_referred_without_fit():
    log = simulate(PATHWAY, people(fit=2, mass=True), patients=300)
    assert len(log) == 300
    for j in log:
        assert j.reached("urgent-referral") and j.reached("telephone-triage")
        assert not j.reached("issue-fit-kit") and not j.reached("fit-analysis")
        assert not j.reached("safety-net-advice")


def test_fit_of_10_or_more_is_referred():
    log = simulate(PATHWAY, people(fit=10, mass=False), patients=300)
    for j in log:
        assert j.before("fit-analysis", "urgent-referral")
        assert not j.reached("safety-net-advice")


def test_fit_below_10_without_a_mass_gets_safety_netting_not_discharge():
    log = simulate(PATHWAY, people(fit=9.9, mass=False), patients=600)
    assert len(log.finished()) == 600
    outcomes = set()
    for j in log:
        # Any later urgent referral comes only after the safety-net review (clinical concern).
        if j.reached("urgent-referral"):
            assert j.before("safety-net-review", "urgent-referral")
        # Everyone is given safety-net advice and reviewed before leaving the pathway.
        assert j.reached("safety-net-advice") and j.reached("safety-net-review")
        assert j.before("safety-net-advice", "safety-net-review")
        review = j.first("safety-net-review", "start")
        advice = j.first("safety-net-advice", "start")
        assert (review - advice).days >= 28
        outcomes.add(j.outcome())
    # Persisting symptoms lead to a referral, so not everyone is simply discharged.
    assert "referred-routine" in outcomes and "managed-in-primary-care" in outcomes


def test_suspicious_ct_colonography_is_biopsied_before_a_cancer_diagnosis():
    changes = people(fit=50, mass=False, age=85) + [
        {"set": "steps.test-choice.branches.ctc-request.probability", "value": 1},
        {"set": "steps.ctc-result.branches.endoscopic-biopsy.probability", "value": 0.5},
    ]
    log = simulate(PATHWAY, changes, patients=400)
    ctc = [j for j in log if j.reached("ct-colonography")]
    assert len(ctc) == 400
    suspicious = [j for j in ctc if j.reached("endoscopic-biopsy")]
    assert len(suspicious) > 100
    diagnosed = [j for j in ctc if j.reached("diagnosis-told")]
    assert diagnosed
    for j in diagnosed:
        assert j.before("ct-colonography", "endoscopic-biopsy")
        assert j.before("endoscopic-biopsy", "colorectal-mdt")
        assert j.before("endoscopic-biopsy", "diagnosis-told")
    # Some suspicious lesions are not cancer: biopsied, then told cancer is ruled out.
    assert any(j.reached("endoscopic-biopsy") and j.outcome() == "ruled-out" for j in suspicious)


def test_palliative_care_is_delivered_by_the_hospice_team():
    log = simulate(PATHWAY, people(fit=200, mass=True), patients=400)
    bsc = [j for j in log if j.reached("best-supportive-care")]
    assert bsc
    assert all(j.organisations("best-supportive-care") == {"hospice"} for j in bsc)
    # Neoadjuvant chemoradiotherapy starts on the linear accelerator, not in a clinic.
    crt = [j for j in log if j.reached("neoadjuvant-chemoradiotherapy")]
    assert crt
    for j in crt:
        assert {e.resource for e in j.events if e.step == "neoadjuvant-chemoradiotherapy" and e.lifecycle == "start"} == {"linac"}

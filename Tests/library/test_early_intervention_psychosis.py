"""Clinically important routes of Pathways/early-intervention-psychosis.yaml, checked on the simulator's event log.

NICE CG178 / CG155: baseline physical health investigations before an antipsychotic is started.
NHS England EIP access and waiting time standard: the 2-week clock runs from the trust receiving
the referral until the person is accepted, allocated a care coordinator and starts a
NICE-recommended package (assessment alone does not stop it). People at high risk (at-risk
mental state) are offered CBT and no antipsychotic.
"""
from datetime import timedelta

from journeys import simulate

PATHWAY = "early-intervention-psychosis.yaml"
TWO_WEEKS = timedelta(weeks=2)


def presentation(value):
    values = {"fep": 0, "arms": 0, "other": 0}
    values[value] = 1
    return [{"set": "attributes.presentation.values", "value": values}]


def test_no_antipsychotic_starts_before_the_baseline_physical_health_check_is_complete():
    log = simulate(PATHWAY, presentation("fep"), patients=400)
    treated = log.reaching("medication-start")
    assert len(treated) == len(log.finished()) == 400
    for j in treated:
        checked = j.first("physical-health", "complete")
        assert checked is not None
        # The check is finished (and its results back: result_after) before the psychiatrist
        # starts the antipsychotic; and both come after the package has started.
        assert checked <= j.first("medication-start", "start")
        assert j.before("start-eip-package", "physical-health")
    # Psychological therapy runs alongside: some people start it before their medication,
    # so the order above is the model's rule, not an accident of timing.
    assert any(j.before("psychological-therapy", "medication-start") for j in treated)


def test_the_two_week_clock_stops_when_the_care_coordinator_starts_the_package():
    log = simulate(PATHWAY, patients=600)
    fep = [j for j in log if j.reached("start-eip-package")]
    assert len(fep) > 200
    met = 0
    for j in fep:
        assert j.attribute("presentation") == "fep"
        # Accepted after assessment; the package start comes before any intervention.
        assert j.before("eip-assessment", "start-eip-package")
        for step in ("physical-health", "medication-start", "psychological-therapy"):
            assert j.before("start-eip-package", step)
        waited = j.between("spa-triage", "start-eip-package")  # referral received -> package starts
        met += waited <= TWO_WEEKS
    report = next(t for t in log.report["targets"] if t["id"] == "eip-two-weeks")
    assert report["measured"] == len(fep)
    assert report["met"] == met
    # Stopping at the assessment instead would flatter the figure: the standard's clock does not.
    at_assessment = sum(j.between("spa-triage", "eip-assessment") <= TWO_WEEKS for j in fep)
    assert at_assessment > met
    assert 0 < met < len(fep)


def test_at_risk_mental_state_gets_cbt_and_no_antipsychotic_and_no_eip_clock_stop():
    log = simulate(PATHWAY, presentation("arms"), patients=300)
    assert len(log.finished()) == 300
    for j in log:
        assert j.reached("arms-cbt")
        assert not j.reached("medication-start")
        assert not j.reached("start-eip-package")
        assert j.outcome() == "arms-monitoring"

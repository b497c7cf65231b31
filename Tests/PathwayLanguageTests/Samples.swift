/// Pathway texts shared by the tests.
enum Samples {
    /// A small valid pathway that uses most of the language.
    static let valid = """
    carepath: 1
    id: sample
    title: Sample pathway
    version: "2024.1"
    status: active
    sources:
      - { title: NICE NG12, url: "https://www.nice.org.uk/guidance/ng12", publisher: NICE }
    organisations:
      gp: { name: GP practice, type: primary-care }
      acute: { name: Acute trust, type: acute }
      community: { name: Community services, type: community }
    resources:
      ct: { name: CT scanner, organisation: acute, capacity: 2, calendar: "weekdays 08:00-18:00", priority: urgent }
      clinic: { organisation: acute, capacity: 3, calendar: "mon,wed 09:00-13:00; fri 13:00-17:00" }
    attributes:
      age: { type: integer, distribution: "normal(mean: 71, sd: 9)", min: 18, max: 100, unit: years }
      smoker: { type: boolean, probability: 0.45 }
      urgent: { type: boolean, probability: 10% }
      risk: { type: category, values: { low: 0.6, high: 0.4 } }
    data:
      ct-report: { type: DiagnosticReport }
    arrivals: { rate: 35 per week }
    targets:
      fds: { title: Faster diagnosis, from: referral, to: [told, discharged], within: 28 days, standard: 75% }
    start: referral
    steps:
      referral:
        kind: referral
        title: Urgent referral
        organisation: gp
        duration: 1 day
        produces: [referral-letter]
        next: tests
        handoff: { delay: "uniform(min: 1 day, max: 3 days)", sends: [referral-letter], via: e-RS }
      tests:
        kind: parallel
        organisation: acute
        paths: [ct-scan, bloods]
        join: result
      ct-scan:
        kind: test
        organisation: acute
        resource: ct
        duration: lognormal(mean=20 min, sd=5 min)
        result_after: "triangular(min: 1 day, mode: 2 days, max: 4 days)"
        requires: [referral-letter]
        produces: [{ name: ct-report, type: DiagnosticReport }]
        next: result
      bloods:
        kind: test
        organisation: acute
        duration: "empirical(10 min: 0.5, 20 min: 0.5)"
        produces: [blood-results]
        next: result
      result:
        kind: decision
        branches:
          - { to: mdt, when: "age >= 40 and smoker", label: suspicious }
          - { to: mdt, when: "risk == high", probability: 0.5 }
          - { to: told, probability: 0.3 }
          - { to: discharged, otherwise: true }
      mdt:
        kind: meeting
        organisation: acute
        every: 7 days
        duration: 15 min
        requires: [ct-report, blood-results]
        produces: [mdt-outcome]
        next: told
      told:
        kind: assessment
        organisation: acute
        resource: clinic
        duration: "gamma(shape: 2, scale: 10 min)"
        next: rehab
        handoff: { delay: 2 days, sends: [ct-report] }
      rehab:
        kind: wait
        organisation: community
        duration: "exponential(mean: 2 weeks)"
        requires: [ct-report]
        next: done
      done: { kind: end, outcome: treated }
      discharged: { kind: end, outcome: discharged-to-gp }
    """
}

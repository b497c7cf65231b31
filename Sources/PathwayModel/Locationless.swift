extension Pathway {
    /// The same pathway with every source position cleared: two pathways that say the same
    /// thing compare equal this way even when laid out differently in their files.
    public func strippingLocations() -> Pathway {
        var p = self
        p.location = .unknown
        p.fieldLocations = [:]
        p.sources = p.sources.map { var s = $0; s.location = .unknown; return s }
        p.organisations = p.organisations.map { var o = $0; o.location = .unknown; return o }
        p.resources = p.resources.map { var r = $0; r.location = .unknown; r.fieldLocations = [:]; return r }
        p.attributes = p.attributes.map { var a = $0; a.location = .unknown; return a }
        p.dataItems = p.dataItems.map { var d = $0; d.location = .unknown; return d }
        p.targets = p.targets.map { var t = $0; t.location = .unknown; t.fieldLocations = [:]; return t }
        p.backlog = p.backlog.map { var b = $0; b.location = .unknown; b.fieldLocations = [:]; return b }
        p.editLocations = [:]
        p.deviations = p.deviations.map { d in
            var d = d
            d.location = .unknown
            d.evidence = d.evidence.map { var e = $0; e.location = .unknown; return e }
            return d
        }
        p.steps = p.steps.map { step in
            var s = step
            s.location = .unknown
            s.fieldLocations = [:]
            s.requires = s.requires.map { var d = $0; d.location = .unknown; return d }
            s.produces = s.produces.map { var d = $0; d.location = .unknown; return d }
            s.branches = s.branches.map { branch in
                var b = branch
                b.location = .unknown
                b.fieldLocations = [:]
                if var c = b.when {
                    c.location = .unknown
                    b.when = c
                }
                return b
            }
            if var h = s.handoff {
                h.location = .unknown
                h.fieldLocations = [:]
                s.handoff = h
            }
            return s
        }
        p.subpathways = p.subpathways.mapValues { $0.strippingLocations() }
        return p
    }
}

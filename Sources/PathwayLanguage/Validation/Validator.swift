import PathwayModel

/// The checks run on a built pathway: references, graph shape, values, conditions and data flow.
/// Each pass returns diagnostics as values; none stops the others.
public enum Validator {
    /// Every check, in a stable order.
    public static func validate(_ pathway: Pathway) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let references = ReferenceCheck.run(pathway)
        diagnostics += references
        // Reachability and loops are consequences of broken references: check them once those are fixed.
        if !references.hasErrors {
            diagnostics += GraphCheck.run(pathway)
            diagnostics += BacklogCheck.run(pathway)
        }
        diagnostics += BranchCheck.run(pathway)
        // Routes through a step that does not exist (a misspelt `next` or `join`) are not the
        // routes the author meant: data that "never arrives" on them follows from that one
        // mistake, so the route analysis waits until the references are fixed.
        diagnostics += DataFlowCheck.run(pathway, followRoutes: !references.hasErrors)
        return diagnostics
    }
}

/// "did you mean" text for an unknown name.
func didYouMean(_ name: String, in candidates: [String]) -> (String, String?) {
    guard let hint = closestMatch(to: name, in: candidates) else { return ("", nil) }
    return (" — did you mean '\(hint)'?", hint)
}

/// Every name that should refer to something declared does.
enum ReferenceCheck {
    static func run(_ p: Pathway) -> [Diagnostic] {
        var d: [Diagnostic] = []
        let stepIDs = p.steps.map(\.id)
        let stepSet = Set(stepIDs)
        let orgIDs = p.organisations.map(\.id)
        let resourceIDs = p.resources.map(\.id)
        let attributeIDs = p.attributes.map(\.id)

        func unknownStep(_ name: String, _ role: String, at location: SourceLocation) {
            let (text, hint) = didYouMean(name, in: stepIDs)
            d.append(.error(.cp101, "\(role) '\(name)', which is not a step\(text)", at: location, suggestion: hint,
                            help: hint == nil ? "the steps are: \(stepIDs.prefix(12).joined(separator: ", "))\(stepIDs.count > 12 ? ", …" : "")" : nil))
        }

        if !p.start.isEmpty, !stepSet.contains(p.start) {
            unknownStep(p.start, "the pathway starts at", at: p.fieldLocations["start"] ?? p.location)
        }
        for entry in p.backlog where !stepSet.contains(entry.step) {
            unknownStep(entry.step, "a backlog waits at", at: entry.fieldLocations["step"] ?? entry.location)
        }
        if p.organisations.isEmpty {
            d.append(.error(.cp012, "the pathway names no organisations", at: p.location,
                            help: "add an `organisations:` section, for example `gp: { name: GP practice, type: primary-care }`"))
        }
        for resource in p.resources where !resource.organisation.isEmpty && !orgIDs.contains(resource.organisation) {
            let (text, hint) = didYouMean(resource.organisation, in: orgIDs)
            d.append(.error(.cp103, "resource '\(resource.id)' belongs to '\(resource.organisation)', which is not an organisation\(text)",
                            at: resource.fieldLocations["organisation"] ?? resource.location, suggestion: hint))
        }
        for resource in p.resources {
            if case .priority(let attribute) = resource.queue, !attributeIDs.contains(attribute) {
                let (text, hint) = didYouMean(attribute, in: attributeIDs)
                d.append(.error(.cp108, "resource '\(resource.id)' orders its queue by '\(attribute)', which is not a patient attribute\(text)",
                                at: resource.fieldLocations["priority"] ?? resource.location, suggestion: hint))
            }
        }
        for step in p.steps {
            let name = "step '\(step.id)'"
            if let next = step.next, !stepSet.contains(next) { unknownStep(next, "\(name) goes on to", at: step.location(of: "next")) }
            for branch in step.branches where !stepSet.contains(branch.to) {
                unknownStep(branch.to, "\(name) branches to", at: branch.fieldLocations["to"] ?? branch.location)
            }
            for path in step.paths where !stepSet.contains(path) { unknownStep(path, "\(name) starts a path at", at: step.location(of: "paths")) }
            if let join = step.join, !stepSet.contains(join) { unknownStep(join, "\(name) joins its paths at", at: step.location(of: "join")) }
            if let org = step.organisation, !orgIDs.contains(org) {
                let (text, hint) = didYouMean(org, in: orgIDs)
                d.append(.error(.cp103, "\(name) happens at '\(org)', which is not an organisation\(text)",
                                at: step.location(of: "organisation"), suggestion: hint))
            }
            if let resourceID = step.resource {
                if let resource = p.resource(resourceID) {
                    if let org = step.organisation, org != resource.organisation, orgIDs.contains(org) {
                        d.append(.error(.cp305, "\(name) happens at '\(org)' but uses '\(resourceID)', which belongs to '\(resource.organisation)'",
                                        at: step.location(of: "resource"),
                                        notes: [DiagnosticNote("'\(resourceID)' is declared here", at: resource.location)],
                                        help: "move the step to '\(resource.organisation)', or use a resource of '\(org)'"))
                    }
                } else {
                    let (text, hint) = didYouMean(resourceID, in: resourceIDs)
                    d.append(.error(.cp104, "\(name) uses '\(resourceID)', which is not a resource\(text)",
                                    at: step.location(of: "resource"), suggestion: hint))
                }
            }
            if step.kind == .subpathway, let path = step.pathway, p.subpathways[path] == nil {
                // The loader reports why it could not be read; nothing to add here.
            }
        }
        for target in p.targets {
            for (key, ids) in [("from", [target.from]), ("to", target.to)] {
                for (i, id) in ids.enumerated() where !stepSet.contains(id) {
                    let (text, hint) = didYouMean(id, in: stepIDs)
                    d.append(.error(.cp106, "target '\(target.id)' \(key == "from" ? "starts its clock at" : "stops its clock at") '\(id)', which is not a step\(text)",
                                    at: target.fieldLocations["\(key)[\(i)]"] ?? target.fieldLocations[key] ?? target.location, suggestion: hint))
                }
            }
        }
        return d
    }
}

import Foundation
import PathwayExport
import PathwayModel

/// The pathway view: the diagram with organisations as swimlanes, then the steps, targets,
/// organisations, resources and sources as tables a reader can check line by line.
struct PathwaySection {
    var pathway: Pathway
    var diagrams: DiagramEmbed

    /// The article for one pathway; `ids` hands out element ids.
    func html(ids: inout ElementIDs) -> String {
        let facts = PathwayFacts(pathway)
        let articleID = ids.next("pathway")
        var out = "<article id=\"\(articleID)\" aria-labelledby=\"\(articleID)-title\">\n"
        out += "<h3 id=\"\(articleID)-title\">\(HTMLText.escape(pathway.title))</h3>\n"
        out += "<dl class=\"facts\">"
        out += "<dt>Id</dt><dd><code>\(HTMLText.escape(pathway.id))</code></dd>"
        out += "<dt>Version</dt><dd>\(HTMLText.escape(pathway.version)) (\(pathway.status.rawValue))</dd>"
        if !pathway.file.isEmpty { out += "<dt>File</dt><dd><code>\(HTMLText.escape(pathway.file))</code></dd>" }
        out += "<dt>Steps</dt><dd>\(pathway.steps.count) in \(pathway.organisations.count) organisation\(pathway.organisations.count == 1 ? "" : "s")</dd>"
        out += "</dl>\n"
        if let description = pathway.description { out += "<p>\(HTMLText.escape(description))</p>\n" }

        out += "<h4>Diagram</h4>\n<figure>\n"
        let label = "Diagram of the pathway \(pathway.title): \(pathway.steps.count) steps across "
            + pathway.organisations.map(\.name).joined(separator: ", ") + ". The step table below lists the same steps in words."
        out += diagrams.figure(dot: Self.topToBottom(DOTExporter().export(pathway)), label: label, steps: pathway.steps.count, id: ids.next("diagram"))
        out += "\n<figcaption>Each shaded box is an organisation (a swimlane); diamonds are decisions, black bars split "
            + "into paths that run at the same time, dashed ovals are waits, double-bordered boxes end the journey. "
            + "Bold dashed red arrows are handoffs between organisations, labelled with their delay.</figcaption>\n</figure>\n"

        out += stepTable(facts, ids: &ids)
        out += targetTable()
        out += organisationTables()
        out += sourceList()
        out += "</article>\n"
        return out
    }

    private func stepTable(_ facts: PathwayFacts, ids: inout ElementIDs) -> String {
        var out = "<h4>Steps</h4>\n<table class=\"sortable\">\n<caption>Steps of \(HTMLText.escape(pathway.title)) in the order a patient meets them</caption>\n"
        out += "<thead><tr><th scope=\"col\">Step</th><th scope=\"col\">Kind</th><th scope=\"col\">Organisation</th>"
            + "<th scope=\"col\">Duration</th><th scope=\"col\">Codes</th><th scope=\"col\">Data items</th><th scope=\"col\">Then</th></tr></thead>\n<tbody>\n"
        for step in facts.order {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(step.displayName))"
            if step.title != nil { out += "<br><code class=\"muted\">\(HTMLText.escape(step.id))</code>" }
            out += "</th><td>\(step.kind.rawValue)</td>"
            var where_ = facts.organisationName(facts.organisationOf[step.id]).map(HTMLText.escape) ?? "<span class=\"muted\">–</span>"
            if let role = step.role { where_ += "<br><span class=\"muted\">\(HTMLText.escape(role))</span>" }
            if let resource = step.resource {
                let name = pathway.resource(resource)?.name ?? resource
                where_ += "<br>queues for \(HTMLText.escape(name))"
            }
            out += "<td>\(where_)</td>"
            var times: [String] = []
            if let d = step.duration { times.append(HTMLText.escape(TimeText.words(d))) }
            if let r = step.resultAfter { times.append("result after " + HTMLText.escape(TimeText.words(r))) }
            if let e = step.every { times.append("held every " + HTMLText.escape(e.description)) }
            if let delay = step.handoff?.delay { times.append("handoff " + HTMLText.escape(TimeText.words(delay))) }
            out += "<td>\(times.isEmpty ? "–" : times.joined(separator: "<br>"))</td>"
            out += "<td>\(step.code.map(codeHTML) ?? "–")</td>"
            var data: [String] = []
            if !step.requires.isEmpty { data.append("needs " + step.requires.map { HTMLText.escape($0.name) }.joined(separator: ", ")) }
            if !step.produces.isEmpty { data.append("makes " + step.produces.map { HTMLText.escape($0.name) }.joined(separator: ", ")) }
            if let sends = step.handoff?.sends { data.append("sends " + (sends.isEmpty ? "nothing" : sends.map(HTMLText.escape).joined(separator: ", "))) }
            out += "<td>\(data.isEmpty ? "–" : data.joined(separator: "<br>"))</td>"
            var then = facts.nextWords(step)
            if step.kind == .subpathway, let file = step.pathway { then = "runs \(file); " + then }
            let clocks = facts.targetWords(step)
            out += "<td>\(HTMLText.escape(then))\(clocks.isEmpty ? "" : "<br><span class=\"muted\">\(HTMLText.escape(clocks))</span>")</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        return out
    }

    private func codeHTML(_ code: ClinicalCode) -> String {
        let system = code.system == ClinicalCode.snomedSystem ? "SNOMED CT" : code.system
        var out = "\(HTMLText.escape(system)) <code>\(HTMLText.escape(code.code))</code>"
        if let display = code.display { out += "<br>\(HTMLText.escape(display))" }
        return out
    }

    private func targetTable() -> String {
        var out = "<h4>Targets</h4>\n"
        guard !pathway.targets.isEmpty else { return out + "<p>This pathway states no waiting-time targets.</p>\n" }
        out += "<table>\n<caption>Waiting-time standards</caption>\n<thead><tr><th scope=\"col\">Target</th><th scope=\"col\">Clock starts</th>"
            + "<th scope=\"col\">Clock stops</th><th scope=\"col\" class=\"num\">Within</th><th scope=\"col\" class=\"num\">Standard</th></tr></thead>\n<tbody>\n"
        for t in pathway.targets {
            let name = t.title ?? t.id
            out += "<tr><th scope=\"row\">\(HTMLText.escape(name))</th><td>\(HTMLText.escape(stepName(t.from)))</td>"
            out += "<td>\(t.to.map { HTMLText.escape(stepName($0)) }.joined(separator: " or "))</td>"
            out += "<td class=\"num\">\(HTMLText.escape(t.within.description))</td><td class=\"num\">\(HTMLText.percent(t.standard))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func organisationTables() -> String {
        var out = "<h4>Organisations and resources</h4>\n"
        out += "<table>\n<caption>Organisations</caption>\n<thead><tr><th scope=\"col\">Organisation</th><th scope=\"col\">Type</th><th scope=\"col\">Id</th></tr></thead>\n<tbody>\n"
        for o in pathway.organisations {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(o.name))</th><td>\(o.type.rawValue)</td><td><code>\(HTMLText.escape(o.id))</code></td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        guard !pathway.resources.isEmpty else { return out }
        out += "<table>\n<caption>Resources patients queue for</caption>\n<thead><tr><th scope=\"col\">Resource</th><th scope=\"col\">Organisation</th>"
            + "<th scope=\"col\" class=\"num\">Capacity</th><th scope=\"col\">Open</th><th scope=\"col\">Queue</th></tr></thead>\n<tbody>\n"
        for r in pathway.resources {
            let queue: String
            switch r.queue {
            case .fifo: queue = "first come, first served"
            case .priority(let attribute): queue = "by " + HTMLText.escape(attribute)
            }
            out += "<tr><th scope=\"row\">\(HTMLText.escape(r.name ?? r.id))</th><td>\(HTMLText.escape(pathway.organisation(r.organisation)?.name ?? r.organisation))</td>"
            out += "<td class=\"num\">\(r.capacity)</td><td>\(HTMLText.escape(r.calendar?.text ?? "always"))</td><td>\(queue)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func sourceList() -> String {
        var out = "<h4>Sources</h4>\n"
        guard !pathway.sources.isEmpty else { return out + "<p>This pathway cites no sources.</p>\n" }
        out += "<ul>\n"
        for s in pathway.sources {
            out += "<li>\(HTMLText.link(s.title, url: s.url))"
            if let publisher = s.publisher { out += " — \(HTMLText.escape(publisher))" }
            out += "</li>\n"
        }
        return out + "</ul>\n"
    }

    private func stepName(_ id: String) -> String { pathway.step(id)?.displayName ?? id }

    /// The exporter's drawing turned to run top to bottom: a long pathway drawn left to right is
    /// several metres wide, where top to bottom fits a page and prints on A4.
    static func topToBottom(_ dot: String) -> String {
        guard let range = dot.range(of: "rankdir=LR") else { return dot }
        return dot.replacingCharacters(in: range, with: "rankdir=TB")
    }
}

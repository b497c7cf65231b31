import Foundation
import PathwayLanguage
import PathwayModel

/// Draws a `PreviewSnapshot` as HTML: the whole page for the first load, and the same parts as
/// fragments (`PreviewFragments`) that the page puts in place when the server pushes an update.
/// One rendering path for both, so a refreshed page reads exactly like a freshly loaded one.
///
/// The page is self-contained (styles and script inline, nothing fetched from elsewhere) and
/// plain: headings, lists and tables a screen reader can walk, severity in words as well as
/// colour, and a polite live region that announces each update in one sentence.
public struct PreviewPage: Sendable {
    /// The time zone update times are shown in (the machine's by default).
    public var timeZone: TimeZone
    /// The nonce that lets the page's one inline script run under its Content-Security-Policy.
    public var scriptNonce: String
    /// Identifies this run of the server: a page opened before a restart sees a different one
    /// in its next update and reloads, instead of ignoring versions that started again from 1.
    public var session: String

    /// A page renderer.
    public init(timeZone: TimeZone = .current, scriptNonce: String = PreviewPage.makeNonce(), session: String = PreviewPage.makeNonce()) {
        self.timeZone = timeZone
        self.scriptNonce = scriptNonce
        self.session = session
    }

    /// A fresh random nonce (128 bits, base64).
    public static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// The Content-Security-Policy the server sends with the page: nothing loads from anywhere,
    /// only the page's own script runs, and it may only talk back to this server.
    public var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'nonce-\(scriptNonce)'; style-src 'unsafe-inline'; img-src data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// The parts of the page for `snapshot`.
    public func fragments(_ snapshot: PreviewSnapshot) -> PreviewFragments {
        let name = snapshot.title ?? (snapshot.file as NSString).lastPathComponent
        return PreviewFragments(
            version: snapshot.version,
            updated: clock(snapshot.updated),
            documentTitle: "\(name) – carepath preview",
            announce: "Updated at \(clock(snapshot.updated)): \(summaryText(snapshot)).",
            heading: heading(snapshot),
            status: status(snapshot),
            diagnostics: diagnostics(snapshot),
            diagram: diagram(snapshot),
            simulation: simulation(snapshot))
    }

    /// The whole page for `snapshot`, which then follows the server's updates on `eventsPath`.
    public func page(_ snapshot: PreviewSnapshot, eventsPath: String = "/events") -> String {
        let f = fragments(snapshot)
        return """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light">
        <title>\(PreviewHTML.escape(f.documentTitle))</title>
        <style>\(Self.style)</style>
        </head>
        <body data-version="\(f.version)" data-session="\(PreviewHTML.escape(session))">
        <header>
        <div id="part-heading">\(f.heading)</div>
        <p class="meta">Last updated at <time id="updated">\(PreviewHTML.escape(f.updated))</time>. <span id="connection">Connecting to carepath preview…</span></p>
        <div id="part-status">\(f.status)</div>
        <p id="announce" class="visually-hidden" role="status" aria-live="polite"></p>
        </header>
        <main>
        <section aria-labelledby="problems-heading">
        <h2 id="problems-heading">Problems</h2>
        <div id="part-diagnostics">\(f.diagnostics)</div>
        </section>
        <section aria-labelledby="diagram-heading" id="diagram-section">
        <h2 id="diagram-heading">Diagram</h2>
        <p><button type="button" id="diagram-fit" aria-pressed="false">Fit the diagram to the page width</button></p>
        <div id="part-diagram">\(f.diagram)</div>
        </section>
        <section aria-labelledby="simulation-heading">
        <h2 id="simulation-heading">Quick simulation</h2>
        <div id="part-simulation">\(f.simulation)</div>
        </section>
        </main>
        <footer><p>carepath preview shows this file as you edit it: the page updates itself within a second of each save. Stop it with Ctrl-C in the terminal.</p></footer>
        <script nonce="\(PreviewHTML.escape(scriptNonce))">\(Self.script(eventsPath: eventsPath))</script>
        </body>
        </html>

        """
    }

    // MARK: Parts

    func heading(_ s: PreviewSnapshot) -> String {
        var out = "<h1>\(PreviewHTML.escape(s.title ?? (s.file as NSString).lastPathComponent))</h1>"
        var facts = "File <code>\(PreviewHTML.escape(s.file))</code>"
        if let v = s.pathwayVersion { facts += ", version \(PreviewHTML.escape(v))" }
        out += "<p class=\"meta\">\(facts)</p>"
        return out
    }

    func status(_ s: PreviewSnapshot) -> String {
        let (kind, text): (String, String)
        if !s.fileFound {
            (kind, text) = ("missing", "File not found")
        } else if s.errorCount > 0 {
            (kind, text) = ("error", summaryText(s))
        } else if s.warningCount > 0 {
            (kind, text) = ("warning", summaryText(s))
        } else {
            (kind, text) = ("ok", "No problems found")
        }
        return "<p class=\"status status-\(kind)\"><strong>\(PreviewHTML.escape(text))</strong></p>"
    }

    /// One line for the status and the live announcement: `No problems found`, `2 errors, 1 warning`.
    func summaryText(_ s: PreviewSnapshot) -> String {
        guard s.fileFound else { return "file not found" }
        var parts: [String] = []
        if s.errorCount > 0 { parts.append(PreviewHTML.count(s.errorCount, "error")) }
        if s.warningCount > 0 { parts.append(PreviewHTML.count(s.warningCount, "warning")) }
        let notes = s.diagnostics.count - s.errorCount - s.warningCount
        if notes > 0 { parts.append(PreviewHTML.count(notes, "note")) }
        return parts.isEmpty ? "no problems found" : parts.joined(separator: ", ")
    }

    func diagnostics(_ s: PreviewSnapshot) -> String {
        guard s.fileFound else {
            return "<p class=\"notice missing\" role=\"alert\"><strong>File not found:</strong> <code>\(PreviewHTML.escape(s.file))</code> is not there (deleted, renamed or moved). "
                + "This page will update when the file comes back.</p>"
        }
        guard !s.diagnostics.isEmpty else {
            return "<p class=\"notice ok\">No problems found. The validator (the same checks as <code>carepath validate</code>) has nothing to report.</p>"
        }
        var out = "<ol class=\"diagnostics\">"
        for d in s.diagnostics { out += item(d, sources: s.sources) }
        return out + "</ol>"
    }

    private func item(_ d: Diagnostic, sources: [String: SourceText]) -> String {
        let severity: String
        switch d.severity {
        case .error: severity = "Error"
        case .warning: severity = "Warning"
        case .note: severity = "Note"
        }
        var out = "<li class=\"diagnostic \(d.severity.rawValue)\" data-code=\"\(PreviewHTML.escape(d.code))\">"
        out += "<p class=\"headline\"><span class=\"severity\">\(severity)</span> <span class=\"code\">\(PreviewHTML.escape(d.code))</span>"
        if let at = d.location { out += " at <code class=\"where\">\(PreviewHTML.escape(at.description))</code>" }
        out += "</p><p class=\"message\">\(PreviewHTML.escape(Self.sentence(d.message)))</p>"
        if let at = d.location, let line = sources[at.file]?.line(at.line) {
            out += "<pre class=\"source\" aria-label=\"line \(at.line) of \(PreviewHTML.escape(at.file))\"><span class=\"line-number\">\(at.line) | </span>\(PreviewHTML.escape(line))\n"
            out += "<span class=\"line-number\">\(String(repeating: " ", count: String(at.line).count)) | </span><span class=\"caret\">\(PreviewHTML.escape(Self.caretPad(line, column: at.column)))^</span></pre>"
        }
        if let suggestion = d.suggestion, !d.message.lowercased().contains("did you mean") {
            out += "<p class=\"suggestion\">Did you mean <code>\(PreviewHTML.escape(suggestion))</code>?</p>"
        }
        if let help = d.help { out += "<p class=\"help\"><strong>Help:</strong> \(PreviewHTML.escape(help))</p>" }
        if !d.notes.isEmpty {
            out += "<ul class=\"notes\">"
            for note in d.notes {
                out += "<li>\(PreviewHTML.escape(note.message))"
                if let at = note.location { out += " (<code>\(PreviewHTML.escape(at.description))</code>)" }
                out += "</li>"
            }
            out += "</ul>"
        }
        return out + "</li>"
    }

    /// Spaces up to `column` (1-based, in Unicode scalars), keeping the line's tabs so the caret
    /// lines up under the same character.
    static func caretPad(_ line: String, column: Int) -> String {
        var pad = ""
        for (i, scalar) in line.unicodeScalars.enumerated() where i < column - 1 {
            pad.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
        }
        if column - 1 > line.unicodeScalars.count { pad += String(repeating: " ", count: column - 1 - line.unicodeScalars.count) }
        return pad
    }

    /// A message as a sentence: capital first letter, full stop at the end.
    static func sentence(_ message: String) -> String {
        guard let first = message.first else { return message }
        var text = first.uppercased() + message.dropFirst()
        if let last = text.last, !".?!".contains(last) { text += "." }
        return text
    }

    func diagram(_ s: PreviewSnapshot) -> String {
        let label = "Diagram of \(s.title ?? (s.file as NSString).lastPathComponent): steps grouped by organisation, arrows for the routes between them"
        return render(s.diagram, label: label)
    }

    private func render(_ diagram: PreviewDiagram, label: String) -> String {
        switch diagram {
        case .drawing(let svg):
            return "<figure class=\"diagram\"><div role=\"img\" aria-label=\"\(PreviewHTML.escape(label))\">\(svg)</div></figure>"
        case .text(let language, let source, let reason):
            return "<p class=\"notice\" role=\"note\">\(PreviewHTML.escape(reason))</p>"
                + "<pre class=\"diagram-text\" aria-label=\"\(PreviewHTML.escape(language)) text of the diagram\"><code>\(PreviewHTML.escape(source))</code></pre>"
        case .unavailable(let reason):
            return "<p class=\"notice\" role=\"note\">\(PreviewHTML.escape(reason))</p>"
        case .earlier(let inner, let madeAt, let reason):
            return "<p class=\"notice stale\" role=\"note\"><strong>Out of date:</strong> \(PreviewHTML.escape(reason)) "
                + "The diagram below is of the version read at \(clock(madeAt)).</p>"
                + "<div class=\"stale-diagram\">\(render(inner, label: label + " (an earlier version)"))</div>"
        }
    }

    func simulation(_ s: PreviewSnapshot) -> String {
        switch s.simulation {
        case .notRun(let reason):
            return "<p class=\"notice\">\(PreviewHTML.escape(reason))</p>"
        case .summary(let sum):
            return summary(sum)
        case .running(let previous?):
            return "<p class=\"notice stale\" role=\"note\"><strong>Simulating the saved version…</strong> The figures below are from the version before.</p>"
                + "<div class=\"stale-figures\">\(summary(previous))</div>"
        case .running(nil):
            return "<p class=\"notice\" role=\"note\"><strong>Simulating…</strong> The figures appear here when the run ends.</p>"
        }
    }

    private func summary(_ sum: SimulationSummary) -> String {
        let warmup = sum.warmupDays > 0 ? " after a \(PreviewHTML.number(sum.warmupDays))-day warm-up" : ""
        var out = "<p class=\"notice quick\" role=\"note\"><strong>A quick look, not the library's standard run:</strong> "
            + "one simulated run of \(PreviewHTML.count(sum.patients, "patient"))\(warmup) (seed \(sum.seed)), "
            + "which took \(PreviewHTML.number(sum.seconds, decimals: 2)) s. Figures from one short run move with chance; for figures to report, "
            + "run <code>carepath simulate FILE --warmup 60 --replications 5</code>, which gives 95% confidence intervals.</p>"
        if sum.targets.isEmpty {
            out += "<p>The pathway has no targets.</p>"
        } else {
            out += "<table class=\"targets\"><caption>Targets</caption><thead><tr><th scope=\"col\">Target</th><th scope=\"col\">Within</th>"
                + "<th scope=\"col\">Standard</th><th scope=\"col\">Simulated</th><th scope=\"col\">Standard met?</th></tr></thead><tbody>"
            for t in sum.targets {
                let met = !t.attainment.isFinite ? "No patient measured" : t.meetsStandard ? "Yes" : "No"
                let cls = !t.attainment.isFinite ? "unknown" : t.meetsStandard ? "met" : "missed"
                out += "<tr class=\"\(cls)\"><th scope=\"row\">\(PreviewHTML.escape(t.title))</th><td>\(PreviewHTML.time(minutes: t.withinMinutes))</td>"
                    + "<td>\(PreviewHTML.percent(t.standard))</td><td>\(PreviewHTML.percent(t.attainment)) <span class=\"muted\">of \(t.measured)</span></td>"
                    + "<td class=\"verdict\">\(met)</td></tr>"
            }
            out += "</tbody></table>"
        }
        var journey: [String] = []
        if let p50 = sum.journeyMedianMinutes { journey.append("half of patients finished within \(PreviewHTML.time(minutes: p50))") }
        if let p90 = sum.journeyP90Minutes { journey.append("nine in ten within \(PreviewHTML.time(minutes: p90))") }
        if !journey.isEmpty { out += "<p class=\"journey\">Journey time: \(journey.joined(separator: "; ")).</p>" }
        if sum.unfinished > 0 {
            out += "<p class=\"warning-text\"><strong>\(PreviewHTML.count(sum.unfinished, "patient")) still in the pathway</strong> when the run ended.</p>"
        }
        if !sum.outcomes.isEmpty {
            out += "<table class=\"outcomes\"><caption>Outcomes</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Share of patients</th></tr></thead><tbody>"
            for o in sum.outcomes.prefix(8) {
                out += "<tr><th scope=\"row\">\(PreviewHTML.escape(o.name))</th><td>\(PreviewHTML.percent(o.share))</td></tr>"
            }
            out += "</tbody></table>"
        }
        if !sum.busiestResources.isEmpty {
            out += "<table class=\"resources\"><caption>Busiest resources</caption><thead><tr><th scope=\"col\">Resource</th><th scope=\"col\">Busy (of opening hours)</th></tr></thead><tbody>"
            for r in sum.busiestResources {
                out += "<tr><th scope=\"row\">\(PreviewHTML.escape(r.name))</th><td>\(PreviewHTML.percent(r.utilisation))</td></tr>"
            }
            out += "</tbody></table>"
        }
        if !sum.warnings.isEmpty {
            out += "<h3>Warnings from the run</h3><ul class=\"run-warnings\">"
            for w in sum.warnings { out += "<li>\(PreviewHTML.escape(Self.sentence(w)))</li>" }
            out += "</ul>"
        }
        return out
    }

    /// `14:03:07` in the page's time zone.
    func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    // MARK: Style and script

    static let style = """
    :root{--ink:#1b1b1b;--muted:#555;--line:#c8c8c8;--error:#a4001d;--warning:#7a4a00;--ok:#00703c;--bg:#fff;--panel:#f6f6f4}
    body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:var(--ink);background:var(--bg);margin:0 auto;max-width:72rem;padding:1rem 1.5rem 3rem;line-height:1.5;font-size:1.05rem}
    h1{font-size:1.7rem;margin:.5rem 0 .2rem}h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}h3{font-size:1.1rem}
    .meta,.muted{color:var(--muted)}code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.92em}
    .status{font-size:1.15rem;padding:.5rem .8rem;border-left:.35rem solid var(--line);background:var(--panel)}
    .status-ok{border-color:var(--ok)}.status-error,.status-missing{border-color:var(--error)}.status-warning{border-color:var(--warning)}
    .notice{background:var(--panel);padding:.6rem .8rem;border-left:.35rem solid var(--line)}.notice.ok{border-color:var(--ok)}.notice.missing{border-color:var(--error)}.notice.stale{border-color:var(--warning)}
    ol.diagnostics{padding-left:1.5rem}li.diagnostic{margin:0 0 1.2rem;padding:.4rem .8rem;border-left:.35rem solid var(--line)}
    li.error{border-color:var(--error)}li.warning{border-color:var(--warning)}
    .headline{margin:0}.severity{font-weight:700}li.error .severity{color:var(--error)}li.warning .severity{color:var(--warning)}.code{font-weight:700}
    .message{margin:.2rem 0;font-size:1.05rem}.help,.suggestion{margin:.2rem 0}
    pre.source,pre.diagram-text{background:var(--panel);padding:.5rem .7rem;overflow-x:auto;margin:.3rem 0}.caret{color:var(--error);font-weight:700}.line-number{color:var(--muted)}
    figure.diagram{margin:0;overflow:auto;max-height:80vh;border:1px solid var(--line);padding:.5rem}.fit figure.diagram svg{max-width:100%;height:auto}
    button{font:inherit;padding:.3rem .8rem;border:2px solid var(--ink);background:#fff;border-radius:.3rem;cursor:pointer}button[aria-pressed=true]{background:var(--ink);color:#fff}
    :focus-visible{outline:3px solid #fd0;outline-offset:2px}
    .stale-diagram,.stale-figures{opacity:.55}
    table{border-collapse:collapse;margin:1rem 0;min-width:50%}caption{text-align:left;font-weight:700;padding:.3rem 0}
    th,td{text-align:left;padding:.35rem .7rem;border-bottom:1px solid var(--line)}thead th{border-bottom:2px solid var(--ink)}
    tr.met .verdict{color:var(--ok);font-weight:700}tr.missed .verdict{color:var(--error);font-weight:700}
    .warning-text{color:var(--warning)}
    footer{margin-top:3rem;color:var(--muted);font-size:.95rem}
    .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    """

    /// The page's script: follows the server's updates (server-sent events) and puts each part in
    /// place; an update older than the one shown is ignored. Fragments are made on the server with
    /// every pathway string escaped; titles go in as text.
    static func script(eventsPath: String) -> String {
        """
        (function () {
          "use strict";
          var shown = Number(document.body.getAttribute("data-version")) || 0;
          var session = document.body.getAttribute("data-session");
          var parts = ["heading", "status", "diagnostics", "diagram", "simulation"];
          var connection = document.getElementById("connection");
          function apply(update) {
            if (update.session && update.session !== session) { window.location.reload(); return; }
            if (typeof update.version !== "number" || update.version <= shown) { return; }
            shown = update.version;
            parts.forEach(function (name) {
              var element = document.getElementById("part-" + name);
              if (element && typeof update[name] === "string") { element.innerHTML = update[name]; }
            });
            document.getElementById("updated").textContent = update.updated;
            document.getElementById("announce").textContent = update.announce;
            document.title = update.documentTitle;
            document.body.setAttribute("data-version", String(update.version));
            document.body.setAttribute("data-applied-at", String(Date.now()));
          }
          var fit = document.getElementById("diagram-fit");
          fit.addEventListener("click", function () {
            var on = fit.getAttribute("aria-pressed") !== "true";
            fit.setAttribute("aria-pressed", String(on));
            document.getElementById("diagram-section").classList.toggle("fit", on);
          });
          if (!window.EventSource) { connection.textContent = "This browser cannot follow updates; reload the page after saving."; return; }
          var events = new EventSource(\(Self.jsonString(eventsPath)));
          events.addEventListener("snapshot", function (event) {
            try { apply(JSON.parse(event.data)); } catch (e) { connection.textContent = "An update could not be read; reload the page."; }
          });
          events.onopen = function () { connection.textContent = "Live: the page updates when the file is saved."; };
          events.onerror = function () { connection.textContent = "Not connected to carepath preview (stopped?); trying again…"; };
        })();
        """
    }

    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"/events\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// The parts of the preview page for one snapshot, as the server pushes them to the page (JSON
/// in a server-sent event): HTML fragments, already escaped, plus plain-text fields.
public struct PreviewFragments: Sendable, Codable, Hashable {
    /// The snapshot's version; the page ignores one not newer than what it shows.
    public var version: Int
    /// When the snapshot was made (`14:03:07`).
    public var updated: String
    /// The browser tab's title (plain text).
    public var documentTitle: String
    /// One sentence for screen readers (plain text).
    public var announce: String
    /// The title and file (HTML).
    public var heading: String
    /// The one-line verdict: no problems, N errors, file not found (HTML).
    public var status: String
    /// The diagnostics (HTML).
    public var diagnostics: String
    /// The diagram (HTML).
    public var diagram: String
    /// The quick simulation (HTML).
    public var simulation: String

    /// The fragments as one line of JSON (no line breaks, so it fits in one `data:` field).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

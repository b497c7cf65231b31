import PathwayExport
import Foundation

/// Small SVG charts drawn in Swift, so the page needs no chart library. Each chart carries a
/// `<title>` and `<desc>` for screen readers and is followed in the page by a table of its numbers.
enum Charts {
    /// One bar of a horizontal bar chart.
    struct Bar {
        var label: String
        var value: Double
        /// The 95% interval, drawn as a whisker.
        var low: Double?
        var high: Double?
        /// A reference drawn as a vertical tick across the bar (a standard to meet).
        var marker: Double?
        /// What is written after the bar.
        var text: String
        /// Drawn in the warning colour with a hatched fill (so it reads in greyscale too).
        var warn: Bool = false
    }

    /// A horizontal bar chart with confidence whiskers and optional reference ticks.
    static func bars(id: String, title: String, description: String, bars: [Bar], axisMax: Double,
                     axisLabel: (Double) -> String, markerName: String? = nil) -> String {
        let width = 960.0, labelWidth = 300.0, textWidth = 250.0, row = 30.0, top = 10.0
        let plot = width - labelWidth - textWidth - 20
        let height = top + Double(bars.count) * row + 40 + (markerName == nil ? 0 : 20)
        let ticks = niceTicks(max: axisMax > 0 && axisMax.isFinite ? axisMax : 1)
        let maxValue = ticks.last ?? 1
        func x(_ v: Double) -> Double { labelWidth + plot * min(max(v, 0), maxValue) / maxValue }
        var out = svgOpen(id: id, width: width, height: height, title: title, description: description)
        out += hatchPattern(id: id)
        for t in ticks {
            let tx = x(t)
            out += "<line x1=\"\(f(tx))\" y1=\"\(f(top))\" x2=\"\(f(tx))\" y2=\"\(f(top + Double(bars.count) * row))\" stroke=\"#d0d0d0\"/>"
            out += "<text x=\"\(f(tx))\" y=\"\(f(top + Double(bars.count) * row + 16))\" text-anchor=\"middle\">\(HTMLText.escape(axisLabel(t)))</text>"
        }
        for (i, bar) in bars.enumerated() {
            let y = top + Double(i) * row
            out += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + row / 2 + 4))\" text-anchor=\"end\">\(HTMLText.escape(clip(bar.label, 44)))<title>\(HTMLText.escape(bar.label))</title></text>"
            let fill = bar.warn ? "url(#\(id)-hatch)" : "#1f5f99"
            let w = max(0, x(bar.value.isFinite ? bar.value : 0) - labelWidth)
            out += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 6))\" width=\"\(f(w))\" height=\"\(f(row - 12))\" fill=\"\(fill)\" stroke=\"\(bar.warn ? "#b34700" : "#1f5f99")\"/>"
            if let low = bar.low, let high = bar.high, low.isFinite, high.isFinite, high > low {
                let cy = y + row / 2
                out += "<path d=\"M\(f(x(low))) \(f(cy))H\(f(x(high)))M\(f(x(low))) \(f(cy - 6))V\(f(cy + 6))M\(f(x(high))) \(f(cy - 6))V\(f(cy + 6))\" stroke=\"#000\" stroke-width=\"1.5\" fill=\"none\"/>"
            }
            if let marker = bar.marker, marker.isFinite {
                out += "<line x1=\"\(f(x(marker)))\" y1=\"\(f(y + 2))\" x2=\"\(f(x(marker)))\" y2=\"\(f(y + row - 2))\" stroke=\"#000\" stroke-width=\"3\" stroke-dasharray=\"4 2\"/>"
            }
            out += "<text x=\"\(f(labelWidth + plot + 10))\" y=\"\(f(y + row / 2 + 4))\">\(HTMLText.escape(bar.text))</text>"
        }
        if let markerName {
            let ly = top + Double(bars.count) * row + 34
            out += "<line x1=\"\(f(labelWidth))\" y1=\"\(f(ly - 4))\" x2=\"\(f(labelWidth))\" y2=\"\(f(ly + 8))\" stroke=\"#000\" stroke-width=\"3\" stroke-dasharray=\"4 2\"/>"
            out += "<text x=\"\(f(labelWidth + 8))\" y=\"\(f(ly + 6))\">\(HTMLText.escape(markerName)); whiskers: 95% confidence interval</text>"
        }
        return out + "</svg>\n"
    }

    /// A vertical line on a histogram, with its label.
    struct Reference {
        var value: Double
        var label: String
    }

    /// A histogram: `shares` per bin (0...1), bins of `binWidth` starting at 0, with reference lines.
    static func histogram(id: String, title: String, description: String, shares: [Double], binWidth: Double,
                          xLabel: (Double) -> String, xTitle: String, references: [Reference]) -> String {
        let width = 960.0, left = 60.0, right = 20.0, top = 20.0 + Double(references.count) * 16, plotHeight = 240.0
        let height = top + plotHeight + 50
        let plot = width - left - right
        let span = binWidth * Double(max(shares.count, 1))
        let maxShare = max(shares.max() ?? 0, 0.0001)
        let yMax = niceTicks(max: maxShare).last ?? maxShare
        func x(_ v: Double) -> Double { left + plot * min(max(v, 0), span) / span }
        func y(_ s: Double) -> Double { top + plotHeight * (1 - s / yMax) }
        var out = svgOpen(id: id, width: width, height: height, title: title, description: description)
        for t in niceTicks(max: yMax) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(t)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(t)))\" stroke=\"#e0e0e0\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\">\(HTMLText.escape(HTMLText.percent(t, decimals: 1)))</text>"
        }
        for (i, share) in shares.enumerated() where share > 0 {
            let x0 = x(Double(i) * binWidth), x1 = x(Double(i + 1) * binWidth)
            out += "<rect x=\"\(f(x0))\" y=\"\(f(y(share)))\" width=\"\(f(max(0.5, x1 - x0 - 1)))\" height=\"\(f(top + plotHeight - y(share)))\" fill=\"#1f5f99\"/>"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" stroke=\"#000\"/>"
        for t in niceTicks(max: span) where t <= span * 1.0001 {
            out += "<line x1=\"\(f(x(t)))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x(t)))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#000\"/>"
            out += "<text x=\"\(f(x(t)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(HTMLText.escape(xLabel(t)))</text>"
        }
        out += "<text x=\"\(f(left + plot / 2))\" y=\"\(f(top + plotHeight + 40))\" text-anchor=\"middle\">\(HTMLText.escape(xTitle))</text>"
        for (k, r) in references.enumerated() where r.value.isFinite {
            let rx = x(r.value)
            let ly = 14 + Double(k) * 16
            out += "<line x1=\"\(f(rx))\" y1=\"\(f(ly + 2))\" x2=\"\(f(rx))\" y2=\"\(f(top + plotHeight))\" stroke=\"#b34700\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>"
            let anchor = rx > left + plot * 0.6 ? "end" : "start"
            out += "<text x=\"\(f(anchor == "end" ? rx - 4 : rx + 4))\" y=\"\(f(ly + 4))\" text-anchor=\"\(anchor)\">\(HTMLText.escape(r.label))</text>"
        }
        return out + "</svg>\n"
    }

    static func svgOpen(id: String, width: Double, height: Double, title: String, description: String) -> String {
        "<svg class=\"chart\" id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
            + "role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\"><title id=\"\(id)-title\">\(HTMLText.escape(title))</title>"
            + "<desc id=\"\(id)-desc\">\(HTMLText.escape(description))</desc>"
    }

    private static func hatchPattern(id: String) -> String {
        "<defs><pattern id=\"\(id)-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#f6c7a1\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b34700\" stroke-width=\"3\"/></pattern></defs>"
    }

    /// Round tick values from 0 up to at least `max`: steps of 1, 2 or 5 times a power of ten.
    static func niceTicks(max value: Double, count: Int = 5) -> [Double] {
        guard value > 0, value.isFinite else { return [0, 1] }
        let raw = value / Double(count)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var ticks: [Double] = []
        var t = 0.0
        while t < value + step * 0.999 {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    /// A coordinate with at most one decimal, so the SVG is small and the same on every machine.
    static func f(_ v: Double) -> String { HTMLText.number(v, decimals: 1) }

    static func clip(_ text: String, _ n: Int) -> String { text.count > n ? String(text.prefix(n - 1)) + "…" : text }
}

import PathwayLanguage
import PathwayModel

/// Short descriptions of model values for hovers and completion details.
enum AttributeText {
    /// `category: low, high`, `integer (years)`, `boolean, true for 45%`.
    static func describe(_ a: Attribute) -> String {
        switch a.type {
        case .category(let values): "category: " + values.map(\.name).joined(separator: ", ")
        case .boolean(let p): "boolean, true for \(percent(p))"
        case .integer(let d, _, _), .number(let d, _, _):
            "\(a.type.name)\(a.unit.map { " (\($0))" } ?? ""), \(InspectionReport.describe(d))"
        }
    }

    static func percent(_ p: Double) -> String {
        let v = p * 100
        return v == v.rounded() ? "\(Int(v))%" : String(format: "%.1f%%", v)
    }
}

/// CSV cells for every writer that makes CSV (build sheets, simulation results, event logs,
/// region comparisons).
public enum CSVText {
    /// One field per RFC 4180, made safe for spreadsheets: a cell beginning with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return gets a leading apostrophe so it is shown as text, never
    /// run as a formula (OWASP "CSV injection"); a cell holding a comma, quote or line break is
    /// quoted with its quotes doubled. Works on Unicode scalars, as a spreadsheet reads the
    /// bytes: `"\r\n"` is one `Character` but still a line break, and a quote followed by a
    /// combining mark is still a quote.
    public static func field(_ text: String) -> String {
        var cell = text
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { cell = "'" + cell }
        guard cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in cell.unicodeScalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }
}

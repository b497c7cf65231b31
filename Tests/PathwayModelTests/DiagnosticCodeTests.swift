import PathwayModel
import Testing

/// The catalogue of diagnostic codes is well formed; `DocsExamplesTests` checks it against
/// `Docs/diagnostics.md` and the sources.
struct DiagnosticCodeTests {
    @Test func everyRawValueIsCPAndThreeDigits() {
        for code in DiagnosticCode.allCases {
            let raw = Array(code.rawValue)
            #expect(raw.count == 5 && raw[0] == "C" && raw[1] == "P" && raw[2...].allSatisfy { $0.isASCII && $0.isNumber },
                    "\(code) has the raw value '\(code.rawValue)', not CP and three digits")
        }
    }

    @Test func rawValuesAreUnique() {
        let raw = DiagnosticCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
    }

    @Test func eachCaseIsNamedForItsCode() {
        for code in DiagnosticCode.allCases {
            #expect("\(code)" == code.rawValue.lowercased())
        }
    }

    @Test func casesAreInCodeOrder() {
        let raw = DiagnosticCode.allCases.map(\.rawValue)
        #expect(raw == raw.sorted())
    }

    @Test func typedAndTextCodesMakeTheSameDiagnostic() {
        let at = SourceLocation(file: "lung.yaml", line: 3, column: 5)
        #expect(Diagnostic.error(.cp104, "m", at: at) == Diagnostic(.error, "CP104", "m", at: at))
        #expect(Diagnostic.warning(.cp201, "m", at: nil) == Diagnostic(.warning, "CP201", "m", at: nil))
        #expect(Diagnostic(.note, .cp540, "m", at: at, help: "h") == Diagnostic(.note, "CP540", "m", at: at, help: "h"))
        #expect(Diagnostic.error(.cp104, "m", at: at).code == "CP104")
    }
}

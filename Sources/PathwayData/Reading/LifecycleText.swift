/// Lifecycle values as logs write them, read case-insensitively.
///
/// - `schedule` (carepath, XES), `arrival`, and XES's `assign` and `reassign` are `arrival`: the
///   patient has reached the step and is waiting for it (an extract that lacks `schedule` usually
///   records the booking; when a step has several arrival events the first is when the patient
///   reached it);
/// - `start` is `start`;
/// - `complete`, and an empty value, are `complete` (a log with no lifecycle at all records
///   completions, as XES assumes).
///
/// - `did-not-attend` (carepath), `dna` and XES's `ate_abort` are `missed`: the appointment was not
///   attended; `cancelled` (carepath) and XES's `withdraw` are `cancelled`. Neither is a visit.
///
/// Anything else (XES's `suspend`, `resume`, `pi_abort`, `autoskip`, `manualskip`, `unknown`) has
/// no place on a target clock: the event is left out and reported.
enum LifecycleText {
    /// The words read, for messages.
    static let accepted = "schedule, assign, reassign, start, complete, did-not-attend (dna, ate_abort) or cancelled (withdraw)"

    /// The lifecycle `bytes` stand for, or nil when it is none read here.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> LogLifecycle? {
        var lower = 0, upper = bytes.count
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        let length = upper - lower
        if length == 0 { return .complete }
        guard length <= 8 else {
            guard length <= 14 else { return nil }
            var text = ""
            for k in lower..<upper {
                var byte = bytes[k]
                if byte >= 65 && byte <= 90 { byte += 32 }
                text.unicodeScalars.append(Unicode.Scalar(byte))
            }
            switch text {
            case "did-not-attend", "ate_abort": return .missed
            case "cancelled": return .cancelled
            default: return nil
            }
        }
        // Lowercase ASCII into a small word for comparison.
        var word: UInt64 = 0
        for k in lower..<upper {
            var byte = bytes[k]
            if byte >= 65 && byte <= 90 { byte += 32 }
            word = word << 8 | UInt64(byte)
        }
        switch word {
        case LifecycleText.complete: return .complete
        case LifecycleText.start: return .start
        case LifecycleText.schedule, LifecycleText.assign, LifecycleText.reassign, LifecycleText.arrival: return .arrival
        case LifecycleText.dna: return .missed
        case LifecycleText.withdraw: return .cancelled
        default: return nil
        }
    }

    /// The lifecycle `text` stands for, or nil.
    static func parse(_ text: String) -> LogLifecycle? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    private static func packed(_ text: StaticString) -> UInt64 {
        var word: UInt64 = 0
        text.withUTF8Buffer { for byte in $0 { word = word << 8 | UInt64(byte) } }
        return word
    }

    private static let complete = packed("complete")
    private static let start = packed("start")
    private static let schedule = packed("schedule")
    private static let assign = packed("assign")
    private static let reassign = packed("reassign")
    private static let arrival = packed("arrival")
    private static let dna = packed("dna")
    private static let withdraw = packed("withdraw")
}

/// Synthetic NHS numbers for simulated patients.
///
/// Real NHS numbers are ten digits whose last is a Modulus 11 check digit. Numbers starting
/// 999 are reserved for testing and never issued to people, so synthetic patients use those.
/// A patient's number depends only on the replication and the patient's arrival index, so it
/// is the same in every organisation's records and in every run with the same seed.
public enum NHSNumber {
    /// How many distinct valid numbers the scheme hands out per replication before repeating:
    /// 100,000 eight-digit prefixes × 9 valid ninth digits.
    public static let distinctPerReplication = 900_000

    /// The check digit for nine digits (weights 10 down to 2; 11 - remainder; 11 → 0), or nil
    /// when it would be 10, which makes the nine digits unusable.
    public static func checkDigit(_ digits: [Int]) -> Int? {
        guard digits.count == 9 else { return nil }
        var sum = 0
        for (i, d) in digits.enumerated() { sum += d * (10 - i) }
        let check = 11 - sum % 11
        if check == 11 { return 0 }
        if check == 10 { return nil }
        return check
    }

    /// Whether `text` is ten digits with a valid Modulus 11 check digit.
    public static func isValid(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.count == 10, text.count == 10 else { return false }
        return checkDigit(Array(digits.prefix(9))) == digits[9]
    }

    /// The synthetic number (ten digits, starting 999) of patient `patient` of `replication`.
    ///
    /// Patients are spread over the 999 range by a fixed permutation of the 100,000 eight-digit
    /// prefixes; within a prefix the ninth digit walks the nine or ten values whose check digit
    /// is not 10. Numbers are unique for the first 900,000 patients of a replication.
    public static func synthetic(replication: Int, patient: Int) -> String {
        let k = (patient + replication &* 100_003) % distinctPerReplication
        let slot = k / 9, position = k % 9
        // An affine permutation of 0..<100000 (multiplier coprime with 10).
        let prefix = (slot &* 38_447 &+ 12_347) % 100_000
        var digits = [9, 9, 9]
        var p = prefix, five: [Int] = []
        for _ in 0..<5 {
            five.append(p % 10)
            p /= 10
        }
        digits.append(contentsOf: five.reversed())
        var found = 0
        for ninth in 0...9 {
            let nine = digits + [ninth]
            if let check = checkDigit(nine) {
                if found == position {
                    return (nine + [check]).map(String.init).joined()
                }
                found += 1
            }
        }
        return "9990000000" // unreachable: every prefix has at least nine valid ninth digits
    }
}

import Testing
import PathwayModel

@Suite struct NHSNumberTests {
    @Test func syntheticNumbersAreInThe999RangeWithValidCheckDigits() {
        for replication in 0..<3 {
            for patient in stride(from: 0, to: 200_000, by: 97) {
                let number = NHSNumber.synthetic(replication: replication, patient: patient)
                #expect(number.count == 10 && number.hasPrefix("999"))
                #expect(NHSNumber.isValid(number), "\(number)")
            }
        }
    }

    @Test func syntheticNumbersAreUniqueWithinAReplication() {
        var seen = Set<String>()
        for patient in 0..<100_000 { seen.insert(NHSNumber.synthetic(replication: 0, patient: patient)) }
        #expect(seen.count == 100_000)
    }

    @Test func syntheticNumbersDependOnlyOnReplicationAndPatient() {
        #expect(NHSNumber.synthetic(replication: 2, patient: 17) == NHSNumber.synthetic(replication: 2, patient: 17))
    }

    @Test func checkDigitFollowsModulus11() {
        #expect(NHSNumber.isValid("9434765919"))
        #expect(!NHSNumber.isValid("9434765918"))
        #expect(NHSNumber.checkDigit([1, 2, 3, 4, 5, 6, 7, 8, 9]) == nil || NHSNumber.checkDigit([1, 2, 3, 4, 5, 6, 7, 8, 9]) != 10)
    }
}

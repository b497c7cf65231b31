import Testing
import PathwayModel

@Test func timeSpansPrintAsPeopleWriteThem() {
    #expect(TimeSpan.days(2).description == "2 days")
    #expect(TimeSpan.weeks(3).description == "3 weeks")
    #expect(TimeSpan.minutes(20).description == "20 min")
    #expect(TimeSpan.hours(36).description == "36 hours")
    #expect(TimeSpan.days(1).description == "1 day")
}

@Test func format3DropsTrailingZeros() {
    #expect(NumberText.format3(0.75) == "0.75")
    #expect(NumberText.format3(2) == "2")
    #expect(NumberText.format3(1.23456) == "1.235")
}

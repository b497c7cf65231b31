import PathwayLSP
import Testing

struct PlaceholderTests {
    @Test func serverHasAName() { #expect(LanguageServerInfo.name == "carepath") }
}

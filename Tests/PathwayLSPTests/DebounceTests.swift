import Foundation
import PathwayLSP
import Testing

/// A burst of edits is validated once, after the quiet spell.
struct DebounceTests {
    func body(_ json: String) -> Data { Data(json.utf8) }

    @Test func editsAreValidatedOnceAfterTheQuietSpell() throws {
        var server = LanguageServer(configuration: .init(debounce: .milliseconds(100)))
        let t0 = ContinuousClock.now
        _ = server.receive(body(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#), at: t0)
        let opened = server.receive(body(#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/x.yaml","languageId":"yaml","version":1,"text":"carepath: 1\n"}}}"#), at: t0)
        #expect(opened.count == 1)
        for v in 2...5 {
            let out = server.receive(body(#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///tmp/x.yaml","version":\#(v)},"contentChanges":[{"text":"carepath: 1\nid: x\n"}]}}"#),
                                     at: t0 + .milliseconds(10 * v))
            #expect(out.isEmpty)
        }
        #expect(server.nextDeadline == t0 + .milliseconds(150))
        #expect(server.runDueValidations(at: t0 + .milliseconds(120)).isEmpty)
        let published = server.runDueValidations(at: t0 + .milliseconds(150))
        #expect(published.count == 1)
        #expect(String(decoding: published[0], as: UTF8.self).contains(#""version":5"#))
        #expect(server.nextDeadline == nil)
    }

    @Test func incrementalChangesAreAppliedToo() throws {
        var server = LanguageServer()
        let t0 = ContinuousClock.now
        _ = server.receive(body(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#), at: t0)
        _ = server.receive(body(#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/y.yaml","languageId":"yaml","version":1,"text":"id: ab\n"}}}"#), at: t0)
        _ = server.receive(body(#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///tmp/y.yaml","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":4},"end":{"line":0,"character":5}},"text":"xy"}]}}"#), at: t0)
        let symbols = server.receive(body(#"{"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/y.yaml"}}}"#), at: t0)
        #expect(String(decoding: symbols[0], as: UTF8.self).contains(#""detail":"xyb""#))
    }
}

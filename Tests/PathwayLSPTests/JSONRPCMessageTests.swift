import Foundation
import PathwayLSP
import Testing

struct JSONRPCMessageTests {
    @Test func requestsAndNotificationsAreToldApart() throws {
        let request = try IncomingMessage(body: Data(#"{"jsonrpc":"2.0","id":"a1","method":"shutdown"}"#.utf8))
        #expect(request.id == .string("a1"))
        let notification = try IncomingMessage(body: Data(#"{"jsonrpc":"2.0","method":"exit"}"#.utf8))
        #expect(notification.id == nil && notification.method == "exit")
    }

    @Test func badBodiesGiveTheProtocolsErrorCodes() {
        #expect(throws: ResponseError.self) { try IncomingMessage(body: Data("{oops".utf8)) }
        do { _ = try IncomingMessage(body: Data("{oops".utf8)) } catch { #expect(error.code == ResponseError.parseError) }
        do { _ = try IncomingMessage(body: Data("[1]".utf8)) } catch { #expect(error.code == ResponseError.invalidRequest) }
        do { _ = try IncomingMessage(body: Data(#"{"id":1,"method":"x"}"#.utf8)) } catch { #expect(error.code == ResponseError.invalidRequest) }
        do { _ = try IncomingMessage(body: Data(#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#.utf8)) } catch { #expect(error.code == ResponseError.invalidRequest) }
    }

    @Test func wrongParametersNameTheMissingField() throws {
        let m = try IncomingMessage(body: Data(#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{}}}"#.utf8))
        do {
            _ = try m.params(TextDocumentPositionParams.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == ResponseError.invalidParams)
            #expect(error.message.contains("'textDocument.uri' is missing"))
        }
    }

    @Test func aNilResultIsWrittenAsNull() {
        let body = OutgoingMessage.response(id: .number(3), result: Optional<Int>.none)
        #expect(String(decoding: body, as: UTF8.self) == #"{"id":3,"jsonrpc":"2.0","result":null}"#)
    }
}

import Foundation
import PathwayLanguage
import PathwayLSP
import Testing

/// Renaming a step edits every place it is named, in its file and in the overlays that extend it.
struct RenameTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../lsp/fixtures/dvt").standardizedFileURL

    func folderCopy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lsp-rename-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures, to: folder)
        return folder
    }

    func renamer(_ folder: URL) throws -> (Renamer, String) {
        let path = folder.appendingPathComponent("standard.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let pathway = PathwayLoader().load(yaml: text, file: path).pathway
        return (Renamer(document: DocumentAnalysis(text: text, pathway: pathway), uri: DocumentURI.uri(path), path: path), text)
    }

    func position(of needle: String, in text: String) -> Position {
        let before = text[..<text.range(of: needle)!.lowerBound]
        let line = before.filter { $0 == "\n" }.count
        let column = before.split(separator: "\n", omittingEmptySubsequences: false).last.map { $0.utf16.count } ?? 0
        return Position(line: line, character: column + 3)
    }

    @Test func aStepRenameEditsTheFileAndItsOverlay() throws {
        let folder = try folderCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (r, text) = try renamer(folder)
        let edit = try r.rename(at: position(of: "  leg-ultrasound:", in: text), to: "proximal-ultrasound")
        let standard = DocumentURI.uri(folder.appendingPathComponent("standard.yaml").path)
        let overlay = DocumentURI.uri(folder.appendingPathComponent("rural.yaml").path)
        #expect(edit.changes[standard]?.count == 3)
        #expect(edit.changes[overlay]?.count == 2)
        #expect(edit.changes.values.joined().allSatisfy { $0.newText == "proximal-ultrasound" && $0.range.end.character - $0.range.start.character == 14 })
    }

    @Test func aRenameToATakenOrInvalidNameIsRefused() throws {
        let folder = try folderCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (r, text) = try renamer(folder)
        let at = position(of: "  leg-ultrasound:", in: text)
        #expect(throws: ResponseError.self) { try r.rename(at: at, to: "discharge") }
        #expect(throws: ResponseError.self) { try r.rename(at: at, to: "a b") }
        #expect(throws: ResponseError.self) { try r.prepare(at: Position(line: 0, character: 0)) }
    }

    @Test func anOverlayCannotRenameAStepOfItsStandard() throws {
        let folder = try folderCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rural.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let r = Renamer(document: DocumentAnalysis(text: text, pathway: nil), uri: DocumentURI.uri(path), path: path)
        let at = position(of: "steps.leg-ultrasound", in: text)
        #expect(throws: ResponseError.self) { try r.prepare(at: Position(line: at.line, character: at.character + 6)) }
    }
}

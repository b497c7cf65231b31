import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// Symlink loops, devices and outputs that would replace an input: each gets a clear message.
struct FileSafetyTests {
    /// A fresh folder holding the minimal example pathway as `p.yaml`.
    static func workspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let example = repositoryRoot.appendingPathComponent("Examples/minimal/gp-to-clinic.yaml")
        try FileManager.default.copyItem(at: example, to: folder.appendingPathComponent("p.yaml"))
        return folder
    }

    static func link(_ name: String, to destination: String, in folder: URL) throws {
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(name).path, withDestinationPath: destination)
    }

    @Test func aSymlinkLoopIsNamedAsOneWhenRead() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.link("a.yaml", to: "b.yaml", in: folder)
        try Self.link("b.yaml", to: "a.yaml", in: folder)
        let path = folder.appendingPathComponent("a.yaml").path
        #expect(FileCheck.kind(of: path) == .symlinkLoop)
        let result = PathwayLoader().load(file: path)
        #expect(result.pathway == nil)
        #expect(codes(result) == ["CP001"])
        #expect(result.diagnostics.first?.message.contains("symlink loop") == true)
    }

    @Test func aDeviceIsNotReadAsAPathway() {
        #expect(FileCheck.kind(of: "/dev/zero") == .special)
        let result = PathwayLoader().load(file: "/dev/zero")
        #expect(codes(result) == ["CP001"])
        #expect(result.diagnostics.first?.message.contains("device") == true)
    }

    @Test func folderSearchesSkipLoopsAndReportThem() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Self.link("sub/up", to: "..", in: folder)
        try Self.link("loop.yaml", to: "loop.yaml", in: folder)
        let found = PathwayFiles.search([folder.path, folder.appendingPathComponent("missing.yaml").path])
        // The looping .yaml link is listed so reading it reports why; the folder link is skipped once.
        #expect(found.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["loop.yaml", "p.yaml"])
        #expect(found.skipped.count == 1)
        #expect(found.skipped.first?.contains("sub/up") == true)
        #expect(found.problems.count == 1)
        #expect(found.problems.first?.contains("cannot find") == true)
    }

    @Test func subpathwayAndStandardLoopsAreReportedWhereTheyAreNamed() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.link("loop.yaml", to: "loop.yaml", in: folder)
        let variant = "extends: loop.yaml\nchanges: []\n"
        try variant.write(to: folder.appendingPathComponent("variant.yaml"), atomically: true, encoding: .utf8)
        let fromVariant = PathwayLoader().load(file: folder.appendingPathComponent("variant.yaml").path)
        #expect(codes(fromVariant) == ["CP601"])
        #expect(fromVariant.diagnostics.first?.message.contains("symlink loop") == true)
        #expect(fromVariant.diagnostics.first?.location?.line == 1)

        var text = try String(contentsOf: folder.appendingPathComponent("p.yaml"), encoding: .utf8)
        text += "\n" // a subpathway step pointing at the loop, reached from nowhere else
        let withSub = text.replacingOccurrences(of: "steps:\n", with: "steps:\n  looped:\n    kind: subpathway\n    pathway: loop.yaml\n    next: clinic\n")
        #expect(withSub != text)
        let result = PathwayLoader().load(yaml: withSub, file: folder.appendingPathComponent("with-sub.yaml").path)
        let loop = result.diagnostics.first { $0.code == "CP110" }
        #expect(loop?.message.contains("symlink loop") == true)
    }

    @Test func anOutputMayNotReplaceAnInputByAnyName() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("p.yaml").path
        try Self.link("link.yaml", to: "p.yaml", in: folder)
        try FileManager.default.linkItem(atPath: input, toPath: folder.appendingPathComponent("hard.yaml").path)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["p.yaml", "link.yaml", "hard.yaml", "./sub/../p.yaml"] {
            let output = folder.path + "/" + name
            let refusal = FileCheck.refusal(toWrite: output, inputs: [input])
            #expect(refusal?.contains("one of this command's inputs") == true, "\(name) was allowed")
            #expect(FileCheck.refusal(toWrite: output, inputs: [input], overwritingInputs: true) == nil)
        }
        #expect(FileCheck.refusal(toWrite: folder.appendingPathComponent("new.json").path, inputs: [input]) == nil)
        #expect(FileCheck.refusal(toWrite: folder.path, inputs: [input])?.contains("is a folder") == true)
        try Self.link("self", to: "self", in: folder)
        #expect(FileCheck.refusal(toWrite: folder.appendingPathComponent("self").path, inputs: [input])?.contains("leads back to itself") == true)
        // Devices such as /dev/null may be written to.
        #expect(FileCheck.refusal(toWrite: "/dev/null", inputs: [input]) == nil)
    }
}

/// A file name from a folder walk or a subpathway path is escaped at the head of a diagnostic
/// (issue 18: it was printed raw, so a name holding an escape sequence or a line break reached
/// the terminal).
@Test func fileNamesInDiagnosticsAreEscaped() {
    let name = "bad\u{1B}[31mred\nname.yaml"
    let result = PathwayLoader().load(yaml: "carepath: 1\nid: x\n", file: name)
    let rendered = DiagnosticFormatter(sources: result.sources).format(result.diagnostics, files: 1)
    #expect(!rendered.unicodeScalars.contains("\u{1B}"))
    let firstLine = rendered.split(separator: "\n").first.map(String.init) ?? ""
    #expect(firstLine.hasPrefix("bad\\u{1B}[31mred\\u{A}name.yaml:"), "\(firstLine)")
}

/// An absolute subpathway path is taken as it is (it was joined to the file's folder, so an
/// existing file "could not be found"); outside the pathway folder it is still CP111.
@Test func absoluteSubpathwayPathsAreReadAsGiven() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-abs-\(UUID().uuidString)")
    let inside = root.appendingPathComponent("pathways"), outside = root.appendingPathComponent("elsewhere")
    for folder in [inside.appendingPathComponent("shared"), outside] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    defer { try? FileManager.default.removeItem(at: root) }
    let sub = "carepath: 1\nid: sub\ntitle: Sub\norganisations:\n  a: { name: A, type: acute }\nstart: s\nsteps:\n  s: { kind: assessment, organisation: a, duration: 5 min, next: e }\n  e: { kind: end, outcome: done }\n"
    try sub.write(to: inside.appendingPathComponent("shared/sub.yaml"), atomically: true, encoding: .utf8)
    try sub.write(to: outside.appendingPathComponent("sub.yaml"), atomically: true, encoding: .utf8)
    func main(_ path: String) -> String {
        "carepath: 1\nid: main\ntitle: Main\norganisations:\n  a: { name: A, type: acute }\nstart: call\nsteps:\n  call: { kind: subpathway, organisation: a, pathway: \(path), next: e }\n  e: { kind: end, outcome: done }\n"
    }
    let file = inside.appendingPathComponent("main.yaml")
    try main(inside.appendingPathComponent("shared/sub.yaml").path).write(to: file, atomically: true, encoding: .utf8)
    let good = PathwayLoader().load(file: file.path)
    #expect(!good.diagnostics.contains { $0.severity == .error }, "\(good.diagnostics.map(\.message))")
    #expect(good.pathway?.subpathways.count == 1)
    try main(outside.appendingPathComponent("sub.yaml").path).write(to: file, atomically: true, encoding: .utf8)
    #expect(PathwayLoader().load(file: file.path).diagnostics.contains { $0.code == "CP111" })
}

import Foundation
import Testing
@testable import PathwayPreview

@Suite struct FileWatcherTests {
    @Test func firstLookReportsEveryFileAndASecondLookNothing() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("a.yaml", "a")
        var watcher = FileWatcher(paths: [f.path("a.yaml"), f.path("missing.yaml"), f.path("a.yaml")])
        #expect(watcher.paths == [f.path("a.yaml"), f.path("missing.yaml")])
        #expect(watcher.changes() == [f.path("a.yaml"), f.path("missing.yaml")])
        #expect(watcher.changes().isEmpty)
    }

    @Test func aSaveWithNewContentIsSeenEvenWhenTimeAndSizeStayTheSame() throws {
        let f = try Fixture()
        defer { f.remove() }
        let path = f.path("a.yaml")
        try f.write("a.yaml", "next: clinic")
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: path)
        var watcher = FileWatcher(paths: [path])
        _ = watcher.changes()
        try f.write("a.yaml", "next: clinix")
        try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: path)
        #expect(watcher.changes() == [path])
        #expect(watcher.changes().isEmpty)
    }

    @Test func aTouchWithTheSameContentIsStillAChange() throws {
        let f = try Fixture()
        defer { f.remove() }
        let path = f.path("a.yaml")
        try f.write("a.yaml", "x")
        var watcher = FileWatcher(paths: [path])
        _ = watcher.changes()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: path)
        #expect(watcher.changes() == [path])
    }

    @Test func aDeletedFileIsReportedOnceAndAgainWhenItComesBack() throws {
        let f = try Fixture()
        defer { f.remove() }
        let path = f.path("a.yaml")
        try f.write("a.yaml", "x")
        var watcher = FileWatcher(paths: [path])
        _ = watcher.changes()
        try FileManager.default.removeItem(atPath: path)
        #expect(watcher.changes() == [path])
        #expect(watcher.fingerprint(of: path) == .missing)
        #expect(watcher.changes().isEmpty)
        try f.write("a.yaml", "x")
        #expect(watcher.changes() == [path])
        #expect(watcher.fingerprint(of: path)?.exists == true)
    }

    @Test func aFolderIsNotAFile() throws {
        let f = try Fixture()
        defer { f.remove() }
        #expect(FileFingerprint.read(f.folder.path) == .missing)
    }

    @Test func aNewlyWatchedFileIsReportedOnlyWhenItChanges() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("a.yaml", "a")
        try f.write("sub.yaml", "s")
        var watcher = FileWatcher(paths: [f.path("a.yaml")])
        _ = watcher.changes()
        watcher.watch([f.path("a.yaml"), f.path("sub.yaml")])
        #expect(watcher.changes().isEmpty)
        try f.write("sub.yaml", "s2")
        #expect(watcher.changes() == [f.path("sub.yaml")])
        watcher.watch([f.path("a.yaml")])
        #expect(watcher.paths == [f.path("a.yaml")])
        #expect(watcher.fingerprint(of: f.path("sub.yaml")) == nil)
    }
}

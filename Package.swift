// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "carepath",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "carepath", targets: ["carepath"]),
        .library(name: "PathwayModel", targets: ["PathwayModel"]),
        .library(name: "PathwayLanguage", targets: ["PathwayLanguage"]),
        .library(name: "PathwaySimulation", targets: ["PathwaySimulation"]),
        .library(name: "PathwayDiff", targets: ["PathwayDiff"]),
        .library(name: "PathwayExport", targets: ["PathwayExport"]),
        .library(name: "PathwayReport", targets: ["PathwayReport"]),
        .library(name: "PathwayData", targets: ["PathwayData"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        // Value types only: the typed pathway graph, durations, distributions, diagnostics.
        .target(name: "PathwayModel"),
        // YAML -> model, validation passes, condition expressions, JSON Schema, formatter.
        .target(name: "PathwayLanguage", dependencies: ["PathwayModel", .product(name: "Yams", package: "Yams")]),
        // Seeded discrete-event simulation of patient journeys.
        .target(name: "PathwaySimulation", dependencies: ["PathwayModel"]),
        // Standard vs variant matching, change classification, region matrix.
        .target(name: "PathwayDiff", dependencies: ["PathwayModel", "PathwaySimulation"]),
        // FHIR R4, BPMN 2.0, DOT/Mermaid, build sheets: the pathway alone, written for other tools.
        .target(name: "PathwayExport", dependencies: ["PathwayModel"]),
        // The self-contained HTML report: a pathway with its diagram, simulation, diff and region.
        .target(name: "PathwayReport", dependencies: ["PathwayModel", "PathwayExport", "PathwayDiff", "PathwaySimulation", "PathwayData"]),
        // Real data in: event-log readers (CSV, XES, OCEL 2.0), journeys joined by NHS number,
        // conformance replay, calibration to an overlay.
        .target(name: "PathwayData", dependencies: ["PathwayModel", "PathwayLanguage"]),
        // The Language Server Protocol over stdio: protocol types (checked against the LSP 3.17
        // model), JSON-RPC framing, and handlers built on the validator.
        .target(name: "PathwayLSP", dependencies: ["PathwayModel", "PathwayLanguage"]),
        // `carepath preview`: a loopback web page with the diagram, diagnostics and a short
        // simulation, refreshed on each save.
        .target(name: "PathwayPreview", dependencies: ["PathwayModel", "PathwayLanguage", "PathwayExport", "PathwaySimulation",
                                                       .product(name: "FlyingFox", package: "FlyingFox")]),
        // The command-line shell: argument parsing, file I/O, printing.
        .executableTarget(name: "carepath", dependencies: [
            "PathwayModel", "PathwayLanguage", "PathwaySimulation", "PathwayDiff", "PathwayExport", "PathwayReport", "PathwayData",
            "PathwayLSP", "PathwayPreview",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzzing harness: libFuzzer entry point with -DFUZZING (Fuzz/run.sh), else a corpus replayer.
        .executableTarget(name: "FuzzPathway", dependencies: ["PathwayLanguage", "PathwayModel", "PathwaySimulation", "PathwayDiff", "PathwayExport", "PathwayReport"],
                         path: "Fuzz/FuzzPathway"),
        .testTarget(name: "PathwayModelTests", dependencies: ["PathwayModel"]),
        .testTarget(name: "PathwayLanguageTests", dependencies: ["PathwayLanguage", "FormatChecks"], exclude: ["BadInput"]),
        .testTarget(name: "PathwaySimulationTests", dependencies: ["PathwaySimulation", "PathwayLanguage"]),
        .testTarget(name: "PathwayDiffTests", dependencies: ["PathwayDiff", "PathwayLanguage", "PathwaySimulation", "FormatChecks"], exclude: ["Golden"]),
        .testTarget(name: "PathwayExportTests", dependencies: ["PathwayExport", "PathwayReport", "PathwayLanguage", "PathwaySimulation", "PathwayDiff", "PathwayData", "FormatChecks"], exclude: ["Golden", "ReportGolden"]),
        .testTarget(name: "PathwayDataTests", dependencies: ["PathwayData", "PathwayLanguage", "PathwaySimulation", "FormatChecks"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "PathwayLSPTests", dependencies: ["PathwayLSP", "PathwayLanguage"]),
        .testTarget(name: "PathwayPreviewTests", dependencies: ["PathwayPreview"]),
        .testTarget(name: "WriterSafetyTests", dependencies: ["PathwayModel", "PathwayLanguage", "PathwaySimulation", "PathwayDiff", "PathwayExport", "PathwayReport", "FormatChecks"]),
        // Readers for each output format, written apart from the writers they check; tests only.
        .target(name: "FormatChecks", path: "Tests/FormatChecks"),
    ],
    swiftLanguageModes: [.v6]
)

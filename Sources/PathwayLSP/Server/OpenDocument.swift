import PathwayLanguage
import PathwayModel

/// A document the client has open: its text and version, and what the server last worked out
/// from it.
struct OpenDocument {
    /// The client's name for it.
    let uri: String
    /// The file path it is validated as.
    let path: String
    /// The client's version number.
    var version: Int
    /// The text as the client has it.
    var text: String {
        didSet { cachedAnalysis = nil }
    }
    /// The last pathway the loader built from it (kept while later versions fail to load).
    var pathway: Pathway?
    /// What was last published, for the quick fixes.
    var published: [LSPDiagnostic] = []
    /// The version `published` belongs to.
    var publishedVersion: Int?
    private var cachedAnalysis: DocumentAnalysis?

    init(uri: String, version: Int, text: String) {
        self.uri = uri
        self.path = DocumentURI.path(uri)
        self.version = version
        self.text = text
    }

    /// The analysis of the current text (computed once per version).
    mutating func analysis() -> DocumentAnalysis {
        if let a = cachedAnalysis { return a }
        let a = DocumentAnalysis(text: text, pathway: pathway)
        cachedAnalysis = a
        return a
    }

    /// Validates the current text as `carepath validate` would and returns the diagnostics to publish.
    mutating func validate(with loader: PathwayLoader) -> PublishDiagnosticsParams {
        // Editors start the server for every YAML file (workflows, configuration): only files
        // that look like pathways are validated.
        guard Self.looksLikePathway(text) else {
            published = []
            publishedVersion = version
            return PublishDiagnosticsParams(uri: uri, version: version, diagnostics: [])
        }
        let result = loader.load(yaml: text, file: path)
        if let p = result.pathway {
            pathway = p
            cachedAnalysis = nil
        }
        let lines = cachedAnalysis?.lines ?? LineTable(result.diagnostics.isEmpty ? "" : text)
        let mapper = DiagnosticMapper(file: path, uri: uri, lines: lines, sources: result.sources)
        published = mapper.map(result.diagnostics)
        publishedVersion = version
        return PublishDiagnosticsParams(uri: uri, version: version, diagnostics: published)
    }

    /// Whether the text has a top-level `carepath:`, `extends:` or `steps:` key.
    static func looksLikePathway(_ text: String) -> Bool {
        ["carepath:", "extends:", "steps:"].contains { text.hasPrefix($0) || text.contains("\n" + $0) }
    }
}

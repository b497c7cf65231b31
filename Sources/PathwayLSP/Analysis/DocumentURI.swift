import Foundation

/// Turns the client's document URIs into file paths for the loader, and paths back into URIs.
public enum DocumentURI {
    /// The file path of a `file://` URI (percent-decoded); any other URI is used as a name as it is.
    public static func path(_ uri: String) -> String {
        if uri.hasPrefix("file://"), let url = URL(string: uri), url.isFileURL {
            return url.standardizedFileURL.path
        }
        return uri
    }

    /// The `file://` URI of a path (relative paths are taken from the current folder).
    public static func uri(_ path: String) -> String {
        if path.contains("://") || path.hasPrefix("untitled:") { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.absoluteString
    }
}

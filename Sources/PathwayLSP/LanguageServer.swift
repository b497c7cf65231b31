/// The carepath language server (placeholder until the server lands).
public enum LanguageServerInfo {
    /// The server's name as it tells clients.
    public static let name = "carepath"
}

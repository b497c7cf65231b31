/// The live preview server (placeholder until the server lands).
public enum PreviewInfo {
    /// The page's title prefix.
    public static let name = "carepath preview"
}

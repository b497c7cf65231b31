import PathwayModel
// Temporary stand-in until the condition checker lands.
public enum ConditionChecker {
    public static func check(_ condition: Condition, attributes: [Attribute]) -> [Diagnostic] { [] }
}

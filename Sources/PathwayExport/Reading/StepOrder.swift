import PathwayModel

/// The order in which exports list steps: the order a patient meets them.
///
/// Steps reachable from `start` come in reverse post-order of a depth-first walk (so every step
/// comes after the steps that lead to it, loops aside, and a decision's first branch before its
/// second), then any unreachable steps in file order.
public enum StepOrder {
    /// The pathway's steps in journey order.
    public static func steps(of pathway: Pathway) -> [Step] {
        let index = pathway.stepIndex
        var visited: Set<String> = []
        var postOrder: [String] = []
        // An explicit stack, so a 10,000-step chain cannot overflow the call stack.
        var stack: [(id: String, children: [String], next: Int)] = []
        func push(_ id: String) {
            guard let i = index[id], visited.insert(id).inserted else { return }
            // Children are walked last-first so the first one ends up first after reversal.
            stack.append((id, Array(outgoing(of: pathway.steps[i]).reversed()), 0))
        }
        push(pathway.start)
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].next < stack[top].children.count {
                let child = stack[top].children[stack[top].next]
                stack[top].next += 1
                push(child)
            } else {
                postOrder.append(stack[top].id)
                stack.removeLast()
            }
        }
        var result = postOrder.reversed().compactMap { index[$0].map { pathway.steps[$0] } }
        result += pathway.steps.filter { !visited.contains($0.id) }
        return result
    }

    /// Where a patient can go from a step, including a parallel step's join.
    static func outgoing(of step: Step) -> [String] { step.onward }
}

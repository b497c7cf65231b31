import PathwayModel

/// A condition compiled into postfix instructions over a patient's attribute values.
///
/// Attribute values are held as doubles: numbers as themselves, booleans as 0/1 and categories
/// as the index of the value in the attribute's declared list. A bare identifier opposite a
/// category attribute is a category value, not another attribute.
struct CompiledCondition: Sendable {
    enum OpCode: UInt8, Sendable {
        case attribute, constant, equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case and, or, not, truthy
        /// Pops the value and `count` set members pushed after it; pushes membership.
        case member, notMember
        /// Pops the value; pushes whether it is in constant set `index` (sorted; binary search),
        /// so a long `in [...]` list of constants costs log n per patient, not n.
        case inSet, notInSet
    }
    struct Instruction: Sendable {
        var op: OpCode
        var index: Int32 = 0
        var value: Double = 0
    }
    var code: ContiguousArray<Instruction> = []
    var maxDepth = 0
    /// The sorted constant sets of `inSet`/`notInSet`.
    var sets: [[Double]] = []
}

/// What the compiler needs to know about each attribute.
struct AttributeInfo: Sendable {
    var id: String
    var categories: [String]? // nil unless a category attribute
    var isBoolean: Bool
}

/// Errors found while compiling a condition (validation normally reports them first).
struct ConditionCompileError: Error {
    var message: String
}

extension CompiledCondition {
    init(_ expression: Expression, attributes: [AttributeInfo], indexOf: [String: Int]) throws {
        var out = CompiledCondition()
        var depth = 0
        func push(_ i: Instruction, _ delta: Int) {
            out.code.append(i)
            depth += delta
            out.maxDepth = max(out.maxDepth, depth)
        }
        func categoryValue(_ e: Expression, of attribute: AttributeInfo) -> Double? {
            guard let cats = attribute.categories else { return nil }
            switch e {
            case .attribute(let name, _), .text(let name, _):
                return Double(cats.firstIndex(of: name) ?? -1)
            default: return nil
            }
        }
        func categoryAttribute(_ e: Expression) -> AttributeInfo? {
            if case .attribute(let name, _) = e, let i = indexOf[name], attributes[i].categories != nil {
                return attributes[i]
            }
            return nil
        }
        /// Emits a value (number, attribute, boolean); `context` is the category attribute on
        /// the other side, if any, so bare names become category values.
        func emitValue(_ e: Expression, context: AttributeInfo?) throws {
            if let context, let v = categoryValue(e, of: context) {
                push(Instruction(op: .constant, value: v), 1)
                return
            }
            switch e {
            case .attribute(let name, _):
                guard let i = indexOf[name] else { throw ConditionCompileError(message: "unknown attribute '\(name)'") }
                push(Instruction(op: .attribute, index: Int32(i)), 1)
            case .number(let v, _, _):
                push(Instruction(op: .constant, value: v), 1)
            case .boolean(let b, _):
                push(Instruction(op: .constant, value: b ? 1 : 0), 1)
            case .text(let t, _):
                throw ConditionCompileError(message: "text '\(t)' compared with something that is not a category")
            default:
                try emitBoolean(e)
            }
        }
        func emitBoolean(_ e: Expression) throws {
            switch e {
            case .attribute:
                try emitValue(e, context: nil)
                push(Instruction(op: .truthy), 0)
            case .boolean(let b, _):
                push(Instruction(op: .constant, value: b ? 1 : 0), 1)
            case .number, .text:
                try emitValue(e, context: nil)
                push(Instruction(op: .truthy), 0)
            case .not(let inner, _):
                try emitBoolean(inner)
                push(Instruction(op: .not), 0)
            case .logical(let op, let l, let r):
                try emitBoolean(l)
                try emitBoolean(r)
                push(Instruction(op: op == .and ? .and : .or), -1)
            case .comparison(let op, let l, let r):
                let lc = categoryAttribute(l), rc = categoryAttribute(r)
                try emitValue(l, context: rc)
                try emitValue(r, context: lc)
                let code: OpCode
                switch op {
                case .equal: code = .equal
                case .notEqual: code = .notEqual
                case .less: code = .less
                case .lessOrEqual: code = .lessOrEqual
                case .greater: code = .greater
                case .greaterOrEqual: code = .greaterOrEqual
                }
                push(Instruction(op: code), -1)
            case .membership(let value, let items, let negated):
                let context = categoryAttribute(value)
                try emitValue(value, context: nil)
                let start = out.code.count
                for item in items { try emitValue(item, context: context) }
                let pushed = out.code[start...]
                if pushed.count == items.count, pushed.allSatisfy({ $0.op == .constant }) {
                    // Every member a constant: one sorted set instead of a run of pushes.
                    out.code.removeSubrange(start...)
                    depth -= items.count
                    out.sets.append(Array(Set(pushed.map(\.value))).sorted())
                    push(Instruction(op: negated ? .notInSet : .inSet, index: Int32(out.sets.count - 1)), 0)
                } else {
                    push(Instruction(op: negated ? .notMember : .member, index: Int32(items.count)), -items.count)
                }
            }
        }
        try emitBoolean(expression)
        self = out
    }

    /// Evaluates the condition for a patient whose attributes start at `base` in `values`,
    /// using `stack` as scratch space (at least `maxDepth` long).
    @inline(__always)
    func evaluate(_ values: UnsafeBufferPointer<Double>, base: Int,
                  stack: UnsafeMutableBufferPointer<Double>) -> Bool {
        var top = -1
        for ins in code {
            switch ins.op {
            case .attribute:
                top += 1; stack[top] = values[base + Int(ins.index)]
            case .constant:
                top += 1; stack[top] = ins.value
            case .equal:
                top -= 1; stack[top] = stack[top] == stack[top + 1] ? 1 : 0
            case .notEqual:
                top -= 1; stack[top] = stack[top] != stack[top + 1] ? 1 : 0
            case .less:
                top -= 1; stack[top] = stack[top] < stack[top + 1] ? 1 : 0
            case .lessOrEqual:
                top -= 1; stack[top] = stack[top] <= stack[top + 1] ? 1 : 0
            case .greater:
                top -= 1; stack[top] = stack[top] > stack[top + 1] ? 1 : 0
            case .greaterOrEqual:
                top -= 1; stack[top] = stack[top] >= stack[top + 1] ? 1 : 0
            case .and:
                top -= 1; stack[top] = (stack[top] != 0 && stack[top + 1] != 0) ? 1 : 0
            case .or:
                top -= 1; stack[top] = (stack[top] != 0 || stack[top + 1] != 0) ? 1 : 0
            case .not:
                stack[top] = stack[top] != 0 ? 0 : 1
            case .truthy:
                stack[top] = stack[top] != 0 ? 1 : 0
            case .member, .notMember:
                let n = Int(ins.index)
                let valueIndex = top - n
                let v = stack[valueIndex]
                var found = false
                var i = valueIndex + 1
                while i <= top {
                    if stack[i] == v { found = true }
                    i += 1
                }
                top = valueIndex
                stack[top] = (found != (ins.op == .notMember)) ? 1 : 0
            case .inSet, .notInSet:
                let set = sets[Int(ins.index)]
                let v = stack[top]
                var low = 0, high = set.count
                while low < high {
                    let mid = (low + high) / 2
                    if set[mid] < v { low = mid + 1 } else { high = mid }
                }
                let found = low < set.count && set[low] == v
                stack[top] = (found != (ins.op == .notInSet)) ? 1 : 0
            }
        }
        return top >= 0 && stack[top] != 0
    }
}

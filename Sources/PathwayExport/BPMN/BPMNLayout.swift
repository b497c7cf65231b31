/// A layered left-to-right layout for a `BPMNProcessModel`, so the diagram opens laid out in
/// Camunda Modeler or bpmn.io.
///
/// Columns come from longest-path layering over sequence and message flows together (loops are
/// broken at their back edges first), so time runs left to right across every pool and a
/// handoff's receiving side sits to the right of its sending side. Each pool is a horizontal
/// band; within it, the nodes of one column are stacked in rows, ordered by the rows of their
/// predecessors to keep crossings down. All coordinates are integers.
struct BPMNLayout {
    struct Box: Equatable {
        var x: Int, y: Int, width: Int, height: Int
        var midX: Int { x + width / 2 }
        var midY: Int { y + height / 2 }
        var right: Int { x + width }
        var bottom: Int { y + height }
    }

    struct Point: Equatable {
        var x: Int, y: Int
    }

    var shapes: [String: Box] = [:]
    var pools: [Box] = []
    var edges: [String: [Point]] = [:]

    static let columnWidth = 160
    static let rowHeight = 120
    static let poolLabelWidth = 30
    static let poolGap = 40
    static let margin = 40

    static func size(_ kind: BPMNProcessModel.NodeKind) -> (Int, Int) {
        if kind.isEvent { return (36, 36) }
        if kind.isGateway { return (50, 50) }
        return (100, 80)
    }

    init(_ model: BPMNProcessModel) {
        let ids = model.nodes.map(\.id)
        var position: [String: Int] = [:]
        for (i, id) in ids.enumerated() { position[id] = i }
        var successors = [[Int]](repeating: [], count: ids.count)
        var edgeList: [(Int, Int)] = []
        for flow in model.flows { if let a = position[flow.source], let b = position[flow.target] { edgeList.append((a, b)) } }
        for flow in model.messageFlows { if let a = position[flow.source], let b = position[flow.target] { edgeList.append((a, b)) } }
        for (a, b) in edgeList { successors[a].append(b) }

        // Break loops: depth-first from the start event(s), then any unvisited node; an edge to a
        // node still on the stack is a back edge and is ignored for layering.
        var state = [UInt8](repeating: 0, count: ids.count)  // 0 new, 1 on stack, 2 done
        var back: Set<Int> = []  // a * count + b
        let count = ids.count
        let roots = model.nodes.indices.filter { model.nodes[$0].kind == .startEvent } + Array(model.nodes.indices)
        for root in roots where state[root] == 0 {
            var stack: [(Int, Int)] = [(root, 0)]
            state[root] = 1
            while !stack.isEmpty {
                let (n, i) = stack[stack.count - 1]
                if i < successors[n].count {
                    stack[stack.count - 1].1 += 1
                    let m = successors[n][i]
                    if state[m] == 1 { back.insert(n * count + m) } else if state[m] == 0 {
                        state[m] = 1
                        stack.append((m, 0))
                    }
                } else {
                    state[n] = 2
                    stack.removeLast()
                }
            }
        }

        // Longest-path layering (Kahn's order over the forward edges).
        var indegree = [Int](repeating: 0, count: count)
        var forward = [[Int]](repeating: [], count: count)
        var preds = [[Int]](repeating: [], count: count)
        for (a, b) in edgeList where !back.contains(a * count + b) {
            forward[a].append(b)
            preds[b].append(a)
            indegree[b] += 1
        }
        var layer = [Int](repeating: 0, count: count)
        var queue = (0..<count).filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let n = queue[head]; head += 1
            for m in forward[n] {
                layer[m] = max(layer[m], layer[n] + 1)
                indegree[m] -= 1
                if indegree[m] == 0 { queue.append(m) }
            }
        }
        let columns = (layer.max() ?? 0) + 1

        // Rows within each pool, column by column, ordered by the mean row of predecessors.
        var row = [Int](repeating: 0, count: count)
        var rowsInPool = [Int](repeating: 1, count: model.pools.count)
        var byColumn = [[Int]](repeating: [], count: columns)
        for n in 0..<count { byColumn[layer[n]].append(n) }
        for column in byColumn {
            for p in model.pools.indices {
                let members = column.filter { model.nodes[$0].pool == p }
                let keyed = members.map { n -> (Double, Int) in
                    let samePool = preds[n].filter { model.nodes[$0].pool == p }
                    let key = samePool.isEmpty ? Double(n) / Double(max(count, 1)) * 0.5
                        : Double(samePool.map { row[$0] }.reduce(0, +)) / Double(samePool.count)
                    return (key, n)
                }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                var used: Set<Int> = []
                for (key, n) in keyed {
                    var r = max(0, Int(key.rounded()))
                    while used.contains(r) { r += 1 }
                    used.insert(r)
                    row[n] = r
                    rowsInPool[p] = max(rowsInPool[p], r + 1)
                }
            }
        }

        // Pools as stacked bands; nodes centred in their cells.
        let poolWidth = Self.poolLabelWidth + Self.margin * 2 + columns * Self.columnWidth
        // The patient's own pool (when the journey starts there) is drawn on top.
        var top = 0
        var poolTop = [Int](repeating: 0, count: model.pools.count)
        pools = [Box](repeating: Box(x: 0, y: 0, width: 0, height: 0), count: model.pools.count)
        for p in model.pools.indices.sorted(by: { (model.pools[$0].isPatient ? 0 : 1, $0) < (model.pools[$1].isPatient ? 0 : 1, $1) }) {
            let height = rowsInPool[p] * Self.rowHeight + Self.margin
            poolTop[p] = top
            pools[p] = Box(x: 0, y: top, width: poolWidth, height: height)
            top += height + Self.poolGap
        }
        for (n, node) in model.nodes.enumerated() {
            let (w, h) = Self.size(node.kind)
            let cx = Self.poolLabelWidth + Self.margin + layer[n] * Self.columnWidth + Self.columnWidth / 2
            let cy = poolTop[node.pool] + Self.margin / 2 + row[n] * Self.rowHeight + Self.rowHeight / 2
            shapes[node.id] = Box(x: cx - w / 2, y: cy - h / 2, width: w, height: h)
        }

        // Edges run in the free channels of the grid: vertical runs on column boundaries and
        // horizontal runs on row boundaries, where no shape can be, so no edge crosses a shape.
        // The columns taken in each row of each pool, sorted, to ask "is anything in the way?".
        var taken: [Int: [Int]] = [:]
        for n in 0..<count { taken[model.nodes[n].pool * 1_000_000 + row[n], default: []].append(layer[n]) }
        for key in taken.keys { taken[key]?.sort() }
        func occupied(_ pool: Int, _ r: Int, after: Int, before: Int) -> Bool {
            guard let columns = taken[pool * 1_000_000 + r] else { return false }
            var lo = 0, hi = columns.count  // first column > after
            while lo < hi {
                let mid = (lo + hi) / 2
                if columns[mid] <= after { lo = mid + 1 } else { hi = mid }
            }
            return lo < columns.count && columns[lo] < before
        }
        let columnLeft = { (c: Int) in Self.poolLabelWidth + Self.margin + c * Self.columnWidth }
        let rowTop = { (n: Int) in poolTop[model.nodes[n].pool] + Self.margin / 2 + row[n] * Self.rowHeight }

        for flow in model.flows {
            guard let a = position[flow.source], let b = position[flow.target],
                  let s = shapes[flow.source], let t = shapes[flow.target] else { continue }
            if layer[b] > layer[a] {
                let exit = columnLeft(layer[a] + 1), entry = columnLeft(layer[b])
                let blocked = occupied(model.nodes[a].pool, row[a], after: layer[a], before: layer[b])
                if s.midY == t.midY && !blocked {
                    edges[flow.id] = [Point(x: s.right, y: s.midY), Point(x: t.x, y: t.midY)]
                } else if exit == entry || !occupied(model.nodes[b].pool, row[b], after: layer[a], before: layer[b]) {
                    // Down or up the column boundary, then along the target's row (free).
                    edges[flow.id] = [Point(x: s.right, y: s.midY), Point(x: exit, y: s.midY),
                                      Point(x: exit, y: t.midY), Point(x: t.x, y: t.midY)]
                } else if !blocked {
                    // Along the source's row (free), then down or up the target's column boundary.
                    edges[flow.id] = [Point(x: s.right, y: s.midY), Point(x: entry, y: s.midY),
                                      Point(x: entry, y: t.midY), Point(x: t.x, y: t.midY)]
                } else {
                    // Out to the column boundary, along the row boundary on the target's side,
                    // then in from the target's column boundary.
                    let gutter = row[b] < row[a] ? rowTop(a) : rowTop(a) + Self.rowHeight
                    edges[flow.id] = [Point(x: s.right, y: s.midY), Point(x: exit, y: s.midY), Point(x: exit, y: gutter),
                                      Point(x: entry, y: gutter), Point(x: entry, y: t.midY), Point(x: t.x, y: t.midY)]
                }
            } else {
                // A loop back: out of the bottom, along the row boundary under the lower of the
                // two rows, and up into the target's bottom.
                let gutter = max(rowTop(a), rowTop(b)) + Self.rowHeight
                edges[flow.id] = [Point(x: s.midX, y: s.bottom), Point(x: s.midX, y: gutter),
                                  Point(x: t.midX, y: gutter), Point(x: t.midX, y: t.bottom)]
            }
        }
        // Message flows: out of the sender into the row boundary, along it to the next column
        // boundary, across the pools there, then along the receiver's row boundary into it.
        for flow in model.messageFlows {
            guard let a = position[flow.source], let b = position[flow.target],
                  let s = shapes[flow.source], let t = shapes[flow.target] else { continue }
            let down = poolTop[model.nodes[b].pool] > poolTop[model.nodes[a].pool]
            let leave = down ? rowTop(a) + Self.rowHeight : rowTop(a)
            let arrive = down ? rowTop(b) : rowTop(b) + Self.rowHeight
            let x = columnLeft(min(layer[a], layer[b]) + 1)
            edges[flow.id] = [Point(x: s.midX, y: down ? s.bottom : s.y), Point(x: s.midX, y: leave),
                              Point(x: x, y: leave), Point(x: x, y: arrive),
                              Point(x: t.midX, y: arrive), Point(x: t.midX, y: down ? t.y : t.bottom)]
        }
    }
}

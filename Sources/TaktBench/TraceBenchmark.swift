import Foundation
import TaktCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `takt bench trace`: how long a lot trace (``PlantState/trace(_:direction:limit:)``) takes on a large plant.
///
/// The plant is built in memory by feeding events through `PlantState.apply`, the projection the server
/// answers queries from, not through the SQLite log: a million lots through the log would take minutes and
/// measure the store, not the trace.
///
/// Its lots sit on `levels` BOM levels: purchased castings and the like at level 0, then one made item per level
/// up to the finished item. Every made lot comes from its own production order, which consumed 1 to 3 lots of the
/// level below (2 on average); every lot below the top is consumed at least once and some several times, so
/// traces reach from a single lot to a few thousand (2 on average per level and step, both ways).
public struct TraceBenchmark: Sendable {
    public var lots = 1_000_000
    public var levels = 8
    public var seed: UInt64 = 1
    public var samples = 1_000

    public init() {}

    /// One timed trace.
    public struct Sample: Sendable {
        /// Wall time (monotonic clock).
        public var milliseconds: Double
        /// CPU time of the process (1 µs resolution), which leaves out time spent waiting for a core on a busy machine.
        public var cpuMilliseconds: Double
        public var lots: Int
        public var truncated: Bool
    }

    public struct Figures: Sendable {
        public var lots: Int
        public var levels: Int
        public var orders: Int
        public var consumptions: Int
        public var events: Int
        public var buildSeconds: Double
        /// Resident and peak resident memory after the build, when the system reports them (Linux /proc).
        public var residentBytes: Int?
        public var peakResidentBytes: Int?
        /// The 1-minute load average when the timing started (Linux /proc), since other work on the machine shows in p99.
        public var loadAverage: Double?
        public var backward: [Sample]
        public var forward: [Sample]
    }

    /// Builds the plant, then times `samples` backward traces from random finished lots and `samples` forward
    /// traces from random purchased lots. `progress` receives a line per step.
    public func run(progress: (String) -> Void) -> Figures {
        let clock = ContinuousClock()
        let t0 = clock.now
        var plant = Builder(seed: seed)
        plant.build(lots: lots, levels: max(2, levels), progress: progress)
        let buildSeconds = traceSeconds(clock.now - t0)
        let memory = Self.residentMemory()
        let state = plant.state
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }

        var rng = plant.rng
        func time(_ roots: [Lot.ID], _ direction: TraceDirection, count: Int) -> [Sample] {
            var out: [Sample] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                let root = roots[Int(rng.next() % UInt64(roots.count))]
                let cpu = processCPUSeconds()
                let start = clock.now
                let trace = state.trace(root, direction: direction)
                let elapsed = clock.now - start
                let cpuMs = (processCPUSeconds() - cpu) * 1000
                out.append(
                    Sample(
                        milliseconds: traceSeconds(elapsed) * 1000,
                        cpuMilliseconds: cpuMs,
                        lots: trace?.lots.count ?? 0,
                        truncated: trace?.truncated ?? false
                    )
                )
            }
            return out
        }
        progress("warming up")
        _ = time(plant.finished, .backward, count: min(20, samples))
        _ = time(plant.purchased, .forward, count: min(20, samples))
        progress("\(samples) backward traces from random finished lots")
        let backward = time(plant.finished, .backward, count: samples)
        progress("\(samples) forward traces from random purchased lots")
        let forward = time(plant.purchased, .forward, count: samples)
        return Figures(
            lots: state.lots.count,
            levels: max(2, levels),
            orders: state.productionOrders.count,
            consumptions: plant.consumptions,
            events: Int(state.sequence),
            buildSeconds: buildSeconds,
            residentBytes: memory.resident,
            peakResidentBytes: memory.peak,
            loadAverage: load,
            backward: backward,
            forward: forward
        )
    }

    /// VmRSS and VmHWM from /proc/self/status, in bytes.
    static func residentMemory() -> (resident: Int?, peak: Int?) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (nil, nil) }
        func field(_ name: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Generates the plant as events and applies each to the state.
    struct Builder {
        var state = PlantState()
        var rng: SeededRandom
        var purchased: [Lot.ID] = []
        var finished: [Lot.ID] = []
        var consumptions = 0
        var time = Date(timeIntervalSince1970: 1_800_000_000)

        init(seed: UInt64) { rng = SeededRandom(seed: seed) }

        mutating func apply(_ event: Event) { state.apply(event, sequence: state.sequence + 1) }

        mutating func build(lots: Int, levels: Int, progress: (String) -> Void) {
            let perLevel = max(1, lots / levels)
            let digits = String(perLevel).count
            let operators = (1...40).map { User.ID("OP-\(pad($0, 3))") }
            let store: Location.ID = "LOC-STORE"
            apply(.siteDefined(Site(id: "PLANT-1", name: "Pump plant", timeZone: "Europe/Berlin")))
            apply(.locationDefined(Location(id: store, name: "Main store", site: "PLANT-1", kind: .store)))
            for op in operators { apply(.userCreated(User(id: op, name: "Operator \(op)", roles: [.operator]))) }
            var items: [Item.ID] = []
            var workCenters: [[WorkCenter.ID]] = [[]]
            for level in 0..<levels {
                let item = Item.ID("ITEM-L\(level)")
                items.append(item)
                let kind: ItemKind = level == 0 ? .purchased : level == levels - 1 ? .finished : .semiFinished
                apply(.itemDefined(Item(id: item, name: "Level \(level) item", kind: kind)))
                guard level > 0 else { continue }
                let wcs = [WorkCenter.ID("WC-L\(level)-A"), WorkCenter.ID("WC-L\(level)-B")]
                workCenters.append(wcs)
                for wc in wcs {
                    apply(.workCenterDefined(WorkCenter(id: wc, name: "Work center \(wc)", site: "PLANT-1", kind: .machining)))
                }
                apply(.bomDefined(BOM(id: .init("BOM-L\(level)"), item: item, components: [.init(item: items[level - 1], quantity: 1)])))
                apply(
                    .routingDefined(
                        Routing(
                            id: .init("RT-L\(level)"),
                            item: item,
                            operations: [
                                RoutingOperation(
                                    sequence: 10,
                                    name: "Make level \(level)",
                                    workCenters: wcs.map { .init(workCenter: $0, setupMinutes: 15, runMinutesPerUnit: 2) }
                                )
                            ]
                        )
                    )
                )
            }

            // Level 0: goods receipts of purchased lots.
            progress("receiving \(perLevel) purchased lots")
            var below: [Lot.ID] = []
            below.reserveCapacity(perLevel)
            let quantity = 12.0
            for i in 0..<perLevel {
                let id = Lot.ID("L0-\(pad(i, digits))")
                below.append(id)
                apply(
                    .lotCreated(
                        Lot(
                            id: id,
                            item: items[0],
                            quantity: quantity,
                            location: store,
                            supplierLot: "S-\(pad(i, digits))",
                            supplier: i % 2 == 0 ? "Giesserei Sauerland" : "Eisenwerk Nord",
                            createdAt: time
                        )
                    )
                )
            }
            purchased = below

            // Made levels: one order per lot, each consuming 1 to 3 lots of the level below.
            for level in 1..<levels {
                progress("level \(level) of \(levels - 1): \(perLevel) production orders")
                let fanIn = (0..<perLevel).map { _ in 1 + Int(rng.next() % 3) }
                // Every lot below is consumed at least once; the rest of the inputs land on random lots.
                var slots = Array(0..<below.count)
                let total = fanIn.reduce(0, +)
                if total > slots.count {
                    for _ in 0..<(total - slots.count) { slots.append(Int(rng.next() % UInt64(below.count))) }
                }
                for i in stride(from: slots.count - 1, to: 0, by: -1) { slots.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                var uses = [Int](repeating: 0, count: below.count)
                for s in slots.prefix(total) { uses[s] += 1 }

                var made: [Lot.ID] = []
                made.reserveCapacity(perLevel)
                var next = 0
                for j in 0..<perLevel {
                    time += 1
                    let po = ProductionOrder.ID("PO\(level)-\(pad(j, digits))")
                    let lot = Lot.ID("L\(level)-\(pad(j, digits))")
                    let wc = workCenters[level][Int(rng.next() % 2)]
                    let who = operators[Int(rng.next() % UInt64(operators.count))]
                    apply(
                        .productionOrderCreated(
                            ProductionOrder(
                                id: po,
                                item: items[level],
                                quantity: quantity,
                                routing: .init("RT-L\(level)"),
                                dueDate: time + 86_400 * 7,
                                createdAt: time
                            )
                        )
                    )
                    apply(.productionOrderReleased(.init(productionOrder: po, at: time)))
                    apply(.productionOrderStarted(.init(productionOrder: po, at: time)))
                    apply(.operationStarted(.init(productionOrder: po, operation: 10, workCenter: wc, operator: who, plannedMinutes: 39, at: time)))
                    for _ in 0..<fanIn[j] where next < slots.count {
                        let input = slots[next]
                        next += 1
                        apply(
                            .lotConsumed(
                                Consumption(
                                    lot: below[input],
                                    item: items[level - 1],
                                    quantity: quantity / Double(uses[input]),
                                    productionOrder: po,
                                    operation: 10,
                                    workCenter: wc,
                                    by: who,
                                    at: time
                                )
                            )
                        )
                        consumptions += 1
                    }
                    apply(
                        .lotProduced(
                            LotProduced(
                                lot: Lot(id: lot, item: items[level], quantity: quantity, location: store, productionOrder: po, createdAt: time),
                                operation: 10,
                                workCenter: wc,
                                by: who
                            )
                        )
                    )
                    apply(
                        .operationCompleted(
                            .init(
                                productionOrder: po,
                                operation: 10,
                                workCenter: wc,
                                good: quantity,
                                scrap: 0,
                                rework: 0,
                                plannedMinutes: 39,
                                actualMinutes: 40,
                                by: who,
                                at: time + 2_400
                            )
                        )
                    )
                    apply(.productionOrderCompleted(.init(productionOrder: po, at: time + 2_400)))
                    made.append(lot)
                }
                below = made
            }
            finished = below
            // Half the finished lots have left the plant (a status change stands in for the shipments to come).
            for (i, id) in finished.enumerated() where i % 2 == 0 {
                apply(.lotStatusChanged(LotStatusChanged(lot: id, from: .available, to: .shipped, reason: "Delivered")))
            }
        }
    }
}

extension TraceBenchmark.Figures {
    /// The lines of the report, the JSON line last.
    public var report: [String] {
        func percentile(_ values: [Double], _ p: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let s = values.sorted()
            return s[min(s.count - 1, Int((p * Double(s.count - 1)).rounded()))]
        }
        func mean(_ values: [Int]) -> Double { values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count) }
        func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
        func col(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

        var lines: [String] = []
        let gib = residentBytes.map { f(Double($0) / 1_073_741_824, 2) + " GiB resident" } ?? "resident memory unknown"
        let peak = peakResidentBytes.map { ", peak " + f(Double($0) / 1_073_741_824, 2) + " GiB" } ?? ""
        lines.append("trace: \(lots) lots on \(levels) BOM levels, \(orders) production orders, \(consumptions) consumptions")
        lines.append("  built in memory from \(events) events in \(f(buildSeconds, 1)) s; \(gib)\(peak)")
        if let loadAverage {
            lines.append(
                "  load average (1 min) when the timing started: \(f(loadAverage, 2)) on \(ProcessInfo.processInfo.activeProcessorCount) cores"
            )
        }
        lines.append("")
        lines.append("  direction   traces  mean lots  max lots   p50 ms   p90 ms   p99 ms   max ms   CPU p50 ms   CPU p99 ms")
        for (name, s) in [("backward", backward), ("forward", forward)] {
            let ms = s.map(\.milliseconds)
            lines.append(
                "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + col(String(s.count), 8)
                    + col(f(mean(s.map(\.lots)), 1), 11) + col(String(s.map(\.lots).max() ?? 0), 10)
                    + col(f(percentile(ms, 0.5), 3), 9) + col(f(percentile(ms, 0.9), 3), 9)
                    + col(f(percentile(ms, 0.99), 3), 9) + col(f(ms.max() ?? 0, 3), 9)
                    + col(f(percentile(s.map(\.cpuMilliseconds), 0.5), 3), 13) + col(f(percentile(s.map(\.cpuMilliseconds), 0.99), 3), 13)
            )
        }
        lines.append("")
        lines.append("  lots per trace (both directions)  traces   p50 ms   p99 ms   max ms   CPU p99 ms")
        let all = backward + forward
        for (label, range) in [("1-10", 1...10), ("11-100", 11...100), ("101-1000", 101...1_000), ("1001+", 1_001...Int.max)] {
            let bucket = all.filter { range.contains($0.lots) }
            let ms = bucket.map(\.milliseconds)
            guard !ms.isEmpty else { continue }
            lines.append(
                "  " + label.padding(toLength: 32, withPad: " ", startingAt: 0) + col(String(ms.count), 8)
                    + col(f(percentile(ms, 0.5), 3), 9) + col(f(percentile(ms, 0.99), 3), 9) + col(f(ms.max() ?? 0, 3), 9)
                    + col(f(percentile(bucket.map(\.cpuMilliseconds), 0.99), 3), 13)
            )
        }
        let truncated = all.filter(\.truncated).count
        if truncated > 0 { lines.append("  \(truncated) traces reached the limit of 10,000 lots") }
        let upTo1000 = all.filter { $0.lots <= 1_000 }.map(\.milliseconds)
        let b = backward.map(\.milliseconds)
        let fw = forward.map(\.milliseconds)
        var json = "{\"lots\": \(lots), \"levels\": \(levels), \"samples\": \(backward.count)"
        json += ", \"backward_p50_ms\": \(f(percentile(b, 0.5), 3)), \"backward_p99_ms\": \(f(percentile(b, 0.99), 3))"
        json += ", \"forward_p50_ms\": \(f(percentile(fw, 0.5), 3)), \"forward_p99_ms\": \(f(percentile(fw, 0.99), 3))"
        json += ", \"p99_ms_up_to_1000_lots\": \(f(percentile(upTo1000, 0.99), 3))"
        json += ", \"backward_cpu_p99_ms\": \(f(percentile(backward.map(\.cpuMilliseconds), 0.99), 3))"
        json += ", \"forward_cpu_p99_ms\": \(f(percentile(forward.map(\.cpuMilliseconds), 0.99), 3))"
        json += ", \"backward_mean_lots\": \(f(mean(backward.map(\.lots)), 1)), \"forward_mean_lots\": \(f(mean(forward.map(\.lots)), 1))"
        json += ", \"backward_max_lots\": \(backward.map(\.lots).max() ?? 0), \"forward_max_lots\": \(forward.map(\.lots).max() ?? 0)"
        json += ", \"build_seconds\": \(f(buildSeconds, 1))"
        if let residentBytes { json += ", \"resident_mib\": \(residentBytes / 1_048_576)" }
        json += "}"
        lines.append(json)
        return lines
    }
}

/// CPU time of the process, in seconds (the traces run on one thread; the others are idle meanwhile).
private func processCPUSeconds() -> Double {
    Double(clock()) / Double(CLOCKS_PER_SEC)
}

private func traceSeconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// `n` in decimal, zero-padded to `width` digits.
private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

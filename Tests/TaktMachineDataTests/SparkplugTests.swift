import Foundation
import TaktCore
import TaktMachineData
import Testing

private let t0 = Date(timeIntervalSince1970: 1_795_586_400)

private func topic(_ type: SparkplugMessageType, device: String? = nil) -> SparkplugTopic {
    SparkplugTopic(group: "plant-1", type: type, edgeNode: "line-3", device: device)
}

/// A payload as an edge node sends it, through the bytes on the wire.
private func wire(_ seq: UInt64?, _ metrics: [SparkplugMetric]) throws -> SparkplugPayload {
    try SparkplugPayload(decoding: SparkplugPayload(seq: seq, timestamp: t0, metrics: metrics).serialized())
}

private let birthMetrics = [
    SparkplugMetric(name: "bdSeq", value: .unsigned(7)),
    SparkplugMetric(name: "Node Control/Rebirth", value: .bool(false)),
]
private let deviceBirth = [
    SparkplugMetric(name: "State", alias: 1, value: .int(1)),
    SparkplugMetric(name: "Good count", alias: 2, value: .unsigned(0)),
    SparkplugMetric(name: "Rate", alias: 3, value: .double(42.5)),
]

@Suite("Sparkplug B: topics, payloads and an edge node's session")
struct SparkplugTests {
    @Test("Topics are read level by level; a topic outside the namespace or with the wrong levels is named")
    func topics() throws {
        let t = try SparkplugTopic(parsing: "spBv1.0/plant-1/DDATA/line-3/MILL-1")
        #expect(t == SparkplugTopic(group: "plant-1", type: .ddata, edgeNode: "line-3", device: "MILL-1"))
        #expect(t.description == "spBv1.0/plant-1/DDATA/line-3/MILL-1")
        #expect(try SparkplugTopic(parsing: "spBv1.0/plant-1/NBIRTH/line-3").device == nil)
        // A host application's STATE (Sparkplug 3.0) is read, not refused; its host ID must be one plain level.
        let state = try SparkplugTopic(parsing: "spBv1.0/STATE/scada-1")
        #expect(state.type == .state && state.edgeNode == "scada-1" && state.description == "spBv1.0/STATE/scada-1")
        #expect(SparkplugTopic.hostState("takt") == "spBv1.0/STATE/takt")
        #expect(SparkplugTopic.hostIDProblem("takt-1") == nil)
        #expect(["", "a/b", "a+", "#", String(repeating: "h", count: 101)].allSatisfy { SparkplugTopic.hostIDProblem($0) != nil })
        let payload = try JSONSerialization.jsonObject(with: SparkplugTopic.hostStatePayload(online: false, timestamp: 1_795_586_400_000))
        #expect((payload as? NSDictionary) == ["online": false, "timestamp": 1_795_586_400_000] as NSDictionary)
        for (bad, rule) in [
            ("spAv1.0/plant-1/NDATA/line-3", "namespace"), ("spBv1.0/plant-1/NOPE/line-3", "message-type"),
            ("spBv1.0/plant-1/DDATA/line-3", "levels"), ("spBv1.0/plant-1/NDATA/line-3/extra", "levels"),
            ("spBv1.0//NDATA/line-3", "levels"), ("", "namespace"), ("spBv1.0/STATE/", "message-type"),
        ] {
            #expect(throws: Violation.self) { try SparkplugTopic(parsing: bad) }
            do { _ = try SparkplugTopic(parsing: bad) } catch { #expect(error.rule == rule, "\(bad)") }
        }
    }

    @Test("A payload survives the wire: seq, timestamps, and every kind of value")
    func payloadRoundTrip() throws {
        let metrics = [
            SparkplugMetric(name: "a", alias: 1, timestamp: t0, value: .int(-5)),
            SparkplugMetric(name: "b", timestamp: t0, value: .unsigned(UInt64.max)),
            SparkplugMetric(name: "c", timestamp: t0, value: .double(0.25)),
            SparkplugMetric(name: "d", timestamp: t0, value: .bool(true)),
            SparkplugMetric(name: "e", timestamp: t0, value: .string("running")),
            SparkplugMetric(name: "f", timestamp: t0, value: .bytes(Data([0, 255]))),
            SparkplugMetric(name: "g", timestamp: t0, value: .null),
        ]
        let decoded = try wire(200, metrics)
        #expect(decoded.seq == 200 && decoded.timestamp == t0)
        #expect(decoded.metrics == metrics)
        #expect(SparkplugValue.bool(true).number == 1 && SparkplugValue.string(" 12.5 ").number == 12.5 && SparkplugValue.null.number == nil)
    }

    @Test("Malformed and oversized payloads are refused with their rule, never a crash, whatever the bytes")
    func malformedPayloads() {
        do {
            _ = try SparkplugPayload(decoding: Data([0xFF, 0xFF, 0xFF]))
            Issue.record("garbage decoded")
        } catch { #expect(error.rule == "protobuf") }
        do {
            _ = try SparkplugPayload(decoding: Data(count: SparkplugPayload.maximumBytes + 1))
            Issue.record("an oversized payload decoded")
        } catch { #expect(error.rule == "max-size") }
        // Random bytes, seeded: each either decodes or is refused as protobuf.
        var rng = SplitMix(state: 17)
        for _ in 0..<2_000 {
            let bytes = Data((0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            do { _ = try SparkplugPayload(decoding: bytes) } catch { #expect(error.rule == "protobuf") }
        }
    }

    @Test("Birth, data by alias, a device's death and the node's death")
    func birthDataDeath() throws {
        var node = SparkplugNode(group: "plant-1", edgeNode: "line-3")
        #expect(node.receive(topic(.nbirth), try wire(0, birthMetrics)) == .metrics(device: nil, try wire(0, birthMetrics).metrics, birth: true))
        #expect(node.online && node.birthDeathSequence == 7 && node.expectedSeq == 1)
        guard case .metrics(let d, let born, true) = node.receive(topic(.dbirth, device: "MILL-1"), try wire(1, deviceBirth)) else {
            Issue.record("no device birth")
            return
        }
        #expect(d == "MILL-1" && born.map(\.name) == ["State", "Good count", "Rate"])
        // Data carries aliases only; the session names them from the birth certificate.
        let data = try wire(2, [SparkplugMetric(name: "", alias: 2, value: .unsigned(17)), SparkplugMetric(name: "", alias: 1, value: .int(3))])
        guard case .metrics("MILL-1", let values, false) = node.receive(topic(.ddata, device: "MILL-1"), data) else {
            Issue.record("no device data")
            return
        }
        #expect(values.map(\.name) == ["Good count", "State"] && values[0].value == .unsigned(17))
        #expect(node.receive(topic(.ddeath, device: "MILL-1"), try wire(3, [])) == .died(device: "MILL-1"))
        guard case .rebirthNeeded(let dead) = node.receive(topic(.ddata, device: "MILL-1"), try wire(4, [])) else {
            Issue.record("data of a dead device taken")
            return
        }
        #expect(dead.rule == "before-birth")
        // A late NDEATH of an earlier session changes nothing; the current one takes the node offline.
        #expect(node.receive(topic(.ndeath), try wire(nil, [SparkplugMetric(name: "bdSeq", value: .unsigned(6))])) != .died(device: nil))
        #expect(node.online)
        #expect(node.receive(topic(.ndeath), try wire(nil, [SparkplugMetric(name: "bdSeq", value: .unsigned(7))])) == .died(device: nil))
        #expect(!node.online && node.expectedSeq == nil)
    }

    @Test("A gap in seq drops the message and asks for a rebirth; nothing is trusted until the node is born again")
    func sequenceGapAndRebirth() throws {
        var node = SparkplugNode(group: "plant-1", edgeNode: "line-3")
        _ = node.receive(topic(.nbirth), try wire(0, birthMetrics))
        _ = node.receive(topic(.dbirth, device: "MILL-1"), try wire(1, deviceBirth))
        guard case .rebirthNeeded(let gap) = node.receive(topic(.ddata, device: "MILL-1"), try wire(5, [])) else {
            Issue.record("a gap was not noticed")
            return
        }
        #expect(gap.rule == "sequence-gap" && gap.message.contains("seq 5 where 2 was expected"))
        // Until the rebirth, even the next number is not trusted; the node is still online, waiting for its rebirth.
        guard case .rebirthNeeded(let waiting) = node.receive(topic(.ddata, device: "MILL-1"), try wire(6, [])) else {
            Issue.record("data after a gap taken before the rebirth")
            return
        }
        #expect(waiting.rule == "awaiting-rebirth" && node.online && node.awaitingRebirth, "\(waiting.message)")
        let (command, bytes) = node.rebirthRequest(at: t0)
        #expect(command.description == "spBv1.0/plant-1/NCMD/line-3")
        let asked = try SparkplugPayload(decoding: bytes)
        #expect(asked.metrics == [SparkplugMetric(name: "Node Control/Rebirth", timestamp: t0, value: .bool(true))])
        _ = node.receive(topic(.nbirth), try wire(0, birthMetrics))
        _ = node.receive(topic(.dbirth, device: "MILL-1"), try wire(1, deviceBirth))
        guard case .metrics = node.receive(topic(.ddata, device: "MILL-1"), try wire(2, [SparkplugMetric(name: "Rate", value: .double(40))])) else {
            Issue.record("data after the rebirth refused")
            return
        }
    }

    @Test("seq wraps from 255 to 0; an alias no birth declared asks for a rebirth; commands are not machine data")
    func wrapAliasesCommands() throws {
        var node = SparkplugNode(group: "plant-1", edgeNode: "line-3")
        _ = node.receive(topic(.nbirth), try wire(254, birthMetrics))
        guard case .metrics = node.receive(topic(.ndata), try wire(255, [])), case .metrics = node.receive(topic(.ndata), try wire(0, [])) else {
            Issue.record("the wrap from 255 to 0 was taken as a gap")
            return
        }
        guard case .rebirthNeeded(let unknown) = node.receive(topic(.ndata), try wire(1, [SparkplugMetric(name: "", alias: 99, value: .int(1))]))
        else {
            Issue.record("an undeclared alias was taken")
            return
        }
        #expect(unknown.rule == "unknown-alias")
        guard case .ignored = node.receive(topic(.ncmd), try wire(nil, [])) else {
            Issue.record("a command was taken as data")
            return
        }
    }

    @Test("Random message sequences: data is taken only from a born node in sequence, and a rebirth always recovers")
    func randomSequences() throws {
        for seed in UInt64(1)...40 {
            var rng = SplitMix(state: seed)
            var node = SparkplugNode(group: "g", edgeNode: "n")
            var born = false
            var expected: UInt64 = 0
            for _ in 0..<200 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:
                    _ = node.receive(topic(.nbirth), try wire(0, birthMetrics))
                    born = true
                    expected = 1
                case 1:
                    // A lost message: the next one arrives with a later number.
                    expected = (expected + 1) % 256
                default:
                    let outcome = node.receive(topic(.ndata), try wire(expected, [SparkplugMetric(name: "x", value: .int(1))]))
                    if case .metrics = outcome {
                        #expect(born, "seed \(seed): data taken from a node that was never born")
                    } else {
                        born = false  // a gap or no birth: not trusted until the next birth
                    }
                    expected = (expected + 1) % 256
                }
                #expect(node.expectedSeq == nil || node.online, "seed \(seed)")
            }
            // Whatever happened, a birth makes the node's data count again.
            _ = node.receive(topic(.nbirth), try wire(9, birthMetrics))
            guard case .metrics = node.receive(topic(.ndata), try wire(10, [])) else {
                Issue.record("seed \(seed): no recovery after a rebirth")
                continue
            }
        }
    }
}

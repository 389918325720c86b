import Foundation
import TaktCore
import Testing

@testable import TaktWeb

@Suite("The typed HTML builder")
struct HTMLTests {
    @Test("Text and attribute values are escaped; raw nodes are not")
    func escaping() {
        let node = el("p", ["title": "a \"quoted\" <tag> & 'apostrophe'"]) {
            "<script>alert('x')</script> & more"
            Node.raw("<b>ok</b>")
        }
        #expect(
            node.render()
                == "<p title=\"a &quot;quoted&quot; &lt;tag&gt; &amp; &#39;apostrophe&#39;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more<b>ok</b></p>"
        )
    }

    @Test("A nil attribute is left out, an empty one is a bare boolean attribute, order is kept")
    func attributes() {
        let node = void("input", ["type": "text", "autofocus": flag(true), "disabled": flag(false), "name": "code"])
        #expect(node.render() == "<input type=\"text\" autofocus name=\"code\">")
    }

    @Test("Conditionals and loops in the builder")
    func builderControlFlow() {
        let items = ["a", "b"]
        let show = false
        let node = el("ul") {
            for i in items { el("li", text: i) }
            if show { el("li", text: "hidden") } else { el("li", text: "else") }
        }
        #expect(node.render() == "<ul><li>a</li><li>b</li><li>else</li></ul>")
    }

    @Test("Text without special characters passes unchanged, including non-ASCII")
    func plainText() {
        #expect(escape("Ben Schröder — Petrović") == "Ben Schröder — Petrović")
        #expect(escape("") == "")
    }

    @Test("Forms decode + and percent escapes")
    func formDecoding() {
        let form = Form.parse("token=abc%2Bdef&comment=too+late%21&empty=&flag")
        #expect(form["token"] == "abc+def")
        #expect(form["comment"] == "too late!")
        #expect(form["empty"] == "")
        #expect(form.trimmed("empty") == nil)
        #expect(form["flag"] == "")
    }

    @Test("Durations read like a person writes them")
    func minutes() {
        #expect(Format.minutes(45) == "45 min")
        #expect(Format.minutes(200) == "3 h 20 min")
        #expect(Format.minutes(60 * 24 * 2 + 60 * 4) == "2 d 4 h")
        #expect(Format.minutes(-120) == "−2 h")
    }

    @Test("Gantt zoom windows start at the plant's shift, day and week boundaries, on its own clock")
    func zoomFloor() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let t = Date(timeIntervalSince1970: 1_795_478_400 + 10 * 3600 + 17 * 60)  // 2026-11-24 10:17 UTC, 11:17 in Berlin
        #expect(Format.minute(Zoom.day.floor(t, in: berlin), berlin) == "2026-11-24T00:00")
        #expect(Format.minute(Zoom.shift.floor(t, in: berlin), berlin) == "2026-11-24T06:00")
        #expect(Zoom.shift.floor(t, in: berlin) == Date(timeIntervalSince1970: 1_795_478_400 + 5 * 3600), "06:00 in Berlin is 05:00 UTC")
        #expect(Format.minute(Zoom.week.floor(t, in: berlin), berlin) == "2026-11-24T00:00")
        // 01:30 in Berlin belongs to the night shift that began at 22:00 the day before.
        let night = Date(timeIntervalSince1970: 1_795_478_400 + 30 * 60)
        #expect(Format.minute(Zoom.shift.floor(night, in: berlin), berlin) == "2026-11-23T22:00")
        #expect(Format.dateTime(t, berlin) == "Tue 24 Nov 11:17")
        #expect(Format.parseMinute("2026-11-24T11:17", berlin) == t)
    }

    @Test("A day view starts at the plant's first shift: 06:00 the same day, or the day before when it is earlier")
    func dayStartsAtTheFirstShift() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let t = Date(timeIntervalSince1970: 1_795_478_400 + 10 * 3600 + 17 * 60)  // Tue 24 Nov 11:17 in Berlin
        #expect(Format.minute(Zoom.day.floor(t, in: berlin, dayStartMinute: 360), berlin) == "2026-11-24T06:00")
        let early = Date(timeIntervalSince1970: 1_795_478_400 + 2 * 3600)  // 03:00 in Berlin
        #expect(Format.minute(Zoom.day.floor(early, in: berlin, dayStartMinute: 360), berlin) == "2026-11-23T06:00")
        #expect(Format.minute(Zoom.day.floor(t, in: berlin, dayStartMinute: 0), berlin) == "2026-11-24T00:00", "no shifts: midnight")
        #expect(Format.minute(Zoom.week.floor(t, in: berlin, dayStartMinute: 360), berlin) == "2026-11-24T00:00")
    }

    @Test("A date given as a day reads as the day; a range across days shows both dates, within a day one")
    func daysAndRanges() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let due = try #require(PlantDay.end(of: "2026-12-04", in: berlin))
        #expect(Format.dateTime(due, berlin) == "Fri 4 Dec", "not 'Fri 4 Dec 23:59', and not 'Fri 4 Dec 01:00'")
        #expect(Format.dateTime(due.addingTimeInterval(-60), berlin) == "Fri 4 Dec 23:58")
        let start = try #require(TaktJSON.parseDate("2026-12-07T17:46:00Z"))  // 18:46 in Berlin
        #expect(Format.range(start, start.addingTimeInterval(16 * 3600), berlin) == "Mon 7 Dec 18:46 – Tue 8 Dec 10:46")
        #expect(Format.range(start.addingTimeInterval(-8 * 3600), start, berlin) == "Mon 7 Dec 10:46–18:46")
    }

    @Test("Moved operations: another minute or another work center than before, or new; seconds within a minute are not a move")
    func movedOperations() throws {
        let t = try #require(TaktJSON.parseDate("2026-12-07T06:00:00Z"))
        func step(_ po: String, _ seq: Int, _ wc: String, _ start: Date) -> ScheduledStep {
            ScheduledStep(
                productionOrder: .init(po),
                sequence: seq,
                name: "op",
                workCenter: .init(wc),
                start: start,
                end: start.addingTimeInterval(3600)
            )
        }
        let before = [
            step("PO-1", 10, "WC-A", t), step("PO-1", 20, "WC-B", t.addingTimeInterval(3600)), step("PO-2", 10, "WC-A", t.addingTimeInterval(7200)),
        ]
        #expect(Gantt.moves(from: before, to: before).isEmpty, "the same schedule moves nothing")
        let after = [
            step("PO-1", 10, "WC-A", t.addingTimeInterval(20)),  // same minute
            step("PO-1", 20, "WC-C", t.addingTimeInterval(3600)),  // another work center
            step("PO-2", 10, "WC-A", t.addingTimeInterval(7260)),  // a minute later
            step("PO-3", 10, "WC-A", t.addingTimeInterval(9000)),  // new
        ]
        let moves = Gantt.moves(from: before, to: after)
        #expect(moves.map { Gantt.key($0.after) } == ["PO-1/20", "PO-2/10", "PO-3/10"])
        #expect(moves.last?.before == nil)
    }
}

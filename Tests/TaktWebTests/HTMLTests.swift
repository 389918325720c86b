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
        #expect(node.render()
            == "<p title=\"a &quot;quoted&quot; &lt;tag&gt; &amp; &#39;apostrophe&#39;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more<b>ok</b></p>")
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

    @Test("Gantt zoom windows start at shift, day and week boundaries")
    func zoomFloor() {
        let t = Date(timeIntervalSince1970: 1_795_478_400 + 10 * 3600 + 17 * 60)  // 2026-11-24 10:17 UTC
        #expect(Format.minute(Zoom.day.floor(t)) == "2026-11-24T00:00")
        #expect(Format.minute(Zoom.shift.floor(t)) == "2026-11-24T06:00")
        #expect(Format.minute(Zoom.week.floor(t)) == "2026-11-24T00:00")
    }
}

import Foundation

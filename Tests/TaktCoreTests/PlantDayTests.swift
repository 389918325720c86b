import Foundation
import TaktCore
import Testing

/// A date without a time is a day of the plant's calendar: by the end of it for a due date, from its start otherwise.
@Suite("Dates given as a day")
struct PlantDayTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func instant(_ text: String) -> Date { TaktJSON.parseDate(text)! }

    @Test("An order due 2026-12-04 in Berlin is due at 23:59:59 Berlin time that day, not at midnight UTC")
    func dueDateIsTheEndOfThePlantDay() throws {
        let json = Data(#"{"dueDate": "2026-12-04", "from": "2026-12-04"}"#.utf8)
        struct Body: Decodable {
            var dueDate: Date
            var from: Date
        }
        let body = try TaktJSON.decoder(plantTimeZone: Self.berlin).decode(Body.self, from: json)
        #expect(body.dueDate == Self.instant("2026-12-04T22:59:59Z"))
        #expect(body.from == Self.instant("2026-12-03T23:00:00Z"), "a window's bound is the start of the plant day")
        #expect(PlantDay.isEndOfDay(body.dueDate, in: Self.berlin))
        #expect(!PlantDay.isEndOfDay(body.from, in: Self.berlin))
        #expect(!PlantDay.isEndOfDay(body.dueDate, in: Self.newYork), "the end of a Berlin day is not the end of a New York day")
    }

    @Test("A date with a time keeps its time, whatever the field")
    func dateTimesAreUntouched() throws {
        struct Body: Decodable { var dueDate: Date }
        let body = try TaktJSON.decoder(plantTimeZone: Self.berlin).decode(Body.self, from: Data(#"{"dueDate": "2026-12-04T08:00:00Z"}"#.utf8))
        #expect(body.dueDate == Self.instant("2026-12-04T08:00:00Z"))
    }

    @Test("Days across daylight saving time end at 23:59:59 local time (25- and 23-hour days)")
    func daylightSaving() {
        // Berlin leaves summer time on 2026-10-25 (a 25-hour day) and enters it on 2026-03-29 (23 hours).
        #expect(PlantDay.end(of: "2026-10-25", in: Self.berlin) == Self.instant("2026-10-25T22:59:59Z"))
        #expect(PlantDay.start(of: "2026-10-25", in: Self.berlin) == Self.instant("2026-10-24T22:00:00Z"))
        #expect(PlantDay.end(of: "2026-03-29", in: Self.berlin) == Self.instant("2026-03-29T21:59:59Z"))
        #expect(PlantDay.end(of: "2026-02-30", in: Self.berlin) == nil, "a day that does not exist is no day")
        #expect(PlantDay.end(of: "2026-12-4", in: Self.berlin) == nil)
    }

    @Test("A day read without a plant time zone is a UTC day, by the same rule")
    func utcByDefault() throws {
        struct Body: Decodable { var requestedDate: Date }
        let body = try TaktJSON.decoder.decode(Body.self, from: Data(#"{"requestedDate": "2026-12-04"}"#.utf8))
        #expect(body.requestedDate == Self.instant("2026-12-04T23:59:59Z"))
    }
}

extension PlantDayTests {
    @Test("A body needs the plant's time zone only when it holds a date alone")
    func mentionsDay() {
        #expect(PlantDay.mentionsDay(in: Array(#"{"dueDate": "2026-12-04"}"#.utf8)))
        #expect(!PlantDay.mentionsDay(in: Array(#"{"dueDate": "2026-12-04T08:00:00Z"}"#.utf8)))
        #expect(!PlantDay.mentionsDay(in: Array(#"{"quantity": 2026, "id": "2026-12-4"}"#.utf8)))
        #expect(!PlantDay.mentionsDay(in: Array("".utf8)))
    }
}

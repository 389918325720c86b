/// Code 128 (code set B) barcodes, drawn as server-rendered SVG: IDs of orders, lots and badges that a hand scanner
/// reads back into the terminal's scan field. Pure Swift, no dependencies; shared by every printable page.
public enum Code128 {
    /// The bar and space widths (in modules) of each symbol value 0…106; 103–105 are Start A/B/C, 106 is Stop.
    static let patterns: [String] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ]
    static let startB = 104
    static let stop = 106

    /// Why a text cannot be encoded.
    public enum Failure: Error, Equatable, Sendable {
        /// Code set B holds printable ASCII only (space … DEL).
        case unencodable(Character)
        case empty
    }

    /// The symbol values of `text` in code set B: Start B, one value per character, the checksum, Stop.
    public static func values(_ text: String) throws(Failure) -> [Int] {
        guard !text.isEmpty else { throw .empty }
        var data: [Int] = []
        for c in text {
            guard let a = c.asciiValue, a >= 32, a <= 127 else { throw .unencodable(c) }
            data.append(Int(a) - 32)
        }
        return [startB] + data + [checksum(data)] + [stop]
    }

    /// The modulo-103 checksum of code-set-B data values: Start B plus each value times its position (from 1).
    public static func checksum(_ data: [Int]) -> Int {
        var sum = startB
        for (i, v) in data.enumerated() { sum += (i + 1) * v }
        return sum % 103
    }

    /// The symbol as modules, `true` for a bar, without the quiet zones.
    public static func modules(_ text: String) throws(Failure) -> [Bool] {
        var out: [Bool] = []
        for value in try values(text) {
            for (i, w) in patterns[value].enumerated() {
                out += Array(repeating: i % 2 == 0, count: Int(String(w)) ?? 0)
            }
        }
        return out
    }

    /// The symbol as a string of `1` (bar) and `0` (space) modules.
    public static func bits(_ text: String) throws(Failure) -> String {
        String(try modules(text).map { $0 ? "1" : "0" })
    }

    /// The bars as `(x, width)` runs in modules, after a quiet zone of `quiet` modules.
    static func bars(_ text: String, quiet: Int = 10) throws(Failure) -> [(x: Int, width: Int)] {
        var runs: [(x: Int, width: Int)] = []
        var x = quiet
        for value in try values(text) {
            for (i, w) in patterns[value].enumerated() {
                let width = Int(String(w)) ?? 0
                if i % 2 == 0 { runs.append((x, width)) }
                x += width
            }
        }
        return runs
    }

    /// The width of the symbol in modules, quiet zones included.
    static func width(_ text: String, quiet: Int = 10) throws(Failure) -> Int {
        (try values(text).count - 1) * 11 + 13 + 2 * quiet
    }

    /// An inline SVG of `text` as Code 128-B with the text under it (human-readable line), or a note when the text
    /// cannot be encoded. `module` is the width of the narrowest bar in CSS pixels; `height` the bars' height.
    public static func svg(_ text: String, module: Double = 2, height: Double = 60, caption: Bool = true) -> Node {
        let runs: [(x: Int, width: Int)]
        let total: Int
        do throws(Failure) {
            runs = try bars(text)
            total = try width(text)
        } catch {
            return el("span", ["class": "barcode-error"], text: "(no barcode: “\(text)” has characters Code 128 cannot hold)")
        }
        let textHeight = caption ? 16.0 : 0
        let w = Double(total) * module
        let h = height + textHeight
        func n(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        return el(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "class": "barcode", "role": "img", "aria-label": "Barcode \(text)",
                "width": n(w), "height": n(h), "viewBox": "0 0 \(total) \(n(h / module))", "data-code": text,
                "shape-rendering": "crispEdges",
            ]
        ) {
            el("title", text: text)
            el("rect", ["x": "0", "y": "0", "width": String(total), "height": n(h / module), "fill": "#fff"])
            el("path", ["fill": "#000", "d": runs.map { "M\($0.x) 0h\($0.width)v\(n(height / module))h-\($0.width)z" }.joined()])
            if caption {
                el(
                    "text",
                    [
                        "x": n(Double(total) / 2), "y": n((height + textHeight - 3) / module), "text-anchor": "middle",
                        "font-family": "monospace", "font-size": n(13 / module), "fill": "#000",
                    ],
                    text: text
                )
            }
        }
    }
}

/// Code 128 (code set B: printable ASCII) as server-rendered SVG, for badges a scanner reads.
enum Code128 {
    /// The bar/space widths (in modules) of each symbol value 0–106; the stop pattern (106) has 7 elements.
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

    /// The symbol values of `text` in code set B with its check symbol, or nil when a character is not printable ASCII.
    static func symbols(_ text: String) -> [Int]? {
        var values = [startB]
        for scalar in text.unicodeScalars {
            guard (32...126).contains(scalar.value) else { return nil }
            values.append(Int(scalar.value) - 32)
        }
        var sum = startB
        for (i, v) in values.dropFirst().enumerated() { sum += v * (i + 1) }
        return values + [sum % 103, stop]
    }

    /// The bars as (x, width) in modules, after a quiet zone of 10 modules; and the total width with both quiet zones.
    static func bars(_ text: String) -> (bars: [(x: Int, width: Int)], width: Int)? {
        guard let symbols = symbols(text) else { return nil }
        var x = 10
        var bars: [(Int, Int)] = []
        for s in symbols {
            for (i, c) in patterns[s].enumerated() {
                let w = Int(String(c)) ?? 1
                if i % 2 == 0 { bars.append((x, w)) }
                x += w
            }
        }
        return (bars, x + 10)
    }

    /// An SVG of the barcode, `height` modules high, scaled to its box; nil when `text` is not printable ASCII.
    static func svg(_ text: String, height: Int = 50, label: String) -> Node? {
        guard let (bars, width) = bars(text) else { return nil }
        return .element(
            "svg",
            [
                Attribute("xmlns", "http://www.w3.org/2000/svg"), Attribute("class", "barcode"), Attribute("viewBox", "0 0 \(width) \(height)"),
                Attribute("preserveAspectRatio", "none"), Attribute("role", "img"), Attribute("aria-label", label),
            ],
            [el("title", text: label), el("rect", ["width": String(width), "height": String(height), "fill": "#fff"])]
                + bars.map { el("rect", ["x": String($0.x), "y": "0", "width": String($0.width), "height": String(height), "fill": "#000"]) }
        )
    }
}

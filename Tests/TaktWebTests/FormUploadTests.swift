import Testing

@testable import TaktWeb

@Suite("A file chosen in a browser form")
struct FormUploadTests {
    @Test("A PDF's bytes arrive exactly as sent, even when they hold line breaks and bytes that are not UTF-8")
    func binaryFileIsKeptByteForByte() {
        let boundary = "----takt42"
        let pdf: [UInt8] = Array("%PDF-1.4\r\n".utf8) + [0xFF, 0xFE, 0x00, 0x0D, 0x0A, 0x2D, 0x2D] + Array("\r\n%%EOF".utf8)
        var body: [UInt8] = []
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"supplier\"\r\n\r\nS-STEEL\r\n".utf8)
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cert 7.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                .utf8
        )
        body += pdf
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let form = Form.multipart(body, boundary: boundary)
        #expect(form["supplier"] == "S-STEEL")
        #expect(form.files["file"] == UploadedFile(filename: "cert 7.pdf", contentType: "application/pdf", bytes: pdf))
        #expect(form.files["supplier"] == nil)
    }

    @Test("A body without its closing delimiter or with a part that has no name yields only the well-formed parts")
    func truncatedBodyKeepsWellFormedParts() {
        let boundary = "b"
        let body = Array(
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data\r\n\r\nlost\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3"
                .utf8
        )
        let form = Form.multipart(body, boundary: boundary)
        #expect(form.fields == ["a": "1"])
        #expect(form.files.isEmpty)
    }
}

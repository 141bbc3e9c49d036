//! The simulator's shipping label as a real PDF document, written by hand: one A6 page
//! (298 × 420 pt, what bol's label printers take) with a frame and lines of Helvetica text,
//! six objects, a cross-reference table with exact byte offsets and a trailer (PDF 1.4,
//! ISO 32000-1 §7.5). Small enough to need no PDF library; valid enough for any reader
//! (`pdftotext` reads its text in the tests).

/// Width of an A6 page in points.
const PAGE_WIDTH: u32 = 298;
/// Height of an A6 page in points.
const PAGE_HEIGHT: u32 = 420;
/// Left margin of the text, and the frame's distance from the edge.
const MARGIN: u32 = 16;
/// Where the first line's baseline sits.
const FIRST_BASELINE: u32 = PAGE_HEIGHT - 44;

/// One line of the label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabelLine {
    /// The text; characters outside Latin-1 print as `?`.
    pub text: String,
    /// Font size in points.
    pub size: u32,
    /// Helvetica-Bold instead of Helvetica.
    pub bold: bool,
}

impl LabelLine {
    /// A line of `size` points.
    pub(crate) fn new(text: impl Into<String>, size: u32, bold: bool) -> Self {
        Self {
            text: text.into(),
            size,
            bold,
        }
    }
}

/// A PDF string literal of `text` in WinAnsi encoding: `(`, `)` and `\` escaped, bytes
/// outside printable ASCII as octal escapes, characters outside Latin-1 as `?`.
fn pdf_string(text: &str) -> String {
    let mut literal = String::from("(");
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                literal.push('\\');
                literal.push(c);
            }
            ' '..='~' => literal.push(c),
            '\u{a0}'..='\u{ff}' => literal.push_str(&format!("\\{:03o}", u32::from(c))),
            _ => literal.push('?'),
        }
    }
    literal.push(')');
    literal
}

/// The page's content stream: the frame, then each line below the previous one.
fn content_stream(lines: &[LabelLine]) -> String {
    let inset = MARGIN / 2;
    let mut stream = format!(
        "q 1.5 w {inset} {inset} {} {} re S Q\n",
        PAGE_WIDTH - 2 * inset,
        PAGE_HEIGHT - 2 * inset
    );
    let mut baseline = FIRST_BASELINE;
    for line in lines {
        let font = if line.bold { "F2" } else { "F1" };
        stream.push_str(&format!(
            "BT /{font} {} Tf {MARGIN} {baseline} Td {} Tj ET\n",
            line.size,
            pdf_string(&line.text)
        ));
        baseline = baseline.saturating_sub(line.size * 3 / 2 + 4);
    }
    stream
}

/// A one-page A6 PDF showing `lines` top to bottom.
pub(crate) fn label_pdf(lines: &[LabelLine]) -> Vec<u8> {
    let content = content_stream(lines);
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
    ];
    // A comment of bytes above 127 right after the header marks the file as binary (§7.5.2).
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (idx, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", idx + 1).as_bytes());
    }
    let xref_offset = pdf.len();
    // Every entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, space, LF.
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    xref.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(xref.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn sample() -> Vec<u8> {
        label_pdf(&[
            LabelLine::new("PostNL (TNT)", 14, true),
            LabelLine::new("3SBOLC0000001", 18, true),
            LabelLine::new("Jan (Sr.) \\ Jansen, Düsseldorf ☃", 10, false),
        ])
    }

    #[test]
    fn cross_reference_offsets_point_at_their_objects() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|line| line.parse().ok())
            .unwrap();
        assert_eq!(&pdf[startxref..startxref + 5], b"xref\n");
        let table = &pdf[startxref..];
        let entries: Vec<&[u8]> = table.split(|b| *b == b'\n').skip(3).take(6).collect();
        for (idx, entry) in entries.iter().enumerate() {
            assert_eq!(entry.len(), 19, "entry {idx} (20 bytes with its LF)");
            let offset: usize = std::str::from_utf8(&entry[..10]).unwrap().parse().unwrap();
            let header = format!("{} 0 obj\n", idx + 1);
            assert_eq!(&pdf[offset..offset + header.len()], header.as_bytes());
        }
    }

    #[test]
    fn stream_length_is_exact_and_text_is_escaped() {
        let pdf = sample();
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let length: usize = text
            .split("/Length ")
            .nth(1)
            .and_then(|tail| tail.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        let start = find(&pdf, b"stream\n").unwrap() + b"stream\n".len();
        let end = find(&pdf, b"endstream").unwrap();
        assert_eq!(end - start, length);
        assert!(text.contains("(Jan \\(Sr.\\) \\\\ Jansen, D\\374sseldorf ?) Tj"));
        assert!(text.contains("/MediaBox [0 0 298 420]"));
        assert!(text.contains("/BaseFont /Helvetica "));
    }
}

//! A small page layout over `pdf-writer`: A4 pages of text rows in Helvetica (one of the
//! fonts every PDF reader has, so nothing is embedded), headings, rules and automatic page
//! breaks, with the document's title and page numbers in each page's footer.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
/// Left and right margin.
pub const MARGIN: f32 = 40.0;
const TOP: f32 = PAGE_HEIGHT - 48.0;
const BOTTOM: f32 = 56.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Which face of the font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Helvetica.
    Regular,
    /// Helvetica-Bold.
    Bold,
}

/// A document being laid out, page by page.
pub struct Document {
    title: String,
    pages: Vec<Content>,
    y: f32,
}

/// A cell of a row: its left edge (from the margin), its width, and its text.
pub struct Cell<'a> {
    /// Left edge, in points from the left margin.
    pub x: f32,
    /// Room it has, in points; longer text is cut with an ellipsis.
    pub width: f32,
    /// The text.
    pub text: &'a str,
}

impl<'a> Cell<'a> {
    /// A cell `width` points wide at `x` points from the left margin.
    pub fn at(x: f32, width: f32, text: &'a str) -> Self {
        Self { x, width, text }
    }
}

impl Document {
    /// An empty document with one page.
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            pages: vec![Content::new()],
            y: TOP,
        }
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Leaves `points` of space.
    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// A line of text at the left margin.
    pub fn text(&mut self, text: &str, size: f32, weight: Weight) {
        self.row(
            &[Cell::at(0.0, PAGE_WIDTH - 2.0 * MARGIN, text)],
            size,
            weight,
        );
    }

    /// A row of cells on one line.
    pub fn row(&mut self, cells: &[Cell<'_>], size: f32, weight: Weight) {
        let leading = size * 1.4;
        self.ensure(leading);
        self.y -= leading;
        let y = self.y;
        let page = self.page();
        for cell in cells {
            write_text(
                page,
                MARGIN + cell.x,
                y,
                &fit(cell.text, size, cell.width),
                size,
                weight,
            );
        }
    }

    /// A thin horizontal rule across the page.
    pub fn rule(&mut self) {
        self.ensure(6.0);
        self.y -= 4.0;
        let y = self.y;
        let page = self.page();
        page.set_line_width(0.5);
        page.set_stroke_gray(0.6);
        page.move_to(MARGIN, y);
        page.line_to(PAGE_WIDTH - MARGIN, y);
        page.stroke();
        self.y -= 2.0;
    }

    /// A square to tick by hand, before the next row.
    pub fn checkbox(&mut self, x: f32, size: f32) {
        let y = self.y - size * 1.4 + 1.0;
        let page = self.page();
        page.set_line_width(0.7);
        page.set_stroke_gray(0.2);
        page.rect(MARGIN + x, y, size * 0.8, size * 0.8);
        page.stroke();
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The finished PDF.
    pub fn finish(mut self) -> Vec<u8> {
        let n_pages = self.pages.len();
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first_page = 10;
        let page_ids: Vec<Ref> = (0..n_pages)
            .map(|idx| Ref::new(first_page + 2 * i32::try_from(idx).unwrap_or(0)))
            .collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(i32::try_from(n_pages).unwrap_or(i32::MAX));
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("orderbridge"));
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        let title = self.title.clone();
        for (idx, (content, page_id)) in self.pages.iter_mut().zip(&page_ids).enumerate() {
            let footer = format!("{title} - {}/{n_pages}", idx + 1);
            write_text(
                content,
                MARGIN,
                28.0,
                &fit(&footer, 8.0, 400.0),
                8.0,
                Weight::Regular,
            );
            let content_id = Ref::new(page_id.get() + 1);
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            page.parent(tree);
            page.contents(content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(REGULAR, regular);
            fonts.pair(BOLD, bold);
            fonts.finish();
            resources.finish();
            page.finish();
            let bytes = std::mem::replace(content, Content::new()).finish();
            pdf.stream(content_id, &bytes);
        }
        pdf.finish()
    }
}

fn write_text(page: &mut Content, x: f32, y: f32, text: &str, size: f32, weight: Weight) {
    if text.is_empty() {
        return;
    }
    page.set_fill_gray(0.0);
    page.begin_text();
    page.set_font(
        if weight == Weight::Bold {
            BOLD
        } else {
            REGULAR
        },
        size,
    );
    page.next_line(x, y);
    page.show(Str(&win_ansi(text)));
    page.end_text();
}

/// Text in the WinAnsi encoding of the standard fonts: Latin-1 letters keep their byte, the
/// euro sign and typographic marks map to theirs, anything else becomes `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'Š' => 0x8a,
            'š' => 0x9a,
            'Œ' => 0x8c,
            'œ' => 0x9c,
            'Ž' => 0x8e,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            'ƒ' => 0x83,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            '‹' => 0x8b,
            '˜' => 0x98,
            '™' => 0x99,
            '›' => 0x9b,
            _ => b'?',
        })
        .collect()
}

/// Helvetica's width of a character, in thousandths of the font size (close enough to cut
/// text to a column: upper case and digits wide, `i`, `l` and punctuation narrow).
fn char_width(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 250.0,
        ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '-' | '/' => 320.0,
        '@' => 1015.0,
        'W' => 944.0,
        'm' | 'w' | 'M' => 850.0,
        'A'..='Z' => 690.0,
        '0'..='9' => 556.0,
        _ => 540.0,
    }
}

/// The width of a text in points at a font size.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(char_width).sum::<f32>() * size / 1000.0
}

/// `text` broken at spaces into lines that fit `width` points (a word too long for a line
/// is cut).
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(fit(&line, size, width));
            line = word.to_owned();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(fit(&line, size, width));
    }
    lines
}

/// Items joined by `, ` into lines that fit `width` points, never breaking inside an item.
pub fn wrap_items(items: &[String], size: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        let candidate = if line.is_empty() {
            item.clone()
        } else {
            format!("{line}, {item}")
        };
        if line.is_empty() || text_width(&format!("{candidate},"), size) <= width {
            line = candidate;
        } else {
            lines.push(format!("{line},"));
            line = item.clone();
        }
    }
    lines.push(line);
    lines.into_iter().map(|l| fit(&l, size, width)).collect()
}

/// `text` cut with an ellipsis so that it fits `width` points.
pub fn fit(text: &str, size: f32, width: f32) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    if text_width(&text, size) <= width {
        return text;
    }
    let room = width - text_width("…", size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += char_width(c) * size / 1000.0;
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_and_euro_sign_are_kept() {
        assert_eq!(win_ansi("Café €5"), b"Caf\xe9 \x805".to_vec());
        assert_eq!(win_ansi("日本"), b"??".to_vec());
    }

    #[test]
    fn long_text_is_cut_to_its_column() {
        let cut = fit(&"x".repeat(200), 10.0, 100.0);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 10.0) <= 100.0 + 0.01);
        assert_eq!(fit("short", 10.0, 100.0), "short");
    }

    #[test]
    fn text_wraps_at_spaces() {
        let lines = wrap("OB1 x2, OB2 x1, OB3 x4, OB4 x1", 10.0, 60.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "OB1 x2, OB2 x1, OB3 x4, OB4 x1");
    }

    #[test]
    fn items_are_never_split() {
        let items: Vec<String> = (1..=6).map(|n| format!("OB{n} x{n}")).collect();
        let lines = wrap_items(&items, 10.0, 60.0);
        assert!(lines.len() > 1);
        for item in &items {
            assert!(
                lines.iter().any(|l| l.contains(item.as_str())),
                "{item} whole"
            );
        }
    }

    #[test]
    fn a_long_document_breaks_into_pages() {
        let mut doc = Document::new("test");
        for idx in 0..200 {
            doc.text(&format!("row {idx}"), 10.0, Weight::Regular);
        }
        assert!(doc.pages.len() > 2);
        let bytes = doc.finish();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}

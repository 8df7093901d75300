//! A PDF page's words and lines, assembled from the glyphs pdf-extract reports (position, advance,
//! size) instead of its plain-text output — much as poppler's pdftotext assembles them.
//!
//! A glyph continues the current line when it starts near where the previous glyph ended, along the
//! same baseline direction; a space is written only where the gap warrants one (relative to the font
//! size), or where the document shows a space glyph. A glyph that starts off the baseline, or far
//! back along it, begins a new line; a jump of more than 1.5 lines down (or any jump up) a new
//! paragraph. Ligatures are written out (ﬁ → fi), soft hyphens dropped, and a word hyphenated across
//! a line end is joined ("compli-" + "ance"). Lines keep the content stream's order, which is reading
//! order for the generators measured (Word, Google Docs, Acrobat, Quartz, Aspose: see the word-recall
//! test); columns a generator writes out of order are not re-sorted.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// Word break: a gap wider than this share of the font size (pdftotext's `minWordBreakSpace`).
const WORD_GAP: f64 = 0.1;
/// Same line: the glyph's baseline within this share of the font size of the previous one's.
const BASELINE_SLACK: f64 = 0.5;
/// Same line: the glyph may start this far (× font size) before the previous one ended (kerning,
/// overprinted bold) — further back is a new line.
const OVERLAP: f64 = 0.7;
/// Same line: a gap wider than this (× font size) is a new line instead (a table's next cell).
const FAR_GAP: f64 = 8.0;

/// The page text assembled so far (one page per [`begin_page`](OutputDev::begin_page)).
#[derive(Default)]
pub(super) struct PageText {
    text: String,
    flip: Option<Transform>,
    last: Option<Pen>,
}

/// Where the previous glyph ended: its baseline end point, direction and size.
#[derive(Clone, Copy)]
struct Pen {
    end: (f64, f64),
    direction: (f64, f64),
    size: f64,
    /// The previous glyph was a space (a break is already written).
    space: bool,
}

impl PageText {
    /// The page's text, with hyphenated line ends joined.
    pub(super) fn into_text(self) -> String {
        join_hyphenated(&self.text)
    }

    fn push_glyph(&mut self, origin: (f64, f64), direction: (f64, f64), advance: f64, size: f64, glyph: &str) {
        let space = glyph.chars().all(char::is_whitespace);
        if let Some(pen) = self.last {
            let (dx, dy) = (origin.0 - pen.end.0, origin.1 - pen.end.1);
            let along = dx * pen.direction.0 + dy * pen.direction.1;
            let across = -dx * pen.direction.1 + dy * pen.direction.0;
            let unit = pen.size.max(size).max(0.5);
            let same_direction = (direction.0 * pen.direction.0 + direction.1 * pen.direction.1) > 0.9;
            if !same_direction || across.abs() > BASELINE_SLACK * unit || along < -OVERLAP * unit - advance || along > FAR_GAP * unit {
                // A paragraph break when the next line is more than 1.5 lines down, or above.
                let paragraph = same_direction && (across > 1.5 * 1.2 * unit || across < -BASELINE_SLACK * unit);
                self.break_line(paragraph);
            } else if along > WORD_GAP * unit && !pen.space && !space {
                self.text.push(' ');
            }
        }
        if space {
            if !self.text.ends_with([' ', '\n']) && !self.text.is_empty() {
                self.text.push(' ');
            }
        } else {
            push_expanded(&mut self.text, glyph);
        }
        self.last = Some(Pen { end: (origin.0 + direction.0 * advance, origin.1 + direction.1 * advance), direction, size, space });
    }

    fn break_line(&mut self, paragraph: bool) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        if self.text.is_empty() {
            return;
        }
        self.text.push('\n');
        if paragraph {
            self.text.push('\n');
        }
    }
}

/// `glyph` with ligatures written out and control characters dropped (soft hyphens are dropped by
/// [`join_hyphenated`], which needs them at line ends).
fn push_expanded(out: &mut String, glyph: &str) {
    for c in glyph.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Joins words hyphenated across a line end: a letter and `-` at the end of a line and a lower-case
/// letter opening the next one become one word, the rest of the next line staying on its line.
/// Hyphens before capitals and digits ("ISO-\n27001", "Self-\nAssessment") stay. A soft hyphen
/// (U+00AD) at a line end always joins; elsewhere it is dropped.
fn join_hyphenated(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let next_starts_lower = lines.peek().and_then(|n| n.chars().next()).is_some_and(char::is_lowercase);
        let next_starts_word = lines.peek().and_then(|n| n.chars().next()).is_some_and(char::is_alphabetic);
        let hard = line.strip_suffix(['-', '\u{2010}']).filter(|s| s.chars().next_back().is_some_and(char::is_alphabetic) && next_starts_lower);
        let soft = line.strip_suffix('\u{AD}').filter(|_| next_starts_word);
        match hard.or(soft) {
            Some(stem) => {
                out.push_str(stem);
                // The next line's first word completes this one; the line break moves after it.
                let next = lines.next().unwrap_or_default();
                let (word, rest) = next.split_once(' ').unwrap_or((next, ""));
                out.push_str(word);
                if rest.is_empty() {
                    out.push('\n');
                } else {
                    out.push('\n');
                    out.push_str(rest);
                    out.push('\n');
                }
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out.replace('\u{AD}', "")
}

impl OutputDev for PageText {
    fn begin_page(&mut self, _page: u32, media_box: &MediaBox, _art_box: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.flip = Some(Transform::row_major(1., 0., 0., -1., 0., media_box.ury - media_box.lly));
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(&mut self, trm: &Transform, width: f64, spacing: f64, font_size: f64, glyph: &str) -> Result<(), OutputError> {
        let device = match &self.flip {
            Some(flip) => trm.post_transform(flip),
            None => *trm,
        };
        let (ax, ay) = (device.m11, device.m12);
        let scale = ax.hypot(ay);
        let size = font_size * device.m21.hypot(device.m22);
        if !scale.is_finite() || scale == 0.0 || !size.is_finite() || !device.m31.is_finite() || !device.m32.is_finite() {
            return Ok(());
        }
        let direction = (ax / scale, ay / scale);
        let advance = ((width * font_size + spacing) * scale).max(0.0);
        self.push_glyph((device.m31, device.m32), direction, advance, size, glyph);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lays out `glyphs` as (x, baseline y, advance, text) at size 10, left to right.
    fn page(glyphs: &[(f64, f64, f64, &str)]) -> String {
        let mut p = PageText::default();
        for &(x, y, advance, g) in glyphs {
            p.push_glyph((x, y), (1.0, 0.0), advance, 10.0, g);
        }
        p.into_text()
    }

    /// One glyph per letter of `word` from `x`, 5 units each, with `gap` after each.
    fn word(x: f64, y: f64, word: &'static str, gap: f64) -> Vec<(f64, f64, f64, &'static str)> {
        let mut at = x;
        let mut out = Vec::new();
        for (i, _) in word.char_indices() {
            out.push((at, y, 5.0, &word[i..i + 1]));
            at += 5.0 + gap;
        }
        out
    }

    #[test]
    fn spaces_only_where_the_gap_warrants_one() {
        // Glyphs touching or kerned a little: one word; a gap of 3 (0.3 × size): a space.
        let mut g = word(0.0, 100.0, "This", 0.2);
        g.extend(word(23.0, 100.0, "Document", -0.3));
        assert_eq!(page(&g), "This Document");
        // An explicit space glyph, even with no gap, and never two spaces.
        let mut g = word(0.0, 100.0, "Sub", 0.0);
        g.push((15.0, 100.0, 2.5, " "));
        g.extend(word(17.5, 100.0, "nets", 0.0));
        g.push((37.5, 100.0, 2.5, " "));
        g.push((45.0, 100.0, 2.5, " "));
        g.extend(word(50.0, 100.0, "ok", 0.0));
        assert_eq!(page(&g), "Sub nets ok");
    }

    #[test]
    fn lines_by_baseline_paragraphs_by_distance() {
        let mut g = word(0.0, 100.0, "one", 0.0);
        g.extend(word(0.0, 112.0, "two", 0.0));
        g.extend(word(0.0, 160.0, "three", 0.0));
        // A superscript a little above the baseline stays on its line.
        g.extend(word(25.0, 157.0, "2", 0.0));
        assert_eq!(page(&g), "one\ntwo\n\nthree2");
    }

    #[test]
    fn ligatures_soft_hyphens_and_line_end_hyphens() {
        let mut g = word(0.0, 100.0, "con", 0.0);
        g.push((15.0, 100.0, 5.0, "\u{FB01}"));
        g.extend(word(20.0, 100.0, "gura-", 0.0));
        g.extend(word(0.0, 112.0, "tion of ISO-", 0.0));
        g.extend(word(0.0, 124.0, "27001 soft", 0.0));
        g.push((50.0, 124.0, 3.0, "\u{AD}"));
        g.extend(word(0.0, 136.0, "ware in\u{2}", 0.0));
        g.push((40.0, 136.0, 3.0, "\u{AD}"));
        g.extend(word(43.0, 136.0, "side", 0.0));
        assert_eq!(page(&g), "configuration\nof ISO-\n27001 software\ninside");
        assert_eq!(join_hyphenated("compli-\nance\nnext"), "compliance\nnext");
        assert_eq!(join_hyphenated("Self-\nAssessment"), "Self-\nAssessment");
        assert_eq!(join_hyphenated("a --\nb"), "a --\nb");
    }

    #[test]
    fn vertical_text_and_nonsense_transforms() {
        let mut p = PageText::default();
        // Rotated 90°: glyphs advance upwards.
        for (i, c) in ["U", "p"].iter().enumerate() {
            p.push_glyph((50.0, 200.0 - 5.0 * i as f64), (0.0, -1.0), 5.0, 10.0, c);
        }
        assert_eq!(p.into_text(), "Up");
        let mut p = PageText::default();
        p.begin_page(1, &MediaBox { llx: 0., lly: 0., urx: 612., ury: 792. }, None).unwrap();
        p.output_character(&Transform::row_major(0., 0., 0., 0., f64::NAN, 0.), 0.5, 0., 12., "x").unwrap();
        p.output_character(&Transform::row_major(1., 0., 0., 1., 72., 720.), 0.5, 0., 12., "y").unwrap();
        assert_eq!(p.into_text(), "y");
    }
}

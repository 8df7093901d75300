//! Small text helpers shared by extraction, inference and search: folding for comparisons, and
//! word statistics used to judge whether extracted text is garbled.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases and strips diacritics ("Bezpečnostní" → "bezpecnostni"), for comparisons and keys.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ø' | 'Ø' => out.push('o'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Removes diacritics but keeps case ("Bezpečnostní" → "Bezpecnostni").
pub fn strip_diacritics(s: &str) -> String {
    s.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect()
}

/// Returns true if and only if `text` looks garbled: many one-letter tokens (letters spaced out) or
/// many very long glued tokens (spaces lost), judged once there is enough text to judge.
pub fn looks_garbled(text: &str) -> bool {
    let mut tokens = 0usize;
    let mut one_letter = 0usize;
    let mut glued = 0usize;
    for t in text.split_whitespace() {
        tokens += 1;
        let n = t.chars().count();
        if n == 1 && t.chars().all(char::is_alphabetic) {
            one_letter += 1;
        }
        if n > 30 && t.chars().filter(|c| c.is_alphabetic()).count() > 25 {
            glued += 1;
        }
    }
    if tokens < 40 {
        return false;
    }
    one_letter * 10 > tokens * 4 || glued * 20 > tokens
}

/// Collapses runs of whitespace within lines and drops blank-line runs, keeping paragraph breaks.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// The first `max` characters of `s` (on a char boundary), with an ellipsis when cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_and_case() {
        assert_eq!(fold("Bezpečnostní Łódź ȘȚ"), "bezpecnostni lodz st");
    }

    #[test]
    fn detects_spaced_and_glued_text() {
        let spaced = "T h i s i s a s p a c e d o u t t e x t ".repeat(10);
        assert!(looks_garbled(&spaced));
        let glued = "Thisisaverylongsentencewithoutanyspacesatallreally and ".repeat(40);
        assert!(looks_garbled(&glued));
        let fine = "The organization shall establish an incident response capability. ".repeat(20);
        assert!(!looks_garbled(&fine));
    }

    #[test]
    fn tidies_whitespace() {
        assert_eq!(tidy("a   b\n\n\n c \n d"), "a b\n\nc\nd");
    }
}

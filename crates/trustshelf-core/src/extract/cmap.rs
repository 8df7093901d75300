//! Text of PDF pages whose fonts use a predefined CJK CMap (`GBK-EUC-H`, `90ms-RKSJ-H`,
//! `UniGB-UCS2-H`, …) and no ToUnicode map: pdf-extract refuses these ("unsupported encoding") and
//! lopdf reads no text. A predefined CMap names a legacy character encoding, so the shown strings are
//! decoded with it (encoding_rs), simple fonts' strings as Windows-1252, lines broken where the
//! text moves to a new line. Used only for pages both other extractors fail on.

use std::collections::HashMap;

use encoding_rs::Encoding;
use lopdf::content::Content;
use lopdf::{Document, Object};

/// The legacy encoding a predefined CMap name stands for.
fn cmap_encoding(cmap: &str) -> Option<&'static Encoding> {
    let base = cmap.trim_end_matches("-H").trim_end_matches("-V");
    Some(match base {
        "GBK-EUC" | "GBpc-EUC" | "GB-EUC" | "GBKp-EUC" | "GBK2K" => encoding_rs::GBK,
        "B5pc" | "ETen-B5" | "HKscs-B5" | "ETenms-B5" | "B5" => encoding_rs::BIG5,
        "90ms-RKSJ" | "90msp-RKSJ" | "90pv-RKSJ" | "83pv-RKSJ" | "RKSJ" | "Add-RKSJ" | "Ext-RKSJ" => encoding_rs::SHIFT_JIS,
        "EUC" => encoding_rs::EUC_JP,
        "KSC-EUC" | "KSCms-UHC" | "KSCpc-EUC" | "KSCms-UHC-HW" => encoding_rs::EUC_KR,
        b if b.starts_with("Uni") && (b.ends_with("UCS2") || b.ends_with("UTF16")) => encoding_rs::UTF_16BE,
        b if b.starts_with("Uni") && b.ends_with("UTF8") => encoding_rs::UTF_8,
        _ => return None,
    })
}

/// Page `number`'s text, or why it has none (lines from baselines; no word spacing beyond the
/// TJ arrays' wide moves — CJK text has none). `Err` when the page uses no predefined CMap either.
pub(super) fn page_text(doc: &Document, number: u32) -> Result<String, String> {
    let &page = doc.get_pages().get(&number).ok_or("no such page")?;
    let fonts: HashMap<Vec<u8>, Option<&'static Encoding>> = doc
        .get_page_fonts(page)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(name, font)| {
            let cmap = font.get(b"Encoding").ok().and_then(|e| e.as_name().ok()).map(|n| String::from_utf8_lossy(n).into_owned());
            let composite = font.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) == Some(b"Type0".as_slice());
            (name, if composite { cmap.as_deref().and_then(cmap_encoding) } else { Some(encoding_rs::WINDOWS_1252) })
        })
        .collect();
    if !fonts.values().any(|e| e.is_some_and(|e| e != encoding_rs::WINDOWS_1252)) {
        return Err("no font with a predefined CJK CMap".into());
    }
    let content = doc.get_page_content(page).map_err(|e| e.to_string())?;
    let ops = Content::decode(&content).map_err(|e| e.to_string())?.operations;
    let mut text = String::new();
    let mut font: Option<&'static Encoding> = None;
    // The baseline in text space (Tm sets it, Td and T* move it) and the one text was last shown on:
    // a line break only where shown text changes baseline (CJK PDFs often place every glyph).
    let (mut y, mut shown_y): (f64, Option<f64>) = (0.0, None);
    // … offset by the graphics state's vertical translation (cm, saved and restored by q and Q).
    let (mut base, mut saved) = (0.0f64, Vec::new());
    let number = |o: Option<&Object>| o.and_then(|o| o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|i| i as f64)).ok()).unwrap_or(0.0);
    let show = |text: &mut String, bytes: &[u8], font: Option<&'static Encoding>, y: f64, shown_y: &mut Option<f64>| {
        let Some(enc) = font else { return };
        if shown_y.is_some_and(|s| (s - y).abs() > 1.0) {
            text.push('\n');
        }
        *shown_y = Some(y);
        let (decoded, _, _) = enc.decode(bytes);
        text.extend(decoded.chars().filter(|c| !c.is_control()));
    };
    for op in &ops {
        match op.operator.as_str() {
            "Tf" => font = op.operands.first().and_then(|n| n.as_name().ok()).and_then(|n| fonts.get(n).copied().flatten()),
            "BT" => y = 0.0,
            "q" => saved.push(base),
            "Q" => base = saved.pop().unwrap_or(0.0),
            "cm" => base += number(op.operands.get(5)),
            "Tm" => y = number(op.operands.get(5)),
            "Td" | "TD" => y += number(op.operands.get(1)),
            "T*" | "'" | "\"" => y -= 1_000.0,
            _ => {}
        }
        match op.operator.as_str() {
            "Tj" | "'" | "\"" => {
                if let Some(Object::String(bytes, _)) = op.operands.last() {
                    show(&mut text, bytes, font, base + y, &mut shown_y);
                }
            }
            "TJ" => {
                for item in op.operands.first().and_then(|a| a.as_array().ok()).into_iter().flatten() {
                    match item {
                        Object::String(bytes, _) => show(&mut text, bytes, font, base + y, &mut shown_y),
                        // A wide move right within the line is a word space.
                        n if number(Some(n)) < -250.0 => text.push(' '),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_cmaps_name_their_encodings() {
        assert_eq!(cmap_encoding("GBK-EUC-H"), Some(encoding_rs::GBK));
        assert_eq!(cmap_encoding("GBK-EUC-V"), Some(encoding_rs::GBK));
        assert_eq!(cmap_encoding("90ms-RKSJ-H"), Some(encoding_rs::SHIFT_JIS));
        assert_eq!(cmap_encoding("UniGB-UCS2-H"), Some(encoding_rs::UTF_16BE));
        assert_eq!(cmap_encoding("Identity-H"), None);
        let (s, _, _) = encoding_rs::GBK.decode(&[0xD5, 0xE3, 0xBD, 0xAD]);
        assert_eq!(s, "浙江");
    }
}

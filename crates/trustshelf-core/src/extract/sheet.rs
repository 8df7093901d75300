//! Spreadsheets (XLSX, ODS, CSV): each sheet's rows grouped into pages of [`ROWS_PER_PAGE`], each page
//! starting with the sheet's header row so a hit on a row still shows what its columns mean.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::{Extraction, Format, Page};
use crate::error::ExtractError;

/// Rows per page: small enough that a hit cites a handful of controls, large enough to keep the page count sane.
const ROWS_PER_PAGE: usize = 25;

pub(super) fn extract_workbook(bytes: &[u8], format: Format) -> Result<Extraction, ExtractError> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| ExtractError::NotValid(format!("{} ({e})", format.as_str().to_uppercase())))?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names().to_owned() {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => return Err(ExtractError::Damaged(format!("sheet {name}: {e}"))),
        };
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        sheets.push((name, rows));
    }
    Ok(paginate(sheets, "spreadsheet"))
}

pub(super) fn extract_csv(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let text = super::decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ExtractError::Damaged(format!("CSV: {e}")))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(paginate(vec![("CSV".into(), rows)], "csv"))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

fn paginate(sheets: Vec<(String, Vec<Vec<String>>)>, extractor: &str) -> Extraction {
    let mut pages = Vec::new();
    let title = None;
    for (name, rows) in sheets {
        let rows: Vec<(usize, String)> = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ")))
            .filter(|(_, r)| !r.is_empty())
            .collect();
        let Some((_, header)) = rows.first().cloned() else { continue };
        let body = &rows[1..];
        if body.is_empty() {
            pages.push(Page { number: pages.len() as u32 + 1, label: name.to_string(), text: header, ocr: None });
            continue;
        }
        for chunk in body.chunks(ROWS_PER_PAGE) {
            let (first, last) = (chunk[0].0, chunk[chunk.len() - 1].0);
            let mut text = format!("{header}\n");
            for (_, r) in chunk {
                text.push_str(r);
                text.push('\n');
            }
            pages.push(Page { number: pages.len() as u32 + 1, label: format!("{name}, rows {first}–{last}"), text, ocr: None });
        }
    }
    Extraction { pages, title, extractor: extractor.into(), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_group_into_pages_with_header() {
        let mut csv = String::from("Control,Responsibility,Description\n");
        for i in 1..=30 {
            csv.push_str(&format!("AC-{i},shared,Account management {i}\n"));
        }
        let e = extract_csv(csv.as_bytes()).unwrap();
        assert_eq!(e.pages.len(), 2);
        assert_eq!(e.pages[0].label, "CSV, rows 2–26");
        assert!(e.pages[1].text.starts_with("Control | Responsibility | Description\n"));
        assert!(e.pages[1].text.contains("AC-30 | shared"));
    }
}

//! Every extractor through the worker protocol, in-process: the first byte picks the format, the rest
//! is the file. The request and answer lines are exactly what the worker process reads and writes.
//! Parser panics are part of the design (the worker turns them into "parser crash"), so the default
//! abort-on-panic hook is replaced by a silent one; a panic that escapes [`answer`] still aborts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustshelf_core::Format;
use trustshelf_core::{worker_answer as answer, parse_worker_answer as parse_answer, Job};

const FORMATS: [Format; 15] = [Format::Pdf, Format::Markdown, Format::Html, Format::Text, Format::Docx, Format::Xlsx, Format::Ods, Format::Csv, Format::Json, Format::Xml, Format::Yaml, Format::Pptx, Format::Odt, Format::Image, Format::Pdf];

fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&pick, file)) = data.split_first() else { return };
    let format = FORMATS[pick as usize % FORMATS.len()];
    let path = std::env::temp_dir().join(format!("trustshelf-fuzz-extract-{}", std::process::id()));
    std::fs::write(&path, file).unwrap();
    let request = serde_json::to_string(&Job::text(7, path.clone(), format, None)).unwrap();
    let line = answer(&request);
    assert!(!line.contains('\n'), "an answer is one line");
    match parse_answer(&line).expect("the answer parses") {
        Ok(extraction) => {
            for (i, page) in extraction.pages.iter().enumerate() {
                assert!(page.number as usize >= i + 1, "pages numbered in order");
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});

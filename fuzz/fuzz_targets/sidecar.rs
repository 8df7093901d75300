//! Sidecar (`.meta.toml`) parsing: any text gives declared fields and per-field errors, never a panic,
//! and nothing accepted carries control characters or path traversal.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let sidecar = trustshelf_core::parse_sidecar(source);
    let m = &sidecar.declared;
    for value in m.title.iter().chain(m.issuer.iter()).chain(m.category.iter()).chain(m.regions.iter()).chain(m.standards.iter()) {
        assert!(!value.chars().any(|c| c.is_control()), "control character accepted: {value:?}");
    }
});

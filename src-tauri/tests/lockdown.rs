//! The app stays locked down: this test fails if the CSP loosens or a capability grants more than
//! TrustShelf's own commands, its events and the open/save dialogs.

use std::path::Path;

fn read(rel: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

#[test]
fn csp_allows_nothing_remote_and_no_eval() {
    let conf = read("../tauri.conf.json");
    let csp = conf["app"]["security"]["csp"].as_str().expect("a CSP string");
    for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-src 'none'", "base-uri 'none'", "form-action 'none'"] {
        assert!(csp.contains(directive), "CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    let remote: Vec<&str> = csp.split([';', ' ']).filter(|s| s.contains(':') && !s.starts_with('\'') && *s != "ipc:" && *s != "http://ipc.localhost" && *s != "data:" && *s != "blob:").collect();
    assert!(remote.is_empty(), "remote sources {remote:?} in {csp}");
    let script = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert_eq!(script.trim(), "script-src 'self'");
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    assert!(conf["app"]["security"]["dangerousDisableAssetCspModification"] != true);
    assert!(conf["app"]["security"].get("assetProtocol").is_none(), "no asset protocol scope is needed");
}

#[test]
fn capabilities_grant_only_events_and_dialogs() {
    const ALLOWED: [&str; 4] = ["core:event:allow-listen", "core:event:allow-unlisten", "dialog:allow-open", "dialog:allow-save"];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        files += 1;
        let cap: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(cap["windows"], serde_json::json!(["main"]), "{}", path.display());
        for p in cap["permissions"].as_array().unwrap() {
            let name = p.as_str().unwrap_or_else(|| panic!("scoped permission objects are not allowed: {p}"));
            assert!(ALLOWED.contains(&name), "{} grants {name}", path.display());
        }
    }
    assert_eq!(files, 1);
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for plugin in ["tauri-plugin-fs", "tauri-plugin-shell", "tauri-plugin-http"] {
        assert!(!manifest.contains(plugin), "{plugin} is not part of TrustShelf");
    }
}

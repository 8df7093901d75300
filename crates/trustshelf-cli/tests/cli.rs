//! CLI tests: the `trustshelf` binary on the sample library, checking the documented JSON output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn ts(data: &Path) -> Command {
    let mut c = Command::cargo_bin("trustshelf").unwrap();
    c.env("TRUSTSHELF_DATA", data).env_remove("CI");
    c
}

fn json(data: &Path, args: &[&str]) -> Value {
    let out = ts(data).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn indexed() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let docs = repo().join("documents");
    let report = json(data.path(), &["index", docs.to_str().unwrap(), "--json"]);
    assert!(report["documents"].as_u64().unwrap() >= 30);
    assert_eq!(report["failed"].as_array().unwrap().len(), 0);
    data
}

#[test]
fn search_json_has_the_documented_shape() {
    let data = indexed();
    let r = json(data.path(), &["search", "incident response", "--json", "--limit", "5"]);
    let first = &r["documents"][0];
    assert_eq!(first["path"], "nist/SP800-61rev2.pdf");
    for key in ["id", "title", "path", "category", "regions", "standards", "score", "pages", "format", "status", "date", "matching_pages"] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    let page = &first["pages"][0];
    assert!(page["page"].as_u64().unwrap() >= 1);
    assert!(!page["snippet"].as_str().unwrap().is_empty());
    assert!(!page["highlights"].as_array().unwrap().is_empty());
    assert!(r["total_documents"].as_u64().unwrap() >= 5);
    for facet in ["category", "region", "standard"] {
        let values = r["facets"][facet].as_array().unwrap();
        assert!(!values.is_empty());
        assert!(values.iter().all(|v| v["value"].is_string() && v["count"].as_u64().unwrap() >= 1));
    }
    // Filters as options.
    let r = json(data.path(), &["search", "access", "--standard", "SOC 2", "--json"]);
    assert!(r["documents"].as_array().unwrap().iter().all(|d| d["standards"].as_array().unwrap().iter().any(|s| s == "SOC 2")));
}

#[test]
fn status_facets_show_and_human_output() {
    let data = indexed();
    let s = json(data.path(), &["status", "--json"]);
    assert_eq!(s["failed"], 0);
    assert!(s["pages"].as_u64().unwrap() > 400);
    let f = json(data.path(), &["facets", "--json"]);
    assert!(f["category"].as_array().unwrap().iter().any(|c| c["value"] == "audit-report" && c["count"] == 6));
    let page = json(data.path(), &["show", "fictional/kestrel-addendum-cz.pdf", "--page", "2", "--json"]);
    assert!(page["page"]["text"].as_str().unwrap().contains("Bezpečnostní"));
    // The audit report reader: facts with page citations, as documented in the README.
    let facts = json(data.path(), &["facts", "fictional/kestrel-soc2-type2-2026.pdf", "--json"]);
    assert_eq!(facts["kind"], "soc2-type2");
    assert_eq!(facts["opinion"]["value"], "unqualified");
    assert_eq!(facts["opinion"]["page"], 2);
    assert_eq!(facts["opinion"]["source"], "extracted");
    assert!(facts["opinion"]["quote"].as_str().unwrap().starts_with("In our opinion"));
    assert_eq!(facts["period"]["end"]["value"], "2026-09-30");
    assert_eq!(facts["exceptions"][0]["control"], "CC6.2");
    assert_eq!(facts["subservice"][0]["method"], "carve-out");
    let out = ts(data.path()).args(["facts", "fictional/kestrel-soc2-type2-2025.pdf"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("opinion        qualified (p. 2)") && text.contains("exception      A1.3 (p. 4)"), "{text}");
    let out = ts(data.path()).args(["search", "CC6.1"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[CC6.1]") && text.contains("kestrel-soc2-type2-2026.pdf"), "{text}");
    // Errors are explained, with a non-zero exit.
    let out = ts(data.path()).args(["show", "no-such-document.pdf"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such document"));
}

#[test]
fn bookmark_binder_export_and_verify() {
    let data = indexed();
    let out = tempfile::tempdir().unwrap();
    ts(data.path()).args(["binder", "create", "Vendor Q3"]).assert().success();
    let b = json(data.path(), &["bookmark", "add", "nist/SP800-61rev2.pdf", "--page", "28", "--note", "IR plan", "--tag", "ir", "--binder", "Vendor Q3", "--quote", "incident response plan", "--json"]);
    assert_eq!(b["page"], 28);
    assert_eq!(b["state"], "current");
    let list = json(data.path(), &["bookmark", "list", "--binder", "Vendor Q3", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let binders = json(data.path(), &["binder", "list", "--json"]);
    assert_eq!(binders[0]["bookmark_count"], 1);
    let zip = out.path().join("vendor-q3.zip");
    let report = json(data.path(), &["binder", "export", "Vendor Q3", zip.to_str().unwrap(), "--originals", "--json"]);
    assert_eq!(report["bookmarks"], 1);
    let v = json(data.path(), &["verify", zip.to_str().unwrap(), "--json"]);
    assert_eq!(v["ok"], true);
    // A damaged package fails verification with exit code 1.
    let mut bytes = std::fs::read(&zip).unwrap();
    let n = bytes.len();
    bytes.truncate(n - 30);
    let bad = out.path().join("bad.zip");
    std::fs::write(&bad, bytes).unwrap();
    let status = ts(data.path()).args(["verify", bad.to_str().unwrap()]).output().unwrap().status;
    assert_ne!(status.code(), Some(0));
    // The library verifies against the catalog.
    ts(data.path()).args(["verify"]).assert().success();
    ts(data.path()).args(["bookmark", "remove", &b["id"].to_string()]).assert().success();
    assert_eq!(json(data.path(), &["bookmark", "list", "--json"]).as_array().unwrap().len(), 0);
}

#[test]
fn index_without_a_library_explains_itself() {
    let data = tempfile::tempdir().unwrap();
    let out = ts(data.path()).args(["index"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no library indexed yet"));
    let out = ts(data.path()).args(["index", "/nonexistent/folder"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("library folder not found"));
}

/// Offline guarantee: index, search, bookmark, export and verify in a network namespace with no
/// network, traced; no socket connection other than local (AF_UNIX) ones may be attempted.
#[test]
fn works_offline_and_never_tries_the_network() {
    let have = |tool: &str| std::process::Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    if !(have("unshare") && have("strace")) {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "unshare and strace are required in CI");
        eprintln!("SKIP: unshare or strace missing; offline test did not run");
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("trustshelf");
    let docs = repo().join("documents");
    let zip = out.path().join("offline.zip");
    let script = format!(
        "set -e; T='{bin}'; export TRUSTSHELF_DATA='{data}'; $T index '{docs}' >/dev/null 2>&1; $T search 'incident response' --json >/dev/null; \
         $T binder create Offline >/dev/null; $T bookmark add nist/SP800-61rev2.pdf --page 28 --binder Offline >/dev/null; \
         $T binder export Offline '{zip}' --originals >/dev/null; $T verify '{zip}' >/dev/null",
        bin = bin.display(),
        data = data.path().display(),
        docs = docs.display(),
        zip = zip.display()
    );
    let trace = out.path().join("trace");
    let status = std::process::Command::new("unshare")
        .args(["-n", "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o"])
        .arg(&trace)
        .args(["sh", "-c", &script])
        .status()
        .unwrap();
    assert!(status.success(), "the offline run failed");
    assert!(zip.exists());
    let log = std::fs::read_to_string(&trace).unwrap();
    let network: Vec<&str> = log.lines().filter(|l| l.contains("AF_INET") || l.contains("AF_INET6")).collect();
    assert!(network.is_empty(), "network attempts: {network:?}");
}

fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.join("corpus").is_dir() {
        return Some(p);
    }
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "../shared is required in CI");
    eprintln!("SKIP: ../shared not found; the kill test did not run");
    None
}

/// Crash consistency: `trustshelf index` over the shared corpus is killed with SIGKILL at 20 moments
/// spread over a run. After each kill the catalog opens, bookmarks and binders are intact, the index
/// holds exactly the catalogued pages (nothing unknown), and a final run completes.
#[test]
fn sigkill_during_indexing_loses_nothing() {
    use trustshelf_core::NewBookmark;
    use trustshelf_core::SearchRequest;
    use trustshelf_core::{Library, WorkerConfig};
    let Some(shared) = shared() else { return };
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(lib_dir.path().join("evidence.md"), "# Evidence\n\nThe platypus control operates daily.").unwrap();
    let worker = || WorkerConfig::new(assert_cmd::cargo::cargo_bin("trustshelf"));
    {
        let lib = Library::open(data.path(), worker()).unwrap();
        lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
        let doc = lib.document("evidence.md").unwrap();
        let binder = lib.create_binder("Crash audit", "must survive").unwrap();
        lib.add_bookmark(&NewBookmark { document_id: doc.id, page: 1, quote: Some("platypus control".into()), note: "keep".into(), tags: vec!["t".into()], binders: vec![binder.id] }).unwrap();
    }
    // The corpus joins the library; indexing it is what gets killed.
    let copy = |from: &Path, to: &Path| {
        let status = std::process::Command::new("cp").arg("-r").arg(from).arg(to).status().unwrap();
        assert!(status.success());
    };
    copy(&shared.join("corpus"), &lib_dir.path().join("corpus"));

    let bin = assert_cmd::cargo::cargo_bin("trustshelf");
    let mut kills = 0;
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    for round in 0..20 {
        let mut child = std::process::Command::new(&bin)
            .args(["index"])
            .env("TRUSTSHELF_DATA", data.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = 50 + seed % 1500;
        std::thread::sleep(std::time::Duration::from_millis(wait));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();

        let lib = Library::open(data.path(), worker()).unwrap_or_else(|e| panic!("round {round}: catalog does not open: {e}"));
        let marks = lib.bookmarks(Some("Crash audit")).unwrap();
        assert_eq!(marks.len(), 1, "round {round}");
        assert_eq!((marks[0].note.as_str(), marks[0].quote.as_deref(), marks[0].tags.as_slice()), ("keep", Some("platypus control"), &["t".to_string()][..]));
        // Exactly the catalogued documents are searchable, each with its own pages.
        let docs = lib.documents().unwrap();
        let all = lib.search(&SearchRequest { query: "the OR platypus OR a".into(), limit: 500, pages_per_document: Some(1), ..Default::default() }).unwrap();
        for hit in &all.documents {
            assert!(docs.iter().any(|d| d.id == hit.id), "round {round}: index returns unknown document {}", hit.id);
        }
        let status = lib.status().unwrap();
        let expected: u64 = docs.iter().map(|d| lib.pages(d.id).unwrap().iter().filter(|p| !p.text.trim().is_empty()).count().max(1) as u64).sum();
        assert_eq!(status.indexed_pages, expected, "round {round}: index and catalog disagree");
    }
    assert!(kills >= 15, "only {kills} runs were still going when killed");
    let out = std::process::Command::new(&bin).args(["index", "--json"]).env("TRUSTSHELF_DATA", data.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"], 62, "{report}");
    eprintln!("survived {kills} SIGKILLs during indexing; final run: {report}");
}

/// Root can read anything and write to a "read-only" folder, so these run in a private mount namespace
/// (a 1 MB tmpfs for the data) and, for unreadable files, as the user `nobody`.
fn can_use_namespaces() -> bool {
    let ok = std::process::Command::new("unshare").args(["-m", "true"]).status().is_ok_and(|s| s.success()) && std::process::Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "CI runs as root with unshare and setpriv");
        eprintln!("SKIP: needs root, unshare -m and setpriv; disk-full / read-only / unreadable tests did not run");
    }
    ok
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn full_disk_and_read_only_data_give_clear_errors_and_lose_nothing() {
    if !can_use_namespaces() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("trustshelf");
    let script = format!(
        r#"set -u; T='{bin}'; D='{data}'; O='{out}'
        mount -t tmpfs -o size=1m tmpfs "$D" || exit 90
        $T --data "$D" index '{small}' >/dev/null 2>&1 || exit 91
        $T --data "$D" bookmark add kestrel-iso27001-certificate.pdf --page 1 --note 'keep me' >/dev/null || exit 92
        $T --data "$D" index '{docs}' >"$O/full.out" 2>"$O/full.err"; echo $? >"$O/full.rc"
        $T --data "$D" bookmark add 1 --page 2 >/dev/null 2>"$O/full-bookmark.err"; echo $? >"$O/full-bookmark.rc"
        mount -o remount,size=64m "$D"
        $T --data "$D" index --json >"$O/recovered.json" 2>"$O/recovered.err"; echo $? >"$O/recovered.rc"
        $T --data "$D" bookmark list --json >"$O/bookmarks.json"
        sha256sum "$D/catalog.sqlite" >"$O/before.sum"
        mount -o remount,ro "$D"
        $T --data "$D" index >/dev/null 2>"$O/ro.err"; echo $? >"$O/ro.rc"
        $T --data "$D" bookmark add 1 --page 1 >/dev/null 2>"$O/ro-bookmark.err"; echo $? >"$O/ro-bookmark.rc"
        sha256sum "$D/catalog.sqlite" >"$O/after.sum"
        mount -o remount,rw "$D"
        $T --data "$D" status --json >"$O/status.json"
        $T --data "$D" search 'incident response' --json >"$O/search.json""#,
        bin = bin.display(),
        data = data.path().display(),
        out = out.path().display(),
        small = repo().join("tests/fixtures/compat/v1/library").display(),
        docs = repo().join("documents").display(),
    );
    let status = std::process::Command::new("unshare").args(["-m", "sh", "-c", &script]).status().unwrap();
    assert!(status.success(), "setup failed: {status:?}");
    let o = out.path();
    // Disk full: a clear error and a failing exit code, for indexing and for a bookmark.
    assert_ne!(read(&o.join("full.rc")).trim(), "0");
    assert!(read(&o.join("full.err")).contains("no space left on the disk holding"), "{}", read(&o.join("full.err")));
    assert_ne!(read(&o.join("full-bookmark.rc")).trim(), "0");
    assert!(read(&o.join("full-bookmark.err")).contains("no space left"), "{}", read(&o.join("full-bookmark.err")));
    // Space returns: the next run completes; the bookmark made before is intact.
    assert_eq!(read(&o.join("recovered.rc")).trim(), "0", "{}", read(&o.join("recovered.err")));
    let recovered: Value = serde_json::from_str(&read(&o.join("recovered.json"))).unwrap();
    assert!(recovered["documents"].as_u64().unwrap() >= 30 && recovered["failed"].as_array().unwrap().is_empty(), "{recovered}");
    let bookmarks: Value = serde_json::from_str(&read(&o.join("bookmarks.json"))).unwrap();
    assert_eq!(bookmarks.as_array().unwrap().len(), 1);
    assert_eq!(bookmarks[0]["note"], "keep me");
    // Read-only: clear errors, and the catalog is byte-for-byte untouched.
    for step in ["ro", "ro-bookmark"] {
        assert_ne!(read(&o.join(format!("{step}.rc"))).trim(), "0");
        assert!(read(&o.join(format!("{step}.err"))).contains("is read-only"), "{step}: {}", read(&o.join(format!("{step}.err"))));
    }
    assert_eq!(read(&o.join("before.sum")), read(&o.join("after.sum")));
    let status: Value = serde_json::from_str(&read(&o.join("status.json"))).unwrap();
    assert_eq!(status["indexed_pages"], status["pages"]);
    let search: Value = serde_json::from_str(&read(&o.join("search.json"))).unwrap();
    assert_eq!(search["documents"][0]["path"], "nist/SP800-61rev2.pdf");
}

#[test]
fn unreadable_files_and_folders_are_listed_and_the_rest_is_indexed() {
    use std::os::unix::fs::PermissionsExt;
    if !can_use_namespaces() {
        return;
    }
    let lib = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = lib.path();
    std::fs::write(root.join("readable.md"), "# Readable\n\nkookaburra").unwrap();
    std::fs::write(root.join("secret.md"), "# Secret\n\ncassowary").unwrap();
    std::fs::create_dir(root.join("locked")).unwrap();
    std::fs::write(root.join("locked/inside.md"), "# Inside\n\ndingo").unwrap();
    std::fs::set_permissions(root.join("secret.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(data.path(), Some(65534), Some(65534)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("trustshelf");
    let as_nobody = |args: &[&str]| {
        let out = std::process::Command::new("setpriv").args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin).arg("--data").arg(data.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let report = as_nobody(&["index", root.to_str().unwrap(), "--json"]);
    assert_eq!(report["documents"], 1, "{report}");
    let skipped = report["skipped"].as_array().unwrap();
    let reason = |path: &str| skipped.iter().find(|s| s[0] == path).map(|s| s[1].as_str().unwrap().to_string()).unwrap_or_else(|| panic!("{path} not listed: {report}"));
    assert!(reason("secret.md").starts_with("unreadable: Permission denied"), "{report}");
    assert!(reason("locked").starts_with("unreadable: Permission denied"), "{report}");
    let status = as_nobody(&["status", "--json"]);
    let listed: Vec<&str> = status["skipped"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(listed, ["locked", "secret.md"]);
    let hits = as_nobody(&["search", "kookaburra", "--json"]);
    assert_eq!(hits["documents"][0]["path"], "readable.md");
}

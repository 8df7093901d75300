//! `ui/src/bindings.ts`, generated from the Rust side: the core's IPC types (ts-rs), the command
//! table and the event table declared in `lib.rs`. The test fails when the file is stale; regenerate
//! it with `UPDATE_BINDINGS=1 cargo test -p trustshelf-app --lib bindings`.

use std::collections::BTreeSet;
use std::path::Path;

use ts_rs::{Config, TS};

/// One command as the bindings describe it.
pub(crate) struct CommandSpec {
    pub name: &'static str,
    pub doc: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub result: String,
}

impl TS for super::DocumentBytes {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &Config) -> String {
        "ArrayBuffer".into()
    }
    fn inline(cfg: &Config) -> String {
        Self::name(cfg)
    }
}

fn config() -> Config {
    // IPC numbers travel as JSON numbers; ids and counts stay far below 2^53.
    Config::new().with_large_int("number")
}

/// The declarations of every type the commands and events use.
fn types(cfg: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    macro_rules! export {
        ($($t:ty),* $(,)?) => {$(
            out.push((<$t as TS>::ident(cfg), <$t as TS>::decl(cfg)));
        )*};
    }
    use trustshelf_core::*;
    export!(
        ErrorKind,
        IpcError,
        Format,
        Page,
        Ocr,
        WordBox,
        Source,
        Fact,
        Period,
        Exception,
        Cuec,
        Subservice,
        Certificate,
        Bridge,
        Finding,
        Facts,
        Metadata,
        Status,
        Document,
        SkippedFile,
        Sort,
        SearchRequest,
        PageHit,
        DocumentHit,
        FacetCount,
        Facets,
        HighlightTerms,
        SearchResponse,
        HighlightRequest,
        Label,
        Labels,
        PageView,
        DocumentProblem,
        LibraryStatus,
        Progress,
        IndexReport,
        BookmarkState,
        Bookmark,
        NewBookmark,
        BookmarkUpdate,
        Binder,
        ExportReport,
        VerifyReport,
        super::Finished,
        super::ExportProgress,
    );
    out
}

fn jsdoc(doc: &str, indent: &str) -> String {
    let text = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        String::new()
    } else {
        format!("{indent}/** {text} */\n")
    }
}

fn bindings() -> String {
    let cfg = config();
    let mut out = String::from(
        "// Generated from the Rust side by src-tauri/src/bindings.rs: the core's types, the shell's commands and events.\n\
         // Do not edit: run `UPDATE_BINDINGS=1 cargo test -p trustshelf-app --lib bindings`.\n\n",
    );
    for (_, decl) in types(&cfg) {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str("/** Calls one command of the shell by name with its named arguments. */\nexport type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;\n\n");
    out.push_str("/** Every command of the shell, each a typed call through `invoke`. */\nexport function commands(invoke: Invoke) {\n  return {\n");
    for c in super::command_table(&cfg) {
        let params: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let keys: Vec<&str> = c.args.iter().map(|(n, _)| *n).collect();
        out.push_str(&jsdoc(c.doc, "    "));
        out.push_str(&format!("    {}: ({}) => invoke<{}>(\"{}\", {}),\n", c.name, params.join(", "), c.result, c.name, if keys.is_empty() { "{}".to_string() } else { format!("{{ {} }}", keys.join(", ")) }));
    }
    out.push_str("  };\n}\n\n/** The commands as an object type. */\nexport type Commands = ReturnType<typeof commands>;\n\n");
    out.push_str("/** Every event the shell sends to the window, by name, with its payload. */\nexport type Events = {\n");
    for (name, doc, payload) in super::event_table(&cfg) {
        out.push_str(&jsdoc(doc, "  "));
        out.push_str(&format!("  \"{name}\": {payload};\n"));
    }
    out.push_str("};\n\n/** The names of the events. */\nexport const EVENT_NAMES = [");
    out.push_str(&super::event_table(&cfg).iter().map(|(n, _, _)| format!("\"{n}\"")).collect::<Vec<_>>().join(", "));
    out.push_str("] as const;\n");
    out
}

#[test]
fn every_type_the_commands_and_events_name_is_declared() {
    let cfg = config();
    let declared: BTreeSet<String> = types(&cfg).into_iter().map(|(name, _)| name).collect();
    let builtin = ["Array", "ArrayBuffer", "Record", "Partial"];
    let mut named: Vec<String> = Vec::new();
    for c in super::command_table(&cfg) {
        named.push(c.result);
        named.extend(c.args.into_iter().map(|(_, t)| t));
    }
    named.extend(super::event_table(&cfg).into_iter().map(|(_, _, t)| t));
    // …and every type the declared types' fields name (a struct inside a struct: `Facts` names
    // `Certificate`), with their doc comments and string literals left out.
    named.extend(types(&cfg).into_iter().map(|(_, decl)| code_of(&decl)));
    for t in named {
        for word in t.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase())) {
            assert!(declared.contains(word) || builtin.contains(&word), "{word} (in {}…) is not declared in the bindings", t.chars().take(80).collect::<String>().trim());
        }
    }
}

/// A TypeScript declaration without its comments and string literals (what names types).
fn code_of(decl: &str) -> String {
    let mut out = String::with_capacity(decl.len());
    let mut rest = decl;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else if let Some(after) = rest.strip_prefix('"') {
            rest = after.find('"').map_or("", |i| &after[i + 1..]);
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[test]
fn typescript_bindings_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let generated = bindings();
    if std::env::var("UPDATE_BINDINGS").is_ok() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == generated, "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p trustshelf-app --lib bindings`");
}

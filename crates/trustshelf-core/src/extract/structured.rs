//! Structured documents: JSON, YAML and XML. OSCAL documents — catalog, profile, component definition,
//! system security plan, assessment plan and results, plan of action and milestones — are recognised
//! by their root and split into a page per control, component, implemented requirement, finding or
//! POA&M item, each led by its control ID as people write it (`ac-2.1` → `AC-2(1)`) so that the
//! control-ID field finds it. Any other document gets a page per top-level section, its keys and
//! values as text.
//!
//! XML is read into the same tree as JSON (attributes and child elements become keys, text becomes
//! `#text`), so one walker serves OSCAL in JSON, YAML and XML: it accepts JSON's plural array names
//! (`controls`) and XML's element names (`control`) alike.

use serde_json::{Map, Value};

use super::{split_long, Extraction, Page};
use crate::error::ExtractError;

/// Longest page text: longer sections are split at line boundaries.
const MAX_PAGE_BYTES: usize = 16_000;
/// Array elements of a plain document are grouped into pages of about this size.
const GROUP_BYTES: usize = 4_000;
/// Deepest nesting read from XML (serde_json and serde_yaml bound their own).
const MAX_XML_DEPTH: usize = 128;

/// Keys whose values say nothing a person searches for (identifiers of parameters and parts, links'
/// plumbing); the control's own ID leads its page instead.
const NOISE_KEYS: [&str; 9] = ["uuid", "href", "media-type", "ns", "rel", "oscal-version", "id", "alt-identifier", "sort-id"];
/// Properties (`{name, value}`) that repeat what the page already says or only order it.
const NOISE_PROPS: [&str; 3] = ["label", "sort-id", "alt-identifier"];

pub(super) fn extract_json(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let text = super::decode_text(bytes);
    let value: Value = serde_json::from_str(&text).map_err(|e| ExtractError::NotValid(format!("JSON ({e})")))?;
    Ok(from_value(&value, "json"))
}

pub(super) fn extract_yaml(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let text = super::decode_text(bytes);
    let value: Value = serde_yaml::from_str(&text).map_err(|e| ExtractError::NotValid(format!("YAML ({e})")))?;
    Ok(from_value(&value, "yaml"))
}

pub(super) fn extract_xml(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let text = super::decode_text(bytes);
    let value = xml_tree(&text)?;
    Ok(from_value(&value, "xml"))
}

/// The OSCAL models by root name, with the category each document is.
const OSCAL_ROOTS: [&str; 7] = ["catalog", "profile", "component-definition", "system-security-plan", "assessment-plan", "assessment-results", "plan-of-action-and-milestones"];

/// The extractor name an OSCAL document of `model` is recorded under (`oscal-catalog`, …); the
/// metadata inference reads the document's category from it.
pub fn oscal_category(extractor: &str) -> Option<&'static str> {
    match extractor.strip_prefix("oscal-")? {
        "catalog" | "profile" => Some("framework"),
        "component-definition" | "system-security-plan" => Some("blueprint"),
        "assessment-plan" | "assessment-results" | "plan-of-action-and-milestones" => Some("audit-report"),
        _ => None,
    }
}

fn from_value(value: &Value, syntax: &str) -> Extraction {
    let oscal = value.as_object().and_then(|o| OSCAL_ROOTS.iter().find_map(|&root| o.get(root).filter(|v| v.is_object()).map(|v| (root, v))));
    let mut pages = Pages::default();
    let (extractor, title) = match oscal {
        Some((model, root)) => {
            oscal_pages(model, root, &mut pages);
            (format!("oscal-{model}"), str_at(root, &["metadata", "title"]).map(one_line))
        }
        None => {
            match value.as_object().filter(|o| o.len() == 1).and_then(|o| o.iter().next()) {
                // An XML document is its root element: a page per child of the root.
                Some((root, Value::Object(children))) if syntax == "xml" && children.len() > 1 => {
                    for (key, v) in children {
                        let path = format!("{root}.{key}");
                        match v {
                            Value::Array(items) => array_pages(&path, items, &mut pages),
                            _ => pages.push(key, &format!("{key}\n{}", keyed_text(v, &path))),
                        }
                    }
                }
                _ => plain_pages(value, &mut pages),
            }
            let title = value.as_object().and_then(|o| ["title", "name"].iter().find_map(|k| o.get(*k).and_then(Value::as_str))).map(one_line);
            (syntax.to_string(), title)
        }
    };
    Extraction { pages: pages.0, title, extractor, ..Default::default() }
}

/// The pages being made, numbered in order; long texts are split.
#[derive(Default)]
struct Pages(Vec<Page>);

impl Pages {
    fn push(&mut self, label: &str, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let parts = split_long(text, MAX_PAGE_BYTES);
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let label = if n > 1 { format!("{label} ({}/{n})", i + 1) } else { label.to_string() };
            self.0.push(Page { number: self.0.len() as u32 + 1, label: one_line(&label), text: part, ocr: None });
        }
    }
}

// ---------- OSCAL ----------

fn oscal_pages(model: &str, root: &Value, pages: &mut Pages) {
    let kind = model.replace('-', " ");
    if let Some(m) = root.get("metadata") {
        pages.push(&format!("OSCAL {kind}: metadata"), &text_of(m, &[]));
    }
    match model {
        "catalog" => {
            for c in children(root, "controls", "control") {
                control_pages(c, pages);
            }
            for g in children(root, "groups", "group") {
                group_pages(g, pages);
            }
        }
        "profile" => {
            for import in children(root, "imports", "import") {
                let href = str_at(import, &["href"]).unwrap_or("");
                let ids: Vec<String> = children(import, "include-controls", "include-controls")
                    .flat_map(|ic| children(ic, "with-ids", "with-id"))
                    .filter_map(|id| id.as_str().or_else(|| str_at(id, &["#text"])))
                    .map(control_id)
                    .collect();
                pages.push(&format!("Import {href}"), &format!("Controls included: {}\n{}", ids.join(", "), text_of(import, &["include-controls"])));
            }
            if let Some(modify) = root.get("modify") {
                let params: Vec<&Value> = children(modify, "set-parameters", "set-parameter").collect();
                if !params.is_empty() {
                    let text: Vec<String> = params.iter().map(|p| format!("{}: {}", str_at(p, &["param-id"]).unwrap_or(""), text_of(p, &["param-id"]))).collect();
                    pages.push("Parameters", &text.join("\n"));
                }
                for alter in children(modify, "alters", "alter") {
                    let id = control_id(str_at(alter, &["control-id"]).unwrap_or(""));
                    pages.push(&format!("{id} (tailored)"), &format!("{id}\n{}", text_of(alter, &["control-id"])));
                }
            }
            if let Some(merge) = root.get("merge") {
                pages.push("Merge", &text_of(merge, &[]));
            }
        }
        "component-definition" => {
            for component in children(root, "components", "component") {
                let title = str_at(component, &["title"]).unwrap_or("Component").to_string();
                pages.push(&title, &text_of(component, &["control-implementations", "control-implementation"]));
                for ci in children(component, "control-implementations", "control-implementation") {
                    for req in children(ci, "implemented-requirements", "implemented-requirement") {
                        requirement_page(req, &format!("{title} · "), pages);
                    }
                }
            }
        }
        "system-security-plan" => {
            for section in ["import-profile", "system-characteristics", "system-implementation"] {
                if let Some(v) = root.get(section) {
                    pages.push(&section.replace('-', " "), &text_of(v, &[]));
                }
            }
            if let Some(ci) = root.get("control-implementation") {
                pages.push("control implementation", &text_of(ci, &["implemented-requirements", "implemented-requirement"]));
                for req in children(ci, "implemented-requirements", "implemented-requirement") {
                    requirement_page(req, "", pages);
                }
            }
        }
        "assessment-results" => {
            for result in children(root, "results", "result") {
                let title = str_at(result, &["title"]).unwrap_or("Result").to_string();
                pages.push(&title, &text_of(result, &["findings", "finding", "observations", "observation", "risks", "risk"]));
                findings_pages(result, pages);
            }
        }
        "plan-of-action-and-milestones" => {
            for item in children(root, "poam-items", "poam-item") {
                let title = str_at(item, &["title"]).unwrap_or("POA&M item");
                pages.push(title, &text_of(item, &[]));
            }
            findings_pages(root, pages);
        }
        // The assessment plan and anything else: a page per top-level section.
        _ => {
            if let Some(o) = root.as_object() {
                for (key, v) in o.iter().filter(|(k, _)| !matches!(k.as_str(), "metadata" | "back-matter") && !NOISE_KEYS.contains(&k.as_str())) {
                    pages.push(&key.replace('-', " "), &text_of(v, &[]));
                }
            }
        }
    }
    if let Some(back) = root.get("back-matter") {
        pages.push("Back matter", &text_of(back, &[]));
    }
}

fn group_pages(group: &Value, pages: &mut Pages) {
    // A group's own text (a family's overview) when it has some, then its controls and subgroups.
    let own = text_of(group, &["controls", "control", "groups", "group", "title", "id", "class"]);
    if !own.trim().is_empty() {
        pages.push(str_at(group, &["title"]).unwrap_or("Group"), &format!("{}\n{own}", str_at(group, &["title"]).unwrap_or("")));
    }
    for c in children(group, "controls", "control") {
        control_pages(c, pages);
    }
    for g in children(group, "groups", "group") {
        group_pages(g, pages);
    }
}

/// A control's page (its ID and title first, then its statement, guidance and parameters), then its
/// enhancements' pages.
fn control_pages(control: &Value, pages: &mut Pages) {
    let id = control_id(str_at(control, &["id"]).unwrap_or(""));
    let title = str_at(control, &["title"]).map(one_line).unwrap_or_default();
    let head = format!("{id} {title}");
    // The statement and guidance first (they are what the control says), then its parameters;
    // NIST's `{{ insert: param, ac-02_odp.01 }}` reads as the parameter's label.
    let parts = children(control, "parts", "part").map(|p| text_of(p, &[])).collect::<String>();
    let rest = text_of(control, &["controls", "control", "id", "title", "class", "parts", "part"]);
    let params: Vec<(String, String)> = children(control, "params", "param")
        .filter_map(|p| Some((str_at(p, &["id"])?.to_string(), str_at(p, &["label"]).map(one_line)?)))
        .collect();
    pages.push(head.trim(), &insert_params(&format!("{head}\n{parts}{rest}"), &params));
    for c in children(control, "controls", "control") {
        control_pages(c, pages);
    }
}

/// `text` with each `{{ insert: param, ID }}` replaced by `[label]` of that parameter.
fn insert_params(text: &str, params: &[(String, String)]) -> String {
    static INSERT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}").expect("valid insert pattern"));
    INSERT
        .replace_all(text, |c: &regex::Captures| match params.iter().find(|(id, _)| id == &c[1]) {
            Some((_, label)) => format!("[{label}]"),
            None => c[0].to_string(),
        })
        .into_owned()
}

fn requirement_page(req: &Value, prefix: &str, pages: &mut Pages) {
    let id = control_id(str_at(req, &["control-id"]).unwrap_or(""));
    pages.push(&format!("{prefix}{id}"), &format!("{id}\n{}", text_of(req, &["control-id"])));
}

fn findings_pages(parent: &Value, pages: &mut Pages) {
    for (plural, singular, what) in [("findings", "finding", "Finding"), ("observations", "observation", "Observation"), ("risks", "risk", "Risk")] {
        for item in children(parent, plural, singular) {
            let title = str_at(item, &["title"]).unwrap_or(what);
            let target = str_at(item, &["target", "target-id"]).map(control_id).map(|id| format!("{id}\n")).unwrap_or_default();
            pages.push(&format!("{what}: {title}"), &format!("{target}{}", text_of(item, &[])));
        }
    }
}

/// A control ID as people write it: NIST's `ac-2` → `AC-2`, `ac-2.1` → `AC-2(1)`; other catalogs'
/// IDs (`APP.1.1.A1`, `A.5.23`) as they are.
pub fn control_id(id: &str) -> String {
    let id = id.trim();
    let Some((family, rest)) = id.split_once('-') else { return id.to_string() };
    let (number, enhancement) = match rest.split_once('.') {
        Some((n, e)) => (n, Some(e)),
        None => (rest, None),
    };
    let nist = (2..=3).contains(&family.len())
        && family.chars().all(|c| c.is_ascii_lowercase())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && enhancement.is_none_or(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
    if !nist {
        return id.to_string();
    }
    match enhancement {
        Some(e) => format!("{}-{number}({e})", family.to_ascii_uppercase()),
        None => format!("{}-{number}", family.to_ascii_uppercase()),
    }
}

/// The elements under `plural` (JSON's array) or `singular` (XML's repeated element) of `v`.
fn children<'a>(v: &'a Value, plural: &str, singular: &str) -> impl Iterator<Item = &'a Value> {
    let items: Vec<&Value> = match v.get(plural).or_else(|| v.get(singular)) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    items.into_iter()
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut at = v;
    for k in path {
        at = at.get(k)?;
    }
    at.as_str().or_else(|| at.get("#text").and_then(Value::as_str))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of `v` for reading and searching: every string, number and flag under it, a line per
/// value, named by its key where the key says something (`name: value` for properties), skipping
/// `skip` keys and the keys that are only plumbing.
fn text_of(v: &Value, skip: &[&str]) -> String {
    let mut out = String::new();
    collect(v, None, skip, &mut out);
    out
}

fn collect(v: &Value, key: Option<&str>, skip: &[&str], out: &mut String) {
    match v {
        Value::Object(o) => {
            // An OSCAL property (`{name, value}`) reads as "name: value".
            if let (Some(Value::String(name)), Some(Value::String(value))) = (o.get("name"), o.get("value")) {
                if !NOISE_PROPS.contains(&name.as_str()) {
                    out.push_str(&format!("{name}: {value}\n"));
                }
                return;
            }
            // A part's name says what kind of part it is (statement, item, guidance): plumbing.
            let part = o.contains_key("prose") || o.contains_key("parts");
            for (k, child) in o {
                if skip.contains(&k.as_str()) || NOISE_KEYS.contains(&k.as_str()) || (part && k == "name") {
                    continue;
                }
                collect(child, Some(k), &[], out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, key, &[], out)),
        Value::String(s) if s.trim().is_empty() => {}
        Value::String(s) => {
            let s = one_line(s);
            match key {
                // Prose and titles read as text; other short values keep their key for context.
                Some("prose" | "title" | "#text" | "description" | "remarks" | "label") | None => out.push_str(&s),
                Some(k) => out.push_str(&format!("{k}: {s}")),
            }
            out.push('\n');
        }
        Value::Number(n) => out.push_str(&format!("{}: {n}\n", key.unwrap_or("value"))),
        Value::Bool(b) => out.push_str(&format!("{}: {b}\n", key.unwrap_or("value"))),
        Value::Null => {}
    }
}

// ---------- any other document ----------

fn plain_pages(value: &Value, pages: &mut Pages) {
    match value {
        Value::Object(o) => {
            for (key, v) in o {
                match v {
                    Value::Array(items) => array_pages(key, items, pages),
                    _ => pages.push(key, &format!("{key}\n{}", keyed_text(v, key))),
                }
            }
        }
        Value::Array(items) => array_pages("Items", items, pages),
        other => pages.push("Document", &keyed_text(other, "value")),
    }
}

/// An array's elements grouped into pages of about [`GROUP_BYTES`].
fn array_pages(key: &str, items: &[Value], pages: &mut Pages) {
    let mut text = String::new();
    let mut first = 1;
    for (i, item) in items.iter().enumerate() {
        text.push_str(&keyed_text(item, key));
        text.push('\n');
        if text.len() >= GROUP_BYTES || i + 1 == items.len() {
            let label = if items.len() == 1 { key.to_string() } else if first == i + 1 { format!("{key} {first}") } else { format!("{key} {first}–{}", i + 1) };
            pages.push(&label, &text);
            text.clear();
            first = i + 2;
        }
    }
}

/// Every value under `v` as `path: value` lines (keys are what a person searches a config by).
fn keyed_text(v: &Value, path: &str) -> String {
    let mut out = String::new();
    keyed(v, path, &mut out);
    out
}

fn keyed(v: &Value, path: &str, out: &mut String) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, child)| keyed(child, &format!("{path}.{k}"), out)),
        Value::Array(items) => items.iter().for_each(|item| keyed(item, path, out)),
        Value::Null => {}
        Value::String(s) => out.push_str(&format!("{path}: {}\n", one_line(s))),
        other => out.push_str(&format!("{path}: {other}\n")),
    }
}

// ---------- XML into the same tree ----------

/// Reads XML into a JSON-like tree: `{root: {attr: "…", child: […], "#text": "…"}}`. Namespaces
/// are dropped from names; repeated children become arrays; mixed content (OSCAL prose's `<p>`,
/// `<em>`, `<insert>`) is kept as text in reading order.
fn xml_tree(text: &str) -> Result<Value, ExtractError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(false);
    // The open elements: name and what was read of them so far.
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    let bad = |e: &dyn std::fmt::Display| ExtractError::NotValid(format!("XML ({e})"));
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Event::Start(e) => {
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(ExtractError::NotValid(format!("XML nested deeper than {MAX_XML_DEPTH} elements")));
                }
                stack.push((local(e.name().as_ref()), attributes(&e), String::new()));
            }
            Event::Empty(e) => {
                let value = element_value(attributes(&e), String::new());
                let name = local(e.name().as_ref());
                match stack.last_mut() {
                    Some(parent) => add_child(&mut parent.1, name, value),
                    None => root = Some((name, value)),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.decode().map_err(|e| bad(&e))?);
                }
            }
            Event::GeneralRef(r) => {
                // The five predefined entities and character references; an entity a DTD declares
                // is never expanded (no entity bombs).
                let resolved = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c,
                    None => match super::office::predefined(&r) {
                        "" => return Err(ExtractError::NotValid(format!("XML (entity &{}; is not expanded)", String::from_utf8_lossy(&r)))),
                        named => named.chars().next().unwrap_or(' '),
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.2.push(resolved);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                let Some((name, map, own_text)) = stack.pop() else { return Err(ExtractError::NotValid("XML (an end tag without its start)".into())) };
                // Inline markup inside prose (`<p>`, `<em>`, `<b>`, `<a>`, `<insert>`) belongs to the
                // text around it.
                let inline = matches!(name.as_str(), "em" | "strong" | "b" | "i" | "code" | "q" | "a" | "sub" | "sup" | "insert" | "img");
                match stack.last_mut() {
                    Some(parent) if inline => {
                        parent.2.push(' ');
                        parent.2.push_str(&own_text);
                        parent.2.push(' ');
                    }
                    Some(parent) => add_child(&mut parent.1, name, element_value(map, own_text)),
                    None => root = Some((name, element_value(map, own_text))),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ExtractError::Damaged(format!("XML ends inside <{}>", stack.last().map(|s| s.0.as_str()).unwrap_or(""))));
    }
    let (name, value) = root.ok_or_else(|| ExtractError::NotValid("XML (no root element)".into()))?;
    let mut doc = Map::new();
    doc.insert(name, value);
    Ok(Value::Object(doc))
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    name.rsplit(':').next().unwrap_or(&name).to_string()
}

fn attributes(e: &quick_xml::events::BytesStart) -> Map<String, Value> {
    let mut map = Map::new();
    for a in e.attributes().flatten() {
        let key = local(a.key.as_ref());
        if key == "xmlns" || a.key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let value = a.unescape_value().map(|v| v.into_owned()).unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
        map.insert(key, Value::String(value));
    }
    map
}

fn element_value(mut map: Map<String, Value>, text: String) -> Value {
    let text = one_line(&text);
    if map.is_empty() {
        return Value::String(text);
    }
    if !text.is_empty() {
        map.insert("#text".into(), Value::String(text));
    }
    Value::Object(map)
}

fn add_child(map: &mut Map<String, Value>, name: String, value: Value) {
    match map.get_mut(&name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_control_ids_are_written_as_people_write_them() {
        assert_eq!(control_id("ac-2"), "AC-2");
        assert_eq!(control_id("ac-2.1"), "AC-2(1)");
        assert_eq!(control_id("sc-7.10"), "SC-7(10)");
        assert_eq!(control_id("pm-11"), "PM-11");
        assert_eq!(control_id("APP.1.1.A1"), "APP.1.1.A1");
        assert_eq!(control_id("ac-2_smt.a"), "ac-2_smt.a");
        assert_eq!(control_id("gv.oc-01"), "gv.oc-01");
    }

    const CATALOG_JSON: &str = r#"{"catalog": {"uuid": "u", "metadata": {"title": "Tiny Catalog", "version": "1.0"},
        "groups": [{"id": "ac", "title": "Access Control", "controls": [
            {"id": "ac-2", "title": "Account Management", "parts": [{"name": "statement", "prose": "Manage system accounts."}],
             "controls": [{"id": "ac-2.1", "title": "Automated System Account Management", "props": [{"name": "label", "value": "AC-2(1)"}],
                           "parts": [{"name": "statement", "prose": "Support the management of accounts using automated mechanisms."}]}]}]}]}}"#;

    const CATALOG_XML: &str = r#"<?xml version="1.0"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u">
  <metadata><title>Tiny Catalog</title><version>1.0</version></metadata>
  <group id="ac"><title>Access Control</title>
    <control id="ac-2"><title>Account Management</title>
      <part name="statement"><p>Manage system <em>accounts</em>.</p></part>
      <control id="ac-2.1"><title>Automated System Account Management</title>
        <part name="statement"><p>Support the management of accounts using automated mechanisms.</p></part>
      </control>
    </control>
  </group>
</catalog>"#;

    #[test]
    fn an_oscal_catalog_becomes_a_page_per_control_in_json_xml_and_yaml() {
        let yaml = serde_yaml::to_string(&serde_json::from_str::<Value>(CATALOG_JSON).unwrap()).unwrap();
        for (syntax, ex) in [("json", extract_json(CATALOG_JSON.as_bytes()).unwrap()), ("xml", extract_xml(CATALOG_XML.as_bytes()).unwrap()), ("yaml", extract_yaml(yaml.as_bytes()).unwrap())] {
            assert_eq!(ex.extractor, "oscal-catalog", "{syntax}");
            assert_eq!(ex.title.as_deref(), Some("Tiny Catalog"), "{syntax}");
            let labels: Vec<&str> = ex.pages.iter().map(|p| p.label.as_str()).collect();
            assert_eq!(labels, ["OSCAL catalog: metadata", "AC-2 Account Management", "AC-2(1) Automated System Account Management"], "{syntax}");
            assert!(ex.pages[1].text.starts_with("AC-2 Account Management\n"), "{syntax}: {:?}", ex.pages[1].text);
            assert!(ex.pages[1].text.contains("Manage system accounts"), "{syntax}: {:?}", ex.pages[1].text);
            assert!(!ex.pages[1].text.contains("automated mechanisms"), "{syntax}: the enhancement has its own page");
            assert!(ex.pages[2].text.contains("automated mechanisms"), "{syntax}");
            assert_eq!(ex.pages.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2, 3]);
        }
        assert_eq!(oscal_category("oscal-catalog"), Some("framework"));
        assert_eq!(oscal_category("oscal-assessment-results"), Some("audit-report"));
        assert_eq!(oscal_category("json"), None);
    }

    #[test]
    fn parameters_read_as_their_labels_and_part_plumbing_is_left_out() {
        let json = r#"{"catalog": {"metadata": {"title": "C"}, "controls": [{"id": "ac-2", "title": "Account Management",
            "params": [{"id": "ac-02_odp.01", "props": [{"name": "label", "value": "AC-02_ODP[01]"}], "label": "prerequisites and criteria"}],
            "parts": [{"id": "ac-2_smt", "name": "statement", "parts": [{"id": "ac-2_smt.a", "name": "item", "prose": "Require {{ insert: param, ac-02_odp.01 }} for group membership;"}]}]}]}}"#;
        let ex = extract_json(json.as_bytes()).unwrap();
        let page = &ex.pages[1].text;
        assert!(page.starts_with("AC-2 Account Management\nRequire [prerequisites and criteria] for group membership;"), "{page:?}");
        for noise in ["name: item", "name: statement", "ac-2_smt", "AC-02_ODP[01]", "ac-02_odp.01"] {
            assert!(!page.contains(noise), "{noise} in {page:?}");
        }
    }

    #[test]
    fn ssp_requirements_and_sar_findings_get_pages_with_their_control() {
        let ssp = r#"{"system-security-plan": {"metadata": {"title": "Kestrel SSP"},
            "system-characteristics": {"system-name": "Kestrel Cloud", "description": "A hosting platform."},
            "control-implementation": {"description": "How controls are met.", "implemented-requirements": [
                {"uuid": "x", "control-id": "ac-2", "statements": [{"statement-id": "ac-2_smt.a", "by-components": [{"description": "Accounts are managed in the IdP."}]}]}]}}}"#;
        let ex = extract_json(ssp.as_bytes()).unwrap();
        assert_eq!(ex.extractor, "oscal-system-security-plan");
        let req = ex.pages.iter().find(|p| p.label == "AC-2").expect("a page for AC-2");
        assert!(req.text.starts_with("AC-2\n") && req.text.contains("Accounts are managed in the IdP."), "{:?}", req.text);
        assert!(ex.pages.iter().any(|p| p.text.contains("Kestrel Cloud")));

        let sar = r#"{"assessment-results": {"metadata": {"title": "2026 assessment"}, "results": [{"title": "Annual", "start": "2026-01-01",
            "findings": [{"title": "MFA gap", "description": "Admins log in without MFA.", "target": {"type": "objective-id", "target-id": "ia-2.1"}}]}]}}"#;
        let ex = extract_json(sar.as_bytes()).unwrap();
        let finding = ex.pages.iter().find(|p| p.label == "Finding: MFA gap").unwrap();
        assert!(finding.text.starts_with("IA-2(1)\n") && finding.text.contains("Admins log in without MFA."), "{:?}", finding.text);
    }

    #[test]
    fn a_profile_lists_the_controls_it_includes() {
        let profile = r#"{"profile": {"metadata": {"title": "Moderate"}, "imports": [{"href": "catalog.json",
            "include-controls": [{"with-ids": ["ac-1", "ac-2", "ac-2.1"]}]}],
            "modify": {"set-parameters": [{"param-id": "ac-1_prm_2", "values": ["annually"]}],
                       "alters": [{"control-id": "ac-2", "adds": [{"position": "ending", "parts": [{"name": "guidance", "prose": "Review quarterly."}]}]}]}}}"#;
        let ex = extract_json(profile.as_bytes()).unwrap();
        assert_eq!(ex.extractor, "oscal-profile");
        let import = ex.pages.iter().find(|p| p.label == "Import catalog.json").unwrap();
        assert!(import.text.contains("AC-1, AC-2, AC-2(1)"), "{:?}", import.text);
        assert!(ex.pages.iter().any(|p| p.label == "Parameters" && p.text.contains("annually")));
        assert!(ex.pages.iter().any(|p| p.label == "AC-2 (tailored)" && p.text.contains("Review quarterly.")));
    }

    #[test]
    fn any_other_document_gets_a_page_per_top_level_section_with_keys_and_values() {
        let yaml = "title: Backup policy\nretention:\n  daily: 35\n  offsite: true\nowners:\n  - name: Ops\n    email: ops@example.com\n";
        let ex = extract_yaml(yaml.as_bytes()).unwrap();
        assert_eq!(ex.extractor, "yaml");
        assert_eq!(ex.title.as_deref(), Some("Backup policy"));
        let labels: Vec<&str> = ex.pages.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["title", "retention", "owners"]);
        assert!(ex.pages[1].text.contains("retention.daily: 35") && ex.pages[1].text.contains("retention.offsite: true"));
        assert!(ex.pages[2].text.contains("owners.email: ops@example.com"));
        let list = extract_json(format!("[{}]", (0..400).map(|i| format!("{{\"id\": {i}, \"note\": \"entry number {i}\"}}")).collect::<Vec<_>>().join(",")).as_bytes()).unwrap();
        assert!(list.pages.len() > 1 && list.pages.len() < 20, "{} pages", list.pages.len());
        assert!(list.pages.iter().any(|p| p.text.contains("Items.note: entry number 399")));
        let xml = extract_xml(b"<config><server name=\"db\"><port>5432</port></server><audit enabled=\"yes\"/></config>").unwrap();
        assert_eq!(xml.extractor, "xml");
        assert!(xml.pages.iter().any(|p| p.text.contains("config.server.port: 5432")), "{:?}", xml.pages);
        // A page per child of the root element.
        assert_eq!(xml.pages.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["server", "audit"], "{:?}", xml.pages);
    }

    #[test]
    fn broken_and_hostile_input_ends_with_a_reason() {
        assert!(matches!(extract_json(b"{\"catalog\": {"), Err(ExtractError::NotValid(_))));
        assert!(matches!(extract_yaml(b"a: [unclosed"), Err(ExtractError::NotValid(_))));
        assert!(matches!(extract_xml(b"<a><b></a>"), Err(ExtractError::NotValid(_))));
        assert!(matches!(extract_xml(b"<a><b>"), Err(ExtractError::Damaged(_))));
        let deep = "<a>".repeat(10_000);
        assert!(matches!(extract_xml(deep.as_bytes()), Err(ExtractError::NotValid(r)) if r.contains("nested deeper")));
        assert!(matches!(extract_json("[".repeat(100_000).as_bytes()), Err(ExtractError::NotValid(_))));
        // YAML aliases that would expand a billion times are refused, not expanded.
        let laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        assert!(extract_yaml(laughs.as_bytes()).is_err());
        // An XML entity bomb: quick-xml expands no entity declared in a DTD.
        let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><x>&b;</x>";
        assert!(extract_xml(bomb.as_bytes()).is_err());
    }
}

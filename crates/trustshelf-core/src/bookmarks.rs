//! Bookmarks and binders: the user's evidence. A bookmark anchors to a document's content hash, a
//! page and an optional quoted passage, so it survives re-indexing, index rebuilds, renames and moves;
//! when its document disappears or its content changes, it says so instead of vanishing.
//! These tables are never written by indexing.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::catalog::{now, Catalog};
use crate::error::{Error, Result};

/// Longest accepted quote (characters).
const MAX_QUOTE_CHARS: usize = 5_000;
/// Longest accepted note (characters).
const MAX_NOTE_CHARS: usize = 20_000;
/// Longest accepted tag or binder name (characters).
const MAX_NAME_CHARS: usize = 200;

/// What the user gives to create a bookmark.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct NewBookmark {
    /// The document (catalog id).
    pub document_id: i64,
    /// 1-based page.
    pub page: u32,
    /// The quoted passage, if a selection was bookmarked.
    pub quote: Option<String>,
    /// A note.
    pub note: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Binders to put it in.
    pub binders: Vec<i64>,
}

/// Changes to a bookmark; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct BookmarkUpdate {
    /// New note.
    pub note: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New quote (`Some(None)` removes it).
    pub quote: Option<Option<String>>,
}

/// Whether a bookmark's document is still there as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BookmarkState {
    /// The bookmarked content is in the library (possibly under another path).
    Current,
    /// The file at the bookmarked path now has different content.
    Changed,
    /// No file with the bookmarked content remains in the library.
    Missing,
}

impl BookmarkState {
    /// What the state means to the person relying on the bookmark, in one sentence (none when the
    /// document is as it was). The app, the CLI and evidence packages all say it this way.
    pub fn note(self) -> Option<&'static str> {
        match self {
            BookmarkState::Current => None,
            BookmarkState::Changed => Some("The document changed after this bookmark was made; the page may say something else now."),
            BookmarkState::Missing => Some("The document is no longer in the library."),
        }
    }
}

/// A bookmark with its citation and the current state of its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Bookmark {
    /// Id.
    pub id: i64,
    /// SHA-256 of the bookmarked document's content.
    pub document_hash: String,
    /// The document's current catalog id, when it is still there.
    pub document_id: Option<i64>,
    /// Its path (current when found, else as bookmarked).
    pub document_path: String,
    /// Its title when bookmarked.
    pub document_title: String,
    /// 1-based page.
    pub page: u32,
    /// What the page is called ("p. 7", a heading).
    pub page_label: String,
    /// The quoted passage.
    pub quote: Option<String>,
    /// Note.
    pub note: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Binders holding it.
    pub binders: Vec<i64>,
    /// Whether the document is still there as it was.
    pub state: BookmarkState,
    /// What `state` means, in a sentence ([`BookmarkState::note`]); empty when current.
    pub state_note: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
}

/// A named set of bookmarks for one audit or questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Binder {
    /// Id.
    pub id: i64,
    /// Name (unique).
    pub name: String,
    /// Description.
    pub description: String,
    /// Number of bookmarks.
    pub bookmark_count: usize,
    /// Created (RFC 3339).
    pub created_at: String,
}

fn clean_text(s: &str, max: usize, what: &str) -> Result<String> {
    if s.chars().count() > max {
        return Err(Error::InvalidInput(format!("{what} is longer than {max} characters")));
    }
    Ok(s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect())
}

fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = clean_text(t.trim(), MAX_NAME_CHARS, "a tag")?;
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

impl Catalog {
    /// Creates a bookmark on a catalogued document's page.
    pub fn add_bookmark(&self, b: &NewBookmark) -> Result<Bookmark> {
        let doc = self.document(b.document_id)?;
        if b.page == 0 || (doc.page_count > 0 && b.page > doc.page_count) {
            return Err(Error::PageOutOfRange { document: doc.path, page: b.page, pages: doc.page_count });
        }
        let quote = match &b.quote {
            Some(q) if !q.trim().is_empty() => Some(clean_text(q.trim(), MAX_QUOTE_CHARS, "the quote")?),
            _ => None,
        };
        let note = clean_text(b.note.trim(), MAX_NOTE_CHARS, "the note")?;
        let tags = clean_tags(&b.tags)?;
        let label = self.page(&doc.hash, b.page)?.map(|p| p.label).unwrap_or_else(|| format!("p. {}", b.page));
        let title = doc.metadata.title.clone().unwrap_or_else(|| doc.path.clone());
        let id = self.transaction(|c| {
            let now = now();
            c.conn.execute(
                "INSERT INTO bookmarks(doc_hash, doc_path, doc_title, page, page_label, quote, note, tags, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![doc.hash, doc.path, title, b.page, label, quote, note, serde_json::to_string(&tags).unwrap(), now],
            )?;
            let id = c.conn.last_insert_rowid();
            for binder in &b.binders {
                c.put_in_binder(*binder, id)?;
            }
            Ok(id)
        })?;
        self.bookmark(id)
    }

    fn put_in_binder(&self, binder: i64, bookmark: i64) -> Result<()> {
        self.binder(binder)?;
        self.conn.execute(
            "INSERT OR IGNORE INTO binder_bookmarks(binder_id, bookmark_id, position)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM binder_bookmarks WHERE binder_id = ?1))",
            params![binder, bookmark],
        )?;
        Ok(())
    }

    /// One bookmark.
    pub fn bookmark(&self, id: i64) -> Result<Bookmark> {
        let row = self
            .conn
            .query_row(
                "SELECT id, doc_hash, doc_path, doc_title, page, page_label, quote, note, tags, created_at, updated_at FROM bookmarks WHERE id = ?1",
                [id],
                |r| {
                    Ok(Bookmark {
                        id: r.get(0)?,
                        document_hash: r.get(1)?,
                        document_id: None,
                        document_path: r.get(2)?,
                        document_title: r.get(3)?,
                        page: r.get(4)?,
                        page_label: r.get(5)?,
                        quote: r.get(6)?,
                        note: r.get(7)?,
                        tags: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
                        binders: Vec::new(),
                        state: BookmarkState::Missing,
                        state_note: String::new(),
                        created_at: r.get(9)?,
                        updated_at: r.get(10)?,
                    })
                },
            )
            .optional()?;
        let mut b = row.ok_or(Error::BookmarkNotFound(id))?;
        let mut stmt = self.conn.prepare_cached("SELECT binder_id FROM binder_bookmarks WHERE bookmark_id = ?1 ORDER BY binder_id")?;
        b.binders = stmt.query_map([id], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
        if let Some(d) = self.document_by_hash(&b.document_hash)? {
            b.state = BookmarkState::Current;
            b.document_id = Some(d.id);
            b.document_path = d.path;
        } else if let Some(d) = self.document_by_path(&b.document_path)? {
            b.state = BookmarkState::Changed;
            b.document_id = Some(d.id);
        }
        b.state_note = b.state.note().unwrap_or_default().to_string();
        Ok(b)
    }

    /// Bookmarks, all or those of one binder (in the binder's order).
    pub fn bookmarks(&self, binder: Option<i64>) -> Result<Vec<Bookmark>> {
        let ids: Vec<i64> = match binder {
            Some(b) => {
                self.binder(b)?;
                let mut stmt = self.conn.prepare("SELECT bookmark_id FROM binder_bookmarks WHERE binder_id = ?1 ORDER BY position, bookmark_id")?;
                let ids = stmt.query_map([b], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
                ids
            }
            None => {
                let mut stmt = self.conn.prepare("SELECT id FROM bookmarks ORDER BY id")?;
                let ids = stmt.query_map([], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
                ids
            }
        };
        ids.into_iter().map(|id| self.bookmark(id)).collect()
    }

    /// Number of bookmarks (without resolving each one's document, as [`Catalog::bookmarks`] does).
    pub fn bookmark_count(&self) -> Result<usize> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM bookmarks", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// Changes a bookmark's note, tags or quote.
    pub fn update_bookmark(&self, id: i64, u: &BookmarkUpdate) -> Result<Bookmark> {
        let current = self.bookmark(id)?;
        let note = match &u.note {
            Some(n) => clean_text(n.trim(), MAX_NOTE_CHARS, "the note")?,
            None => current.note,
        };
        let tags = match &u.tags {
            Some(t) => clean_tags(t)?,
            None => current.tags,
        };
        let quote = match &u.quote {
            Some(Some(q)) if !q.trim().is_empty() => Some(clean_text(q.trim(), MAX_QUOTE_CHARS, "the quote")?),
            Some(_) => None,
            None => current.quote,
        };
        self.conn.execute(
            "UPDATE bookmarks SET note = ?2, tags = ?3, quote = ?4, updated_at = ?5 WHERE id = ?1",
            params![id, note, serde_json::to_string(&tags).unwrap(), quote, now()],
        )?;
        self.bookmark(id)
    }

    /// Deletes a bookmark (and takes it out of every binder). Returns it, so a UI can undo.
    pub fn remove_bookmark(&self, id: i64) -> Result<Bookmark> {
        let b = self.bookmark(id)?;
        self.conn.execute("DELETE FROM bookmarks WHERE id = ?1", [id])?;
        Ok(b)
    }

    /// Creates a binder.
    pub fn create_binder(&self, name: &str, description: &str) -> Result<Binder> {
        let name = clean_text(name.trim(), MAX_NAME_CHARS, "the binder name")?;
        if name.is_empty() {
            return Err(Error::InvalidInput("a binder needs a name".into()));
        }
        if self.binder_by_name(&name)?.is_some() {
            return Err(Error::BinderExists(name));
        }
        let description = clean_text(description.trim(), MAX_NOTE_CHARS, "the description")?;
        self.conn.execute("INSERT INTO binders(name, description, created_at) VALUES (?1, ?2, ?3)", params![name, description, now()])?;
        self.binder(self.conn.last_insert_rowid())
    }

    /// One binder by id.
    pub fn binder(&self, id: i64) -> Result<Binder> {
        self.conn
            .query_row(
                "SELECT b.id, b.name, b.description, b.created_at, (SELECT COUNT(*) FROM binder_bookmarks x WHERE x.binder_id = b.id) FROM binders b WHERE b.id = ?1",
                [id],
                |r| Ok(Binder { id: r.get(0)?, name: r.get(1)?, description: r.get(2)?, created_at: r.get(3)?, bookmark_count: r.get::<_, i64>(4)? as usize }),
            )
            .optional()?
            .ok_or_else(|| Error::BinderNotFound(id.to_string()))
    }

    /// One binder by name.
    pub fn binder_by_name(&self, name: &str) -> Result<Option<Binder>> {
        let id: Option<i64> = self.conn.query_row("SELECT id FROM binders WHERE name = ?1", [name.trim()], |r| r.get(0)).optional()?;
        id.map(|id| self.binder(id)).transpose()
    }

    /// A binder by id or, failing that, by name.
    pub fn find_binder(&self, id_or_name: &str) -> Result<Binder> {
        if let Ok(id) = id_or_name.parse::<i64>() {
            if let Ok(b) = self.binder(id) {
                return Ok(b);
            }
        }
        self.binder_by_name(id_or_name)?.ok_or_else(|| Error::BinderNotFound(id_or_name.to_string()))
    }

    /// Every binder, by name.
    pub fn binders(&self) -> Result<Vec<Binder>> {
        let mut stmt = self.conn.prepare("SELECT id FROM binders ORDER BY name COLLATE NOCASE, id")?;
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
        ids.into_iter().map(|id| self.binder(id)).collect()
    }

    /// Renames a binder.
    pub fn rename_binder(&self, id: i64, name: &str) -> Result<Binder> {
        let name = clean_text(name.trim(), MAX_NAME_CHARS, "the binder name")?;
        if name.is_empty() {
            return Err(Error::InvalidInput("a binder needs a name".into()));
        }
        if self.binder_by_name(&name)?.is_some_and(|b| b.id != id) {
            return Err(Error::BinderExists(name));
        }
        self.binder(id)?;
        self.conn.execute("UPDATE binders SET name = ?2 WHERE id = ?1", params![id, name])?;
        self.binder(id)
    }

    /// Deletes a binder; its bookmarks stay.
    pub fn delete_binder(&self, id: i64) -> Result<()> {
        self.binder(id)?;
        self.conn.execute("DELETE FROM binders WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Puts a bookmark into a binder (at the end).
    pub fn add_to_binder(&self, binder: i64, bookmark: i64) -> Result<()> {
        self.bookmark(bookmark)?;
        self.put_in_binder(binder, bookmark)
    }

    /// Takes a bookmark out of a binder.
    pub fn remove_from_binder(&self, binder: i64, bookmark: i64) -> Result<()> {
        self.binder(binder)?;
        self.conn.execute("DELETE FROM binder_bookmarks WHERE binder_id = ?1 AND bookmark_id = ?2", params![binder, bookmark])?;
        Ok(())
    }

    /// Sets the order of a binder's bookmarks; `order` must list exactly its bookmarks.
    pub fn reorder_binder(&self, binder: i64, order: &[i64]) -> Result<()> {
        let current: Vec<i64> = self.bookmarks(Some(binder))?.into_iter().map(|b| b.id).collect();
        let mut a = current.clone();
        let mut b = order.to_vec();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return Err(Error::InvalidInput("the new order must list exactly the binder's bookmarks".into()));
        }
        self.transaction(|c| {
            for (pos, id) in order.iter().enumerate() {
                c.conn.execute("UPDATE binder_bookmarks SET position = ?3 WHERE binder_id = ?1 AND bookmark_id = ?2", params![binder, id, pos as i64 + 1])?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Extraction, Format, Page};
    use crate::metadata::{Metadata, Sidecar};

    fn catalog_with_doc() -> (Catalog, i64) {
        let c = Catalog::open_in_memory().unwrap();
        let ex = Extraction { pages: (1..=3).map(|n| Page { number: n, label: format!("p. {n}"), text: format!("page {n}"), ocr: None }).collect(), ..Default::default() };
        c.put_content("h1", Format::Pdf, &Ok(ex)).unwrap();
        let m = Metadata { title: Some("Doc".into()), ..Default::default() };
        let id = c.upsert_document("a.pdf", "h1", 1, 1, None, &Sidecar::default(), &m).unwrap();
        (c, id)
    }

    #[test]
    fn bookmark_and_binder_crud() {
        let (c, doc) = catalog_with_doc();
        let binder = c.create_binder("SOC 2 2026", "").unwrap();
        assert!(matches!(c.create_binder("SOC 2 2026", ""), Err(Error::BinderExists(_))));
        let b1 = c.add_bookmark(&NewBookmark { document_id: doc, page: 2, quote: Some(" quoted ".into()), note: "note".into(), tags: vec!["ir".into(), "ir".into()], binders: vec![binder.id] }).unwrap();
        assert_eq!(b1.quote.as_deref(), Some("quoted"));
        assert_eq!(b1.tags, ["ir"]);
        assert_eq!(b1.page_label, "p. 2");
        assert_eq!(b1.state, BookmarkState::Current);
        let b2 = c.add_bookmark(&NewBookmark { document_id: doc, page: 3, binders: vec![binder.id], ..Default::default() }).unwrap();
        assert!(matches!(c.add_bookmark(&NewBookmark { document_id: doc, page: 9, ..Default::default() }), Err(Error::PageOutOfRange { .. })));
        c.reorder_binder(binder.id, &[b2.id, b1.id]).unwrap();
        let order: Vec<i64> = c.bookmarks(Some(binder.id)).unwrap().iter().map(|b| b.id).collect();
        assert_eq!(order, [b2.id, b1.id]);
        let u = c.update_bookmark(b1.id, &BookmarkUpdate { note: Some("new".into()), ..Default::default() }).unwrap();
        assert_eq!(u.note, "new");
        assert_eq!(u.quote.as_deref(), Some("quoted"));
        c.remove_bookmark(b2.id).unwrap();
        assert_eq!(c.binder(binder.id).unwrap().bookmark_count, 1);
        c.delete_binder(binder.id).unwrap();
        assert_eq!(c.bookmark(b1.id).unwrap().binders, Vec::<i64>::new());
    }

    #[test]
    fn bookmarks_report_changed_and_missing_documents() {
        let (c, doc) = catalog_with_doc();
        let b = c.add_bookmark(&NewBookmark { document_id: doc, page: 1, ..Default::default() }).unwrap();
        // Same path, new content.
        c.put_content("h2", Format::Pdf, &Ok(Extraction { pages: vec![Page { number: 1, label: "p. 1".into(), text: "x".into(), ocr: None }], ..Default::default() })).unwrap();
        c.upsert_document("a.pdf", "h2", 1, 2, None, &Sidecar::default(), &Metadata::default()).unwrap();
        assert_eq!(c.bookmark(b.id).unwrap().state, BookmarkState::Changed);
        c.remove_document(doc).unwrap();
        assert_eq!(c.bookmark(b.id).unwrap().state, BookmarkState::Missing);
    }
}

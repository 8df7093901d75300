//! Collectors: one pass over the matching pages keeps, per document, how many pages match and its
//! best pages (its rank and the pages shown); a second pass, restricted to the documents shown,
//! keeps more pages per document when more are asked for.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, Score, SegmentReader};

/// Collects every matching page into [`Matches`]: per document, how many pages match and the best
/// `per_document` of them.
pub(super) struct MatchesCollector {
    pub(super) per_document: usize,
}

/// A page kept for a document's results.
#[derive(Clone, Copy)]
pub(super) struct BestPage {
    pub(super) score: Score,
    pub(super) page: u64,
    pub(super) addr: DocAddress,
}

impl Default for BestPage {
    fn default() -> Self {
        BestPage { score: 0.0, page: 0, addr: DocAddress::new(0, 0) }
    }
}

/// Whether `a` is shown before `b`: better score, equal scores in page order (whatever the index
/// layout).
pub(super) fn ahead(a: &BestPage, b: &BestPage) -> bool {
    a.score.total_cmp(&b.score).then(b.page.cmp(&a.page)).is_gt()
}

/// Puts `p` among the best pages in `kept` (its first `filled` best first) if it belongs there.
pub(super) fn keep_best(kept: &mut [BestPage], filled: usize, p: BestPage) {
    let at = kept[..filled].partition_point(|q| ahead(q, &p));
    if at < kept.len() {
        let end = filled.min(kept.len() - 1);
        kept.copy_within(at..end, at + 1);
        kept[at] = p;
    }
}

/// Per document id: how many pages match and the best `per_document` pages (catalog ids are small
/// and dense, so flat vectors beat a hash map on the hot path). Every page is scored, so a document
/// ranks by its real best page however many pages match.
pub(super) struct Matches {
    per_document: usize,
    pages: Vec<u32>,
    best: Vec<BestPage>,
}

impl Matches {
    fn new(per_document: usize) -> Matches {
        Matches { per_document, pages: Vec::new(), best: Vec::new() }
    }
    fn grow(&mut self, id: usize) {
        if id >= self.pages.len() {
            self.pages.resize(id + 1, 0);
            self.best.resize((id + 1) * self.per_document, BestPage::default());
        }
    }
    pub(super) fn kept(&self, id: i64) -> &[BestPage] {
        let n = (self.pages(id) as usize).min(self.per_document);
        let at = id as usize * self.per_document;
        self.best.get(at..at + n).unwrap_or_default()
    }
    pub(super) fn pages(&self, id: i64) -> u32 {
        usize::try_from(id).ok().and_then(|i| self.pages.get(i)).copied().unwrap_or(0)
    }
    pub(super) fn best(&self, id: i64) -> f32 {
        self.kept(id).first().map_or(0.0, |p| p.score)
    }
    /// (document id, matching pages) of every document with at least one.
    pub(super) fn iter(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        self.pages.iter().enumerate().filter(|(_, &n)| n > 0).map(|(i, &n)| (i as i64, n))
    }
    pub(super) fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

pub(super) struct MatchesSegmentCollector {
    doc_id: tantivy::columnar::Column<u64>,
    page: tantivy::columnar::Column<u64>,
    segment: u32,
    matches: Matches,
}

impl Collector for MatchesCollector {
    type Fruit = Matches;
    type Child = MatchesSegmentCollector;

    fn for_segment(&self, ord: u32, segment: &SegmentReader) -> tantivy::Result<MatchesSegmentCollector> {
        let fast = segment.fast_fields();
        Ok(MatchesSegmentCollector { doc_id: fast.u64("doc_id")?, page: fast.u64("page")?, segment: ord, matches: Matches::new(self.per_document) })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let k = self.per_document;
        let mut all = Matches::new(k);
        for f in fruits {
            for (id, n) in f.iter() {
                let i = id as usize;
                all.grow(i);
                let filled = (all.pages[i] as usize).min(k);
                let mut kept = filled;
                for p in f.kept(id) {
                    keep_best(&mut all.best[i * k..(i + 1) * k], kept, *p);
                    kept = (kept + 1).min(k);
                }
                all.pages[i] += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for MatchesSegmentCollector {
    type Fruit = Matches;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        let Some(id) = self.doc_id.first(doc) else { return };
        let (i, k) = (id as usize, self.matches.per_document);
        let m = &mut self.matches;
        m.grow(i);
        let filled = (m.pages[i] as usize).min(k);
        m.pages[i] += 1;
        let kept = &mut m.best[i * k..(i + 1) * k];
        // Most pages of a document with many matches score below its worst kept page.
        if filled == k && score < kept[k - 1].score {
            return;
        }
        let page = BestPage { score, page: self.page.first(doc).unwrap_or(0), addr: DocAddress::new(self.segment, doc) };
        keep_best(kept, filled, page);
    }

    fn harvest(self) -> Matches {
        self.matches
    }
}

/// Pages kept per document in the pass that ranks documents; asking for more pages per document (a
/// document's whole hit list) takes a second pass restricted to the documents shown.
pub(super) const FIRST_PASS_PAGES: usize = 3;

/// The best `per_document` pages of each document a query matches (run restricted to the
/// documents shown, when they need more pages than the first pass kept), best first.
pub(super) struct BestPagesCollector {
    pub(super) per_document: usize,
}

pub(super) type BestPages = foldhash::HashMap<i64, Vec<BestPage>>;

pub(super) struct BestPagesSegmentCollector {
    doc_id: tantivy::columnar::Column<u64>,
    page: tantivy::columnar::Column<u64>,
    segment: u32,
    per_document: usize,
    pages: BestPages,
}

/// Like [`keep_best`], for a list that grows up to `n` pages.
pub(super) fn keep_best_in(pages: &mut Vec<BestPage>, p: BestPage, n: usize) {
    let filled = pages.len();
    if filled < n {
        pages.push(p); // room for one more
    }
    keep_best(pages, filled, p);
}

impl Collector for BestPagesCollector {
    type Fruit = BestPages;
    type Child = BestPagesSegmentCollector;

    fn for_segment(&self, ord: u32, segment: &SegmentReader) -> tantivy::Result<BestPagesSegmentCollector> {
        let fast = segment.fast_fields();
        Ok(BestPagesSegmentCollector { doc_id: fast.u64("doc_id")?, page: fast.u64("page")?, segment: ord, per_document: self.per_document, pages: BestPages::default() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<BestPages>) -> tantivy::Result<BestPages> {
        let mut all = BestPages::default();
        for f in fruits {
            for (id, pages) in f {
                let kept = all.entry(id).or_default();
                for p in pages {
                    keep_best_in(kept, p, self.per_document);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for BestPagesSegmentCollector {
    type Fruit = BestPages;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        if let Some(id) = self.doc_id.first(doc) {
            let page = BestPage { score, page: self.page.first(doc).unwrap_or(0), addr: DocAddress::new(self.segment, doc) };
            keep_best_in(self.pages.entry(id as i64).or_default(), page, self.per_document);
        }
    }

    fn harvest(self) -> BestPages {
        self.pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_pages_are_kept_best_first_with_ties_in_page_order() {
        let pages: Vec<BestPage> = [(2.0, 7), (5.0, 3), (2.0, 1), (9.0, 4), (5.0, 2), (1.0, 5), (9.0, 8), (2.0, 6)]
            .iter()
            .map(|&(score, page)| BestPage { score, page, addr: DocAddress::new(0, page as u32) })
            .collect();
        let mut expected = pages.clone();
        expected.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.page.cmp(&b.page)));
        let order = |kept: &[BestPage]| kept.iter().map(|p| p.page).collect::<Vec<_>>();
        for n in [1, 3, 5, 8, 12] {
            let mut grown = Vec::new();
            let mut fixed = vec![BestPage::default(); n];
            for (filled, p) in pages.iter().enumerate() {
                keep_best_in(&mut grown, *p, n);
                keep_best(&mut fixed, filled.min(n), *p);
            }
            let want = order(&expected[..n.min(expected.len())]);
            assert_eq!(order(&grown), want, "growing list, n = {n}");
            assert_eq!(order(&fixed[..n.min(pages.len())]), want, "fixed slots, n = {n}");
        }
    }
}

//! The document table: what search needs to know of every document, held in memory, with each
//! document's facet values numbered so that counting facets over thousands of matches is a pass
//! over small integers.

use std::collections::HashMap;

use crate::catalog::Document;

use super::{FacetCount, Facets};

/// What search needs to know of every document, held in memory.
#[derive(Debug, Clone, Default)]
pub struct DocTable {
    /// Sorted by id: a lookup is a binary search, iteration is in a stable order.
    docs: Vec<Document>,
    /// Every value of each facet (category, region, standard), numbered for counting.
    facet_values: [Vec<String>; 3],
    /// Per document, in the order of `docs`: its facet values as (facet, value number).
    facet_numbers: Vec<Vec<(usize, usize)>>,
    /// Position in `docs` by id (catalog ids are small and dense); `u32::MAX` for none.
    positions: Vec<u32>,
}

impl DocTable {
    /// Builds the table from catalog documents.
    pub fn new(mut docs: Vec<Document>) -> DocTable {
        docs.sort_by_key(|d| d.id);
        let mut facet_values: [Vec<String>; 3] = Default::default();
        let mut numbers: [HashMap<String, usize>; 3] = Default::default();
        let facet_numbers = docs
            .iter()
            .map(|d| {
                let m = &d.metadata;
                let values = m.category.iter().map(|c| (0, c)).chain(m.regions.iter().map(|r| (1, r))).chain(m.standards.iter().map(|s| (2, s)));
                values
                    .map(|(facet, value)| {
                        let n = *numbers[facet].entry(value.clone()).or_insert_with(|| {
                            facet_values[facet].push(value.clone());
                            facet_values[facet].len() - 1
                        });
                        (facet, n)
                    })
                    .collect()
            })
            .collect();
        let mut positions = vec![u32::MAX; docs.last().map_or(0, |d| usize::try_from(d.id).unwrap_or(0) + 1)];
        for (i, d) in docs.iter().enumerate() {
            if let Ok(id) = usize::try_from(d.id) {
                positions[id] = i as u32;
            }
        }
        DocTable { docs, facet_values, facet_numbers, positions }
    }

    /// A document by id.
    pub fn get(&self, id: i64) -> Option<&Document> {
        self.position(id).map(|i| &self.docs[i])
    }

    pub(super) fn position(&self, id: i64) -> Option<usize> {
        let i = *self.positions.get(usize::try_from(id).ok()?)?;
        (i != u32::MAX).then_some(i as usize)
    }

    /// The document at `position` (see [`DocTable::position`]).
    pub(super) fn at(&self, position: usize) -> &Document {
        &self.docs[position]
    }

    /// Every document.
    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.docs.iter()
    }

    /// Facet counts over the documents at `positions` (each counted once).
    pub(super) fn facets(&self, positions: impl Iterator<Item = usize>) -> Facets {
        let mut counts: [Vec<usize>; 3] = std::array::from_fn(|f| vec![0; self.facet_values[f].len()]);
        for i in positions {
            for &(facet, n) in &self.facet_numbers[i] {
                counts[facet][n] += 1;
            }
        }
        let sorted = |facet: usize| {
            let mut v: Vec<FacetCount> = counts[facet]
                .iter()
                .enumerate()
                .filter(|(_, &count)| count > 0)
                .map(|(n, &count)| FacetCount { value: self.facet_values[facet][n].clone(), count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            v
        };
        Facets { category: sorted(0), region: sorted(1), standard: sorted(2) }
    }
}

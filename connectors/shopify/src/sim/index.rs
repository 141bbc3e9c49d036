//! The simulated shop's search index: what `orders(query:)` matches and sorts on. Shopify's
//! order search reads an index that catches up with a change a moment later (`VENDOR.md`
//! §Finding an order again); a test can make that moment long with [`IndexLag`], so a
//! just-created or just-changed order stays out of the search (or shows its previous state)
//! while `order(id:)`, `nodes(ids:)` and `orderByIdentifier` already read it. Without a lag
//! set, every change is searchable at once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// How long a change stays out of the order search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexLag {
    /// For this many order searches (each page request is one), then searchable.
    Searches(u32),
    /// For this long, then searchable.
    For(Duration),
}

/// An order as the search index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Indexed {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub source_identifier: Option<String>,
}

/// When a change pending in the index becomes searchable.
#[derive(Debug, Clone, Copy)]
enum Until {
    Searches(u32),
    Instant(Instant),
}

#[derive(Debug, Default)]
struct Entry {
    /// What searches see now (`None`: not in the index yet).
    visible: Option<Indexed>,
    /// The newest change, not searchable yet.
    pending: Option<(Indexed, Until)>,
}

/// The index of every order, by order id.
#[derive(Debug, Default)]
pub(crate) struct SearchIndex {
    lag: Option<IndexLag>,
    entries: HashMap<String, Entry>,
}

impl SearchIndex {
    /// The lag of changes recorded from now on.
    pub(crate) fn set_lag(&mut self, lag: Option<IndexLag>) {
        self.lag = lag;
    }

    /// Records that order `id` now reads as `indexed`: searchable at once, or after the lag.
    pub(crate) fn record(&mut self, id: &str, indexed: Indexed, now: Instant) {
        let entry = self.entries.entry(id.to_owned()).or_default();
        match self.lag {
            None | Some(IndexLag::Searches(0)) => {
                entry.visible = Some(indexed);
                entry.pending = None;
            }
            Some(IndexLag::Searches(n)) => entry.pending = Some((indexed, Until::Searches(n))),
            Some(IndexLag::For(lag)) => entry.pending = Some((indexed, Until::Instant(now + lag))),
        }
    }

    /// At the start of a search: the changes whose lag is over become searchable; the others
    /// miss this search (one search fewer to wait for).
    pub(crate) fn begin_search(&mut self, now: Instant) {
        for entry in self.entries.values_mut() {
            let due = match &mut entry.pending {
                Some((_, Until::Searches(0))) => true,
                Some((_, Until::Searches(n))) => {
                    *n -= 1;
                    false
                }
                Some((_, Until::Instant(at))) => *at <= now,
                None => false,
            };
            if due {
                entry.visible = entry.pending.take().map(|(indexed, _)| indexed);
            }
        }
    }

    /// What searches see of order `id`.
    pub(crate) fn visible(&self, id: &str) -> Option<&Indexed> {
        self.entries.get(id).and_then(|e| e.visible.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Indexed {
        Indexed {
            created_at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            updated_at: DateTime::from_timestamp(secs, 0).unwrap_or_default(),
            source_identifier: None,
        }
    }

    #[test]
    fn a_change_waits_out_its_searches_and_keeps_the_old_state_meanwhile() {
        let now = Instant::now();
        let mut index = SearchIndex::default();
        index.record("a", at(1), now);
        assert_eq!(
            index.visible("a"),
            Some(&at(1)),
            "no lag: searchable at once"
        );
        index.set_lag(Some(IndexLag::Searches(2)));
        index.record("a", at(2), now);
        index.record("b", at(2), now);
        for _ in 0..2 {
            index.begin_search(now);
            assert_eq!(
                index.visible("a"),
                Some(&at(1)),
                "the old state is searched"
            );
            assert_eq!(index.visible("b"), None, "a new order is not searchable");
        }
        index.begin_search(now);
        assert_eq!(index.visible("a"), Some(&at(2)));
        assert_eq!(index.visible("b"), Some(&at(2)));
    }

    #[test]
    fn a_change_waits_out_its_time() {
        let now = Instant::now();
        let mut index = SearchIndex::default();
        index.set_lag(Some(IndexLag::For(Duration::from_secs(30))));
        index.record("a", at(1), now);
        index.begin_search(now + Duration::from_secs(29));
        assert_eq!(index.visible("a"), None);
        index.begin_search(now + Duration::from_secs(30));
        assert_eq!(index.visible("a"), Some(&at(1)));
    }
}

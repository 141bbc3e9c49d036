//! Walking `limit`/`offset` lists to the end (Medusa, Magento's `searchCriteria`, Mirakl): the
//! pager says which page to ask next and, from what a page held and the total the vendor
//! reported, whether there is one. A list that keeps growing while it is walked is cut at
//! `max_pages` with a warning instead of walking forever.

/// The state of one walk over an offset-paged list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetPager {
    limit: u64,
    offset: u64,
    pages: u32,
    max_pages: u32,
}

impl OffsetPager {
    /// A walk with pages of `limit` items, at most `max_pages` of them.
    pub fn new(limit: u64, max_pages: u32) -> Self {
        Self {
            limit: limit.max(1),
            offset: 0,
            pages: 0,
            max_pages,
        }
    }

    /// The page size to ask for.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The offset to ask for.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Records a page that held `items` items of `count` in all (when the vendor tells) and
    /// answers whether another page should be asked for.
    pub fn advance(&mut self, items: usize, count: Option<u64>) -> bool {
        self.pages += 1;
        let items = items as u64;
        self.offset += items;
        if items == 0 {
            return false;
        }
        let more = match count {
            Some(count) => self.offset < count,
            None => items >= self.limit,
        };
        if more && self.pages >= self.max_pages {
            tracing::warn!(
                pages = self.pages,
                offset = self.offset,
                "stopped walking a paged list at its page limit"
            );
            return false;
        }
        more
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_to_the_reported_count_or_a_short_page() {
        let mut pager = OffsetPager::new(2, 100);
        assert!(pager.advance(2, Some(5)));
        assert_eq!(pager.offset(), 2);
        assert!(pager.advance(2, Some(5)));
        assert!(!pager.advance(1, Some(5)));

        let mut uncounted = OffsetPager::new(2, 100);
        assert!(uncounted.advance(2, None));
        assert!(!uncounted.advance(1, None));
        // An empty page ends the walk whatever the count says.
        let mut lying = OffsetPager::new(2, 100);
        assert!(!lying.advance(0, Some(10)));
    }

    #[test]
    fn stops_at_the_page_limit() {
        let mut pager = OffsetPager::new(1, 2);
        assert!(pager.advance(1, Some(10)));
        assert!(!pager.advance(1, Some(10)));
    }
}

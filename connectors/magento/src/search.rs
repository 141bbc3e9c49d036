//! Magento's `searchCriteria` query parameters (`Magento\Framework\Api\SearchCriteria`, read by
//! the webapi from `searchCriteria[filter_groups][g][filters][f][field|value|condition_type]`,
//! `searchCriteria[sortOrders][s][field|direction]`, `searchCriteria[pageSize]` and
//! `searchCriteria[currentPage]`): filters within a group are OR-ed, groups are AND-ed
//! (`OrderRepository::addFilterGroupToCollection`). Pages count from 1.

/// A search of a Magento list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Search {
    groups: Vec<Vec<(String, String, &'static str)>>,
    sort: Vec<(String, &'static str)>,
}

impl Search {
    /// A search without filters.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// ANDs a filter `field {condition} value` (`eq`, `gteq`, `in`, …).
    #[must_use]
    pub(crate) fn filter(
        mut self,
        field: &str,
        condition: &'static str,
        value: impl Into<String>,
    ) -> Self {
        self.groups
            .push(vec![(field.to_owned(), value.into(), condition)]);
        self
    }

    /// ANDs a group of filters of which any one may match (OR).
    #[must_use]
    pub(crate) fn any_of(mut self, filters: &[(&str, &'static str, String)]) -> Self {
        self.groups.push(
            filters
                .iter()
                .map(|(field, condition, value)| ((*field).to_owned(), value.clone(), *condition))
                .collect(),
        );
        self
    }

    /// Sorts by `field` ascending (after the sorts already given).
    #[must_use]
    pub(crate) fn ascending(mut self, field: &str) -> Self {
        self.sort.push((field.to_owned(), "ASC"));
        self
    }

    /// The query of page `current_page` (from 1) of `page_size` items.
    pub(crate) fn query(&self, page_size: u64, current_page: u64) -> Vec<(String, String)> {
        let mut query = Vec::new();
        for (group_idx, group) in self.groups.iter().enumerate() {
            for (filter_idx, (field, value, condition)) in group.iter().enumerate() {
                let key = |part: &str| {
                    format!(
                        "searchCriteria[filter_groups][{group_idx}][filters][{filter_idx}][{part}]"
                    )
                };
                query.push((key("field"), field.clone()));
                query.push((key("value"), value.clone()));
                query.push((key("condition_type"), (*condition).to_owned()));
            }
        }
        for (sort_idx, (field, direction)) in self.sort.iter().enumerate() {
            query.push((
                format!("searchCriteria[sortOrders][{sort_idx}][field]"),
                field.clone(),
            ));
            query.push((
                format!("searchCriteria[sortOrders][{sort_idx}][direction]"),
                (*direction).to_owned(),
            ));
        }
        query.push(("searchCriteria[pageSize]".to_owned(), page_size.to_string()));
        query.push((
            "searchCriteria[currentPage]".to_owned(),
            current_page.to_string(),
        ));
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_sorts_and_pages_become_search_criteria() {
        let query = Search::new()
            .filter("ext_order_id", "eq", "OB123")
            .filter("created_at", "gteq", "2026-12-01 10:00:00")
            .ascending("created_at")
            .query(50, 2);
        let find = |key: &str| {
            query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            find("searchCriteria[filter_groups][0][filters][0][field]"),
            Some("ext_order_id")
        );
        assert_eq!(
            find("searchCriteria[filter_groups][1][filters][0][condition_type]"),
            Some("gteq")
        );
        assert_eq!(
            find("searchCriteria[sortOrders][0][direction]"),
            Some("ASC")
        );
        assert_eq!(find("searchCriteria[currentPage]"), Some("2"));
        assert_eq!(find("searchCriteria[pageSize]"), Some("50"));
    }
}

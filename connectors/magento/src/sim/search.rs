//! `searchCriteria` as Magento's webapi reads it from the query string: filter groups (AND)
//! of filters (OR) with `condition_type` (`eq` when absent), sort orders, `pageSize` and
//! `currentPage`, in snake_case or camelCase. Paging behaves as Magento's collections do
//! (`Magento\Framework\Data\Collection::getCurPage`): a `currentPage` past the last page
//! answers the last page again, so only `total_count` tells a client it is done.

use std::collections::BTreeMap;

use super::state::SimError;

/// One filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filter {
    field: String,
    value: String,
    condition: String,
}

/// A parsed `searchCriteria`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Criteria {
    groups: Vec<Vec<Filter>>,
    sort: Vec<(String, bool)>,
    page_size: Option<usize>,
    current_page: usize,
}

fn snake(part: &str) -> String {
    let mut out = String::new();
    for c in part.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Criteria {
    /// Reads `searchCriteria[…]` parameters.
    pub(crate) fn parse(query: &[(String, String)]) -> Result<Self, SimError> {
        let mut groups: BTreeMap<usize, BTreeMap<usize, Filter>> = BTreeMap::new();
        let mut sorts: BTreeMap<usize, (String, bool)> = BTreeMap::new();
        let mut criteria = Criteria {
            current_page: 1,
            ..Criteria::default()
        };
        for (key, value) in query {
            let Some(rest) = key.strip_prefix("searchCriteria[") else {
                continue;
            };
            let parts: Vec<String> = rest.trim_end_matches(']').split("][").map(snake).collect();
            let number = |raw: &str| -> Result<usize, SimError> {
                raw.parse().map_err(|_| {
                    SimError::bad_request(format!("\"{raw}\" is not a valid index in {key}"))
                })
            };
            match parts
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                ["filter_groups", group, "filters", filter, part] => {
                    let entry = groups
                        .entry(number(group)?)
                        .or_default()
                        .entry(number(filter)?)
                        .or_default();
                    match *part {
                        "field" => entry.field = value.clone(),
                        "value" => entry.value = value.clone(),
                        "condition_type" => entry.condition = value.clone(),
                        _ => {}
                    }
                }
                ["sort_orders", sort, part] => {
                    let entry = sorts.entry(number(sort)?).or_insert((String::new(), true));
                    match *part {
                        "field" => entry.0 = value.clone(),
                        "direction" => entry.1 = !value.eq_ignore_ascii_case("DESC"),
                        _ => {}
                    }
                }
                ["page_size"] => criteria.page_size = Some(number(value)?),
                ["current_page"] => criteria.current_page = number(value)?.max(1),
                _ => {}
            }
        }
        criteria.groups = groups
            .into_values()
            .map(|filters| filters.into_values().collect())
            .collect();
        criteria.sort = sorts.into_values().collect();
        Ok(criteria)
    }

    /// The records matching the filters, sorted and cut to the page: `(page, total_count)`.
    /// `field` reads a record's column; `None` is SQL's NULL. A column the record type does
    /// not have is refused as Magento's database would refuse it.
    pub(crate) fn apply<'a, T>(
        &self,
        records: &'a [T],
        columns: &[&str],
        field: impl Fn(&T, &str) -> Option<String>,
    ) -> Result<(Vec<&'a T>, usize), SimError> {
        let known = |name: &str| -> Result<(), SimError> {
            if columns.contains(&name) {
                Ok(())
            } else {
                // Unknown columns fail in MySQL: Magento answers its generic 500.
                Err(SimError::internal())
            }
        };
        for filter in self.groups.iter().flatten() {
            known(&filter.field)?;
        }
        for (name, _) in &self.sort {
            known(name)?;
        }
        let mut found: Vec<&T> = Vec::new();
        for record in records {
            let mut all = true;
            for group in &self.groups {
                let mut any = false;
                for filter in group {
                    any |= matches(field(record, &filter.field), filter)?;
                }
                all &= any;
            }
            if all {
                found.push(record);
            }
        }
        for (name, ascending) in self.sort.iter().rev() {
            found.sort_by(|a, b| {
                let order = compare(field(a, name).as_deref(), field(b, name).as_deref());
                if *ascending {
                    order
                } else {
                    order.reverse()
                }
            });
        }
        let total = found.len();
        let Some(size) = self.page_size.filter(|s| *s > 0) else {
            return Ok((found, total));
        };
        let last_page = total.div_ceil(size).max(1);
        let page = self.current_page.min(last_page);
        let page_items = found
            .into_iter()
            .skip((page - 1) * size)
            .take(size)
            .collect();
        Ok((page_items, total))
    }
}

/// Numbers compare as numbers, everything else as text without case (MySQL's collation).
fn compare(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            _ => a.to_lowercase().cmp(&b.to_lowercase()),
        },
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
    }
}

fn matches(value: Option<String>, filter: &Filter) -> Result<bool, SimError> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let condition = if filter.condition.is_empty() {
        "eq"
    } else {
        filter.condition.as_str()
    };
    let cmp = |v: &Option<String>| v.as_deref().map(|v| compare(Some(v), Some(&filter.value)));
    Ok(match condition {
        "eq" => cmp(&value) == Some(Equal),
        "neq" => cmp(&value).is_some_and(|o| o != Equal),
        "gt" => cmp(&value) == Some(Greater),
        "gteq" => matches!(cmp(&value), Some(Greater | Equal)),
        "lt" => cmp(&value) == Some(Less),
        "lteq" => matches!(cmp(&value), Some(Less | Equal)),
        "in" | "nin" => {
            let listed = value.as_deref().is_some_and(|v| {
                filter
                    .value
                    .split(',')
                    .any(|item| compare(Some(item.trim()), Some(v)) == Equal)
            });
            (condition == "in") == listed && value.is_some()
        }
        "like" => value.as_deref().is_some_and(|v| {
            let pattern = filter.value.to_lowercase();
            let v = v.to_lowercase();
            match (pattern.strip_prefix('%'), pattern.strip_suffix('%')) {
                (Some(rest), _) if rest.ends_with('%') => v.contains(rest.trim_end_matches('%')),
                (Some(rest), None) => v.ends_with(rest),
                (None, Some(rest)) => v.starts_with(rest),
                _ => v == pattern,
            }
        }),
        "null" => value.is_none(),
        "notnull" => value.is_some(),
        other => {
            return Err(SimError::bad_request(format!(
                "Invalid condition type: {other}"
            )))
        }
    })
}

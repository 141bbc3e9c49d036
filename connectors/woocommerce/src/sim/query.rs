//! List queries of the simulator, with WooCommerce's parameters and semantics: date filters
//! compare strictly at whole seconds (`after`, `before`, `modified_after`, `modified_before`,
//! with or without `dates_are_gmt`, the simulated site runs on UTC), `orderby`/`order` with the
//! id as tie-breaker, `status` lists, `include` (a comma list of ids: only those, ids that do
//! not exist are simply absent), and `per_page` (1–100) / `page` pagination. Products filter on
//! `sku` (comma list, variations included), `global_unique_id` (products only) and
//! `modified_after`; variations on `modified_after`. Source for the orders list:
//! woocommerce/woocommerce `plugins/woocommerce/includes/rest-api/Controllers/Version3/class-wc-rest-crud-controller.php`
//! (`get_collection_params`: `include` is an integer list parsed with `wp_parse_id_list`,
//! `per_page` at most 100, `orderby` one of date, id, include, title, slug, modified;
//! `prepare_objects_query`: `include` → `post__in`, date and modified sorts get the id as
//! tie-breaker).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::{SimError, SimProduct, SimWooOrder};

/// Query parameters as sent.
pub(crate) type Params = HashMap<String, String>;

/// One page of a list and the totals for `X-WP-Total` / `X-WP-TotalPages`.
#[derive(Debug)]
pub(crate) struct ListPage<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub total_pages: usize,
}

fn invalid_param(name: &str) -> SimError {
    SimError::new(
        400,
        "rest_invalid_param",
        format!("Invalid parameter(s): {name}"),
    )
}

fn number_param(params: &Params, name: &str, default: usize) -> Result<usize, SimError> {
    match params.get(name) {
        None => Ok(default),
        Some(text) => text.trim().parse().map_err(|_| invalid_param(name)),
    }
}

/// Cuts `items` into the page asked for.
pub(crate) fn paginate<T>(items: Vec<T>, params: &Params) -> Result<ListPage<T>, SimError> {
    let per_page = number_param(params, "per_page", 10)?;
    if !(1..=100).contains(&per_page) {
        return Err(invalid_param("per_page"));
    }
    let page = number_param(params, "page", 1)?;
    if page == 0 {
        return Err(invalid_param("page"));
    }
    let total = items.len();
    let total_pages = total.div_ceil(per_page);
    let items = items
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();
    Ok(ListPage {
        items,
        total,
        total_pages,
    })
}

/// Reads an ISO 8601 date parameter: naive (site time, which is UTC here) or with an offset.
fn date_param(params: &Params, name: &str) -> Result<Option<DateTime<Utc>>, SimError> {
    let Some(text) = params.get(name) else {
        return Ok(None);
    };
    let text = text.trim();
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(with_offset.with_timezone(&Utc)));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| Some(naive.and_utc()))
        .ok_or_else(|| invalid_param(name))
}

/// The `include` parameter: ids in the order given, without repeats; `None` when absent.
fn include_param(params: &Params) -> Result<Option<Vec<u64>>, SimError> {
    let Some(text) = params.get("include").filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    let mut ids: Vec<u64> = Vec::new();
    for part in text.split([',', ' ']).filter(|p| !p.is_empty()) {
        let id = part.parse().map_err(|_| invalid_param("include"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(Some(ids))
}

/// `GET orders`: filter, sort and paginate.
pub(crate) fn list_orders<'a>(
    orders: impl Iterator<Item = &'a SimWooOrder>,
    params: &Params,
) -> Result<ListPage<&'a SimWooOrder>, SimError> {
    let after = date_param(params, "after")?;
    let before = date_param(params, "before")?;
    let modified_after = date_param(params, "modified_after")?;
    let modified_before = date_param(params, "modified_before")?;
    let statuses: Vec<&str> = params
        .get("status")
        .map(|s| s.split(',').map(str::trim).collect())
        .unwrap_or_else(|| vec!["any"]);
    let include = include_param(params)?;
    let orderby = params.get("orderby").map(String::as_str).unwrap_or("date");
    if !["date", "id", "include", "title", "slug", "modified"].contains(&orderby) {
        return Err(invalid_param("orderby"));
    }
    let descending = match params.get("order").map(String::as_str).unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        _ => return Err(invalid_param("order")),
    };
    let mut selected: Vec<&SimWooOrder> = orders
        .filter(|o| statuses.contains(&"any") || statuses.contains(&o.status.as_str()))
        .filter(|o| after.is_none_or(|t| o.created_at > t))
        .filter(|o| before.is_none_or(|t| o.created_at < t))
        .filter(|o| modified_after.is_none_or(|t| o.modified_at > t))
        .filter(|o| modified_before.is_none_or(|t| o.modified_at < t))
        .filter(|o| include.as_ref().is_none_or(|ids| ids.contains(&o.id)))
        .collect();
    let include_position = |id: u64| {
        include
            .as_ref()
            .and_then(|ids| ids.iter().position(|i| *i == id))
    };
    selected.sort_by(|a, b| {
        let by_key = match orderby {
            "id" => a.id.cmp(&b.id),
            "modified" => a.modified_at.cmp(&b.modified_at),
            "include" => include_position(a.id).cmp(&include_position(b.id)),
            _ => a.created_at.cmp(&b.created_at),
        };
        by_key.then(a.id.cmp(&b.id))
    });
    if descending {
        selected.reverse();
    }
    paginate(selected, params)
}

/// `GET products/{id}/variations`: the variations of `parent`, `modified_after` as for
/// products (the variations controller shares the CRUD controller's collection params).
pub(crate) fn list_variations<'a>(
    products: &'a [SimProduct],
    parent: u64,
    params: &Params,
) -> Result<ListPage<&'a SimProduct>, SimError> {
    let modified_after = date_param(params, "modified_after")?;
    let selected: Vec<&SimProduct> = products
        .iter()
        .filter(|p| p.parent_id == parent && p.product_type == "variation")
        .filter(|p| modified_after.is_none_or(|t| p.modified_at > t))
        .collect();
    paginate(selected, params)
}

/// `GET products`: `sku` / `global_unique_id` / `modified_after` filters, newest first unless
/// `order=asc`.
pub(crate) fn list_products<'a>(
    products: &'a [SimProduct],
    params: &Params,
) -> Result<ListPage<&'a SimProduct>, SimError> {
    let sku_filter: Option<Vec<String>> =
        params
            .get("sku")
            .filter(|s| !s.trim().is_empty())
            .map(|whole| {
                let mut skus: Vec<String> = whole.split(',').map(str::to_lowercase).collect();
                // WooCommerce also tries the whole text, for SKUs that hold a comma.
                if skus.len() > 1 {
                    skus.push(whole.to_lowercase());
                }
                skus
            });
    let gtin_filter: Option<Vec<&str>> = params
        .get("global_unique_id")
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.split(',').map(str::trim).collect());
    let modified_after = date_param(params, "modified_after")?;
    let mut selected: Vec<&SimProduct> = products
        .iter()
        .filter(|p| modified_after.is_none_or(|t| p.modified_at > t))
        // Only a SKU search reaches variations (the controller's post_type is `product`
        // otherwise: woocommerce/woocommerce class-wc-rest-products-controller.php
        // `prepare_objects_query`); a `global_unique_id` search does not.
        .filter(|p| sku_filter.is_some() || p.product_type != "variation")
        .filter(|p| {
            sku_filter
                .as_ref()
                .is_none_or(|skus| !p.sku.is_empty() && skus.contains(&p.sku.to_lowercase()))
        })
        .filter(|p| {
            gtin_filter.as_ref().is_none_or(|gtins| {
                !p.global_unique_id.is_empty() && gtins.contains(&p.global_unique_id.as_str())
            })
        })
        .collect();
    selected.sort_by_key(|p| p.id);
    if params.get("order").map(String::as_str) != Some("asc") {
        selected.reverse();
    }
    paginate(selected, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pagination_counts_pages_and_checks_per_page() {
        let page = paginate(
            (0..250).collect(),
            &params(&[("per_page", "100"), ("page", "3")]),
        )
        .unwrap();
        assert_eq!(
            (page.total, page.total_pages, page.items.len()),
            (250, 3, 50)
        );
        assert_eq!(page.items[0], 200);
        assert!(paginate(vec![1], &params(&[("per_page", "101")])).is_err());
        let empty = paginate(Vec::<u8>::new(), &params(&[])).unwrap();
        assert_eq!(empty.total_pages, 0);
    }

    #[test]
    fn include_lists_ids_and_refuses_what_is_not_one() {
        assert_eq!(include_param(&params(&[])).unwrap(), None);
        assert_eq!(
            include_param(&params(&[("include", "7,3,7")])).unwrap(),
            Some(vec![7, 3])
        );
        assert!(include_param(&params(&[("include", "7,x")])).is_err());
    }

    #[test]
    fn dates_parse_naive_and_with_offset() {
        let naive = date_param(&params(&[("after", "2026-11-22T10:00:00")]), "after").unwrap();
        let zoned =
            date_param(&params(&[("after", "2026-11-22T11:00:00+01:00")]), "after").unwrap();
        assert_eq!(naive, zoned);
        assert!(date_param(&params(&[("after", "tomorrow")]), "after").is_err());
    }
}

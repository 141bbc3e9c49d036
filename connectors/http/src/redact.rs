//! Secrets kept out of URLs that end up in messages and logs: a redirect keeps the request's
//! query (where WooCommerce's `query_string` authentication puts the key pair), and a URL
//! logged for a failed call may carry a token.

use url::Url;

/// A URL without its query and fragment.
pub fn without_query(location: &str) -> &str {
    location.split(['?', '#']).next().unwrap_or(location)
}

/// `url` with the values of the query parameters in `secret_names` replaced by `REDACTED`
/// (names compared without case).
pub fn redact_query(url: &Url, secret_names: &[&str]) -> Url {
    let mut redacted = url.clone();
    if url.query().is_none() {
        return redacted;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let secret = secret_names.iter().any(|s| s.eq_ignore_ascii_case(&name));
            let value = if secret {
                "REDACTED".to_owned()
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect();
    redacted.query_pairs_mut().clear().extend_pairs(pairs);
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_leave_the_query_and_the_rest_stays() {
        let url = Url::parse(
            "https://shop.nl/wp-json/wc/v3/orders?page=2&consumer_key=ck_1&Consumer_Secret=cs_2",
        )
        .unwrap();
        let shown = redact_query(&url, &["consumer_key", "consumer_secret"]).to_string();
        assert_eq!(
            shown,
            "https://shop.nl/wp-json/wc/v3/orders?page=2&consumer_key=REDACTED&Consumer_Secret=REDACTED"
        );
        let plain = Url::parse("https://shop.nl/a").unwrap();
        assert_eq!(redact_query(&plain, &["x"]), plain);
        assert_eq!(without_query("https://a.nl/b?c=d#e"), "https://a.nl/b");
    }
}

//! How the simulator authenticates a REST request: as WooCommerce core does over HTTPS
//! (`WC_REST_Authentication::perform_basic_authentication` in
//! `plugins/woocommerce/includes/class-wc-rest-authentication.php`). The key pair is taken from
//! the `consumer_key` and `consumer_secret` query parameters when both are there, otherwise from
//! HTTP Basic authentication (`PHP_AUTH_USER` / `PHP_AUTH_PW`). Core accepts either only over
//! HTTPS (plain HTTP goes to OAuth 1.0a instead); the simulator stands for the HTTPS shop.
//!
//! Some hosts' web servers (PHP as CGI/FastCGI without a rewrite rule) do not pass the
//! `Authorization` header on to PHP: [`WooSim::set_authorization_header_stripped`] models them,
//! and then only the query parameters authenticate.
//!
//! [`WooSim::set_authorization_header_stripped`]: super::WooSim::set_authorization_header_stripped

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use base64::Engine;

use super::model::SimError;
use super::WooSim;

/// Checks a request's credentials. `query` is the raw query string; `header_stripped` says the
/// host dropped the `Authorization` header.
pub(crate) fn check_auth(
    headers: &HeaderMap,
    query: Option<&str>,
    header_stripped: bool,
) -> Result<(), SimError> {
    let from_query = query.and_then(query_credentials);
    let from_header = if header_stripped {
        None
    } else {
        basic_credentials(headers)
    };
    // Without a key pair core authenticates nobody, and the route's permission check answers.
    let (key, secret) = from_query.or(from_header).ok_or_else(|| {
        SimError::new(
            401,
            "woocommerce_rest_cannot_view",
            "Sorry, you cannot list resources.",
        )
    })?;
    if key != WooSim::CONSUMER_KEY {
        return Err(SimError::new(
            401,
            "woocommerce_rest_authentication_error",
            "Consumer key is invalid.",
        ));
    }
    if secret != WooSim::CONSUMER_SECRET {
        return Err(SimError::new(
            401,
            "woocommerce_rest_authentication_error",
            "Consumer secret is invalid.",
        ));
    }
    Ok(())
}

/// Both `consumer_key` and `consumer_secret` from the query string, non-empty.
fn query_credentials(query: &str) -> Option<(String, String)> {
    let mut key = None;
    let mut secret = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "consumer_key" => key = Some(value.into_owned()),
            "consumer_secret" => secret = Some(value.into_owned()),
            _ => {}
        }
    }
    match (key, secret) {
        (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => Some((key, secret)),
        _ => None,
    }
}

/// The key pair of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())?;
    let (key, secret) = decoded.split_once(':')?;
    (!key.is_empty() && !secret.is_empty()).then(|| (key.to_owned(), secret.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn basic(key: &str, secret: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        headers
    }

    fn good_query() -> String {
        format!(
            "per_page=100&consumer_key={}&consumer_secret={}",
            WooSim::CONSUMER_KEY,
            WooSim::CONSUMER_SECRET
        )
    }

    #[test]
    fn basic_header_or_query_parameters_authenticate() {
        let good = basic(WooSim::CONSUMER_KEY, WooSim::CONSUMER_SECRET);
        assert!(check_auth(&good, None, false).is_ok());
        assert!(check_auth(&HeaderMap::new(), Some(&good_query()), false).is_ok());
        assert_eq!(
            check_auth(&HeaderMap::new(), Some("per_page=100"), false)
                .unwrap_err()
                .status,
            401
        );
    }

    #[test]
    fn a_stripped_header_leaves_only_the_query_parameters() {
        let good = basic(WooSim::CONSUMER_KEY, WooSim::CONSUMER_SECRET);
        assert!(check_auth(&good, None, true).is_err());
        assert!(check_auth(&good, Some(&good_query()), true).is_ok());
    }

    #[test]
    fn query_parameters_win_over_the_header_as_in_core() {
        let good = basic(WooSim::CONSUMER_KEY, WooSim::CONSUMER_SECRET);
        let wrong = format!(
            "consumer_key={}&consumer_secret=cs_wrong",
            WooSim::CONSUMER_KEY
        );
        let refused = check_auth(&good, Some(&wrong), false).unwrap_err();
        assert_eq!(refused.code, "woocommerce_rest_authentication_error");
        // Only one of the two parameters: core falls back to the header.
        let half = format!("consumer_key={}", WooSim::CONSUMER_KEY);
        assert!(check_auth(&good, Some(&half), false).is_ok());
    }
}

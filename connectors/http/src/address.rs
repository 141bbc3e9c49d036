//! Where a connector may send credentials: a vendor's base URL must be `https`, except on
//! loopback (local tests, the demo's simulators), because every vendor sends its secret in a
//! header or the query of each request.

use std::net::IpAddr;

use url::Url;

/// Whether `url` points at this machine (`localhost`, `127.0.0.0/8`, `::1`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Whether credentials may travel to `url`: `https`, or plain `http` on loopback.
pub fn safe_for_credentials(url: &Url) -> bool {
    url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_carries_credentials() {
        let safe = |s: &str| safe_for_credentials(&Url::parse(s).unwrap());
        assert!(safe("https://shop.nl"));
        assert!(safe("http://127.0.0.1:9000"));
        assert!(safe("http://LOCALHOST"));
        assert!(safe("http://[::1]:80"));
        assert!(!safe("http://shop.nl"));
        assert!(!safe("http://10.0.0.1"));
        assert!(!safe("ftp://127.0.0.1"));
    }
}

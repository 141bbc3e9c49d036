//! Who is asking, and what they may do. People log in with a user name and an argon2-hashed
//! password and get a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS) with
//! a CSRF token for every form; failed logins are throttled per user name and per address.
//! Machines send a bearer token: the operator token may act, the read token may only read.
//! Sessions live in the state database (`crate::store` keeps a hash of each token), so every
//! instance on it knows them and a restart logs nobody out.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;

use axum::http::HeaderMap;

use argon2::password_hash::{PasswordHash, PasswordVerifier, SaltString};
use argon2::{Argon2, PasswordHasher};
use chrono::{DateTime, Duration, Utc};
use orderbridge_core::Secret;

use sha2::{Digest, Sha256};

use crate::clock::{to_millis, SharedClock};
use crate::config::Role;
use crate::store::{Store, StoredSession};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "orderbridge_session";
/// Failed logins (per user name, and per address) allowed within [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILED_LOGINS: u32 = 5;
/// How long failed logins are remembered, and how long a throttled login waits.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Someone allowed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's name, or `token` for a bearer token.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// The session's CSRF token (none for bearer tokens, which a browser does not send by
    /// itself).
    pub csrf: Option<String>,
}

impl Principal {
    /// Whether they may act on orders.
    pub fn may_act(&self) -> bool {
        self.role == Role::Operator
    }
}

/// A person who may log in.
pub struct User {
    /// Name.
    pub name: String,
    /// The argon2 PHC string of the password.
    pub password_hash: Secret,
    /// What they may do.
    pub role: Role,
}

#[derive(Default)]
struct Failures {
    count: u32,
    first_at: Option<DateTime<Utc>>,
}

/// Why a login was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefused {
    /// Wrong user name or password.
    Wrong,
    /// Too many failed attempts lately.
    Throttled,
    /// The session could not be stored (the state database failed).
    Unavailable,
}

/// The stored form of a session token: its SHA-256, hex.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Operator => "operator",
        Role::ReadOnly => "read_only",
    }
}

/// The credentials the listener accepts and the sessions it gave out.
pub struct Auth {
    users: Vec<User>,
    operator_token: Secret,
    read_token: Option<Secret>,
    session_length: Duration,
    /// Whether cookies are always marked `Secure`.
    pub secure_cookies: bool,
    /// Whether the listener sits behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For` (then the last address there is the client's).
    behind_proxy: bool,
    clock: SharedClock,
    store: Store,
    failures: Mutex<HashMap<String, Failures>>,
    /// Verifies against this when the user name is unknown, so timing does not tell which
    /// names exist.
    decoy_hash: String,
}

/// Compares without stopping at the first difference, so timing does not reveal a token.
pub fn same_token(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

/// The address failed logins are counted by: an IPv4 address, or an IPv6 address's /64 (one
/// client usually holds a whole /64).
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0).to_string() + "/64"
        }
    }
}

/// A random token of 32 bytes as hex.
fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The argon2id hash of a password, as a PHC string for `[[admin.users]] password_hash`.
///
/// # Errors
///
/// When argon2 refuses the input (a password longer than it takes).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

impl Auth {
    /// Credentials and settings for the listener.
    pub fn new(
        users: Vec<User>,
        operator_token: Secret,
        read_token: Option<Secret>,
        session_hours: u32,
        secure_cookies: bool,
        clock: SharedClock,
        store: Store,
    ) -> Self {
        Self {
            users,
            operator_token,
            read_token,
            session_length: Duration::hours(i64::from(session_hours)),
            secure_cookies,
            behind_proxy: false,
            clock,
            store,
            failures: Mutex::new(HashMap::new()),
            decoy_hash: hash_password("not a password of anyone").unwrap_or_default(),
        }
    }

    /// Trusts the last `X-Forwarded-For` address as the client's (behind a reverse proxy).
    #[must_use]
    pub fn behind_proxy(mut self, behind_proxy: bool) -> Self {
        self.behind_proxy = behind_proxy;
        self
    }

    /// The client address logins are throttled by: the peer, or behind a proxy the address
    /// the proxy appended last.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.behind_proxy {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse::<IpAddr>().ok())
            .unwrap_or(peer)
    }

    /// Whether anyone can log in to the dashboard.
    pub fn has_users(&self) -> bool {
        !self.users.is_empty()
    }

    /// The principal of a bearer token.
    pub fn bearer(&self, token: &str) -> Option<Principal> {
        let token = token.trim().as_bytes();
        let principal = |role| Principal {
            name: "token".into(),
            role,
            csrf: None,
        };
        if same_token(token, self.operator_token.expose().as_bytes()) {
            return Some(principal(Role::Operator));
        }
        self.read_token
            .as_ref()
            .filter(|read| same_token(token, read.expose().as_bytes()))
            .map(|_| principal(Role::ReadOnly))
    }

    /// The principal of a session cookie's value, when the session is live; using it
    /// extends it. A store that cannot be read lets nobody in (and is logged).
    pub async fn session(&self, id: &str) -> Option<Principal> {
        let now = self.clock.now();
        let extended = now + self.session_length;
        let found = self
            .store
            .live_session(&token_hash(id), to_millis(now), to_millis(extended))
            .await;
        match found {
            Ok(found) => found.map(|session| Principal {
                name: session.user,
                role: if session.role == role_name(Role::Operator) {
                    Role::Operator
                } else {
                    Role::ReadOnly
                },
                csrf: Some(session.csrf),
            }),
            Err(error) => {
                tracing::warn!(error = %error, "reading a dashboard session failed");
                None
            }
        }
    }

    /// Checks a login and opens a session; returns its token.
    ///
    /// # Errors
    ///
    /// When the name or password is wrong, too many attempts failed lately for this name
    /// or from this address, or the session cannot be stored.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        from: IpAddr,
    ) -> Result<String, LoginRefused> {
        let (user, role) = self.check_login(name, password, from)?;
        self.open_session(&user, role).await
    }

    /// Opens a session for a checked user; returns its token.
    ///
    /// # Errors
    ///
    /// When the session cannot be stored ([`LoginRefused::Unavailable`]).
    pub async fn open_session(&self, user: &str, role: Role) -> Result<String, LoginRefused> {
        let id = random_token();
        let session = StoredSession {
            user: user.to_owned(),
            role: role_name(role).to_owned(),
            csrf: random_token(),
            expires_at: to_millis(self.clock.now() + self.session_length),
        };
        if let Err(error) = self.store.create_session(&token_hash(&id), &session).await {
            tracing::warn!(error = %error, "storing a dashboard session failed");
            return Err(LoginRefused::Unavailable);
        }
        Ok(id)
    }

    /// Checks a user name and password (slow on purpose: argon2); returns the user and role.
    ///
    /// # Errors
    ///
    /// When the name or password is wrong, or too many attempts failed lately for this name
    /// or from this address.
    pub fn check_login(
        &self,
        name: &str,
        password: &str,
        from: IpAddr,
    ) -> Result<(String, Role), LoginRefused> {
        let now = self.clock.now();
        let name: String = name.trim().chars().take(64).collect();
        let keys = [
            format!("user:{name}"),
            format!("addr:{}", address_key(from)),
        ];
        if keys.iter().any(|key| self.throttled(key, now)) {
            return Err(LoginRefused::Throttled);
        }
        let user = self.users.iter().find(|u| u.name == name);
        let phc = user.map_or(self.decoy_hash.as_str(), |u| u.password_hash.expose());
        let valid = verify(password, phc) && user.is_some();
        let Some(user) = user.filter(|_| valid) else {
            let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
            // Forget what is older than the window, so the map stays small.
            failures.retain(|_, f| {
                f.first_at
                    .is_some_and(|first| now - first <= Duration::minutes(THROTTLE_WINDOW_MINUTES))
            });
            for key in keys {
                let entry = failures.entry(key).or_default();
                if entry
                    .first_at
                    .is_none_or(|first| now - first > Duration::minutes(THROTTLE_WINDOW_MINUTES))
                {
                    *entry = Failures {
                        count: 0,
                        first_at: Some(now),
                    };
                }
                entry.count += 1;
            }
            return Err(LoginRefused::Wrong);
        };
        {
            let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
            failures.remove(&keys[0]);
        }
        Ok((user.name.clone(), user.role))
    }

    fn throttled(&self, key: &str, now: DateTime<Utc>) -> bool {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.get(key).is_some_and(|f| {
            f.count >= MAX_FAILED_LOGINS
                && f.first_at
                    .is_some_and(|first| now - first <= Duration::minutes(THROTTLE_WINDOW_MINUTES))
        })
    }

    /// Ends a session.
    pub async fn logout(&self, id: &str) {
        let now = to_millis(self.clock.now());
        if let Err(error) = self.store.end_session(&token_hash(id), now).await {
            tracing::warn!(error = %error, "ending a dashboard session failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;

    /// An `Auth` over a fresh SQLite state in `dir`.
    async fn auth_in(dir: &tempfile::TempDir, clock: &ManualClock) -> Auth {
        let store = Store::open(&dir.path().join("state.db").display().to_string())
            .await
            .unwrap();
        Auth::new(
            vec![User {
                name: "merchant".into(),
                password_hash: Secret::new(hash_password("correct horse").unwrap()),
                role: Role::Operator,
            }],
            Secret::new("op-token"),
            Some(Secret::new("read-token")),
            12,
            false,
            Arc::new(clock.clone()),
            store,
        )
    }

    #[tokio::test]
    async fn sessions_expire_after_idle_hours() {
        let clock = ManualClock::new(Utc::now());
        let dir = tempfile::tempdir().unwrap();
        let auth = auth_in(&dir, &clock).await;
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let id = auth
            .login("merchant", "correct horse", local)
            .await
            .unwrap();
        assert_eq!(auth.session(&id).await.unwrap().name, "merchant");
        clock.advance(Duration::hours(11));
        assert!(auth.session(&id).await.is_some(), "use extends the session");
        clock.advance(Duration::hours(13));
        assert!(auth.session(&id).await.is_none());
    }

    #[tokio::test]
    async fn failed_logins_are_throttled_then_forgiven() {
        let clock = ManualClock::new(Utc::now());
        let dir = tempfile::tempdir().unwrap();
        let auth = auth_in(&dir, &clock).await;
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..MAX_FAILED_LOGINS {
            assert_eq!(
                auth.login("merchant", "wrong", local).await,
                Err(LoginRefused::Wrong)
            );
        }
        assert_eq!(
            auth.login("merchant", "correct horse", local).await,
            Err(LoginRefused::Throttled),
            "even the right password waits once the name is throttled"
        );
        clock.advance(Duration::minutes(THROTTLE_WINDOW_MINUTES + 1));
        assert!(auth.login("merchant", "correct horse", local).await.is_ok());
    }

    #[tokio::test]
    async fn throttling_counts_per_name_and_per_address() {
        let clock = ManualClock::new(Utc::now());
        let dir = tempfile::tempdir().unwrap();
        let auth = auth_in(&dir, &clock).await;
        // One address trying many names is stopped by its address...
        let spraying: IpAddr = "192.0.2.7".parse().unwrap();
        for idx in 0..MAX_FAILED_LOGINS {
            let _ = auth.login(&format!("guess{idx}"), "wrong", spraying).await;
        }
        assert_eq!(
            auth.login("merchant", "correct horse", spraying).await,
            Err(LoginRefused::Throttled)
        );
        // ...while the merchant at another address still gets in.
        let office: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(auth
            .login("merchant", "correct horse", office)
            .await
            .is_ok());
        // Many addresses trying one name are stopped by the name, across a /64 too.
        for idx in 0..MAX_FAILED_LOGINS {
            let from: IpAddr = format!("2001:db8::{idx}").parse().unwrap();
            let _ = auth.login("merchant", "wrong", from).await;
        }
        assert_eq!(
            auth.login("merchant", "correct horse", office).await,
            Err(LoginRefused::Throttled)
        );
        assert_eq!(address_key("2001:db8::1".parse().unwrap()), "2001:db8::/64");
    }

    #[tokio::test]
    async fn behind_a_proxy_the_last_forwarded_address_counts() {
        let clock = ManualClock::new(Utc::now());
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.4".parse().unwrap(),
        );
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            auth_in(&dir, &clock).await.client_address(peer, &headers),
            peer
        );
        let proxied = auth_in(&dir, &clock).await.behind_proxy(true);
        assert_eq!(
            proxied.client_address(peer, &headers),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
    }

    #[tokio::test]
    async fn tokens_have_roles() {
        let clock = ManualClock::new(Utc::now());
        let dir = tempfile::tempdir().unwrap();
        let auth = auth_in(&dir, &clock).await;
        assert_eq!(auth.bearer("op-token").unwrap().role, Role::Operator);
        assert_eq!(auth.bearer("read-token").unwrap().role, Role::ReadOnly);
        assert!(auth.bearer("op-tokem").is_none());
        assert!(auth.bearer("").is_none());
        assert!(same_token(b"abc", b"abc"));
        assert!(!same_token(b"ab", b"abc"));
    }
}

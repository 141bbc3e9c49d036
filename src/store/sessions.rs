//! Dashboard sessions: who logged in, as what, with which form token, until when. Keyed by a
//! hash of the session token (the cookie holds the token itself), so the table leaks no
//! usable session. `migrate --from-sqlite` copies them with the rest.

use super::{Store, StoreResult};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// User name.
    pub user: String,
    /// Role name (`operator`, `read_only`).
    pub role: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// When it ends unless used (ms).
    pub expires_at: i64,
}

impl Store {
    /// Records a new session.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn create_session(
        &self,
        token_hash: &str,
        session: &StoredSession,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO admin_sessions (token_hash, user_name, role, csrf, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(&session.user)
        .bind(&session.role)
        .bind(&session.csrf)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session of a token hash while it lasts at `now_millis`; using it moves its end to
    /// `extend_to`.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn live_session(
        &self,
        token_hash: &str,
        now_millis: i64,
        extend_to: i64,
    ) -> StoreResult<Option<StoredSession>> {
        // One statement reads and extends it, so a session that ends meanwhile is not revived.
        let mut tx = self.write().await?;
        let row: Option<(String, String, String)> = sqlx::query_as(
            "UPDATE admin_sessions SET expires_at = $1
             WHERE token_hash = $2 AND expires_at > $3
             RETURNING user_name, role, csrf",
        )
        .bind(extend_to)
        .bind(token_hash)
        .bind(now_millis)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some((user, role, csrf)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredSession {
            user,
            role,
            csrf,
            expires_at: extend_to,
        }))
    }

    /// Ends a session, and forgets every session that ended before `now_millis`.
    ///
    /// # Errors
    ///
    /// On database failure.
    pub async fn end_session(&self, token_hash: &str, now_millis: i64) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM admin_sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now_millis)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

-- Dashboard logins, shared by every instance on the database and kept over a restart. Only a
-- hash of each session's token is stored; the cookie holds the token.
CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    role       TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

//! Secrets in configuration: given inline, read from a file, or read from a systemd credential
//! (`$CREDENTIALS_DIRECTORY/<name>`). A resolved [`Secret`] never prints its value.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A secret value (API secret, consumer secret). `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it to a vendor.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where a secret comes from, as written in a connection file:
/// `secret = "inline"`, `secret = { file = "/etc/orderbridge/bol.secret" }` or
/// `secret = { credential = "bol-secret" }` (systemd `LoadCredential=`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SecretSource {
    /// The value itself (fine for the demo; prefer a file in production).
    Inline(String),
    /// A file holding the value (surrounding whitespace is trimmed).
    File {
        /// Path of the file.
        file: PathBuf,
    },
    /// A systemd credential, read from `$CREDENTIALS_DIRECTORY/<credential>`.
    Credential {
        /// The credential's name.
        credential: String,
    },
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inline(_) => f.write_str("Inline([redacted])"),
            Self::File { file } => write!(f, "File({})", file.display()),
            Self::Credential { credential } => write!(f, "Credential({credential})"),
        }
    }
}

/// Why a secret could not be read. Never contains the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The file could not be read.
    #[error("cannot read secret file {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A credential was named but systemd passed no credentials directory.
    #[error("secret credential {name:?} asked for, but $CREDENTIALS_DIRECTORY is not set")]
    NoCredentialsDirectory {
        /// The credential's name.
        name: String,
    },
    /// The secret is empty.
    #[error("secret is empty")]
    Empty,
}

impl SecretSource {
    /// Reads the secret. `credentials_dir` is `$CREDENTIALS_DIRECTORY` when set.
    ///
    /// # Errors
    ///
    /// When a file cannot be read, a credential is named without a credentials directory, or
    /// the value is empty.
    pub fn resolve(&self, credentials_dir: Option<&Path>) -> Result<Secret, SecretError> {
        let read = |path: PathBuf| {
            std::fs::read_to_string(&path)
                .map(|s| s.trim().to_owned())
                .map_err(|source| SecretError::File { path, source })
        };
        let value = match self {
            Self::Inline(value) => value.clone(),
            Self::File { file } => read(file.clone())?,
            Self::Credential { credential } => {
                let dir = credentials_dir.ok_or_else(|| SecretError::NoCredentialsDirectory {
                    name: credential.clone(),
                })?;
                read(dir.join(credential))?
            }
        };
        if value.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        let src = SecretSource::Inline("hunter2".into());
        assert!(!format!("{src:?}").contains("hunter2"));
    }

    #[test]
    fn resolves_files_and_credentials() {
        let dir = std::env::temp_dir().join(format!("ob-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bol"), "abc\n").unwrap();
        let by_file = SecretSource::File {
            file: dir.join("bol"),
        };
        assert_eq!(by_file.resolve(None).unwrap().expose(), "abc");
        let by_cred = SecretSource::Credential {
            credential: "bol".into(),
        };
        assert_eq!(by_cred.resolve(Some(&dir)).unwrap().expose(), "abc");
        assert!(matches!(
            by_cred.resolve(None),
            Err(SecretError::NoCredentialsDirectory { .. })
        ));
        assert!(SecretSource::Inline(String::new()).resolve(None).is_err());
    }
}

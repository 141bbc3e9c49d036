//! `orderbridge migrate`: applies the schema migrations the database lacks, explicitly (several
//! instances may share a PostgreSQL database, so `run` does not change the schema unless
//! `database.auto_migrate` says so).

use anyhow::Context;

use crate::config::Config;
use crate::store::{redact_location, Store};

/// `migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {}

/// Runs `migrate`.
///
/// # Errors
///
/// When the database cannot be reached, its schema is newer than this binary knows, or a
/// migration fails.
pub async fn migrate(config: &Config, _args: MigrateArgs) -> anyhow::Result<()> {
    let location = config.database_location();
    let shown = redact_location(&location);
    let store = Store::connect(&location, crate::store::MigrationPolicy::Skip)
        .await
        .with_context(|| format!("opening the state database {shown}"))?;
    let (before, after) = store
        .migrate()
        .await
        .with_context(|| format!("migrating {shown}"))?;
    if before.found == after.found {
        println!(
            "{shown} ({}): schema already at version {}",
            store.backend().as_str(),
            after.found
        );
    } else {
        println!(
            "{shown} ({}): schema migrated from version {} to {}",
            store.backend().as_str(),
            before.found,
            after.found
        );
    }
    store.close().await;
    Ok(())
}

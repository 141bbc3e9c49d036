//! `orderbridge migrate`: applies the schema migrations the database lacks, explicitly (several
//! instances may share a PostgreSQL database, so `run` does not change the schema unless
//! `database.auto_migrate` says so). With `--from-sqlite FILE` it then moves a SQLite state
//! into the configured PostgreSQL database ([`Store::copy_from`]), leaving the file as it was.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::config::Config;
use crate::store::{redact_location, Backend, MigrationPolicy, Store};

/// `migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// Then copy the state of this SQLite file (orders, history, batches, stock, job
    /// schedules) into the configured PostgreSQL database, which must be empty. Stop the
    /// daemon using the file first. The file is not changed by the copy.
    #[arg(long, value_name = "FILE")]
    from_sqlite: Option<PathBuf>,
}

/// Runs `migrate`.
///
/// # Errors
///
/// When the database cannot be reached, its schema is newer than this binary knows, or a
/// migration fails; with `--from-sqlite`, when the configured database is not PostgreSQL, the
/// file is missing or not an orderbridge state, or the copy is refused or fails.
pub async fn migrate(config: &Config, args: MigrateArgs) -> anyhow::Result<()> {
    let location = config.database_location();
    let shown = redact_location(&location);
    let url = config.database_url()?;
    if let Some(file) = &args.from_sqlite {
        if Backend::of(&location) != Backend::Postgres {
            bail!(
                "--from-sqlite copies into PostgreSQL, but the configured database {shown} is \
                 not a postgres:// URL (set database.url in {})",
                config.path.display()
            );
        }
        check_sqlite_file(file)?;
    }
    let store = Store::connect(&url, MigrationPolicy::Skip)
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
    let copied = match &args.from_sqlite {
        Some(file) => copy_sqlite(&store, &shown, file).await,
        None => Ok(()),
    };
    store.close().await;
    copied
}

/// Refuses a path that is not an existing SQLite database file, before anything opens it
/// (opening would create a missing file, and turn an empty one into a database).
fn check_sqlite_file(file: &Path) -> anyhow::Result<()> {
    /// The first 16 bytes of every SQLite 3 database file.
    const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
    let name = file.display();
    if !file.is_file() {
        bail!("SQLite state {name}: no such file");
    }
    let mut opened =
        std::fs::File::open(file).with_context(|| format!("reading the SQLite state {name}"))?;
    let mut header = [0u8; 16];
    // Too short to hold the header (an empty file included) is not a database either.
    let complete = opened.read_exact(&mut header).is_ok();
    if !complete || &header != SQLITE_HEADER {
        bail!("{name} is not a SQLite database file");
    }
    Ok(())
}

/// Copies the SQLite state in `file` into `target` and prints what was copied.
async fn copy_sqlite(target: &Store, shown: &str, file: &Path) -> anyhow::Result<()> {
    let name = file.display();
    let Some(path) = file.to_str() else {
        bail!("SQLite state {name}: the path is not valid UTF-8");
    };
    let source = Store::connect(path, MigrationPolicy::Skip)
        .await
        .with_context(|| format!("opening the SQLite state {name}"))?;
    let copied = async {
        let version = source.schema_version().await?;
        if version.found == 0 {
            bail!("{name} holds no orderbridge state (no schema migrations applied)");
        }
        if version.found < version.known {
            source.migrate().await?;
            println!(
                "{name} (sqlite): schema migrated from version {} to {} first",
                version.found, version.known
            );
        }
        // A daemon still running on the file would go on creating and shipping from it while
        // the copy runs from PostgreSQL: the same orders twice. Stop it first.
        if let Some(held) = source
            .lease_states()
            .await?
            .into_iter()
            .find(|lease| lease.holder.is_some())
        {
            bail!(
                "a daemon is running jobs on {name} ({} {} is held by {}): stop it first \
                 (systemctl stop orderbridge); after a crash, start and stop it once so it \
                 lets go of its jobs",
                held.connection,
                held.job,
                held.holder.unwrap_or_default()
            );
        }
        Ok::<_, anyhow::Error>(target.copy_from(&source).await?)
    }
    .await
    .with_context(|| format!("copying the SQLite state {name} into {shown}"));
    source.close().await;
    let report = copied?;
    println!("copied {name} into {shown}:");
    print!("{report}");
    println!(
        "Row counts match in both databases. {name} was left untouched by the copy and can be \
         archived; from now on the state lives in {shown}."
    );
    Ok(())
}

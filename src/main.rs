//! The `orderbridge` binary: parses the command line and hands over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = orderbridge::cli::Cli::parse();
    match orderbridge::cli::execute(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("orderbridge: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

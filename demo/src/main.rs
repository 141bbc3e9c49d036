//! `orderbridge-demo`: the whole order loop on one machine with no accounts and no network,
//! against the simulators of bol.com and a webshop (`--webshop woocommerce|medusa|magento|shopify`). Its own
//! binary, so the daemon's build (`orderbridge`) carries no simulator.

mod demo;
mod shop;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = demo::DemoArgs::parse();
    match demo::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("orderbridge-demo: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

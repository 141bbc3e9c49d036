//! Every end-to-end test runs with its log captured at trace level; a harness checks, when
//! it is dropped, that no line of everything captured so far holds one of the simulators'
//! secrets. Together with `tests/secrets.rs` (the real binary, CLI output, histories) this
//! scans the whole end-to-end suite for secrets.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use orderbridge_bol::sim::BolSim;
use orderbridge_woocommerce::sim::WooSim;

static CAPTURED: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static INSTALLED: OnceLock<()> = OnceLock::new();

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber once per test binary.
pub fn install() {
    INSTALLED.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
            .with_writer(|| Capture)
            .with_ansi(false)
            .try_init();
    });
}

/// The secrets the simulators accept; none may ever be logged.
pub const SECRETS: [&str; 5] = [
    BolSim::CLIENT_SECRET,
    WooSim::CONSUMER_SECRET,
    orderbridge_medusa::sim::MedusaSim::API_KEY,
    orderbridge_magento::sim::MagentoSim::ACCESS_TOKEN,
    orderbridge_shopify::sim::ShopifySim::ACCESS_TOKEN,
];

/// Panics when a captured line holds a secret; returns the number of lines scanned.
pub fn assert_no_secrets() -> usize {
    let captured = CAPTURED.lock().unwrap_or_else(|p| p.into_inner());
    let text = String::from_utf8_lossy(&captured);
    for secret in SECRETS {
        if let Some(line) = text.lines().find(|l| l.contains(secret)) {
            panic!("secret {secret} leaked in a log line: {line}");
        }
    }
    text.lines().count()
}

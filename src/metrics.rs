//! Prometheus metrics: job runs and failures per connection and job, whether a connection's
//! credentials are refused, and (at scrape time) orders per status. Rendered by the admin
//! listener's `/metrics`.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder once per process and returns its handle (`None` when
/// another recorder was installed first, e.g. by an embedding application).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|()| handle)
        })
        .as_ref()
}

/// Records a finished job run: `kind` is `ok` or the failure kind (`auth`, `transient`, ...);
/// `failures` the failed runs in a row.
pub fn job_run(connection: &str, job: &str, kind: &str, failures: i64) {
    let labels = [
        ("connection", connection.to_owned()),
        ("job", job.to_owned()),
    ];
    metrics::counter!(
        "orderbridge_job_runs_total",
        &[
            ("connection", connection.to_owned()),
            ("job", job.to_owned()),
            ("outcome", kind.to_owned()),
        ]
    )
    .increment(1);
    metrics::gauge!("orderbridge_job_consecutive_failures", &labels).set(failures as f64);
    let auth_refused = if kind == "auth" {
        1.0
    } else if kind == "ok" {
        0.0
    } else {
        return;
    };
    metrics::gauge!("orderbridge_connection_auth_error", &labels).set(auth_refused);
}

/// Sets the number of orders per status of a connection.
pub fn orders(connection: &str, status: &str, count: i64) {
    metrics::gauge!(
        "orderbridge_orders",
        &[
            ("connection", connection.to_owned()),
            ("status", status.to_owned()),
        ]
    )
    .set(count as f64);
}

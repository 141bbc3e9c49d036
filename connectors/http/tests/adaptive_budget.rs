//! The kit's adaptive rate budget against a tiny local server that enforces a fixed window per
//! endpoint and tells it on every answer the way bol.com does (`x-ratelimit-limit`,
//! `x-ratelimit-remaining`, `x-ratelimit-reset` in seconds; 429 with `Retry-After` once the
//! window is spent: https://api.bol.com/retailer/public/Retailer-API/ratelimits.html). A kit
//! client whose vendor reads those headers slows to what they allow, waits out a spent window,
//! hands back one too long to wait, and after a 429 it may not wait out sends nothing more to
//! that endpoint until the wait is over. Time is tokio's paused clock, shared by client and
//! server, so windows of minutes take no real time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Response, StatusCode};
use axum::routing::get;
use axum::Router;
use orderbridge_core::{ConnectorError, RateLimit, RetryPolicy};
use orderbridge_http::{
    Authorize, Classify, HttpKit, KitSettings, PlainClassify, RateHeaders, Request, VendorError,
};
use reqwest::header::HeaderMap;
use reqwest::RequestBuilder;
use tokio::time::Instant;

/// A vendor that tells its budget in `x-ratelimit-*` headers.
struct TellsBudget;

impl Classify for TellsBudget {
    fn vendor_error(&self, _body: &[u8]) -> Option<VendorError> {
        None
    }

    fn rate_headers(&self, headers: &HeaderMap) -> Option<RateHeaders> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.parse::<u64>().ok();
        Some(RateHeaders {
            limit: number("x-ratelimit-limit").and_then(|n| u32::try_from(n).ok()),
            remaining: number("x-ratelimit-remaining").and_then(|n| u32::try_from(n).ok()),
            reset: number("x-ratelimit-reset").map(Duration::from_secs),
        })
    }
}

struct NoAuth;

impl Authorize for NoAuth {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request
    }
}

/// The server's fixed window and what it answered, when.
struct Window {
    limit: u32,
    length: Duration,
    started: Option<Instant>,
    used: u32,
    answers: Vec<(Instant, u16)>,
}

type Shared = Arc<Mutex<Window>>;

async fn answer(State(window): State<Shared>) -> Response<Body> {
    let now = Instant::now();
    let mut window = window.lock().expect("test server lock");
    let started = match window.started {
        Some(started) if now < started + window.length => started,
        _ => {
            window.used = 0;
            window.started = Some(now);
            now
        }
    };
    let reset = (started + window.length - now)
        .as_secs_f64()
        .ceil()
        .to_string();
    let spent = window.used >= window.limit;
    if !spent {
        window.used += 1;
    }
    let status = if spent { 429 } else { 200 };
    window.answers.push((now, status));
    let mut response = Response::builder()
        .status(StatusCode::from_u16(status).expect("valid test fixture"))
        .header("x-ratelimit-limit", window.limit.to_string())
        .header(
            "x-ratelimit-remaining",
            (window.limit - window.used).to_string(),
        )
        .header("x-ratelimit-reset", &reset);
    if spent {
        response = response.header("retry-after", &reset);
    }
    response.body(Body::from("[]")).expect("valid test fixture")
}

/// A server allowing `limit` requests per window of `length` on `/x`.
async fn server(limit: u32, length: Duration) -> (String, Shared) {
    let window = Arc::new(Mutex::new(Window {
        limit,
        length,
        started: None,
        used: 0,
        answers: Vec::new(),
    }));
    let app = Router::new()
        .route("/x", get(answer))
        .with_state(window.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("test server binds");
    let address = listener.local_addr().expect("test server address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), window)
}

/// A kit client whose configured budget is far above the server's: only what the vendor
/// tells can keep it within the window.
fn kit(classify: impl Classify + 'static) -> HttpKit {
    HttpKit::new(
        KitSettings {
            vendor: "shop",
            user_agent: "test".into(),
            timeout: Duration::from_secs(600),
            retry: RetryPolicy {
                max_attempts: 3,
                initial_backoff_ms: 1,
                max_backoff_ms: 2,
                max_retry_after_secs: 60,
            },
            rate_limit: RateLimit::per_second(1000),
        },
        Arc::new(classify),
        Arc::new(NoAuth),
    )
    .expect("valid test fixture")
}

fn get_x(base: &str) -> Request {
    Request::get(
        format!("{base}/x").parse().expect("valid test fixture"),
        "GET x",
    )
}

fn answers(window: &Shared) -> Vec<(Instant, u16)> {
    window.lock().expect("test server lock").answers.clone()
}

#[tokio::test(start_paused = true)]
async fn a_kit_client_slows_to_what_the_headers_allow() {
    let length = Duration::from_secs(10);
    let (base, window) = server(10, length).await;
    let client = kit(TellsBudget);
    for _ in 0..30 {
        client.json::<Vec<u32>>(&get_x(&base)).await.unwrap();
    }
    let answers = answers(&window);
    assert!(
        answers.iter().all(|(_, status)| *status == 200),
        "refused: {:?}",
        answers.iter().filter(|(_, s)| *s == 429).count()
    );
    assert_eq!(answers.len(), 30);
    // A tenth of each window is left for the account's other clients: 9 of 10 per window.
    let first = answers[0].0;
    for idx in 0..4u32 {
        let from = first + length * idx;
        let in_window = answers
            .iter()
            .filter(|(at, _)| *at >= from && *at < from + length)
            .count();
        assert!(in_window <= 9, "window {idx}: {in_window} requests");
    }
}

#[tokio::test(start_paused = true)]
async fn a_spent_window_is_waited_out() {
    let (base, window) = server(2, Duration::from_secs(30)).await;
    let client = kit(TellsBudget);
    for _ in 0..3 {
        client.json::<Vec<u32>>(&get_x(&base)).await.unwrap();
    }
    let answers = answers(&window);
    let statuses: Vec<u16> = answers.iter().map(|(_, status)| *status).collect();
    assert_eq!(statuses, vec![200, 200, 200]);
    // The third waited for the window's reset instead of meeting a 429.
    assert!(answers[2].0 >= answers[0].0 + Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn a_window_longer_than_a_quarter_hour_is_handed_back_unsent() {
    let (base, window) = server(1, Duration::from_secs(3600)).await;
    let client = kit(TellsBudget);
    client.json::<Vec<u32>>(&get_x(&base)).await.unwrap();
    let failure = client.json::<Vec<u32>>(&get_x(&base)).await.unwrap_err();
    assert_eq!(
        failure.error,
        ConnectorError::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert!(failure.unsent);
    assert_eq!(answers(&window).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_too_long_to_wait_out_keeps_the_endpoint_quiet_even_without_budget_headers() {
    // Spent before the client's first request; the vendor's headers are not read.
    let (base, window) = server(0, Duration::from_secs(120)).await;
    let client = kit(PlainClassify);
    for _ in 0..2 {
        let failure = client.json::<Vec<u32>>(&get_x(&base)).await.unwrap_err();
        assert_eq!(
            failure.error,
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(120))
            }
        );
    }
    // The second call was handed back without asking the server again.
    assert_eq!(answers(&window).len(), 1);
}

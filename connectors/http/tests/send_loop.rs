//! The kit's send loop against a mock server: what is sent again and what is given back.

use std::sync::Arc;
use std::time::Duration;

use orderbridge_core::{ConnectorError, RateLimit, RetryPolicy};
use orderbridge_http::{Authorize, HttpKit, KitSettings, PlainClassify, Replay, Request};
use reqwest::{Method, RequestBuilder};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Bearer;

impl Authorize for Bearer {
    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth("tok")
    }
}

fn kit() -> HttpKit {
    HttpKit::new(
        KitSettings {
            vendor: "shop",
            user_agent: "test".into(),
            timeout: Duration::from_secs(5),
            retry: RetryPolicy {
                max_attempts: 3,
                initial_backoff_ms: 1,
                max_backoff_ms: 2,
                max_retry_after_secs: 1,
            },
            rate_limit: RateLimit::per_second(1000),
        },
        Arc::new(PlainClassify),
        Arc::new(Bearer),
    )
    .expect("valid test fixture")
}

async fn server_answering(
    method_name: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(method_name))
        .and(path("/x"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method(method_name))
        .and(path("/x"))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

fn url(server: &MockServer) -> url::Url {
    format!("{}/x", server.uri())
        .parse()
        .expect("valid test fixture")
}

#[tokio::test]
async fn a_read_is_sent_again_after_a_server_error_and_a_damaged_body() {
    let server = server_answering(
        "GET",
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("[1,2]"),
    )
    .await;
    let got: Vec<u32> = kit()
        .json(&Request::get(url(&server), "GET x"))
        .await
        .unwrap();
    assert_eq!(got, vec![1, 2]);

    let server = server_answering(
        "GET",
        ResponseTemplate::new(200).set_body_string("<br>notice[1"),
        ResponseTemplate::new(200).set_body_string("[3]"),
    )
    .await;
    let got: Vec<u32> = kit()
        .json(&Request::get(url(&server), "GET x"))
        .await
        .unwrap();
    assert_eq!(got, vec![3]);
}

#[tokio::test]
async fn a_creating_write_is_not_sent_again_after_an_unknown_outcome() {
    let post = |server: &MockServer| {
        Request::json(
            Method::POST,
            url(server),
            "POST x",
            &serde_json::json!({"a": 1}),
            Replay::OnlyIfUnsent,
        )
        .unwrap()
    };
    let server = server_answering(
        "POST",
        ResponseTemplate::new(502),
        ResponseTemplate::new(201).set_body_string("{}"),
    )
    .await;
    let failure = kit()
        .json::<serde_json::Value>(&post(&server))
        .await
        .unwrap_err();
    assert!(matches!(failure.error, ConnectorError::Transient { .. }));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Accepted but unreadable: the vendor acted; transient, not sent again.
    let server = server_answering(
        "POST",
        ResponseTemplate::new(201).set_body_string("{\"id\""),
        ResponseTemplate::new(201).set_body_string("{}"),
    )
    .await;
    let failure = kit()
        .json::<serde_json::Value>(&post(&server))
        .await
        .unwrap_err();
    assert!(
        matches!(&failure.error, ConnectorError::Transient { message } if message.contains("accepted"))
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // A 429 is a refusal to act: sent again after its Retry-After.
    let server = server_answering(
        "POST",
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        ResponseTemplate::new(201).set_body_string("{\"ok\":true}"),
    )
    .await;
    let got = kit()
        .json::<serde_json::Value>(&post(&server))
        .await
        .unwrap();
    assert_eq!(got["ok"], true);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn failures_that_will_not_change_are_given_back_at_once() {
    let server = server_answering(
        "GET",
        ResponseTemplate::new(401),
        ResponseTemplate::new(200).set_body_string("[]"),
    )
    .await;
    let failure = kit()
        .json::<Vec<u32>>(&Request::get(url(&server), "GET x"))
        .await
        .unwrap_err();
    assert!(matches!(failure.error, ConnectorError::Auth { .. }));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // The budget of attempts ends a read that keeps failing.
    let server = server_answering(
        "GET",
        ResponseTemplate::new(500),
        ResponseTemplate::new(500),
    )
    .await;
    let failure = kit()
        .json::<Vec<u32>>(&Request::get(url(&server), "GET x").query("a", 1))
        .await
        .unwrap_err();
    assert!(matches!(failure.error, ConnectorError::Transient { .. }));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.query(), Some("a=1"));
}

//! Damaging a real answer after the simulator acted, the same way for every vendor: reading it
//! whole (to put something in front of it, say) and cutting its body in half (a complete HTTP
//! message whose JSON stops in the middle). What a vendor's garbled or lost answer looks like
//! stays in its simulator.

use axum::body::{to_bytes, Body, Bytes};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::response::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Largest answer read back whole.
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// The answer's head and its whole body.
///
/// # Errors
///
/// When the body cannot be read or is over 64 MiB (the simulators answer from memory, far
/// below that).
pub async fn read_answer(answer: Response) -> Result<(Parts, Bytes), axum::Error> {
    let (parts, body) = answer.into_parts();
    let bytes = to_bytes(body, MAX_ANSWER_BYTES).await?;
    Ok((parts, bytes))
}

/// The answer with only the first half of its body, sent as if it were all of it (status and
/// headers as they were, but no `Content-Length` for the whole). An answer that cannot be read
/// becomes a 500 saying so.
pub async fn first_half(answer: Response) -> Response {
    match read_answer(answer).await {
        Ok((mut parts, bytes)) => {
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
        }
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(CONTENT_TYPE, "text/plain")],
            format!("the simulator cannot read its own answer to cut it: {error}"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> Response {
        (
            StatusCode::CREATED,
            [(CONTENT_TYPE, "application/json"), (CONTENT_LENGTH, "13")],
            r#"{"id":123456}"#,
        )
            .into_response()
    }

    #[tokio::test]
    async fn an_answer_is_read_whole() {
        let (parts, body) = read_answer(answer()).await.expect("in memory");
        assert_eq!(parts.status, StatusCode::CREATED);
        assert_eq!(&body[..], br#"{"id":123456}"#);
    }

    #[tokio::test]
    async fn a_cut_answer_keeps_its_head_and_half_its_body() {
        let cut = first_half(answer()).await;
        assert_eq!(cut.status(), StatusCode::CREATED);
        assert_eq!(cut.headers()[CONTENT_TYPE], "application/json");
        assert!(cut.headers().get(CONTENT_LENGTH).is_none());
        let (_, body) = read_answer(cut).await.expect("in memory");
        assert_eq!(&body[..], br#"{"id":"#);
    }
}

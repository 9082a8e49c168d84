//! The answers of the mock's own `/mock/…` controls: unsigned JSON, a 400
//! `{"code":"MOCK_ERROR","message":…}` when the control fails.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::MockError;

/// `200` with `value`, or `400` with the error's message.
pub(crate) fn answer(result: Result<Value, MockError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "code": "MOCK_ERROR", "message": e.to_string() })),
        )
            .into_response(),
    }
}

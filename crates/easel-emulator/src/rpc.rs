//! Error replies in the shape TAMS uses: a `google.rpc.Status` body (`code`, `message`,
//! `details`) sent with the HTTP status grpc-gateway maps that code to. Only the codes the
//! emulator produces are here; the mapping follows the reference's section 9.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// HTTP 413 for a `/v1` body over the emulator's limit. The real service's reply is unknown (a
/// proxy in front would answer before grpc-gateway); the body is a code-3 Status so clients that
/// read `code` treat it as a request they must change, not one to retry.
pub fn payload_too_large(limit: usize) -> Response {
    let status = Status::new(3, format!("request body too large: this emulator reads at most {limit} bytes"));
    (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(status.body())).into_response()
}

/// One error reply. Built by handlers, turned into an HTTP response by axum.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// gRPC code (3 = INVALID_ARGUMENT, 5 = NOT_FOUND...).
    pub code: i32,
    /// Human-readable message.
    pub message: String,
    /// `details` entries, each with an `@type`.
    pub details: Vec<Value>,
}

impl Status {
    fn new(code: i32, message: impl Into<String>) -> Status {
        Status { code, message: message.into(), details: Vec::new() }
    }

    /// Code 16: missing or wrong credentials.
    pub fn unauthenticated() -> Status {
        Status::new(16, "unauthenticated")
    }

    /// Code 5: no such job, template, model...
    pub fn not_found(message: impl Into<String>) -> Status {
        Status::new(5, message)
    }

    /// Code 3 with one `tams_api.ArgumentError` detail, as the docs show for a bad workflow.
    pub fn invalid_argument(field: &str, message: impl Into<String>) -> Status {
        let detail = json!({
            "@type": "type.googleapis.com/tams_api.ArgumentError",
            "field": field,
            "message": message.into(),
        });
        Status { code: 3, message: "Params Valid".into(), details: vec![detail] }
    }

    /// Code 3 for a body that is not the JSON the method expects.
    pub fn bad_body(reason: impl std::fmt::Display) -> Status {
        Status::new(3, format!("invalid request body: {reason}"))
    }

    /// Code 2: what the service answers for a template field left out (HTTP 500).
    pub fn unknown(message: impl Into<String>) -> Status {
        Status::new(2, message)
    }

    /// Code 8: the request budget is spent.
    pub fn resource_exhausted() -> Status {
        Status::new(8, "rate limit exceeded: too many requests per second")
    }

    /// Code 14: an injected (or real) temporary outage.
    pub fn unavailable() -> Status {
        Status::new(14, "service temporarily unavailable")
    }

    /// The HTTP status grpc-gateway uses for this code.
    pub fn http_status(&self) -> StatusCode {
        match self.code {
            3 | 9 | 11 => StatusCode::BAD_REQUEST,
            5 => StatusCode::NOT_FOUND,
            7 => StatusCode::FORBIDDEN,
            8 => StatusCode::TOO_MANY_REQUESTS,
            14 => StatusCode::SERVICE_UNAVAILABLE,
            16 => StatusCode::UNAUTHORIZED,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON body; `details` is left out when empty, as protojson does.
    pub fn body(&self) -> Value {
        let mut body = json!({"code": self.code, "message": self.message});
        if !self.details.is_empty() {
            body["details"] = Value::Array(self.details.clone());
        }
        body
    }
}

impl IntoResponse for Status {
    fn into_response(self) -> Response {
        (self.http_status(), axum::Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_gateway_http_statuses() {
        assert_eq!(Status::new(2, "x").http_status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(Status::unauthenticated().http_status(), StatusCode::UNAUTHORIZED);
        assert_eq!(Status::resource_exhausted().http_status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(Status::unauthenticated().body(), json!({"code": 16, "message": "unauthenticated"}));
    }
}

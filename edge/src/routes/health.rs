use worker::Response;

use crate::http::{ApiResult, ok_json};

/// `GET /api/health`
pub fn get() -> ApiResult<Response> {
    Ok(ok_json(&serde_json::json!({ "ok": true })))
}

//! JSON responses, `ApiError` responses and request-body reading shared by every route.

use baton_shared::{ApiError, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Request, Response};

/// Result of a handler: any refusal is an `ApiError` with a stable code.
pub type ApiResult<T> = Result<T, ApiError>;

/// Largest JSON body a route reads (a site seed with its knowledge base is the biggest).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Turns runtime failures into `internal` errors, logging the cause for the operator.
pub trait OrInternal<T> {
    fn or_internal(self, what: &str) -> ApiResult<T>;
}

impl<T> OrInternal<T> for worker::Result<T> {
    fn or_internal(self, what: &str) -> ApiResult<T> {
        self.map_err(|e| {
            worker::console_error!("{what}: {e}");
            ApiError::new(ErrorCode::Internal, format!("{what} failed"))
        })
    }
}

/// A JSON response with the given status.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    let text = baton_shared::encode(body);
    text_response(status, text, "application/json")
}

pub fn ok_json<T: Serialize>(body: &T) -> Response {
    json(200, body)
}

pub fn error(err: &ApiError) -> Response {
    let mut response = json(err.code.http_status(), err);
    if let Some(ms) = err.retry_after_ms {
        // HTTP counts whole seconds; round up so a client that obeys it is let through.
        let _ = response.headers_mut().set("retry-after", &ms.div_ceil(1000).max(1).to_string());
    }
    response
}

fn text_response(status: u16, text: String, content_type: &str) -> Response {
    let response = Response::ok(text).map(|r| r.with_status(status));
    match response {
        Ok(mut response) => {
            // Setting a header on a fresh response only fails for invalid names, which these are not.
            let _ = response.headers_mut().set("content-type", content_type);
            let _ = response.headers_mut().set("cache-control", "no-store");
            response
        }
        Err(e) => {
            worker::console_error!("building a response failed: {e}");
            Response::empty().unwrap_or_else(|_| unreachable_response())
        }
    }
}

/// `Response::empty` only fails if the runtime cannot allocate a response at all.
fn unreachable_response() -> Response {
    worker::ResponseBuilder::new().with_status(500).empty()
}

/// Reads and decodes a JSON body, refusing oversize and malformed ones with clear codes.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    decode_json(&read_body(req).await?)
}

/// The request's body, refused unread when its declared length is over the limit: a stranger's
/// gigabyte is turned away before it is read into the worker's memory.
pub async fn read_body(req: &mut Request) -> ApiResult<Vec<u8>> {
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(length) = declared.filter(|length| *length > MAX_BODY_BYTES) {
        return Err(ApiError::new(
            ErrorCode::FrameTooLarge,
            format!("request body is {length} bytes; the limit is {MAX_BODY_BYTES}"),
        ));
    }
    req.bytes().await.map_err(|_| ApiError::new(ErrorCode::BadRequest, "request body could not be read"))
}

pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::new(
            ErrorCode::FrameTooLarge,
            format!("request body is {} bytes; the limit is {MAX_BODY_BYTES}", bytes.len()),
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(ErrorCode::MalformedJson, format!("body is not valid JSON: {e}")))?;
    serde_json::from_value(value).map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("invalid body: {e}")))
}

/// Reads a response coming back from a Durable Object: its JSON on success, its `ApiError` otherwise.
pub async fn read_reply<T: DeserializeOwned>(mut response: Response, what: &str) -> ApiResult<T> {
    let status = response.status_code();
    let text = response.text().await.or_internal(what)?;
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|e| {
            worker::console_error!("{what}: unreadable reply: {e}");
            ApiError::new(ErrorCode::Internal, format!("{what} failed"))
        })
    } else {
        Err(serde_json::from_str::<ApiError>(&text)
            .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal, format!("{what} failed with status {status}"))))
    }
}

/// Checks a reply whose body only matters when it is an error; a success is not read at all.
pub async fn check_reply(response: Response, what: &str) -> ApiResult<()> {
    match response.status_code() {
        200..300 => Ok(()),
        _ => read_reply::<serde_json::Value>(response, what).await.map(drop),
    }
}

/// Rebuilds a Durable Object's JSON reply as a fresh response whose headers may be changed.
pub async fn relay(mut response: Response, what: &str) -> ApiResult<Response> {
    let status = response.status_code();
    let text = response.text().await.or_internal(what)?;
    Ok(text_response(status, text, "application/json"))
}

/// The value of a query parameter.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    let url = req.url().ok()?;
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

pub fn is_websocket_upgrade(req: &Request) -> bool {
    req.headers().get("upgrade").ok().flatten().is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The `after` seq of a transcript page (`?after=SEQ`, default 0); anything else is refused.
pub fn after_seq(req: &Request) -> ApiResult<u64> {
    match query_param(req, "after") {
        None => Ok(0),
        Some(after) => after
            .parse::<u64>()
            .map_err(|_| ApiError::new(ErrorCode::BadRequest, "after must be a seq (a whole number)")),
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Requires a WebSocket upgrade request.
pub fn require_upgrade(req: &Request) -> ApiResult<()> {
    if is_websocket_upgrade(req) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::BadRequest, "this route expects a WebSocket upgrade"))
    }
}

/// The WebSocket subprotocol Baton's sockets speak. Browsers cannot set headers on a
/// WebSocket, so a socket's token travels as a second offered subprotocol, `bearer.{token}`,
/// never in its URL (which logs keep); the server answers with this one.
pub const SOCKET_PROTOCOL: &str = "baton";
const BEARER_PROTOCOL_PREFIX: &str = "bearer.";

fn offered_protocols(req: &Request) -> Vec<String> {
    let offered = req.headers().get("sec-websocket-protocol").ok().flatten().unwrap_or_default();
    offered.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// The token a socket request offers as its `bearer.{token}` subprotocol.
pub fn socket_token(req: &Request) -> Option<String> {
    offered_protocols(req)
        .into_iter()
        .find_map(|p| p.strip_prefix(BEARER_PROTOCOL_PREFIX).map(str::to_string))
        .filter(|t| !t.is_empty())
}

/// Answers a socket upgrade with Baton's subprotocol when the client offered it (a browser
/// drops a socket whose answer names none of the offered ones), refusals included.
pub fn with_socket_protocol(req: &Request, response: Response) -> Response {
    if response.status_code() != 101 || !offered_protocols(req).iter().any(|p| p == SOCKET_PROTOCOL) {
        return response;
    }
    let Some(ws) = response.websocket() else { return error(&ApiError::new(ErrorCode::Internal, "socket lost")) };
    let headers = worker::Headers::new();
    let answered = headers
        .set("sec-websocket-protocol", SOCKET_PROTOCOL)
        .and_then(|()| Response::from_websocket(ws))
        .map(|response| response.with_headers(headers));
    answered.unwrap_or_else(|_| error(&ApiError::new(ErrorCode::Internal, "could not answer the socket")))
}

/// Refuses a WebSocket upgrade in a way browsers can read: the socket opens, carries one
/// `error` frame with the code, and closes with 4000 + the HTTP status (4401, 4403, …).
pub fn refuse_socket(err: &ApiError) -> Response {
    let refused = (|| -> worker::Result<Response> {
        let pair = worker::WebSocketPair::new()?;
        pair.server.accept()?;
        pair.server.send_with_str(baton_shared::encode(&baton_shared::ServerFrame::error(err.clone(), None)))?;
        pair.server.close(Some(4000 + err.code.http_status()), Some(err.code.as_str()))?;
        Response::from_websocket(pair.client)
    })();
    refused.unwrap_or_else(|_| error(err))
}

/// Passes an accepted upgrade through unchanged; turns a refusal into its `ApiError`.
pub async fn upgraded(response: Response, what: &str) -> ApiResult<Response> {
    if response.status_code() == 101 {
        return Ok(response);
    }
    match check_reply(response, what).await {
        Err(err) => Err(err),
        Ok(_) => Err(ApiError::new(ErrorCode::Internal, format!("{what} was not upgraded"))),
    }
}

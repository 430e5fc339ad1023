//! CORS for the routes the widget calls from the embedding page's origin.
//!
//! The response headers only let the calling page read the answer; whether that origin may use
//! the site at all is decided per site (`baton_shared::origin`) before a route does any work.
//! WebSocket upgrades are not subject to CORS; their origin is checked the same way.

use worker::{Request, Response};

const ALLOWED_METHODS: &str = "GET, POST, OPTIONS";
const ALLOWED_HEADERS: &str = "content-type, authorization";
const MAX_AGE_SECONDS: &str = "86400";

fn origin(req: &Request) -> Option<String> {
    req.headers().get("origin").ok().flatten().filter(|o| !o.is_empty())
}

/// Answers an `OPTIONS` preflight.
pub fn preflight(req: &Request) -> Response {
    let response = worker::ResponseBuilder::new().with_status(204).empty();
    let mut response = allow(req, response);
    let headers = response.headers_mut();
    let _ = headers.set("access-control-allow-methods", ALLOWED_METHODS);
    let _ = headers.set("access-control-allow-headers", ALLOWED_HEADERS);
    let _ = headers.set("access-control-max-age", MAX_AGE_SECONDS);
    response
}

/// Lets the calling origin read the response.
pub fn allow(req: &Request, mut response: Response) -> Response {
    if let Some(origin) = origin(req) {
        let headers = response.headers_mut();
        // Setting headers on a response this worker built cannot fail for these names.
        let _ = headers.set("access-control-allow-origin", &origin);
        let _ = headers.append("vary", "Origin");
    }
    response
}

//! How test clients present a socket's token: as the `bearer.{token}` WebSocket subprotocol
//! beside `baton`, the way the widget and the console do, never in the URL on the wire.
//!
//! Tests name a socket as `…/ws?token=T` for brevity; [`request`] moves the token out of the
//! URL into the `Sec-WebSocket-Protocol` header before anything is sent.

use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;

/// The upgrade request for `url`, its `token` query parameter (if any) sent as a subprotocol.
pub fn request(url: &str) -> Result<Request, String> {
    let (bare, token) = split_token(url);
    let mut request = bare.into_client_request().map_err(|e| format!("bad socket url {bare}: {e}"))?;
    if let Some(token) = token {
        let offered = format!("baton, bearer.{token}");
        let value = offered.parse().map_err(|e| format!("token unusable as a subprotocol: {e}"))?;
        request.headers_mut().insert("sec-websocket-protocol", value);
    }
    Ok(request)
}

/// `…?token=T` → (`…`, Some(T)); a URL without one is returned as it is.
fn split_token(url: &str) -> (&str, Option<&str>) {
    match url.split_once("?token=") {
        Some((bare, token)) if !token.contains('&') => (bare, Some(token)),
        _ => (url, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_leaves_the_url_for_the_subprotocol_header() {
        let request =
            request("ws://127.0.0.1:1/api/sites/demo/dashboard?token=a.b_c").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(request.uri().to_string(), "ws://127.0.0.1:1/api/sites/demo/dashboard");
        assert_eq!(request.headers()["sec-websocket-protocol"], "baton, bearer.a.b_c");
        let bare = super::request("ws://127.0.0.1:1/x").unwrap_or_else(|e| panic!("{e}"));
        assert!(bare.headers().get("sec-websocket-protocol").is_none());
    }
}

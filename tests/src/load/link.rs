//! One WebSocket to a conversation, with a deadline on every write. Dropping a `Link` drops the
//! TCP stream without a close frame: that is how the load simulates a connection dying.

use std::time::Duration;

use baton_shared::{ClientFrame, ServerFrame, encode};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Generous, as a browser's is: giving up early only leaves the server an upgrade nobody awaits.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// A write that cannot complete in this time means the peer stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Link {
    ws: Ws,
}

/// What the socket produced next.
pub enum Incoming {
    Frame(Box<ServerFrame>),
    /// A text frame that is not a `ServerFrame`.
    Undecodable(String),
    /// The server closed the socket, or the stream failed.
    Gone(String),
}

impl Link {
    pub async fn open(url: &str) -> Result<Link, String> {
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio_tungstenite::connect_async(baton_e2e::socket_auth::request(url)?),
        )
        .await
        {
            Ok(Ok((ws, _))) => Ok(Link { ws }),
            Ok(Err(e)) => Err(format!("connect: {e}")),
            Err(_) => Err(format!("connect: no upgrade within {CONNECT_TIMEOUT:?}")),
        }
    }

    pub async fn send(&mut self, frame: &ClientFrame) -> Result<(), String> {
        match tokio::time::timeout(WRITE_TIMEOUT, self.ws.send(Message::text(encode(frame)))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("send: {e}")),
            Err(_) => Err(format!("send: not written within {WRITE_TIMEOUT:?}")),
        }
    }

    /// The next frame; cancel-safe, so it can race timers in a `select!`.
    pub async fn next(&mut self) -> Incoming {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    return match serde_json::from_str::<ServerFrame>(text.as_str()) {
                        Ok(frame) => Incoming::Frame(Box::new(frame)),
                        Err(e) => Incoming::Undecodable(format!("{e}: {:.200}", text.as_str())),
                    };
                }
                Some(Ok(Message::Close(close))) => return Incoming::Gone(format!("closed by the server: {close:?}")),
                // Pings are answered by tungstenite itself; binary frames are not part of the protocol.
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Incoming::Gone(format!("stream failed: {e}")),
                None => return Incoming::Gone("stream ended".into()),
            }
        }
    }

    /// Ends the socket properly, as a finished client would.
    pub async fn close(&mut self) {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, self.ws.close(None)).await;
    }
}

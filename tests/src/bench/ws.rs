//! One WebSocket carrying text frames, with a deadline on connecting and on every write.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Ws {
    stream: Stream,
}

impl Ws {
    pub async fn open(url: &str) -> Result<Ws, String> {
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio_tungstenite::connect_async(baton_e2e::socket_auth::request(url)?),
        )
        .await
        {
            Ok(Ok((stream, _))) => Ok(Ws { stream }),
            Ok(Err(e)) => Err(format!("connect: {e}")),
            Err(_) => Err(format!("connect: no upgrade within {CONNECT_TIMEOUT:?}")),
        }
    }

    pub async fn send(&mut self, text: String) -> Result<(), String> {
        match tokio::time::timeout(WRITE_TIMEOUT, self.stream.send(Message::text(text))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("send: {e}")),
            Err(_) => Err(format!("send: not written within {WRITE_TIMEOUT:?}")),
        }
    }

    /// The next text frame; an error once the socket is closed or broken. Cancel-safe.
    pub async fn next(&mut self) -> Result<String, String> {
        loop {
            match self.stream.next().await {
                Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_string()),
                Some(Ok(Message::Close(close))) => return Err(format!("closed by the server: {close:?}")),
                // tungstenite answers pings itself; nothing else is part of either protocol.
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("stream failed: {e}")),
                None => return Err("stream ended".into()),
            }
        }
    }

    /// The next text frame within `limit`.
    pub async fn next_within(&mut self, limit: Duration) -> Result<String, String> {
        tokio::time::timeout(limit, self.next()).await.map_err(|_| format!("nothing received within {limit:?}"))?
    }

    pub async fn close(mut self) {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, self.stream.close(None)).await;
    }
}

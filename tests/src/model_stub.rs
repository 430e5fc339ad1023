//! A stand-in for an OpenAI-compatible chat-completions endpoint, so the edge's real model
//! client runs against something we control: what it answers, and when.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::wait::{DEFAULT_DEADLINE, until_some};

/// How the stand-in answers.
#[derive(Debug, Clone)]
pub enum StubReply {
    /// A completion whose message content is this text.
    Text(String),
    /// An error status with a small JSON body.
    Status(u16),
}

pub struct ModelStub {
    /// The endpoint to configure as the site's `model.endpoint`.
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
    gate: Option<Arc<Semaphore>>,
    server: tokio::task::JoinHandle<()>,
}

impl ModelStub {
    /// Answers every request at once.
    pub async fn start(reply: StubReply) -> ModelStub {
        ModelStub::serve(reply, None).await
    }

    /// Holds every answer until `release` lets one through, like a slow model.
    pub async fn held(reply: StubReply) -> ModelStub {
        ModelStub::serve(reply, Some(Arc::new(Semaphore::new(0)))).await
    }

    async fn serve(reply: StubReply, gate: Option<Arc<Semaphore>>) -> ModelStub {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind model stub: {e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("model stub address: {e}"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (log, held) = (requests.clone(), gate.clone());
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, reply.clone(), log.clone(), held.clone()));
            }
        });
        ModelStub { url: format!("http://127.0.0.1:{port}/v1/chat/completions"), requests, gate, server }
    }

    /// Request bodies received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Waits until `count` requests have arrived; returns the last one's body.
    pub async fn wait_for_requests(&self, count: usize) -> String {
        until_some(&format!("{count} request(s) to the model"), DEFAULT_DEADLINE, || {
            let seen = self.requests();
            async move { (seen.len() >= count).then(|| seen.last().cloned().unwrap_or_default()) }
        })
        .await
    }

    /// Lets one held answer go.
    pub fn release(&self) {
        if let Some(gate) = &self.gate {
            gate.add_permits(1);
        }
    }
}

impl Drop for ModelStub {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn answer(mut stream: TcpStream, reply: StubReply, log: Arc<Mutex<Vec<String>>>, gate: Option<Arc<Semaphore>>) {
    let Some(body) = read_request_body(&mut stream).await else { return };
    if let Ok(mut log) = log.lock() {
        log.push(body);
    }
    if let Some(gate) = gate {
        match gate.acquire().await {
            Ok(permit) => permit.forget(),
            Err(_) => return,
        }
    }
    let (status, json) = match reply {
        StubReply::Text(text) => (
            200,
            serde_json::json!({
                "id": "stub", "object": "chat.completion",
                "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }]
            })
            .to_string(),
        ),
        StubReply::Status(status) => (status, r#"{"error":{"message":"stand-in failure"}}"#.to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status} Stub\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
        json.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads one HTTP/1.1 request and returns its body (by content-length).
async fn read_request_body(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let read = async {
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    return Some(String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned());
                }
            }
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.ok().flatten()
}

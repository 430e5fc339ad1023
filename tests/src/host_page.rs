//! A customer's website on another origin: a minimal HTTP server that answers every request
//! with one HTML page, so the widget is embedded cross-origin exactly as in production.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub struct HostPage {
    pub url: String,
    server: tokio::task::JoinHandle<()>,
}

impl HostPage {
    /// A plain page in `lang` that embeds the widget of `site` from `base` with the loader's
    /// `attributes` (e.g. `data-locale="de"`), as a customer's site would.
    pub async fn embedding(base: &str, site: &str, lang: &str, attributes: &str) -> HostPage {
        HostPage::serve(format!(
            r#"<!doctype html><html lang="{lang}"><head><title>Shop</title></head><body><h1>Shop</h1>
            <script src="{base}/widget.js" data-site="{site}" {attributes} async></script></body></html>"#
        ))
        .await
    }

    pub async fn serve(html: String) -> HostPage {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind host page: {e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("host page address: {e}"));
        let server = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let html = html.clone();
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request).await;
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                        html.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
        // `localhost` rather than 127.0.0.1: a different origin from the edge's even on loopback.
        HostPage { url: format!("http://localhost:{port}/"), server }
    }
}

impl Drop for HostPage {
    fn drop(&mut self) {
        self.server.abort();
    }
}

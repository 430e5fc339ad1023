//! The REST calls the load makes (seed, sign-in, start, transcript), with timeouts and errors
//! returned rather than panics: a refusal under load is a finding to report.

use std::time::Duration;

use baton_shared::{ApiError, ConversationView, ErrorCode, Event, LoginResponse, StartResponse};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Seeding hashes every account's password (PBKDF2) in the site object: allow for it.
const SEED_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub struct Rest {
    pub base: String,
    http: reqwest::Client,
}

#[derive(Debug, serde::Deserialize)]
pub struct Transcript {
    pub state: ConversationView,
    pub events: Vec<Event>,
}

/// Why a call failed: the server's refusal when it gave one.
#[derive(Debug)]
pub enum Failure {
    Refused { status: u16, error: ApiError },
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Refused { status, error } => write!(f, "HTTP {status} {}: {}", error.code.as_str(), error.message),
            Failure::Other(what) => f.write_str(what),
        }
    }
}

impl Failure {
    /// How long the server asked us to wait, for refusals worth retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Refused { error, .. } if error.code == ErrorCode::RateLimited => {
                Some(Duration::from_millis(error.retry_after_ms.unwrap_or(1000)))
            }
            Failure::Refused { status, .. } if *status >= 500 => Some(Duration::from_millis(500)),
            Failure::Refused { .. } => None,
            Failure::Other(_) => Some(Duration::from_millis(500)),
        }
    }
}

impl Rest {
    pub fn new(base: &str) -> Result<Rest, String> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Rest { base: base.to_string(), http })
    }

    async fn decode<T: DeserializeOwned>(what: &str, response: reqwest::Response) -> Result<T, Failure> {
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| Failure::Other(format!("{what}: reading the body: {e}")))?;
        if status != 200 {
            return Err(match serde_json::from_str::<ApiError>(&text) {
                Ok(error) => Failure::Refused { status, error },
                Err(_) => {
                    Failure::Other(format!("{what}: HTTP {status}: {}", text.chars().take(200).collect::<String>()))
                }
            });
        }
        serde_json::from_str(&text)
            .map_err(|e| Failure::Other(format!("{what}: undecodable answer ({e}): {text:.200}")))
    }

    async fn post<T: DeserializeOwned>(&self, what: &str, path: &str, body: &Value) -> Result<T, Failure> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .map_err(|e| Failure::Other(format!("{what}: {e}")))?;
        Self::decode(what, response).await
    }

    /// Creates or replaces a site through the admin API.
    pub async fn seed_site(&self, site: &str, admin_secret: &str, seed: &Value) -> Result<(), Failure> {
        let response = self
            .http
            .put(format!("{}/api/admin/sites/{site}", self.base))
            .bearer_auth(admin_secret)
            .timeout(SEED_TIMEOUT)
            .json(seed)
            .send()
            .await
            .map_err(|e| Failure::Other(format!("seeding {site}: {e}")))?;
        Self::decode::<Value>(&format!("seeding {site}"), response).await.map(|_| ())
    }

    /// `PUT` with an agent's token, as the console's pages do (the bench sets a site's desk).
    #[allow(dead_code)]
    pub async fn put_as(&self, what: &str, path: &str, token: &str, body: &Value) -> Result<Value, Failure> {
        let response = self
            .http
            .put(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(|e| Failure::Other(format!("{what}: {e}")))?;
        Self::decode(what, response).await
    }

    /// Signs in from the agent's own network (`baton_e2e::api::agent_network`): the worker
    /// limits sign-ins per network, and real agents do not share one.
    pub async fn login(&self, site: &str, email: &str, password: &str) -> Result<LoginResponse, Failure> {
        let what = format!("login {email}");
        let response = self
            .http
            .post(format!("{}/api/sites/{site}/login", self.base))
            .header("cf-connecting-ip", baton_e2e::api::agent_network(email))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .map_err(|e| Failure::Other(format!("{what}: {e}")))?;
        Self::decode(&what, response).await
    }

    pub async fn start(&self, site: &str) -> Result<StartResponse, Failure> {
        self.post("start conversation", &format!("/api/sites/{site}/conversations"), &json!({})).await
    }

    pub async fn transcript(&self, site: &str, conversation: &str, token: &str) -> Result<Transcript, Failure> {
        let response = self
            .http
            .get(format!("{}/api/sites/{site}/conversations/{conversation}/transcript", self.base))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| Failure::Other(format!("transcript of {conversation}: {e}")))?;
        Self::decode(&format!("transcript of {conversation}"), response).await
    }
}

/// Runs `call` until it succeeds, the failure is final, or `tries` run out, waiting as told.
pub async fn with_retries<T, F, Fut>(tries: u32, mut call: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(failure) => match failure.retry_after() {
                Some(wait) if attempt < tries => {
                    attempt += 1;
                    tokio::time::sleep(wait.min(Duration::from_secs(5))).await;
                }
                _ => return Err(failure),
            },
        }
    }
}

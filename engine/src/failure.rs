//! Why an input could not be handled: what the client is told, and what only the log hears.

use baton_shared::{ApiError, ErrorCode};

use crate::store::StoreResult;

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Sent to the client: a stable code and a message that reveals nothing internal.
    pub error: ApiError,
    /// For the shell's log: what the storage said.
    pub detail: Option<String>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure { error, detail: None }
    }
}

pub type Handled<T> = Result<T, Failure>;

pub trait OrFailed<T> {
    /// A storage failure while doing `what`: `internal` to the client, the cause to the log.
    fn or_failed(self, what: &str) -> Handled<T>;
}

impl<T> OrFailed<T> for StoreResult<T> {
    fn or_failed(self, what: &str) -> Handled<T> {
        self.map_err(|e| Failure {
            error: ApiError::new(ErrorCode::Internal, format!("{what} failed")),
            detail: Some(format!("{what}: {e}")),
        })
    }
}

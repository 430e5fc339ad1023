//! The site's hourly budget of language model calls: every conversation's calls count against
//! it before they are made, and supervisors see how much of it is spent.

use baton_shared::server::quota::{Window, WindowLimit};
use baton_shared::{ApiError, ModelUsage};
use serde::{Deserialize, Serialize};

use super::{LONGEST_WINDOW_MS, SiteDO};
use crate::http::{ApiResult, OrInternal, now_ms};

const HOUR_MS: u64 = 60 * 60 * 1000;
const KEY: &str = "model-calls";

/// Body of `/model/spend`: the budget as the conversation's copy of the settings says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelCallSpend {
    pub per_hour: u32,
}

impl SiteDO {
    pub(super) fn spend_model_call(&self, spend: ModelCallSpend) -> ApiResult<()> {
        let limit = WindowLimit { limit: spend.per_hour, window_ms: HOUR_MS };
        let now = now_ms();
        let window = self.store.attempts(KEY).or_internal("reading the model budget")?;
        limit.check(window, now).map_err(|wait_ms| {
            ApiError::rate_limited("the site's language model calls for this hour are spent", wait_ms)
        })?;
        let counted = limit.count(window, now);
        // The window is kept for its hour, longer than the attempts other windows sweep.
        let forget = now.saturating_sub(LONGEST_WINDOW_MS.max(HOUR_MS));
        self.store.set_attempts(KEY, counted, forget).or_internal("counting a model call")?;
        Ok(())
    }

    pub(super) fn model_usage(&self) -> ApiResult<ModelUsage> {
        let settings = self.store.settings().or_internal("reading the site's settings")?;
        let model = settings.model;
        let now = now_ms();
        let limit = WindowLimit { limit: model.as_ref().map_or(0, |m| m.calls_per_hour), window_ms: HOUR_MS };
        let window: Option<Window> =
            limit.current(self.store.attempts(KEY).or_internal("reading the model budget")?, now);
        Ok(ModelUsage {
            configured: model.is_some(),
            calls_this_hour: window.map_or(0, |w| w.count),
            calls_per_hour: limit.limit,
            calls_per_conversation_per_hour: model.map_or(0, |m| m.calls_per_conversation_per_hour),
            resets_at: window.map(|w| w.start_ms + HOUR_MS),
        })
    }
}

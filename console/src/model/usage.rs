//! What supervisors read of the site's language model budget.

use baton_shared::ModelUsage;

/// One line for the Rules page, or what to say when the site has no model.
pub fn model_usage_line(usage: &ModelUsage) -> String {
    if !usage.configured {
        return "No language model: the knowledge base answers on its own.".to_string();
    }
    let spent = if usage.calls_this_hour >= usage.calls_per_hour {
        " The budget is spent: the knowledge base answers alone until the hour is over."
    } else {
        ""
    };
    format!(
        "Language model: {} of {} calls this hour (at most {} per conversation).{spent}",
        usage.calls_this_hour, usage.calls_per_hour, usage.calls_per_conversation_per_hour
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(configured: bool, spent: u32) -> ModelUsage {
        ModelUsage {
            configured,
            calls_this_hour: spent,
            calls_per_hour: 600,
            calls_per_conversation_per_hour: 30,
            resets_at: None,
        }
    }

    #[test]
    fn the_line_says_how_much_of_the_hour_is_spent() {
        assert_eq!(
            model_usage_line(&usage(true, 37)),
            "Language model: 37 of 600 calls this hour (at most 30 per conversation)."
        );
        assert!(model_usage_line(&usage(true, 600)).contains("The budget is spent"));
        assert!(model_usage_line(&usage(false, 0)).starts_with("No language model"));
    }
}

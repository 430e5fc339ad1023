//! What a customer message is about, and whether the customer is repeating themselves.

use baton_shared::Intent;

pub fn classify(_text: &str) -> Intent {
    Intent::Question
}

/// Whether `text` asks again what one of the `earlier` customer messages already asked.
pub fn repeats(_earlier: &[&str], _text: &str) -> bool {
    false
}

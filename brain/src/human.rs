//! "I want to talk to a person", in words, in English, Spanish, French, German and Portuguese.

/// Whether the customer asks for a human.
pub fn asks_for_person(_text: &str) -> bool {
    false
}

//! Top-1 article accuracy on labelled question → article pairs.

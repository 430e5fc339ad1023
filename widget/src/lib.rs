//! Baton customer widget.

//! Baton edge worker.

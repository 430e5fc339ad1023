//! Binding values for the Durable Objects' SQLite statements.

use worker::SqlStorageValue;

pub fn text(value: &str) -> SqlStorageValue {
    SqlStorageValue::String(value.to_string())
}

pub fn int(value: u64) -> SqlStorageValue {
    // Seqs, epochs and millisecond timestamps stay far below 2^53.
    SqlStorageValue::Integer(value as i64)
}

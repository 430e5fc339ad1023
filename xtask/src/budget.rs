//! Widget weight budgets, checked on every `cargo xtask test`: sizes are deterministic, so a
//! build that makes every customer's page heavier fails like a broken test.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::paths::repo_root;

/// What a host page loads before the launcher shows.
pub const LOADER_GZIP_MAX: usize = 3 * 1024;
/// Everything transferred once the chat is open: loader, JS glue and wasm (CSS is in the wasm).
pub const OPEN_CHAT_GZIP_MAX: usize = 100 * 1024;

const LOADER: &str = "dist/widget.js";
const OPEN_CHAT: [&str; 3] = ["dist/widget.js", "dist/widget/baton_widget.js", "dist/widget/baton_widget_bg.wasm"];

pub fn gzip_size(bytes: &[u8]) -> Result<usize, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| format!("gzip: {e}"))?;
    encoder.finish().map(|out| out.len()).map_err(|e| format!("gzip: {e}"))
}

fn gzipped(root: &Path, file: &str) -> Result<usize, String> {
    let bytes = std::fs::read(root.join(file)).map_err(|e| format!("{file}: {e} (run the build first)"))?;
    gzip_size(&bytes)
}

/// Checks the built widget against its budgets; says what it measured either way.
pub fn check_widget() -> Result<(), String> {
    let root = repo_root();
    let loader = gzipped(&root, LOADER)?;
    let mut open_chat = 0;
    for file in OPEN_CHAT {
        open_chat += gzipped(&root, file)?;
    }
    println!(
        "widget weight (gzip, level 9): loader {loader} B of {LOADER_GZIP_MAX}, open chat {open_chat} B of {OPEN_CHAT_GZIP_MAX}"
    );
    if loader > LOADER_GZIP_MAX {
        return Err(format!("the loader is {loader} B gzip; its budget is {LOADER_GZIP_MAX} B"));
    }
    if open_chat > OPEN_CHAT_GZIP_MAX {
        return Err(format!("an open chat transfers {open_chat} B gzip; the budget is {OPEN_CHAT_GZIP_MAX} B"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_size_shrinks_repetition_and_counts_the_header() {
        let repeated = gzip_size(&[b'a'; 10_000]).unwrap();
        assert!(repeated > 18 && repeated < 100, "{repeated}");
    }
}

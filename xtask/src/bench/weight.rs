//! Part 1: the widget's weight. Every file a customer's browser downloads, raw, gzip (level 9,
//! as the budget check) and brotli (quality 11, what a CDN serves to browsers that accept it),
//! against the budgets; and the wasm's largest items.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::bench::wasm;
use crate::budget::{LOADER_GZIP_MAX, OPEN_CHAT_GZIP_MAX, gzip_size};
use crate::paths::repo_root;
use crate::tools;

/// What a host page fetches, in the order it does; paths as the browser requests them.
pub const ASSETS: [(&str, &str, &str); 3] = [
    ("loader", "/widget.js", "dist/widget.js"),
    ("JS glue", "/widget/baton_widget.js", "dist/widget/baton_widget.js"),
    ("wasm", "/widget/baton_widget_bg.wasm", "dist/widget/baton_widget_bg.wasm"),
];
const WASM: &str = "dist/widget/baton_widget_bg.wasm";
const CSS: &str = "widget/src/style.css";
const TOP: usize = 10;

pub fn brotli_size(bytes: &[u8]) -> Result<usize, String> {
    let mut out = Vec::new();
    {
        // Dropping the writer ends the stream.
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).map_err(|e| format!("brotli: {e}"))?;
    }
    Ok(out.len())
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl Sizes {
    pub fn of(bytes: &[u8]) -> Result<Sizes, String> {
        Ok(Sizes { raw: bytes.len(), gzip: gzip_size(bytes)?, brotli: brotli_size(bytes)? })
    }

    pub fn plus(self, other: Sizes) -> Sizes {
        Sizes { raw: self.raw + other.raw, gzip: self.gzip + other.gzip, brotli: self.brotli + other.brotli }
    }

    pub fn json(&self) -> Value {
        json!({ "raw": self.raw, "gzip": self.gzip, "brotli": self.brotli })
    }
}

fn read(root: &Path, file: &str) -> Result<Vec<u8>, String> {
    std::fs::read(root.join(file)).map_err(|e| format!("{file}: {e} (build first: cargo xtask build)"))
}

fn percent(part: usize, whole: usize) -> f64 {
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

pub fn measure() -> Result<Value, String> {
    let root = repo_root();
    let mut assets = Vec::new();
    let mut open_chat = Sizes::default();
    let mut loader = Sizes::default();
    for (name, url_path, file) in ASSETS {
        let sizes = Sizes::of(&read(&root, file)?)?;
        if name == "loader" {
            loader = sizes;
        }
        open_chat = open_chat.plus(sizes);
        assets.push(json!({ "name": name, "path": url_path, "file": file, "sizes": sizes.json() }));
    }
    let wasm_bytes = read(&root, WASM)?;
    let css = read(&root, CSS)?;
    let module = wasm::parse(&wasm_bytes)?;
    let css_segment = module.data.iter().position(|d| d.windows(css.len()).any(|w| w == css.as_slice()));
    Ok(json!({
        "assets": assets,
        "css": {
            "file": CSS,
            "sizes": Sizes::of(&css)?.json(),
            "inlined_in_wasm": css_segment.is_some(),
            "data_segment": css_segment.map(|i| format!("data[{i}]")),
        },
        "loader": loader.json(),
        "open_chat": open_chat.json(),
        "budgets_gzip": { "loader": LOADER_GZIP_MAX, "open_chat": OPEN_CHAT_GZIP_MAX },
        "percent_of_budget": {
            "loader": percent(loader.gzip, LOADER_GZIP_MAX),
            "open_chat": percent(open_chat.gzip, OPEN_CHAT_GZIP_MAX),
        },
        "wasm_sections": module.sections.iter().map(|s| json!({ "name": s.name, "bytes": s.bytes })).collect::<Vec<_>>(),
        "wasm_top": top_items(&root.join(WASM), &module, wasm_bytes.len(), css_segment.map(|i| (i, css.len()))),
    }))
}

/// twiggy's top items, or the parser's when twiggy cannot be had; data segments get a peek at
/// their contents, since the release build keeps no names.
fn top_items(wasm_path: &Path, module: &wasm::Module, total: usize, css: Option<(usize, usize)>) -> Value {
    let (tool, items) = match twiggy_top(wasm_path) {
        Ok(items) => (format!("twiggy {}", tools::TWIGGY), items),
        Err(e) => {
            println!("twiggy is not available ({e}); sizing the wasm's items with the built-in parser");
            ("built-in wasm parser (twiggy unavailable)".to_string(), wasm::top(module, TOP))
        }
    };
    let described: Vec<Value> = items
        .iter()
        .map(|item| {
            let segment =
                item.name.strip_prefix("data[").and_then(|s| s.strip_suffix(']')).and_then(|s| s.parse::<usize>().ok());
            let quoted = |d: &Vec<u8>| {
                let found = wasm::strings(d, 60);
                (!found.is_empty()).then(|| found.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(" "))
            };
            let note = match segment {
                Some(i) if css.is_some_and(|(segment, _)| segment == i) => {
                    css.map(|(_, bytes)| format!("data: the widget's CSS ({bytes} B) and other constants"))
                }
                Some(i) => Some(module.data.get(i).and_then(quoted).map_or("data".into(), |t| format!("data: {t}"))),
                None => Some("function (the release build keeps no names)".into()),
            };
            json!({ "name": item.name, "bytes": item.bytes, "percent": percent(item.bytes, total), "note": note })
        })
        .collect();
    json!({ "tool": tool, "items": described })
}

fn twiggy_top(wasm_path: &Path) -> Result<Vec<wasm::Item>, String> {
    let twiggy = tools::twiggy()?;
    let out = Command::new(&twiggy)
        .args(["top", "-n", &TOP.to_string(), "-f", "json"])
        .arg(wasm_path)
        .output()
        .map_err(|e| format!("cannot run twiggy: {e}"))?;
    if !out.status.success() {
        return Err(format!("twiggy failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let rows: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("twiggy's output: {e}"))?;
    let items = rows
        .as_array()
        .ok_or("twiggy's output is not a list")?
        .iter()
        .filter_map(|row| {
            Some(wasm::Item { name: row["name"].as_str()?.to_string(), bytes: row["shallow_size"].as_u64()? as usize })
        })
        .collect();
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_shrinks_repetition_and_is_valid() {
        let text = "the widget's CSS, repeated; ".repeat(200);
        let sizes = Sizes::of(text.as_bytes()).unwrap();
        assert_eq!(sizes.raw, text.len());
        assert!(sizes.brotli < sizes.gzip && sizes.gzip < 200, "{sizes:?}");
        assert_eq!(percent(512, 1024), 50.0);
    }
}

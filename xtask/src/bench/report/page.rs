//! Parts 1 and 2 of the report: what the widget weighs, and what it costs the page embedding it.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Format, bytes, get, head, ms, num, part, plain, ratio_of, row, times};

pub(super) fn weight(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 1. Widget weight\n");
    let Some(w) = part(f, "weight", out) else { return };
    head(out, &["file", "raw", "gzip -9", "brotli -q 11"]);
    let sizes = |v: &Value, label: String| {
        [label, bytes(num(v, "sizes.raw")), bytes(num(v, "sizes.gzip")), bytes(num(v, "sizes.brotli"))]
    };
    for asset in w["assets"].as_array().into_iter().flatten() {
        let label = format!("{} (`{}`)", asset["name"].as_str().unwrap_or("?"), asset["file"].as_str().unwrap_or("?"));
        row(out, &sizes(asset, label));
    }
    let css = &w["css"];
    let inlined = match css["inlined_in_wasm"].as_bool() {
        Some(true) => ", counted there, not fetched",
        _ => " (not found in it!)",
    };
    row(out, &sizes(css, format!("CSS (`{}`), inlined in the wasm{inlined}", css["file"].as_str().unwrap_or("?"))));
    let _ = writeln!(out);
    let before_load = get(f, "host.with_widget.requests_before_load");
    let before_launcher = get(f, "host.with_widget.requests_before_launcher");
    head(out, &["transferred", "gzip", "brotli", "budget (gzip)", "share of budget"]);
    for (label, key) in [
        ("before the host page's load event: the loader", "loader"),
        ("before the launcher shows, and for an open chat: loader + glue + wasm", "open_chat"),
    ] {
        row(
            out,
            &[
                label.to_string(),
                bytes(num(w, &format!("{key}.gzip"))),
                bytes(num(w, &format!("{key}.brotli"))),
                bytes(num(w, &format!("budgets_gzip.{key}"))),
                format!("{:.1} %", num(w, &format!("percent_of_budget.{key}")).unwrap_or(0.0)),
            ],
        );
    }
    let _ = writeln!(out);
    let list = |v: &Value| {
        let paths: Vec<String> =
            v.as_array().into_iter().flatten().filter_map(Value::as_str).map(|p| format!("`{p}`")).collect();
        if paths.is_empty() { "none".to_string() } else { paths.join(", ") }
    };
    if before_load.is_array() {
        let opened = get(f, "host.requests_with_chat_open");
        let _ = writeln!(
            out,
            "Seen in Chromium (resource timing of the host page, requests to the widget's origin): before the load \
             event: {}; before the launcher is visible: {}; once the visitor opened the chat: {}. The loader waits \
             for the load event and an idle moment before it fetches the glue and the wasm, and the launcher is \
             drawn by the wasm, so the host page pays only the loader until it has loaded, and the rest arrives \
             before the launcher appears; opening the chat adds the start request (and the socket, which resource \
             timing does not list), no code.\n",
            list(before_load),
            list(before_launcher),
            if opened.is_array() { list(opened) } else { "not seen".to_string() }
        );
    }
    let mut sections: Vec<(&str, f64)> = w["wasm_sections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["name"].as_str()?, num(s, "bytes")?)))
        .collect();
    sections.sort_by(|a, b| b.1.total_cmp(&a.1));
    if !sections.is_empty() {
        let listed: Vec<String> =
            sections.iter().take(4).map(|(name, b)| format!("{name} {}", bytes(Some(*b)))).collect();
        let _ = writeln!(out, "The wasm's largest sections: {}.\n", listed.join(", "));
    }
    let top = &w["wasm_top"];
    let _ = writeln!(
        out,
        "Largest items of the wasm ({}, shallow size of the release build):\n",
        top["tool"].as_str().unwrap_or("?")
    );
    head(out, &["item", "bytes", "share of the wasm", "what"]);
    for item in top["items"].as_array().into_iter().flatten() {
        row(
            out,
            &[
                format!("`{}`", item["name"].as_str().unwrap_or("?")),
                plain(num(item, "bytes")),
                format!("{:.1} %", num(item, "percent").unwrap_or(0.0)),
                item["note"].as_str().map(|n| n.replace('|', "\\|")).unwrap_or_default(),
            ],
        );
    }
    let _ = writeln!(
        out,
        "\n**How it was measured.** The files `cargo xtask build` writes to `dist/`, compressed in memory with \
         flate2 (gzip, level 9, as the budget check in `cargo xtask test` does) and the brotli crate (quality 11, \
         window 22). The budgets are those of `xtask/src/budget.rs`. The CSS is `include_str!`'d into the wasm, \
         found there byte for byte. The top list is twiggy's `top` of the optimised wasm; the release build keeps \
         no function names (`strip`, `wasm-opt -Oz`), so functions are numbered and data segments are described \
         by the strings they hold.\n"
    );
}

pub(super) fn host(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 2. Host-page impact\n");
    let Some(h) = part(f, "host", out) else { return };
    let rows: [(&str, &str, Format); 6] = [
        ("load event (`loadEventEnd`)", "load_event_ms", ms),
        ("first contentful paint", "first_contentful_paint_ms", ms),
        ("total blocking time", "total_blocking_time_ms", ms),
        ("long tasks (count)", "long_tasks", plain),
        ("longest task", "longest_task_ms", ms),
        ("launcher visible, after the load event", "launcher_after_load_ms", ms),
    ];
    let first_column = format!("p50 (max) over {} loads each", plain(num(h, "with_widget.runs")));
    head(out, &[first_column.as_str(), "without the widget", "with the widget", "ratio of p50"]);
    let cell = |variant: &str, key: &str, fmt: Format| {
        let (p50, max) = (num(h, &format!("{variant}.{key}.p50")), num(h, &format!("{variant}.{key}.max")));
        if num(h, &format!("{variant}.{key}.count")) == Some(0.0) {
            "–".to_string()
        } else {
            format!("{} ({})", fmt(p50), fmt(max))
        }
    };
    for (label, key, fmt) in rows {
        let ratio = ratio_of(num(h, &format!("with_widget.{key}.p50")), num(h, &format!("without_widget.{key}.p50")));
        row(out, &[label.to_string(), cell("without_widget", key, fmt), cell("with_widget", key, fmt), times(ratio)]);
    }
    row(
        out,
        &[
            "load event, repeat visit".to_string(),
            cell("repeat_visit.without_widget", "load_event_ms", ms),
            cell("repeat_visit.with_widget", "load_event_ms", ms),
            times(num(h, "repeat_visit.ratio.load_event_p50")),
        ],
    );
    let phase = |name: &str| ms(num(h, &format!("with_widget.loader_phases_ms.{name}.p50")));
    let _ = writeln!(
        out,
        "\nThe loader is an `async` script, and a browser holds the load event until every async script in the \
         page has run, so the loader's own request is the one thing the widget adds before the load event (the \
         glue and the wasm come after it, see part 1).\n\n\
         - **First visit**: load event p50 {} with the widget against {} without ({}, {:+.1} ms). The loader's \
         request took p50 {} (queued {}, connecting {}, waiting for the server {}, downloading {}): it is mostly \
         waiting, in the browser's queue and for `wrangler dev` to answer, while the freshly started browser keeps \
         both cores of this machine busy (the same request from the bench client, with no browser running, took \
         p50 {}). The page paints and stays \
         responsive meanwhile (first contentful paint and blocking time above).\n\
         - **Repeat visit** (the next page view, same profile): {} with against {} without ({}); the loader came \
         from the browser's cache in {} of {} loads. It may be reused for 5 minutes and then, for a day, while a \
         fresh copy is fetched in the background (`stale-while-revalidate`), so only a visitor's first page view \
         waits for it.\n",
        ms(num(h, "with_widget.load_event_ms.p50")),
        ms(num(h, "without_widget.load_event_ms.p50")),
        times(num(h, "ratio.load_event_p50")),
        num(h, "delta_ms.load_event_p50").unwrap_or(0.0),
        ms(num(h, "with_widget.loader_request_ms.p50")),
        phase("queued"),
        phase("connect"),
        phase("server"),
        phase("download"),
        ms(num(h, "loader_request_alone_ms.p50")),
        ms(num(h, "repeat_visit.with_widget.load_event_ms.p50")),
        ms(num(h, "repeat_visit.without_widget.load_event_ms.p50")),
        times(num(h, "repeat_visit.ratio.load_event_p50")),
        plain(num(h, "repeat_visit.with_widget.loader_from_cache")),
        plain(num(h, "repeat_visit.with_widget.runs")),
    );
    let _ = writeln!(
        out,
        "**How it was measured.** The demo shop page (`demo/demo.html`), served by the test harness's `HostPage` \
         on its own origin (`localhost:<port>`), once without any script tag and once with the one-line embed \
         pointing at the stack (`127.0.0.1:<port>/widget.js`, another origin). Visits alternate without/with, each \
         in a fresh headless Chromium profile (a first visit: nothing cached), then the same page again in that \
         profile (a repeat visit). The loader's phases come from its resource timing entry, which the widget's \
         `Timing-Allow-Origin: *` opens to the host page. A script first in `<head>` records \
         long tasks (`PerformanceObserver`, type `longtask`, buffered), first contentful paint, `loadEventEnd` of \
         the navigation entry, and, polling every animation frame after the load event, the first frame in which \
         the launcher button inside the widget's shadow root has a box. Total blocking time sums, over long tasks \
         starting between first contentful paint and {} ms after the load event, the time beyond 50 ms.\n",
        plain(num(h, "window_after_load_ms"))
    );
}

//! Part 7 of the report: the history of closed conversations, searched and written.

use std::fmt::Write as _;

use serde_json::Value;

use super::{head, ms, num, part, pcts, plain, row, times};

/// "100,000": the generated history's size reads better grouped.
pub(super) fn thousands(value: Option<f64>) -> String {
    let Some(v) = value else { return "–".into() };
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

pub(super) fn history(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 7. History search\n");
    let Some(h) = part(f, "history", out) else { return };
    let size = thousands(num(h, "conversations"));
    let s = &h["search"];
    let p = ["p50", "p99", "max"];
    let first_column = format!("search over {size} closed conversations");
    head(
        out,
        &[
            first_column.as_str(),
            "query",
            "matching",
            "on its page",
            "p50 / p99 / max",
            "first request",
            "p50 ÷ baseline",
        ],
    );
    for kind in s["kinds"].as_array().into_iter().flatten() {
        row(
            out,
            &[
                kind["what"].as_str().unwrap_or("?").to_string(),
                format!("`{}`", kind["query"].as_str().unwrap_or("?")),
                thousands(num(kind, "matching")),
                plain(num(kind, "first_page")),
                pcts(kind, "ms", &p),
                ms(num(kind, "first_request_ms")),
                times(num(kind, "ratio_p50")),
            ],
        );
    }
    row(
        out,
        &[
            "all of the above".to_string(),
            String::new(),
            String::new(),
            String::new(),
            pcts(s, "overall_ms", &p),
            String::new(),
            times(num(s, "ratio_overall.p50")),
        ],
    );
    row(
        out,
        &[
            "baseline: open one conversation by its id".to_string(),
            "`/history/{id}`".to_string(),
            "1".to_string(),
            String::new(),
            pcts(s, "baseline.ms", &p),
            ms(num(s, "baseline.first_request_ms")),
            "×1".to_string(),
        ],
    );
    let samples = num(s, "baseline.ms.count");
    let _ = writeln!(
        out,
        "\n{} rounds, so {} samples per row{}.",
        plain(num(s, "rounds")),
        plain(samples),
        if samples.is_some_and(|n| n < 100.0) { " (fewer than 100: p99 is the maximum)" } else { "" }
    );
    if let Some(failed) = num(s, "failed_requests").filter(|n| *n > 0.0) {
        let errors: Vec<&str> = s["errors"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let _ = writeln!(out, "\n{} requests failed: {}", plain(Some(failed)), errors.join("; "));
    }
    close(h, out);
    generation(h, &size, out);
}

fn close(h: &Value, out: &mut String) {
    let c = &h["close"];
    if c.is_null() {
        return;
    }
    let _ = writeln!(out);
    let first_column = format!("{} conversations closed by their customer", plain(num(c, "conversations")));
    head(out, &[first_column.as_str(), "p50 / p99 / max", "samples"]);
    let poll = plain(num(c, "poll_ms"));
    for (label, key) in [
        ("\"End chat\" (`end` frame) → the customer's socket reads the close event".to_string(), "close_event_ms"),
        (format!("\"End chat\" → a history search finds it (asked again {poll} ms after each answer)"), "findable_ms"),
        (
            "the close event → a history search finds it (each conversation's difference)".to_string(),
            "findable_after_close_event_ms",
        ),
        ("baseline: the customer's message → its ack".to_string(), "message_ack_ms"),
    ] {
        row(out, &[label, pcts(c, key, &["p50", "p99", "max"]), plain(num(c, &format!("{key}.count")))]);
    }
    let _ = writeln!(
        out,
        "\nA close ÷ a message, p50 / p99: {} / {}.",
        times(num(c, "ratio_close_to_ack.p50")),
        times(num(c, "ratio_close_to_ack.p99"))
    );
    if let Some(failed) = num(c, "failed").filter(|n| *n > 0.0) {
        let errors: Vec<&str> = c["errors"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let _ = writeln!(out, "\n{} conversations failed: {}", plain(Some(failed)), errors.join("; "));
    }
}

fn generation(h: &Value, size: &str, out: &mut String) {
    let g = &h["generation"];
    let outcomes = [
        ("resolved_by_bot", "resolved by the bot"),
        ("resolved_by_person", "resolved by a person"),
        ("left_message", "left a message"),
        ("abandoned", "abandoned"),
    ]
    .iter()
    .map(|(key, label)| format!("{} {label}", thousands(num(g, &format!("outcomes.{key}")))))
    .collect::<Vec<_>>()
    .join(", ");
    let checks: Vec<&str> = h["checks"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let checked = if checks.is_empty() {
        "Every page above listed exactly the conversations the generator's arithmetic predicts, and the email's \
         conversation, found by the search and opened whole, read back field for field as the generator made it."
            .to_string()
    } else {
        format!("Where the worker's answers differ from the generator's arithmetic: {}.", checks.join("; "))
    };
    let _ = writeln!(
        out,
        "\nThe history was generated in {} s (setup, not a figure of Baton; {}). {checked}\n",
        num(g, "seconds").map_or("?".into(), |s| format!("{s:.1}")),
        g["how"].as_str().unwrap_or("?"),
    );
    let _ = writeln!(
        out,
        "**How it was measured.** On its own `wrangler dev` (a snapshot of the build, fresh state, the bench site \
         seeded), one authenticated `GET /api/sites/bench/history` first makes the worker create the history's \
         tables; then {size} closed conversations are written straight into that stack's local D1 by `wrangler d1 \
         execute baton-history --local`: one `INSERT … SELECT` over a recursive CTE for `conversations` and one \
         for `conversations_fts`, each row as `edge/src/history.rs` writes it (the entry and the record are the \
         JSON of `HistoryEntry` and `HistoryRecord`, built with SQLite's JSON functions; the record's transcript \
         is left empty). Close times are spread evenly over the last {} days; outcomes: {outcomes}; {} rated 1–5; \
         the conversations resolved by a person were held by one of {} agents. Each conversation's index holds \
         its visitor's email (`visitor{{i}}@example.test`) and {} words drawn from a vocabulary of {} as the \
         product of two uniform draws, so the first words are in about a fifth of all conversations and the last \
         in a handful; no word begins another, so a search, whose last word is also a prefix, finds exactly the \
         conversations holding it. Everything about a conversation is arithmetic on its number, done in the SQL and \
         again in the bench, so the bench knows what each search must list. The searches go through the worker over \
         HTTP as the console's History screen sends them, with an agent's token, one page (25) at a time: each \
         kind once (\"first request\", not in the percentiles; its page checked), then rounds of every kind in \
         turn, each round ending with the baseline, opening the email's conversation by its id (one primary-key \
         read in D1: the same round trip without a search). Times run from sending the request to having the whole \
         body. Closes: conversations one after another on the same stack; each starts over the API, its \
         customer's socket says hello and sends one message holding a word no other conversation holds, timed to \
         its ack (the baseline), and waits for the bot's answer; then the customer sends `end` and the time runs \
         until the socket reads the close event (`mode` closed), and, with the search for that word asked \
         meanwhile and again {} ms after each answer (on the same server, whose one thread the polls share with \
         the close), until an answer lists the conversation. The conversation writes its record to D1 after the \
         close, so that figure is the close, the write and the search; it counts the arrival of the answer that \
         found it, so it overstates the moment the conversation became findable by up to {} ms and one search. \
         The generation's time is the whole `wrangler d1 execute`, its own start included.\n",
        plain(num(g, "days")),
        thousands(num(g, "rated")),
        plain(num(g, "agents")),
        plain(num(g, "words_per_conversation")),
        plain(num(g, "vocabulary")),
        plain(num(&h["close"], "poll_ms")),
        plain(num(&h["close"], "poll_ms")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_the_section() {
        assert_eq!(thousands(Some(100_000.0)), "100,000");
        assert_eq!(thousands(Some(999.0)), "999");
        assert_eq!(thousands(Some(1234.0)), "1,234");
        let summary = json!({ "count": 100, "p50": 12.5, "p95": 20.0, "p99": 31.0, "max": 40.0 });
        let figures = json!({ "history": {
            "conversations": 100_000,
            "generation": { "seconds": 41.2, "how": "while wrangler dev was running", "vocabulary": 330,
                "words_per_conversation": 12, "days": 90, "agents": 4, "rated": 30_012,
                "outcomes": { "resolved_by_bot": 55_000, "resolved_by_person": 30_000, "left_message": 8_000, "abandoned": 7_000 } },
            "checks": [],
            "search": {
                "rounds": 100,
                "kinds": [{ "kind": "common_word", "what": "a common word (\"order\")", "query": "q=order",
                    "matching": 23_377, "first_page": 25, "first_request_ms": 80.0, "ms": summary, "ratio_p50": 2.5 }],
                "overall_ms": summary, "baseline": { "first_request_ms": 9.0, "ms": summary },
                "ratio_overall": { "p50": 2.5 }, "failed_requests": 0, "errors": [],
            },
            "close": { "conversations": 50, "poll_ms": 10, "close_event_ms": summary, "findable_ms": summary,
                "findable_after_close_event_ms": summary, "message_ack_ms": summary,
                "ratio_close_to_ack": { "p50": 1.0, "p99": 1.1 }, "failed": 0, "errors": [] },
        }});
        let mut out = String::new();
        history(&figures, &mut out);
        assert!(out.contains("| a common word (\"order\") | `q=order` | 23,377 | 25 | 12.5 ms / 31.0 ms / 40.0 ms | 80.0 ms | ×2.50 |"), "{out}");
        assert!(out.contains("generated in 41.2 s") && out.contains("read back field for field"), "{out}");
        assert!(out.contains("55,000 resolved by the bot") && out.contains("10 ms after each answer"), "{out}");
        assert!(out.contains("100 rounds, so 100 samples per row.\n"), "{out}");
        let md = crate::bench::report::markdown(&figures);
        assert!(
            md.contains(
                "| history search over 100,000 closed conversations, all kinds, p50 / p99 | 12.5 ms / 31.0 ms |"
            ),
            "{md}"
        );
        assert!(md.contains("## 7. History search") && md.contains("## 8. Cost growth"));
        let mut failed = String::new();
        history(&json!({ "history": { "error": "no D1" } }), &mut failed);
        assert!(failed.contains("_Could not be measured: no D1_"));
    }
}

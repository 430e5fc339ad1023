//! Part 9 of the report: what a sign-in and site-info flood from one address costs the chats.

use std::fmt::Write as _;

use serde_json::Value;

use super::history::thousands;
use super::{head, ms, num, part, plain, ratio_of, row, times};

/// Answers by status, most frequent first: "429 ×1,200, 401 ×20".
fn answers(tally: &Value) -> String {
    let mut counts: Vec<(&String, f64)> =
        tally.as_object().into_iter().flatten().filter_map(|(status, n)| Some((status, n.as_f64()?))).collect();
    if counts.is_empty() {
        return "none".into();
    }
    counts.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    counts.iter().map(|(status, n)| format!("{status} ×{}", thousands(Some(*n)))).collect::<Vec<_>>().join(", ")
}

/// Whether every ratio stayed under the target, and which did not.
fn verdict(fl: &Value) -> String {
    let target = num(fl, "target_ratio").unwrap_or(1.5);
    let over: Vec<String> = ["start_p50", "start_p99", "relay_p99"]
        .iter()
        .filter_map(|key| num(&fl["ratios"], key).filter(|r| *r >= target).map(|r| format!("{key} {}", times(Some(r)))))
        .collect();
    match fl["within_target"].as_bool() {
        Some(true) => "met".into(),
        Some(false) => format!("**not met** ({})", over.join(", ")),
        None => "not judged (a window had no samples)".into(),
    }
}

pub(super) fn flood(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 9. Sign-in flood from one address\n");
    let Some(fl) = part(f, "flood", out) else { return };
    head(out, &["figure", "without the flood", "with the flood", "with ÷ without"]);
    for (label, key, ratio_key) in [
        ("conversation start, p50", "start_p50_ms", Some("start_p50")),
        ("conversation start, p99", "start_p99_ms", Some("start_p99")),
        ("relay customer → agent, p50", "relay_p50_ms", None),
        ("relay customer → agent, p99", "relay_p99_ms", Some("relay_p99")),
    ] {
        let (without, with) = (num(fl, &format!("baseline.{key}")), num(fl, &format!("flood.{key}")));
        let ratio = match ratio_key {
            Some(r) => num(&fl["ratios"], r),
            None => ratio_of(with, without),
        };
        row(out, &[label.to_string(), ms(without), ms(with), times(ratio)]);
    }
    if fl["quiet_halves_ratios"].is_object() {
        let halves = |key: &str| times(num(&fl["quiet_halves_ratios"], key));
        row(
            out,
            &[
                "chance alone: quiet odd ÷ even rounds (start p50, start p99, relay p99)".to_string(),
                String::new(),
                String::new(),
                format!("{}, {}, {}", halves("start_p50"), halves("start_p99"), halves("relay_p99")),
            ],
        );
    }
    let samples = |phase: &str| format!("{}, {}", plain(num(&fl[phase], "starts")), plain(num(&fl[phase], "relayed")));
    row(out, &["samples: starts, relayed".to_string(), samples("baseline"), samples("flood"), String::new()]);
    let failed = |phase: &str| plain(num(&fl[phase], "start_failures"));
    row(out, &["failed starts".to_string(), failed("baseline"), failed("flood"), String::new()]);
    let errors: Vec<&str> = ["baseline", "flood"]
        .iter()
        .flat_map(|phase| fl[*phase]["start_errors"].as_array().into_iter().flatten().filter_map(Value::as_str))
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "\nStart errors: {}.", errors.join("; "));
    }
    let target = num(fl, "target_ratio").unwrap_or(1.5);
    let _ = writeln!(
        out,
        "\nWhile the flood ran, {} loops sent sign-ins with random emails (`POST /api/sites/bench/login`) \
         and {} loops fetched the site's public info (`GET /api/sites/bench`), all from one address ({}), each \
         sending up to {} requests a second, the loops' first requests spread over one period so that together \
         they are a steady stream ({} requests a second in all; unpaced, the flood would measure the CPU it \
         takes from the stack on this two-core machine rather than the site object): the sign-ins were \
         answered {}, the site info {}. The target is a ratio under {} for each of start p50, start p99 and relay \
         p99: {}.\n",
        plain(num(fl, "sign_in_loops")),
        plain(num(fl, "site_info_loops")),
        fl["flood_address"].as_str().unwrap_or("?"),
        plain(num(fl, "loop_rate_per_s")),
        plain(num(fl, "flood.flood_requests_per_s")),
        answers(&fl["flood"]["sign_ins"]),
        answers(&fl["flood"]["site_info"]),
        plain(Some(target)),
        verdict(fl),
    );
    let gap = fl["relay_gap_ms"].as_array().map_or(String::new(), |g| {
        format!(" ({}–{} ms apart)", plain(g.first().and_then(Value::as_f64)), plain(g.get(1).and_then(Value::as_f64)))
    });
    let _ = writeln!(
        out,
        "**How it was measured.** On the chat stack, {} s without the flood and {} s with it, cut into {} rounds \
         taken in turns (without, then with) so that drift weighs on both alike, each phase pooling its rounds' \
         samples: {} conversation starts a second (`POST /api/sites/bench/conversations` with `{{}}`, each from an \
         address of its own, started on schedule whether or not the last had answered, timed to the whole answer) \
         and {} taken-over conversations relaying messages, customer and agent in turn{gap}, each customer message \
         timed from its write to the agent's socket reading it. Every window replays the same gaps.\n",
        plain(num(fl, "window_s")),
        plain(num(fl, "window_s")),
        plain(num(fl, "rounds").or(Some(1.0))),
        plain(num(fl, "start_rate_per_s")),
        plain(num(fl, "relay_conversations")),
    );
    if let (Some(done), Some(planned)) = (num(fl, "rounds"), num(fl, "rounds_planned"))
        && done < planned
    {
        let _ = writeln!(
            out,
            "Only {} of the {} planned rounds fitted in the part's time.\n",
            plain(Some(done)),
            plain(Some(planned))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn phase(start_p99: f64, relay_p99: f64) -> Value {
        json!({ "start_p50_ms": 40.0, "start_p99_ms": start_p99, "starts": 80, "start_failures": 0,
            "relay_p50_ms": 5.0, "relay_p99_ms": relay_p99, "relayed": 200, "start_errors": [] })
    }

    #[test]
    fn renders_the_section() {
        let mut flooded = phase(90.0, 12.0);
        flooded["sign_ins"] = json!({ "401": 20, "429": 1200 });
        flooded["site_info"] = json!({ "200": 900 });
        flooded["flood_requests_per_s"] = json!(106.0);
        let figures = json!({ "flood": {
            "quiet_halves_ratios": { "start_p50": 1.02, "start_p99": 1.31, "relay_p99": 0.87 },
            "window_s": 20, "start_rate_per_s": 4.0, "relay_conversations": 8, "relay_gap_ms": [200, 600],
            "flood_address": "203.0.113.77", "sign_in_loops": 8, "site_info_loops": 8,
            "baseline": phase(60.0, 10.0), "flood": flooded,
            "ratios": { "start_p50": 1.0, "start_p99": 1.5, "relay_p99": 1.2 },
            "target_ratio": 1.5, "within_target": false,
        }});
        let mut out = String::new();
        flood(&figures, &mut out);
        assert!(out.contains("| conversation start, p99 | 60.0 ms | 90.0 ms | ×1.50 |"), "{out}");
        assert!(out.contains("| relay customer → agent, p50 | 5.0 ms | 5.0 ms | ×1.00 |"), "{out}");
        assert!(out.contains("| samples: starts, relayed | 80, 200 | 80, 200 |  |"), "{out}");
        assert!(out.contains("answered 429 ×1,200, 401 ×20, the site info 200 ×900"), "{out}");
        assert!(out.contains("**not met** (start_p99 ×1.50)"), "{out}");
        let md = crate::bench::report::markdown(&figures);
        assert!(md.contains("## 9. Sign-in flood from one address"), "{md}");
        assert!(md.contains("| ×1.02, ×1.31, ×0.87 |"), "{md}");
        assert!(
            md.contains("| conversation start / relay p99 during a one-address flood | 90.0 ms / 12.0 ms |"),
            "{md}"
        );
        let mut failed = String::new();
        flood(&json!({ "flood": { "error": "no stack" } }), &mut failed);
        assert!(failed.contains("_Could not be measured: no stack_"));
    }
}

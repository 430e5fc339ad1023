//! Part 8: how the relay, the bot and the fan-out grow with their size, read off the figures
//! of parts 3, 5 and 6 of the same run, and where the machine first ran out.

use serde_json::{Value, json};

/// A figure measured at increasing sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub what: String,
    pub size_name: &'static str,
    pub points: Vec<(f64, f64)>,
    pub unit: &'static str,
}

/// The exponent k of value ∝ size^k between the smallest and the largest size.
pub fn exponent(points: &[(f64, f64)]) -> Option<f64> {
    let (&(x0, y0), &(x1, y1)) = (points.first()?, points.last()?);
    (x0 > 0.0 && x1 > x0 && y0 > 0.0 && y1 > 0.0).then(|| (y1 / y0).ln() / (x1 / x0).ln())
}

pub fn verdict(k: f64) -> &'static str {
    match k {
        k if k < 0.15 => "flat: does not grow with size",
        k if k < 0.85 => "sublinear",
        k if k <= 1.15 => "linear",
        _ => "superlinear",
    }
}

fn at(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, key| v.get(*key)).and_then(Value::as_f64)
}

fn series(
    what: &str,
    size_name: &'static str,
    unit: &'static str,
    rows: &[Value],
    size: &[&str],
    value: &[&str],
) -> Option<Series> {
    let points: Vec<(f64, f64)> = rows.iter().filter_map(|r| Some((at(r, size)?, at(r, value)?))).collect();
    (points.len() >= 2).then(|| Series { what: what.to_string(), size_name, points, unit })
}

fn rows<'a>(figures: &'a Value, path: &[&str]) -> &'a [Value] {
    path.iter().try_fold(figures, |v, key| v.get(*key)).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Every series the run has enough points for.
pub fn all_series(figures: &Value) -> Vec<Series> {
    let relay = rows(figures, &["relay", "levels"]);
    let cpu = rows(figures, &["bot_cpu", "respond"]);
    let build = rows(figures, &["bot_cpu", "build"]);
    let bot = rows(figures, &["bot", "sizes"]);
    let consoles = rows(figures, &["fanout", "subscribers"]);
    let steps = rows(figures, &["fanout", "steps"]);
    let c = "conversations";
    [
        series("relay customer→agent p50, Baton", c, "ms", relay, &[c], &["baton", "customer_to_agent_ms", "p50"]),
        series("relay customer→agent p99, Baton", c, "ms", relay, &[c], &["baton", "customer_to_agent_ms", "p99"]),
        series("relay customer→agent p50, bare relay", c, "ms", relay, &[c], &["bare", "customer_to_agent_ms", "p50"]),
        series("relay agent→customer p50, Baton", c, "ms", relay, &[c], &["baton", "agent_to_customer_ms", "p50"]),
        series(
            "workerd CPU per relayed message beyond idle, Baton",
            c,
            "ms",
            relay,
            &[c],
            &["baton", "workerd_cpu_ms_per_message_net_of_idle"],
        ),
        series("workerd busy with nothing sent, Baton", c, "cores", relay, &[c], &["baton", "workerd_idle_cores"]),
        series("bot CPU per message (native)", "articles", "µs", cpu, &["articles"], &["mean_us"]),
        series("knowledge-base index build (native)", "articles", "µs", build, &["articles"], &["mean_us"]),
        series("bot reply in workerd p50", "articles", "ms", bot, &["articles"], &["reply_ms", "p50"]),
        series(
            "a site's first conversation start (loads and indexes the articles)",
            "articles",
            "ms",
            bot,
            &["articles"],
            &["first_conversation_start_ms"],
        ),
        series("dashboard delay p50", "consoles", "ms", consoles, &["consoles"], &["dashboard_delay_ms", "p50"]),
        series("dashboard delay p99", "consoles", "ms", consoles, &["consoles"], &["dashboard_delay_ms", "p99"]),
        series(
            "workerd CPU per message with dashboards",
            "consoles",
            "ms",
            consoles,
            &["consoles"],
            &["workerd_cpu_ms_per_message"],
        ),
        series("messages sustained per second", c, "msg/s", steps, &[c], &["achieved_per_s"]),
        series("dashboard delay p50", c, "ms", steps, &[c], &["dashboard_delay_ms", "p50"]),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Offered load counts as sustained while at least this share of it gets through.
const SUSTAINED: f64 = 0.9;

/// The first fan-out step the machine did not keep up with, or the largest it did.
pub fn first_limit(figures: &Value) -> Value {
    let steps = rows(figures, &["fanout", "steps"]);
    let saturated = steps.iter().find(|s| match (at(s, &["achieved_per_s"]), at(s, &["offered_per_s"])) {
        (Some(achieved), Some(offered)) => achieved < SUSTAINED * offered,
        _ => false,
    });
    let cores_busy = |s: &Value| Some(at(s, &["cpu", "workerd_cpu_s"])? / at(s, &["cpu", "wall_s"])?.max(0.001));
    match saturated {
        Some(step) => json!({
            "saturated": true,
            "conversations": at(step, &["conversations"]),
            "offered_per_s": at(step, &["offered_per_s"]),
            "sustained_per_s": at(step, &["achieved_per_s"]),
            "workerd_cores_busy": cores_busy(step).map(|c| (c * 100.0).round() / 100.0),
            "client_cores_busy": at(step, &["cpu", "bench_client_cpu_s"]).zip(at(step, &["cpu", "wall_s"])).map(|(c, w)| (c / w.max(0.001) * 100.0).round() / 100.0),
        }),
        None => json!({
            "saturated": false,
            "largest_sustained_per_s": steps.iter().filter_map(|s| at(s, &["achieved_per_s"])).fold(0.0, f64::max),
        }),
    }
}

/// Exponents between consecutive sizes: one figure for the whole range hides a curve.
pub fn segments(points: &[(f64, f64)]) -> Vec<Option<f64>> {
    points.windows(2).map(exponent).collect()
}

/// Segments further apart than this make the overall exponent a poor summary.
const UNEVEN: f64 = 0.4;

/// The verdict over the whole range, or what each segment does when they disagree.
pub fn describe(points: &[(f64, f64)]) -> Option<String> {
    let k = exponent(points)?;
    let parts: Vec<f64> = segments(points).into_iter().flatten().collect();
    let spread =
        parts.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b)) - parts.iter().fold(f64::INFINITY, |a, b| a.min(*b));
    if parts.len() < 2 || spread <= UNEVEN {
        return Some(verdict(k).to_string());
    }
    let steps: Vec<String> = points
        .windows(2)
        .zip(&parts)
        .map(|(w, k)| format!("{} → {}: k {k:.2}, {}", w[0].0, w[1].0, verdict(*k)))
        .collect();
    Some(format!("uneven ({})", steps.join("; ")))
}

pub fn json(figures: &Value) -> Value {
    let series: Vec<Value> = all_series(figures)
        .into_iter()
        .map(|s| {
            let k = exponent(&s.points);
            json!({
                "what": s.what,
                "size": s.size_name,
                "unit": s.unit,
                "points": s.points.iter().map(|(x, y)| json!([x, y])).collect::<Vec<_>>(),
                "exponent": k.map(|k| (k * 100.0).round() / 100.0),
                "segment_exponents": segments(&s.points).into_iter().map(|k| k.map(|k| (k * 100.0).round() / 100.0)).collect::<Vec<_>>(),
                "verdict": describe(&s.points),
            })
        })
        .collect();
    json!({ "series": series, "first_limit": first_limit(figures) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_and_verdicts() {
        let linear = [(10.0, 1.0), (100.0, 10.0), (1000.0, 100.0)];
        assert!((exponent(&linear).unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(verdict(1.0), "linear");
        assert_eq!(verdict(0.02), "flat: does not grow with size");
        assert_eq!(verdict(0.5), "sublinear");
        assert_eq!(verdict(2.0), "superlinear");
        assert_eq!(exponent(&[(1.0, 1.0)]), None);
        assert_eq!(exponent(&[(1.0, 0.0), (10.0, 1.0)]), None);
        assert_eq!(describe(&linear).as_deref(), Some("linear"));
        let knee = [(1.0, 4.0), (100.0, 3.0), (1000.0, 12.0)];
        let described = describe(&knee).unwrap();
        assert!(described.starts_with("uneven (1 → 100: k -0.06, flat"), "{described}");
        assert!(described.contains("100 → 1000: k 0.60, sublinear"), "{described}");
    }

    #[test]
    fn reads_series_and_the_first_limit() {
        let figures = json!({
            "fanout": { "steps": [
                { "conversations": 100, "offered_per_s": 100, "achieved_per_s": 99.0, "dashboard_delay_ms": { "p50": 5.0 }, "cpu": { "workerd_cpu_s": 5.0, "wall_s": 10.0 } },
                { "conversations": 500, "offered_per_s": 500, "achieved_per_s": 180.0, "dashboard_delay_ms": { "p50": 900.0 }, "cpu": { "workerd_cpu_s": 10.0, "wall_s": 10.0 } },
            ] }
        });
        let series = all_series(&figures);
        assert_eq!(series.len(), 2);
        let limit = first_limit(&figures);
        assert_eq!(limit["saturated"], json!(true));
        assert_eq!(limit["sustained_per_s"], json!(180.0));
        assert_eq!(limit["workerd_cores_busy"], json!(1.0));
    }
}

//! Parts 5, 6 and 8 of the report: the bot's cost, the dashboards' fan-out, and how both grow.

use std::fmt::Write as _;

use serde_json::Value;

use super::{get, head, ms, num, part, pcts, plain, ratio_of, ratios, row, short, us};
use crate::bench::growth;

pub(super) fn bot(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 5. Bot cost\n");
    let cpu = &f["bot_cpu"];
    let workerd = &f["bot"];
    if cpu.is_null() && workerd.is_null() {
        let _ = writeln!(out, "_Not measured in this run._\n");
        return;
    }
    head(
        out,
        &[
            "articles",
            "CPU per message (native)",
            "index build (native)",
            "reply in workerd p50 / p95",
            "baseline: plain message p50 / p95",
            "reply ÷ plain p50 / p95",
            "conversation start: the site's first (loads and indexes the articles) / later p50",
        ],
    );
    let mut sizes: Vec<f64> = Vec::new();
    for path in ["bot_cpu.respond", "bot.sizes"] {
        for row in get(f, path).as_array().into_iter().flatten() {
            if let Some(n) = num(row, "articles").filter(|n| !sizes.contains(n)) {
                sizes.push(n);
            }
        }
    }
    sizes.sort_by(f64::total_cmp);
    let find = |path: &str, n: f64| {
        get(f, path)
            .as_array()
            .and_then(|rows| rows.iter().find(|r| num(r, "articles") == Some(n)))
            .cloned()
            .unwrap_or(Value::Null)
    };
    for n in sizes {
        let (respond, build, reply) = (find("bot_cpu.respond", n), find("bot_cpu.build", n), find("bot.sizes", n));
        let p = ["p50", "p95"];
        row(
            out,
            &[
                plain(Some(n)),
                us(num(&respond, "mean_us")),
                us(num(&build, "mean_us")),
                reply["error"].as_str().map_or_else(|| pcts(&reply, "reply_ms", &p), str::to_string),
                pcts(&reply, "plain_message_ms", &p),
                ratios(&reply, "ratio", &p),
                format!(
                    "{} / {}",
                    ms(num(&reply, "first_conversation_start_ms")),
                    ms(num(&reply, "conversation_start_ms.p50"))
                ),
            ],
        );
    }
    if let (Some(frames), Some(both)) = (num(cpu, "read.frames.mean_us"), num(cpu, "read.frames_and_model.mean_us")) {
        let _ = writeln!(
            out,
            "\nReading whether a message asks for a person (native, per message of the same mix): {} by the request \
             frames alone, {} with the model beside them.",
            us(Some(frames)),
            us(Some(both))
        );
    }
    if let Some(e) = cpu["error"].as_str() {
        let _ = writeln!(out, "\nThe native CPU benchmark failed: {e}");
    }
    if let Some(e) = workerd["error"].as_str() {
        let _ = writeln!(out, "\nThe workerd measurement failed: {e}");
    }
    let answered: Vec<String> = get(f, "bot.sizes")
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some(format!("{} articles: {}", plain(num(s, "articles")), s["answered_from_an_article"].as_str()?))
        })
        .collect();
    let _ = writeln!(
        out,
        "\n**How it was measured.** Native: the criterion benchmark `brain/benches/bot_cpu.rs` (`cargo bench -p \
         baton-brain --bench bot_cpu`, the workspace's release profile), mean time of `respond` over a fixed mix of \
         20 customer messages divided by 20, and of building the knowledge base's index; the articles are the demo \
         shop's and then the brain's synthetic help-centre articles (`synthetic::synthetic_articles`). In workerd: \
         a site per size seeded with the same articles and escalation turned off (so the bot answers every \
         message); conversations one after another, each asking {} questions in turn, from the customer's write \
         to the customer's socket reading the bot's `event`. Conversations share one indexed copy of a site's \
         articles per workerd isolate, kept for a minute and replaced as soon as the articles or rules change: \
         the site's first conversation fetches the articles and builds the index when it starts, so that cost \
         shows in its start request (`POST /api/sites/{{site}}/conversations`), and later conversations start \
         without it. Baseline: after each \
         question, a plain customer message in a conversation an agent took over on the same site, to the agent's \
         socket. Replies quoted an article: {}.\n",
        plain(num(workerd, "messages_per_conversation")),
        if answered.is_empty() { "–".to_string() } else { answered.join(", ") }
    );
}

pub(super) fn fanout(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 6. Dashboard fan-out\n");
    let Some(d) = part(f, "fanout", out) else { return };
    head(
        out,
        &[
            "conversations × 1 msg/s",
            "consoles",
            "offered msg/s",
            "sustained msg/s",
            "ack p50 / p99",
            "dashboard delay p50 / p99",
            "row updates missed",
            "final rows behind",
            "workerd CPU per message",
            "CPU busy: workerd, bench client",
        ],
    );
    let subscribers: Vec<&Value> = d["subscribers"].as_array().into_iter().flatten().collect();
    // A step the subscriber series already measured is not listed twice.
    let steps = d["steps"].as_array().into_iter().flatten().filter(|s| !subscribers.contains(s));
    let rows: Vec<&Value> = subscribers.iter().copied().chain(steps).collect();
    for s in &rows {
        let busy = |key: &str| {
            ratio_of(num(s, &format!("cpu.{key}")), num(s, "cpu.wall_s"))
                .map_or("–".into(), |b| format!("{:.0} %", b * 100.0))
        };
        let p = ["p50", "p99"];
        row(
            out,
            &[
                plain(num(s, "conversations")),
                plain(num(s, "consoles")),
                plain(num(s, "offered_per_s")),
                plain(num(s, "achieved_per_s")),
                pcts(s, "ack_ms", &p),
                pcts(s, "dashboard_delay_ms", &p),
                format!("{} of {}", plain(num(s, "updates_missed")), plain(num(s, "updates_expected"))),
                plain(num(s, "final_rows_wrong")),
                ms(num(s, "workerd_cpu_ms_per_message")),
                format!("{}, {}", busy("workerd_cpu_s"), busy("bench_client_cpu_s")),
            ],
        );
    }
    if let Some(e) = d["error"].as_str() {
        let _ = writeln!(out, "\nStopped early: {e}");
    }
    let limit = growth::first_limit(f);
    let _ = writeln!(out);
    if limit["saturated"].as_bool() == Some(true) {
        let _ = writeln!(
            out,
            "**This machine did not sustain the offered load.** With {} conversations offering {} messages a second \
             it delivered {} a second; each conversation waits for its previous message's ack, so the rest queued \
             up as latency rather than piling up without bound. workerd was busy {} of a core at that point{}.\n",
            plain(num(&limit, "conversations")),
            plain(num(&limit, "offered_per_s")),
            plain(num(&limit, "sustained_per_s")),
            num(&limit, "workerd_cores_busy").map_or("?".into(), |c| format!("{:.0} %", c * 100.0)),
            num(&limit, "client_cores_busy")
                .map_or(String::new(), |c| format!(" (the bench client {:.0} %)", c * 100.0))
        );
    } else {
        let _ = writeln!(
            out,
            "Every step's offered load was sustained (largest: {} msg/s).\n",
            plain(num(&limit, "largest_sustained_per_s"))
        );
    }
    let _ = writeln!(
        out,
        "**How it was measured.** On Baton's stack of part 3, with its conversations still open (each taken over \
         by an agent), consoles subscribe to the site's dashboard socket (`/api/sites/{{site}}/dashboard?token=`) \
         as the console does, and read the snapshot first. In each step the first N conversations' customers send \
         one message a second each, for {} s: a message goes once the previous one is acknowledged and a second \
         has passed since it was sent (so an overloaded server slows the senders instead of growing a backlog \
         without bound). Every console row update is matched to the message by conversation id and `last_seq` \
         (the message's acked seq); the delay runs from the customer's write to the console reading the row. \
         After the window the bench waits (at most {} s) until every console's row of every conversation reaches \
         its last acknowledged seq; a row left behind is a lost update (\"final rows behind\"), a message whose \
         own row update never came but was overtaken by a later one is \"missed\". \"Sustained\" counts \
         acknowledged messages over the window.\n",
        plain(num(d, "window_s")),
        plain(num(d, "drain_s"))
    );
}

pub(super) fn growth_section(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 8. Cost growth\n");
    let g = growth::json(f);
    let series = g["series"].as_array().map_or(&[][..], Vec::as_slice);
    if series.is_empty() {
        let _ = writeln!(out, "_Not enough sizes measured in this run._\n");
        return;
    }
    head(out, &["figure", "by", "at each size", "growth exponent k (value ∝ size^k)", "verdict"]);
    for s in series {
        let unit = s["unit"].as_str().unwrap_or("");
        let points: Vec<String> = s["points"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| format!("{}: {} {unit}", plain(num(p, "0")), short(num(p, "1"))))
            .collect();
        row(
            out,
            &[
                s["what"].as_str().unwrap_or("?").to_string(),
                s["size"].as_str().unwrap_or("?").to_string(),
                points.join(", "),
                num(s, "exponent").map_or("–".into(), |k| format!("{k:.2}")),
                s["verdict"].as_str().unwrap_or("–").to_string(),
            ],
        );
    }
    let limit = &g["first_limit"];
    let _ = writeln!(out);
    if limit["saturated"].as_bool() == Some(true) {
        let measured: Vec<&Value> =
            get(f, "relay.levels").as_array().into_iter().flatten().filter(|l| l["error"].is_null()).collect();
        let largest = measured.last();
        let open_cost = largest.map_or(String::new(), |l| {
            format!(
                " Below that rate, open conversations cost something too: with {} of them open and nothing sent, \
                 Baton's workerd was busy {} of a core (the bare relay's {}).",
                plain(num(l, "conversations")),
                num(l, "baton.workerd_idle_cores").map_or("?".into(), |c| format!("{:.0} %", c * 100.0)),
                num(l, "bare.workerd_idle_cores").map_or("?".into(), |c| format!("{:.0} %", c * 100.0)),
            )
        });
        // One core divided by the CPU a message costs: the ceiling each pace implies.
        let ceiling =
            |l: &Value| num(l, "baton.workerd_cpu_ms_per_message_net_of_idle").filter(|c| *c > 0.0).map(|c| 1000.0 / c);
        let paces = match measured.as_slice() {
            [.., busy, quiet] => match (ceiling(busy), ceiling(quiet)) {
                (Some(busy_max), Some(quiet_max)) => format!(
                    " By part 3's CPU per message, one core carries about {busy_max:.0} messages a second when each \
                     conversation speaks every few seconds ({} conversations there), but only about {quiet_max:.0} \
                     when each speaks every half minute or so and has to be woken for it ({} conversations).",
                    plain(num(busy, "conversations")),
                    plain(num(quiet, "conversations")),
                ),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "**First limit:** the total rate of messages. The fan-out sustained about {} messages a second (offered: \
             {}), with workerd busy {} of a core: workerd runs the worker on one thread, so one core is the ceiling \
             whatever the machine has, and every message costs it the work of part 3's CPU-per-message figure \
             (store, brain analysis, summary to the site object, one push per console). Beyond that rate messages \
             queue, and latency grows with the queue, not with the work.{paces}{open_cost}\n",
            plain(num(limit, "sustained_per_s")),
            plain(num(limit, "offered_per_s")),
            num(limit, "workerd_cores_busy").map_or("?".into(), |c| format!("{:.0} %", c * 100.0)),
        );
    } else {
        let _ = writeln!(
            out,
            "**First limit:** none reached at the sizes measured (largest sustained fan-out: {} msg/s).\n",
            plain(num(limit, "largest_sustained_per_s"))
        );
    }
    let _ = writeln!(
        out,
        "**How it was read.** From the figures above: for each figure, k is the slope between the smallest and the \
         largest size on a log-log scale (k ≈ 0: flat, k ≈ 1: linear in the size); where the steps between \
         consecutive sizes disagree by more than 0.4, the verdict gives each step. Latencies at non-saturating \
         load say what one more conversation, article or console costs a message; throughput and CPU per message \
         say what it costs the machine.\n"
    );
}

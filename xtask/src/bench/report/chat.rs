//! Parts 3 and 4 of the report: relaying a message, waking a conversation, taking one over.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Format, conversations, get, head, ms, num, part, pcts, plain, ratios, row, short, times};

pub(super) fn relay(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 3. Relay latency\n");
    let Some(r) = part(f, "relay", out) else { return };
    head(
        out,
        &[
            "conversations",
            "direction",
            "Baton p50 / p95 / p99",
            "bare relay p50 / p95 / p99",
            "Baton ÷ bare",
            "samples (Baton, bare)",
        ],
    );
    let levels = r["levels"].as_array().map_or(&[][..], Vec::as_slice);
    for level in levels {
        if let Some(e) = level["error"].as_str() {
            row(out, &[plain(num(level, "conversations")).as_str(), "–", e, "", "", ""]);
            continue;
        }
        for (label, key, ratio_key) in [
            ("customer → agent", "customer_to_agent_ms", "customer_to_agent"),
            ("agent → customer", "agent_to_customer_ms", "agent_to_customer"),
        ] {
            let p = ["p50", "p95", "p99"];
            row(
                out,
                &[
                    plain(num(level, "conversations")),
                    label.to_string(),
                    pcts(level, &format!("baton.{key}"), &p),
                    pcts(level, &format!("bare.{key}"), &p),
                    ratios(level, &format!("ratio.{ratio_key}"), &p),
                    format!(
                        "{}, {}",
                        plain(num(level, &format!("baton.{key}.count"))),
                        plain(num(level, &format!("bare.{key}.count")))
                    ),
                ],
            );
        }
    }
    let _ = writeln!(out);
    head(
        out,
        &[
            "conversations",
            "messages/s (Baton, bare)",
            "workerd busy with nothing sent (Baton, bare)",
            "workerd CPU per message beyond that: Baton",
            "bare",
            "ratio",
            "undelivered (Baton, bare)",
            "error frames (Baton)",
        ],
    );
    let cores: Format = |v| v.map_or("–".into(), |c| format!("{:.1} %", c * 100.0));
    for level in levels.iter().filter(|l| l["error"].is_null()) {
        let both = |key: &str, fmt: Format| {
            format!("{}, {}", fmt(num(level, &format!("baton.{key}"))), fmt(num(level, &format!("bare.{key}"))))
        };
        let errors = level["baton"]["errors"].as_object().map_or(0, |e| e.values().filter_map(Value::as_u64).sum());
        row(
            out,
            &[
                plain(num(level, "conversations")),
                both("rate_per_s", plain),
                both("workerd_idle_cores", cores),
                ms(num(level, "baton.workerd_cpu_ms_per_message_net_of_idle")),
                ms(num(level, "bare.workerd_cpu_ms_per_message_net_of_idle")),
                times(num(level, "ratio.workerd_cpu_per_message_net_of_idle")),
                both("undelivered", plain),
                errors.to_string(),
            ],
        );
    }
    wake_up(&r["wake_up"], out);
    relay_pace_note(levels, &r["wake_up"], out);
    let gaps: Vec<String> = levels
        .iter()
        .filter(|l| l["error"].is_null())
        .map(|l| {
            format!(
                "{}: {}–{} ms, about {} msg/s",
                conversations(num(l, "conversations")),
                plain(num(l, "gap_ms.0")),
                plain(num(l, "gap_ms.1")),
                plain(num(l, "offered_rate_per_s"))
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\n**How it was measured.** One `wrangler dev` serves Baton (a snapshot of the build) and another serves \
         the bare relay of `bench/relay/`: a plain JavaScript worker with one Durable Object class that forwards \
         every frame to the other sockets of the same object, with the same hibernating WebSocket API and no \
         storage, decoding or checks. For each size the bench keeps that many conversations open on each: on \
         Baton a conversation an agent has taken over (customer socket + agent socket, after the hello and the \
         takeover); on the bare relay two sockets of one room. Each conversation sends one message at a time, \
         alternating customer and agent, with a gap drawn uniformly per message ({}): the total rate stays \
         about the same as conversations are added (a single conversation sends as often as the per-socket rate \
         limit comfortably allows), far below what saturates the machine (see part 6), so the sizes compare the \
         cost of open conversations, not of load. For {} s per size, Baton first, then the bare relay. Latency \
         runs from just before the client writes the frame to the moment the other side's client reads it \
         (Baton: the `event` frame carrying the message's client id). workerd CPU is read from /proc for the \
         workerd process of each stack: first for 3 s with the conversations open and nothing sent (both stacks \
         at once), then from the start of the window until the last message arrived; CPU per message is the \
         latter less the idle rate, divided by the messages delivered. The conversations of a size stay open for \
         the next size, and the fan-out below reuses them. Wake-up: after the last size, a few conversations on \
         each server send one message each and stay silent together; then, one server and one conversation at \
         a time, the customer sends one message and, once the server is done with it, another. \"Relayed\" runs \
         until the agent's socket reads the message; \"done\" until the server has finished its follow-up work \
         too (on Baton, when the agent's socket reads the brain's insight, which comes after the message).\n",
        gaps.join("; "),
        plain(num(r, "window_s"))
    );
}

/// A message after a silence long enough for workerd to put the object to rest, against the
/// next one.
fn wake_up(w: &Value, out: &mut String) {
    if w.is_null() {
        return;
    }
    if let Some(e) = w["error"].as_str() {
        let _ = writeln!(out, "\nThe wake-up measurement did not run: {e}");
        return;
    }
    let _ = writeln!(out);
    let first_column = format!(
        "{} conversations each, silent for {} s, p50 / p95",
        plain(num(w, "conversations")),
        plain(num(w, "silence_s"))
    );
    head(
        out,
        &[
            first_column.as_str(),
            "relayed: first message after the silence",
            "relayed: the next message",
            "ratio",
            "until the server is done: first",
            "next",
            "ratio",
        ],
    );
    let p = ["p50", "p95"];
    for (label, key) in [("Baton", "baton"), ("bare relay", "bare")] {
        if let Some(e) = w[key]["error"].as_str() {
            row(out, &[label, e, "", "", "", "", ""]);
            continue;
        }
        row(
            out,
            &[
                label.to_string(),
                pcts(w, &format!("{key}.after_silence.relayed_ms"), &p),
                pcts(w, &format!("{key}.next_message.relayed_ms"), &p),
                ratios(w, &format!("{key}.ratio_relayed"), &p),
                pcts(w, &format!("{key}.after_silence.done_ms"), &p),
                pcts(w, &format!("{key}.next_message.done_ms"), &p),
                ratios(w, &format!("{key}.ratio_done"), &p),
            ],
        );
    }
}

/// When the largest size costs much more per message than the one before it, says what differs
/// between them besides the number of conversations: how long each conversation stays silent.
fn relay_pace_note(levels: &[Value], wake: &Value, out: &mut String) {
    let measured: Vec<&Value> = levels.iter().filter(|l| l["error"].is_null()).collect();
    let [.., before, last] = measured.as_slice() else { return };
    let cost = |l: &Value| num(l, "baton.workerd_cpu_ms_per_message_net_of_idle");
    let (Some(c0), Some(c1)) = (cost(before), cost(last)) else { return };
    if c1 < 2.0 * c0 {
        return;
    }
    let woken = match (num(wake, "baton.after_silence.done_ms.p50"), num(wake, "baton.next_message.done_ms.p50")) {
        (Some(asleep), Some(awake)) => format!(
            " The table above measures it: after {} s of silence Baton is done with a message after {} against \
             {} for the next one (the bare relay relays it in {} against {}).",
            plain(num(wake, "silence_s")),
            ms(Some(asleep)),
            ms(Some(awake)),
            ms(num(wake, "bare.after_silence.relayed_ms.p50")),
            ms(num(wake, "bare.next_message.relayed_ms.p50")),
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "\nAt {} conversations Baton's CPU per message is {} the figure at {} ({} against {}), and p50 latency \
         rises on both servers (the bare relay's {} → {}), while {} open conversations with only some of them \
         active cost no more per message (part 6's first rows). What differs is the pace: at this size each \
         conversation is silent for {}–{} s between its messages, against {}–{} s. workerd puts an object whose \
         sockets have been silent for about ten seconds to rest, and its in-memory state goes with it, so the \
         next message pays for waking it: Baton's object is built again and reads its conversation back from \
         SQLite (the site's indexed knowledge base is not lost with it; the isolate's conversations share one \
         copy per site).{woken} Rarely-speaking conversations, the common case on a real site, pay this on most of \
         their messages.",
        plain(num(last, "conversations")),
        times(Some(c1 / c0)),
        plain(num(before, "conversations")),
        ms(Some(c1)),
        ms(Some(c0)),
        ms(num(before, "bare.customer_to_agent_ms.p50")),
        ms(num(last, "bare.customer_to_agent_ms.p50")),
        plain(num(last, "conversations")),
        short(num(last, "gap_ms.0").map(|v| v / 1000.0)),
        short(num(last, "gap_ms.1").map(|v| v / 1000.0)),
        short(num(before, "gap_ms.0").map(|v| v / 1000.0)),
        short(num(before, "gap_ms.1").map(|v| v / 1000.0)),
    );
}

pub(super) fn takeover(f: &Value, out: &mut String) {
    let _ = writeln!(out, "## 4. Takeover latency\n");
    let Some(t) = part(f, "takeover", out) else { return };
    head(out, &["path", "takeover p50 / p95", "baseline: plain agent message p50 / p95", "ratio p50 / p95", "samples"]);
    for (label, key) in [
        ("protocol: `take_over` frame → customer's socket reads the mode change", "protocol"),
        ("browsers: click on \"Take over\" → widget shows \"… joined the conversation\"", "browser"),
    ] {
        if let Some(e) = t[key]["error"].as_str() {
            row(out, &[label, e, "", "", ""]);
            continue;
        }
        let p = ["p50", "p95"];
        row(
            out,
            &[
                label.to_string(),
                pcts(t, &format!("{key}.takeover_ms"), &p),
                pcts(t, &format!("{key}.plain_message_ms"), &p),
                ratios(t, &format!("{key}.ratio"), &p),
                plain(num(t, &format!("{key}.takeover_ms.count"))),
            ],
        );
    }
    let errors: Vec<&str> = ["protocol.errors", "browser.errors"]
        .iter()
        .flat_map(|p| get(t, p).as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "\nFailures: {}", errors.join("; "));
    }
    let _ = writeln!(
        out,
        "\n**How it was measured.** Protocol: conversations one after another on a fresh site; the customer and an \
         agent connect (hello, welcome), the agent sends `take_over`, and the time runs until the customer's \
         socket reads the `mode` event (human); then, as the baseline, the agent sends a plain message in the same \
         conversation and the time runs until the customer reads it. A takeover is one message plus a state change \
         (epoch bump, holder, dashboard summary), so the ratio is what the state change costs. Browsers: the \
         console (signed in as an agent) and a customer's page with the widget on another origin, each its own \
         headless Chromium; the customer opens the chat and asks a question, the agent opens the row and clicks \
         \"Take over\". A capturing click listener in the console stamps the click and a mutation observer on the \
         widget's shadow root stamps the notice (`performance.timeOrigin + performance.now()` in both, one \
         clock). Baseline: the agent's first reply, from the click on \"Send\" to the text in the widget. A \
         takeover can reach the customer sooner than a plain agent message: its mode event is broadcast as soon as \
         it is stored, and its follow-up work (the brain's insight for agents, the dashboard summary) comes after; \
         an agent's message is first checked against the site's compliance rules.\n"
    );
}

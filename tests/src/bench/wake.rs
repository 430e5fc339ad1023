//! Part of 3: what a message costs when its conversation has been silent long enough for
//! workerd to put the object to rest, against the next message once it is awake, on Baton and
//! on the bare relay.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::bench::pool::Pool;
use crate::bench::stats::{Summary, millis, ratio, ratios};

/// Longer than workerd keeps an idle object with hibernatable sockets in memory (about ten
/// seconds: the bare relay's first message after 15 s of silence already pays for waking).
pub const SILENCE: Duration = Duration::from_secs(20);

/// Milliseconds until the other side read a message, and until the server was done with it.
#[derive(Default)]
struct Timings {
    relayed: Vec<f64>,
    done: Vec<f64>,
}

impl Timings {
    fn json(&self) -> Value {
        json!({ "relayed_ms": Summary::of(&self.relayed).json(), "done_ms": Summary::of(&self.done).json() })
    }
}

/// One message on each of the first `conversations` pairs, one pair at a time, after the
/// silence (asleep), then another once the server is done with the first (awake).
async fn messages(pool: &mut Pool, conversations: usize, round: &str) -> Result<(Timings, Timings), String> {
    let (mut asleep, mut awake) = (Timings::default(), Timings::default());
    for pair in pool.pairs.iter_mut().take(conversations) {
        for (timings, state) in [(&mut asleep, "asleep"), (&mut awake, "awake")] {
            let started = Instant::now();
            timings.relayed.push(pair.one_message(&format!("{round}-{}-{state}", pair.index)).await?);
            // Waking Baton's conversation also reloads what it keeps in memory, after the
            // message is relayed: the time until its follow-up work is done shows it.
            pair.follow_up_done().await;
            timings.done.push(millis(started.elapsed()));
        }
    }
    Ok((asleep, awake))
}

async fn wake(pool: &mut Pool, conversations: usize) -> Result<(), String> {
    for pair in pool.pairs.iter_mut().take(conversations) {
        pair.one_message(&format!("wake-{}", pair.index)).await?;
    }
    Ok(())
}

fn side(result: Result<(Timings, Timings), String>) -> (Value, Option<f64>) {
    match result {
        Ok((asleep, awake)) => {
            let (a, w) = (Summary::of(&asleep.relayed), Summary::of(&awake.relayed));
            let (a_done, w_done) = (Summary::of(&asleep.done), Summary::of(&awake.done));
            let value = json!({
                "after_silence": asleep.json(),
                "next_message": awake.json(),
                "ratio_relayed": ratios(&a, &w),
                "ratio_done": ratios(&a_done, &w_done),
            });
            (value, Some(a.p50))
        }
        Err(e) => (json!({ "error": e }), None),
    }
}

pub async fn run(baton: &mut Pool, bare: &mut Pool, conversations: usize) -> Value {
    println!("relay: {conversations} conversations on each, silent for {SILENCE:?}, then one message each");
    let woken = tokio::join!(wake(baton, conversations), wake(bare, conversations));
    if let (Err(e), _) | (_, Err(e)) = woken {
        return json!({ "error": e });
    }
    // The silence is what is measured, on both servers at once.
    tokio::time::sleep(SILENCE).await;
    // One server at a time, so neither slows the other's wake-ups.
    let (baton_side, baton_asleep) = side(messages(baton, conversations, "baton").await);
    let (bare_side, bare_asleep) = side(messages(bare, conversations, "bare").await);
    let (b, r) = (baton_asleep.unwrap_or(0.0), bare_asleep.unwrap_or(0.0));
    println!("  first message after the silence p50: Baton {b:.1} ms, bare relay {r:.1} ms");
    json!({
        "silence_s": SILENCE.as_secs(),
        "conversations": conversations,
        "baton": baton_side,
        "bare": bare_side,
        "ratio_after_silence_p50": ratio(b, r),
    })
}

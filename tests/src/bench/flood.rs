//! Part 9: a flood from one address while conversations run. Sign-in attempts with random
//! emails and fetches of the site's public info, all from one client network and each loop
//! sending its next request as soon as the last is answered; meanwhile conversations start at
//! a steady rate (each from an address of its own, as visitors do) and a few taken-over
//! conversations relay messages. Two windows of the same length, without the flood and then
//! with it, on the same stack and conversations: the ratio says what one stranger's flood
//! costs everyone else.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use baton_shared::StartResponse;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::bench::cpu::{Meter, Usage};
use crate::bench::dashboard::Dashboard;
use crate::bench::options::Plan;
use crate::bench::pair::{BatonTarget, Outcome, Pattern, Run};
use crate::bench::pool::Pool;
use crate::bench::rng::Rng;
use crate::bench::stats::{Summary, millis, ratio, round};

/// The flooding client's network (TEST-NET-3): the header Cloudflare sets from the connection.
const FLOOD_ADDRESS: &str = "203.0.113.77";
/// The hardening issue's bound: no figure with the flood above this many times its baseline.
const TARGET_RATIO: f64 = 1.5;
/// A pause before each phase, so the follow-up work of what came before (the insights after
/// the last messages) is not counted in it.
const SETTLE: Duration = Duration::from_secs(2);
/// One start or flood request gives up after this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// A loop whose request failed without an answer waits this long, so a refused connection
/// does not spin the bench client on the cores the server needs.
const FAILED_PAUSE: Duration = Duration::from_millis(20);
/// Start errors kept for the report; the count says how many there were.
const ERRORS_KEPT: usize = 5;

pub struct Setup<'a> {
    pub plan: &'a Plan,
    pub baton: &'a BatonTarget,
    pub baton_dir: &'a Path,
    pub seed: u64,
}

impl Setup<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}/api/sites/{}{path}", self.baton.rest.base, self.baton.site)
    }
}

/// Where start `n` of phase `phase` comes from: the benchmarking range 198.18.0.0/15
/// (RFC 2544), a /16 per phase. The worker counts starts per client network, and a real
/// site's visitors do not share one; none of these is the flooding address either.
fn start_address(phase: u8, n: usize) -> String {
    let host = n % 0xFFFF + 1;
    format!("198.{}.{}.{}", 18 + phase, (host >> 8) & 255, host & 255)
}

/// One conversation start as the widget sends it (no Origin: the bench site lets any origin
/// embed it, and a request without one is a non-browser client, which the check lets by):
/// milliseconds until its whole answer was read.
async fn start_once(http: &reqwest::Client, url: &str, address: &str) -> Result<f64, String> {
    let started = Instant::now();
    let response = http
        .post(url)
        .header("cf-connecting-ip", address)
        .json(&json!({}))
        .send()
        .await
        .map_err(|e| format!("start: {e}"))?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| format!("start: reading the body: {e}"))?;
    let took = millis(started.elapsed());
    if status != 200 {
        let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        return Err(format!("start: HTTP {status}: {text}"));
    }
    serde_json::from_slice::<StartResponse>(&body).map_err(|e| format!("start: undecodable answer: {e}"))?;
    Ok(took)
}

/// Starts conversations at `rate` a second until `stop`, each in a task of its own: a slow
/// answer does not hold back the next start, so the rate is what visitors offer whatever the
/// server does with it.
async fn starts(http: &reqwest::Client, url: &str, rate: f64, phase: u8, stop: Instant) -> Vec<Result<f64, String>> {
    let every = Duration::from_secs_f64(1.0 / rate.max(0.01));
    let mut tasks = Vec::new();
    let mut at = Instant::now();
    while at < stop {
        tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
        let (http, url, address) = (http.clone(), url.to_string(), start_address(phase, tasks.len()));
        tasks.push(tokio::spawn(async move { start_once(&http, &url, &address).await }));
        at += every;
    }
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.unwrap_or_else(|e| Err(format!("a start's task failed: {e}"))));
    }
    out
}

/// Answers counted by status ("timeout" or "error" when there was none).
type Tally = BTreeMap<String, usize>;

/// Requests from the flooding address from `first` until `stop`, the next once the last is
/// answered and `every` has passed since it was sent. The one in flight at `stop` is dropped
/// uncounted.
async fn flood_loop(
    first: Instant,
    stop: Instant,
    every: Duration,
    mut request: impl FnMut() -> reqwest::RequestBuilder,
) -> Tally {
    let mut answers = Tally::new();
    let stop = tokio::time::Instant::from_std(stop);
    let mut next = tokio::time::Instant::from_std(first);
    loop {
        tokio::time::sleep_until(next).await;
        next += every;
        let sent = request().header("cf-connecting-ip", FLOOD_ADDRESS).send();
        let answer = match tokio::time::timeout_at(stop, sent).await {
            Err(_) => break,
            Ok(Ok(response)) => {
                let status = response.status().as_u16().to_string();
                // Read to the end, so the connection carries the next request.
                let _ = tokio::time::timeout_at(stop, response.bytes()).await;
                status
            }
            Ok(Err(e)) => {
                tokio::time::sleep(FAILED_PAUSE).await;
                let what = if e.is_timeout() { "timeout" } else { "error" };
                what.to_string()
            }
        };
        *answers.entry(answer).or_insert(0) += 1;
    }
    answers
}

/// When loop `n` of `loops` sends its first request: evenly spread over one period `every`.
fn stagger(every: Duration, n: usize, loops: usize) -> Duration {
    every.mul_f64((n % loops.max(1)) as f64 / loops.max(1) as f64)
}

/// The flood's loops, running until the phase's stop.
struct Flood {
    sign_ins: Vec<JoinHandle<Tally>>,
    site_info: Vec<JoinHandle<Tally>>,
}

impl Flood {
    /// Sign-ins are sent as `tests/tests/attacks.rs` sends them, without an Origin (a
    /// non-browser client, which the same-origin check lets by); every email is a new one, so
    /// no account's backoff applies and only the limit per network stands in the way. The site
    /// info is fetched without an Origin too, as any script can.
    ///
    /// The loops start spread over one period, so together they send a steady stream at the
    /// flood's rate: started at once, they would send every loop's request in the same instant,
    /// a burst each period that measures how a two-core machine queues a burst instead.
    fn start(setup: &Setup<'_>, http: &reqwest::Client, stop: Instant) -> Flood {
        let plan = setup.plan;
        let every = Duration::from_secs_f64(1.0 / plan.flood_loop_rate);
        let loops = plan.flood_sign_in_loops + plan.flood_site_info_loops;
        let now = Instant::now();
        let first = |n: usize| now + stagger(every, n, loops);
        let sign_ins = (0..plan.flood_sign_in_loops)
            .map(|i| {
                let (http, url) = (http.clone(), setup.url("/login"));
                let mut rng = Rng::new(setup.seed, 1000 + i as u64);
                // Sign-in and site-info loops take turns in the period.
                tokio::spawn(flood_loop(first(2 * i), stop, every, move || {
                    let email = format!("{:016x}@flood.test", rng.next_u64());
                    http.post(&url).json(&json!({ "email": email, "password": "guess" }))
                }))
            })
            .collect();
        let site_info = (0..plan.flood_site_info_loops)
            .map(|i| {
                let (http, url) = (http.clone(), setup.url(""));
                tokio::spawn(flood_loop(first(2 * i + 1), stop, every, move || http.get(&url)))
            })
            .collect();
        Flood { sign_ins, site_info }
    }

    async fn tally(tasks: Vec<JoinHandle<Tally>>) -> Tally {
        let mut total = Tally::new();
        for task in tasks {
            match task.await {
                Ok(answers) => {
                    for (status, n) in answers {
                        *total.entry(status).or_insert(0) += n;
                    }
                }
                Err(_) => *total.entry("task failed".into()).or_insert(0) += 1,
            }
        }
        total
    }

    async fn finish(self) -> (Tally, Tally) {
        (Flood::tally(self.sign_ins).await, Flood::tally(self.site_info).await)
    }
}

/// What one phase showed.
struct Phase {
    start: Summary,
    start_failures: usize,
    start_errors: Vec<String>,
    /// Customer → agent, milliseconds from writing a message to the agent's socket reading it.
    relay: Summary,
    relay_sent: usize,
    relay_undelivered: usize,
    relay_errors: BTreeMap<String, usize>,
    usage: Usage,
    /// Sign-in and site-info answers, in the flooded phase.
    flood: Option<(Tally, Tally)>,
}

/// A percentile, or null when there was no sample to take it from.
fn figure(summary: &Summary, value: f64) -> Value {
    if summary.count == 0 { Value::Null } else { json!(round(value)) }
}

/// `of / baseline` of the percentile `pick` takes, or null when either side has no samples.
fn ratio_of(of: &Summary, baseline: &Summary, pick: fn(&Summary) -> f64) -> Value {
    if of.count == 0 || baseline.count == 0 { Value::Null } else { ratio(pick(of), pick(baseline)) }
}

/// `of ÷ baseline` for each figure the target bounds, from (start, relay) summaries: start p50,
/// start p99 and relay p99.
fn target_ratios(of: (&Summary, &Summary), baseline: (&Summary, &Summary)) -> Value {
    json!({
        "start_p50": ratio_of(of.0, baseline.0, |s| s.p50),
        "start_p99": ratio_of(of.0, baseline.0, |s| s.p99),
        "relay_p99": ratio_of(of.1, baseline.1, |s| s.p99),
    })
}

/// Customer → agent relay times of `outcomes`, in milliseconds.
fn relay_times(outcomes: &[Outcome]) -> impl Iterator<Item = f64> + '_ {
    outcomes.iter().flat_map(|o| o.to_agent.iter().copied())
}

fn total(tally: &Tally) -> usize {
    tally.values().sum()
}

impl Phase {
    fn of(
        starts: Vec<Result<f64, String>>,
        outcomes: &[Outcome],
        usage: Usage,
        flood: Option<(Tally, Tally)>,
    ) -> Phase {
        let (mut times, mut errors) = (Vec::new(), Vec::new());
        for start in starts {
            match start {
                Ok(ms) => times.push(ms),
                Err(e) => errors.push(e),
            }
        }
        let to_agent: Vec<f64> = relay_times(outcomes).collect();
        let mut relay_errors = BTreeMap::new();
        for code in outcomes.iter().flat_map(|o| &o.errors) {
            *relay_errors.entry(code.clone()).or_insert(0) += 1;
        }
        Phase {
            start: Summary::of(&times),
            start_failures: errors.len(),
            start_errors: errors.into_iter().take(ERRORS_KEPT).collect(),
            relay: Summary::of(&to_agent),
            relay_sent: outcomes.iter().map(|o| o.sent).sum(),
            relay_undelivered: outcomes.iter().map(|o| o.undelivered).sum(),
            relay_errors,
            usage,
            flood,
        }
    }

    fn json(&self, window: Duration) -> Value {
        let (s, r) = (&self.start, &self.relay);
        let mut out = json!({
            "start_p50_ms": figure(s, s.p50),
            "start_p99_ms": figure(s, s.p99),
            "starts": s.count,
            "start_failures": self.start_failures,
            "relay_p50_ms": figure(r, r.p50),
            "relay_p99_ms": figure(r, r.p99),
            "relayed": r.count,
            "start_ms": s.json(),
            "relay_ms": r.json(),
            "start_errors": self.start_errors,
            "relay_sent": self.relay_sent,
            "relay_undelivered": self.relay_undelivered,
            "relay_error_frames": self.relay_errors,
            "cpu": self.usage.json(),
        });
        if let Some((sign_ins, site_info)) = &self.flood {
            out["sign_ins"] = json!(sign_ins);
            out["site_info"] = json!(site_info);
            let answered = (total(sign_ins) + total(site_info)) as f64;
            out["flood_requests_per_s"] = json!(round(answered / window.as_secs_f64().max(0.001)));
        }
        out
    }

    fn print(&self, name: &str) {
        let (s, r) = (&self.start, &self.relay);
        println!(
            "flood: {name} | start p50 {:.1} ms p99 {:.1} ms ({} started, {} failed) | relay p50 {:.1} ms p99 {:.1} ms ({} relayed)",
            s.p50, s.p99, s.count, self.start_failures, r.p50, r.p99, r.count
        );
        if let Some((sign_ins, site_info)) = &self.flood {
            println!("  sign-ins answered {sign_ins:?} | site info answered {site_info:?}");
        }
    }
}

/// The HTTP clients of a run: the starts' and the flood's apart, so neither waits for the
/// other's connections.
struct Clients {
    starts: reqwest::Client,
    flood: reqwest::Client,
}

impl Clients {
    fn new() -> Result<Clients, String> {
        let build = || {
            reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))
        };
        Ok(Clients { starts: build()?, flood: build()? })
    }
}

/// What one window measured, before it is pooled with the other windows of its kind.
struct Window {
    starts: Vec<Result<f64, String>>,
    outcomes: Vec<Outcome>,
    usage: Usage,
    flood: Option<(Tally, Tally)>,
}

impl Window {
    /// Start p50, start p99 and relay p99 of the odd-numbered windows over the even-numbered ones.
    fn halves(windows: &[Window]) -> Value {
        let summaries = |parity: usize| {
            let chosen = windows.iter().enumerate().filter(|(i, _)| i % 2 == parity).map(|(_, w)| w);
            let (mut starts, mut relays) = (Vec::new(), Vec::new());
            for w in chosen {
                starts.extend(w.starts.iter().filter_map(|s| s.as_ref().ok().copied()));
                relays.extend(relay_times(&w.outcomes));
            }
            (Summary::of(&starts), Summary::of(&relays))
        };
        let ((even_start, even_relay), (odd_start, odd_relay)) = (summaries(0), summaries(1));
        target_ratios((&odd_start, &odd_relay), (&even_start, &even_relay))
    }

    /// The windows of one kind as one phase.
    fn pool(windows: Vec<Window>) -> Phase {
        let (mut starts, mut outcomes) = (Vec::new(), Vec::new());
        let mut usage = Usage { wall_seconds: 0.0, own_seconds: 0.0, workerd_seconds: 0.0 };
        let mut flood: Option<(Tally, Tally)> = None;
        for w in windows {
            starts.extend(w.starts);
            outcomes.extend(w.outcomes);
            usage.wall_seconds += w.usage.wall_seconds;
            usage.own_seconds += w.usage.own_seconds;
            usage.workerd_seconds += w.usage.workerd_seconds;
            if let Some((sign_ins, site_info)) = w.flood {
                let (all_sign_ins, all_site_info) = flood.get_or_insert_with(Default::default);
                for (status, n) in sign_ins {
                    *all_sign_ins.entry(status).or_insert(0) += n;
                }
                for (status, n) in site_info {
                    *all_site_info.entry(status).or_insert(0) += n;
                }
            }
        }
        Phase::of(starts, &outcomes, usage, flood)
    }
}

/// One window of `length`: starts and relayed messages timed, with the flood running when
/// `flooded`. Every window replays the same gaps (same seed); `number` keeps start addresses
/// apart.
async fn window(
    setup: &Setup<'_>,
    pool: &mut Pool,
    clients: &Clients,
    number: u8,
    flooded: bool,
    length: Duration,
) -> Window {
    let plan = setup.plan;
    tokio::time::sleep(SETTLE).await;
    let stop = Instant::now() + length;
    let gap = plan.flood_relay_gap;
    let run = Run {
        pattern: Pattern::Alternate { gap: (gap / 2, gap * 3 / 2) },
        stop,
        give_up: stop + plan.drain,
        seed: setup.seed,
        round: 0,
    };
    let meter = Meter::start(setup.baton_dir);
    let flood = flooded.then(|| Flood::start(setup, &clients.flood, stop));
    let start_url = setup.url("/conversations");
    let (outcomes, started) = tokio::join!(
        pool.exchange(plan.flood_relay_pairs, run),
        starts(&clients.starts, &start_url, plan.flood_start_rate, number, stop),
    );
    let flood = match flood {
        Some(flood) => Some(flood.finish().await),
        None => None,
    };
    Window { starts: started, outcomes, usage: meter.read(), flood }
}

async fn measure(setup: &Setup<'_>, pool: &mut Pool, deadline: Instant) -> Result<Value, String> {
    let plan = setup.plan;
    let clients = Clients::new()?;
    // Windows without and with the flood take turns, so drift over the run (a warming cache, a
    // busy machine) weighs on both alike; each phase pools its windows' samples.
    let rounds = plan.flood_rounds.max(1);
    let length = plan.flood_window / rounds as u32;
    let (mut quiet, mut flooding) = (Vec::new(), Vec::new());
    // A round that could not finish before the deadline is not started: the rounds measured are
    // kept (both phases have the same number), and the report says how many there were.
    let round_takes = 2 * (SETTLE + length + plan.drain);
    for round in 0..rounds {
        if round > 0 && Instant::now() + round_takes > deadline {
            println!("flood: stopping after {round} of {rounds} rounds, before the part's deadline");
            break;
        }
        println!("flood: round {} of {rounds}: {length:?} without, then {length:?} with the flood", round + 1);
        quiet.push(window(setup, pool, &clients, (2 * round) as u8, false, length).await);
        flooding.push(window(setup, pool, &clients, (2 * round + 1) as u8, true, length).await);
    }
    // The measurement's own resolution: the quiet windows of odd and even rounds against each
    // other. No flood differs between them, so their ratio is what chance alone moves.
    let quiet_rounds = quiet.len();
    let quiet_halves = Window::halves(&quiet);
    let baseline = Window::pool(quiet);
    baseline.print("without the flood");
    println!("flood: quiet odd ÷ even rounds, chance alone: {quiet_halves}");
    println!(
        "flood: the flood was {} sign-in and {} site-info loops from {FLOOD_ADDRESS}",
        plan.flood_sign_in_loops, plan.flood_site_info_loops
    );
    let flooded = Window::pool(flooding);
    flooded.print("with the flood");
    let ratios = target_ratios((&flooded.start, &flooded.relay), (&baseline.start, &baseline.relay));
    let within = ratios.as_object().map(|r| r.values().map(Value::as_f64).collect::<Option<Vec<f64>>>());
    let within_target = match within.flatten() {
        Some(values) => json!(values.iter().all(|r| *r < TARGET_RATIO)),
        None => Value::Null,
    };
    let gap = plan.flood_relay_gap;
    let measured_rounds = quiet_rounds;
    let measured_window = length * measured_rounds as u32;
    Ok(json!({
        "window_s": measured_window.as_secs(),
        "rounds": measured_rounds,
        "rounds_planned": rounds,
        "start_rate_per_s": plan.flood_start_rate,
        "relay_conversations": plan.flood_relay_pairs,
        "relay_gap_ms": [(gap / 2).as_millis() as u64, (gap * 3 / 2).as_millis() as u64],
        "flood_address": FLOOD_ADDRESS,
        "sign_in_loops": plan.flood_sign_in_loops,
        "site_info_loops": plan.flood_site_info_loops,
        "loop_rate_per_s": plan.flood_loop_rate,
        "baseline": baseline.json(measured_window),
        "flood": flooded.json(measured_window),
        "ratios": ratios,
        "quiet_halves_ratios": quiet_halves,
        "target_ratio": TARGET_RATIO,
        "within_target": within_target,
    }))
}

/// Opens the relay's conversations, then measures both phases on them; stops at `deadline`
/// with what it has rather than starting a phase it cannot finish.
pub async fn run(setup: &Setup<'_>, deadline: Instant) -> Result<Value, String> {
    let plan = setup.plan;
    let wanted = plan.flood_relay_pairs;
    // The agents keep their consoles open, as agents relaying do: an agent whose consoles are
    // all gone (an earlier part's) goes offline after the grace period, and the site hands
    // their conversations back to the queue mid-run.
    let mut consoles = Vec::new();
    for token in &setup.baton.agent_tokens {
        let url = format!("{}/api/sites/{}/dashboard?token={token}", setup.baton.ws_base, setup.baton.site);
        consoles.push(Dashboard::open(&url).await.map_err(|e| format!("an agent's console: {e}"))?);
    }
    println!("flood: opening {wanted} conversations to relay through both phases");
    let mut pool = Pool::default();
    let opened = pool.grow_to("Baton", wanted, deadline, |i| setup.baton.open(i)).await;
    // At least one round: both phases, a settling pause before each, and the last messages' way
    // home. Later rounds are started only while they fit (`measure`).
    let needed = 2 * (SETTLE + plan.flood_window / plan.flood_rounds.max(1) as u32) + Duration::from_secs(10);
    let measured = if opened < wanted {
        let failures = pool.failures.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
        Err(format!("only {opened} of {wanted} conversations opened: {failures}"))
    } else if Instant::now() + needed > deadline {
        Err("the part's time was used up opening its conversations".to_string())
    } else {
        measure(setup, &mut pool, deadline).await
    };
    let broken: Vec<String> = pool.broken.iter().take(10).cloned().collect();
    let opening = pool.opening;
    pool.close().await;
    consoles.into_iter().for_each(Dashboard::close);
    measured.map(|mut value| {
        value["opening_s"] = json!(round(opening.as_secs_f64()));
        value["broken_sockets"] = json!(broken);
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_addresses_are_apart_per_phase_and_start() {
        assert_eq!(start_address(0, 0), "198.18.0.1");
        assert_eq!(start_address(0, 255), "198.18.1.0");
        assert_eq!(start_address(1, 0), "198.19.0.1");
        assert_ne!(start_address(0, 0), start_address(0, 1));
        assert_ne!(start_address(0, 7), start_address(1, 7));
    }

    #[test]
    fn flood_loops_start_spread_over_one_period() {
        let every = Duration::from_millis(500);
        let starts: Vec<u128> = (0..4).map(|n| stagger(every, n, 4).as_millis()).collect();
        assert_eq!(starts, [0, 125, 250, 375]);
        assert_eq!(stagger(every, 0, 0), Duration::ZERO);
    }

    #[test]
    fn ratios_need_samples_on_both_sides() {
        let (some, none) = (Summary::of(&[10.0, 20.0]), Summary::default());
        assert_eq!(ratio_of(&some, &some, |s| s.p99), json!(1.0));
        assert_eq!(ratio_of(&none, &some, |s| s.p99), Value::Null);
        assert_eq!(figure(&none, 0.0), Value::Null);
    }
}

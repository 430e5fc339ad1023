//! What the bench measures and how much of it: every count and duration is bounded here.

use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
usage: bench [--quick] [--parts LIST] [--json PATH]

  --quick        small counts and short windows, to check the bench itself (about three minutes)
  --parts LIST   comma-separated subset of: host, takeover, bot, flood, relay, fanout, history (default: all)
  --json PATH    where to write the figures (default target/bench/bench.json)
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Host,
    Takeover,
    Bot,
    Flood,
    Relay,
    Fanout,
    History,
}

impl Part {
    pub const ALL: [Part; 7] =
        [Part::Host, Part::Takeover, Part::Bot, Part::Flood, Part::Relay, Part::Fanout, Part::History];

    pub fn name(self) -> &'static str {
        match self {
            Part::Host => "host",
            Part::Takeover => "takeover",
            Part::Bot => "bot",
            Part::Flood => "flood",
            Part::Relay => "relay",
            Part::Fanout => "fanout",
            Part::History => "history",
        }
    }

    fn parse(name: &str) -> Result<Part, String> {
        Part::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| format!("unknown part {name:?}\n\n{USAGE}"))
    }
}

/// Sizes and durations of one run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Page loads per variant (with and without the widget), alternating.
    pub host_runs: usize,
    /// How long after the load event long tasks still count, and the launcher is waited for.
    pub host_window: Duration,
    /// Conversations taken over through the protocol, one after another.
    pub takeover_conversations: usize,
    /// Takeovers clicked in the console.
    pub takeover_clicks: usize,
    pub bot_articles: Vec<usize>,
    /// Conversations per knowledge-base size; the first message of each is a cold start.
    pub bot_conversations: usize,
    pub bot_messages_per_conversation: usize,
    /// How long each phase of the flood part measures, without the flood and then with it.
    pub flood_window: Duration,
    /// Conversations started per second in each phase, each from an address of its own.
    pub flood_start_rate: f64,
    /// Conversations relaying messages through both phases, each side in turn.
    pub flood_relay_pairs: usize,
    /// Mean gap between a relay conversation's messages (uniformly within ±50 % of it).
    pub flood_relay_gap: Duration,
    /// Loops signing in with random emails from the flooding address, each sending its next
    /// attempt as soon as the last is answered.
    pub flood_sign_in_loops: usize,
    /// Loops fetching the site's public info from the same address, likewise.
    pub flood_site_info_loops: usize,
    /// Requests per second each flood loop sends at most. The flood shares this machine's two
    /// cores with the stack, so an unpaced one measures the CPU it takes, not the site object;
    /// 8 + 8 loops at 2 a second are 16 sign-ins a second, more than the 10 that used to stop
    /// a site, and as many site-info requests.
    pub flood_loop_rate: f64,
    /// The window of each phase is cut into this many, taken in turns (without, with, …).
    pub flood_rounds: usize,
    /// Concurrent conversations of the relay, in increasing order.
    pub relay_sizes: Vec<usize>,
    pub relay_window: Duration,
    /// Messages per second across all conversations of a level.
    pub relay_rate: f64,
    /// A conversation sends at most one message per this gap (each socket alternately).
    pub relay_min_gap: Duration,
    /// Conversations sending one message a second each, in increasing order (10 consoles).
    pub fanout_steps: Vec<usize>,
    pub fanout_consoles: usize,
    /// Consoles for the subscriber growth, at `fanout_growth_conversations` conversations.
    pub fanout_console_steps: Vec<usize>,
    pub fanout_growth_conversations: usize,
    pub fanout_window: Duration,
    /// The longest a step may take to deliver what was sent in it.
    pub drain: Duration,
    /// Closed conversations generated into the history's D1 before it is searched.
    pub history_conversations: u64,
    /// Rounds of the history's searches, each kind once per round.
    pub history_searches: usize,
    /// Conversations closed one after another, each timed to its close event and until a
    /// search finds it.
    pub history_closes: usize,
}

impl Plan {
    pub fn full() -> Plan {
        Plan {
            host_runs: 7,
            host_window: Duration::from_secs(4),
            takeover_conversations: 30,
            takeover_clicks: 3,
            bot_articles: vec![10, 100, 1000],
            bot_conversations: 5,
            bot_messages_per_conversation: 8,
            // 256 starts a side: a p99 is then one of the three slowest, not of the two.
            flood_window: Duration::from_secs(64),
            flood_start_rate: 4.0,
            flood_relay_pairs: 8,
            flood_relay_gap: Duration::from_millis(400),
            flood_sign_in_loops: 8,
            flood_site_info_loops: 8,
            flood_loop_rate: 2.0,
            flood_rounds: 8,
            relay_sizes: vec![1, 100, 1000],
            relay_window: Duration::from_secs(20),
            relay_rate: 40.0,
            relay_min_gap: Duration::from_millis(400),
            fanout_steps: vec![100, 250, 500, 1000],
            fanout_consoles: 10,
            fanout_console_steps: vec![1, 5, 10],
            fanout_growth_conversations: 100,
            fanout_window: Duration::from_secs(12),
            drain: Duration::from_secs(20),
            history_conversations: 100_000,
            history_searches: 100,
            history_closes: 50,
        }
    }

    pub fn quick() -> Plan {
        Plan {
            host_runs: 2,
            host_window: Duration::from_secs(4),
            takeover_conversations: 5,
            takeover_clicks: 1,
            bot_articles: vec![10, 100, 1000],
            bot_conversations: 2,
            bot_messages_per_conversation: 3,
            flood_window: Duration::from_secs(5),
            flood_start_rate: 4.0,
            flood_relay_pairs: 4,
            flood_relay_gap: Duration::from_millis(400),
            flood_sign_in_loops: 4,
            flood_site_info_loops: 4,
            flood_loop_rate: 2.0,
            flood_rounds: 1,
            relay_sizes: vec![1, 10, 40],
            relay_window: Duration::from_secs(5),
            relay_rate: 20.0,
            relay_min_gap: Duration::from_millis(400),
            fanout_steps: vec![10, 40],
            fanout_consoles: 3,
            fanout_console_steps: vec![1, 3],
            fanout_growth_conversations: 10,
            fanout_window: Duration::from_secs(5),
            drain: Duration::from_secs(10),
            history_conversations: 10_000,
            history_searches: 20,
            history_closes: 10,
        }
    }

    /// The most conversations the relay and fan-out keep open at once.
    pub fn pool_size(&self) -> usize {
        let relay = self.relay_sizes.iter().copied().max().unwrap_or(0);
        let fanout = self.fanout_steps.iter().copied().chain([self.fanout_growth_conversations]).max().unwrap_or(0);
        relay.max(fanout)
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub parts: Vec<Part>,
    pub quick: bool,
    pub plan: Plan,
    pub json: PathBuf,
}

impl Options {
    pub fn parse(args: &[String], default_json: PathBuf) -> Result<Options, String> {
        let mut parts = Part::ALL.to_vec();
        let mut quick = false;
        let mut json = default_json;
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--quick" => quick = true,
                "--parts" => {
                    let list = it.next().ok_or_else(|| format!("--parts needs a value\n\n{USAGE}"))?;
                    parts = list
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(Part::parse)
                        .collect::<Result<_, _>>()?;
                }
                "--json" => json = PathBuf::from(it.next().ok_or_else(|| format!("--json needs a value\n\n{USAGE}"))?),
                other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            }
        }
        if parts.is_empty() {
            return Err(format!("--parts names no part\n\n{USAGE}"));
        }
        let plan = if quick { Plan::quick() } else { Plan::full() };
        Ok(Options { parts, quick, plan, json })
    }

    pub fn has(&self, part: Part) -> bool {
        self.parts.contains(&part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Options::parse(&args, PathBuf::from("x.json"))
    }

    #[test]
    fn parts_and_modes() {
        let all = parse(&[]).unwrap();
        assert_eq!(all.parts.len(), 7);
        assert_eq!(all.plan.pool_size(), 1000);
        let some = parse(&["--quick", "--parts", "relay,host"]).unwrap();
        assert!(some.quick && some.has(Part::Relay) && some.has(Part::Host) && !some.has(Part::Bot));
        let history = parse(&["--quick", "--parts", "history"]).unwrap();
        assert!(history.has(Part::History) && history.parts.len() == 1);
        assert_eq!((history.plan.history_conversations, history.plan.history_searches), (10_000, 20));
        let flood = parse(&["--parts", "flood"]).unwrap();
        assert!(flood.has(Part::Flood) && flood.parts.len() == 1);
        assert_eq!((flood.plan.flood_window.as_secs(), flood.plan.flood_sign_in_loops), (64, 8));
        assert!(parse(&["--parts", "cpu"]).is_err());
        assert!(parse(&["--parts", ""]).is_err());
        assert!(parse(&["--json"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}

//! Command-line options of the load generator.

use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
usage: load [options]

  --conversations N      conversations a customer and an agent talk in (default 500)
  --bot-conversations N  extra conversations where only the customer and the bot talk (default 50)
  --agents N             agent accounts sharing the conversations (default 50)
  --seconds S            how long messages are exchanged (default 60)
  --drain-seconds S      how long to wait for the last messages to arrive (default 30)
  --gap-ms MIN-MAX       pause between one side's messages (default 1000-3000)
  --drop-rate P          chance per socket per second of dropping its TCP stream (default 0.02)
  --drop-after-send P    chance of dropping the stream right after a message, before its ack (default 0.03)
  --seed N               seed of every random choice (default: from the clock)
  --json PATH            where to write the figures (default target/bench/load.json)
";

#[derive(Debug, Clone)]
pub struct Options {
    pub conversations: usize,
    pub bot_conversations: usize,
    pub agents: usize,
    pub run_for: Duration,
    pub drain_for: Duration,
    pub gap_ms: (u64, u64),
    pub drop_rate: f64,
    pub drop_after_send: f64,
    pub seed: u64,
    pub json: PathBuf,
}

impl Options {
    pub fn parse(args: &[String], default_seed: u64, default_json: PathBuf) -> Result<Options, String> {
        let mut o = Options {
            conversations: 500,
            bot_conversations: 50,
            agents: 50,
            run_for: Duration::from_secs(60),
            drain_for: Duration::from_secs(30),
            gap_ms: (1000, 3000),
            drop_rate: 0.02,
            drop_after_send: 0.03,
            seed: default_seed,
            json: default_json,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let value = it.next().ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
            match flag.as_str() {
                "--conversations" => o.conversations = number(flag, value)?,
                "--bot-conversations" => o.bot_conversations = number(flag, value)?,
                "--agents" => o.agents = number(flag, value)?,
                "--seconds" => o.run_for = Duration::from_secs(number(flag, value)?),
                "--drain-seconds" => o.drain_for = Duration::from_secs(number(flag, value)?),
                "--gap-ms" => o.gap_ms = range(flag, value)?,
                "--drop-rate" => o.drop_rate = probability(flag, value)?,
                "--drop-after-send" => o.drop_after_send = probability(flag, value)?,
                "--seed" => o.seed = number(flag, value)?,
                "--json" => o.json = PathBuf::from(value),
                _ => return Err(format!("unknown option {flag:?}\n\n{USAGE}")),
            }
        }
        if o.agents == 0 && o.conversations > 0 {
            return Err("--agents must be at least 1 when there are agent conversations".into());
        }
        // A side sends at most one message per gap; below 250 ms a socket would outrun its
        // 5 frames/s allowance once resends and hellos are added.
        if o.gap_ms.0 < 250 {
            return Err("--gap-ms must start at 250 or more, to stay under the per-socket rate limit".into());
        }
        Ok(o)
    }

    pub fn total_conversations(&self) -> usize {
        self.conversations + self.bot_conversations
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag} {value:?} is not a whole number"))
}

fn probability(flag: &str, value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{flag} {value:?} is not a probability between 0 and 1")),
    }
}

fn range(flag: &str, value: &str) -> Result<(u64, u64), String> {
    let (low, high) = value.split_once('-').ok_or_else(|| format!("{flag} {value:?} is not MIN-MAX"))?;
    let (low, high): (u64, u64) = (number(flag, low)?, number(flag, high)?);
    if low > high {
        return Err(format!("{flag} {value:?}: MIN is above MAX"));
    }
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Options::parse(&args, 1, PathBuf::from("x.json"))
    }

    #[test]
    fn defaults_and_flags() {
        let o = parse(&[]).unwrap();
        assert_eq!((o.conversations, o.run_for), (500, Duration::from_secs(60)));
        let o = parse(&["--conversations", "20", "--seconds", "5", "--gap-ms", "500-900"]).unwrap();
        assert_eq!((o.conversations, o.run_for.as_secs(), o.gap_ms), (20, 5, (500, 900)));
        assert!(parse(&["--seconds"]).is_err());
        assert!(parse(&["--drop-rate", "2"]).is_err());
        assert!(parse(&["--gap-ms", "100-200"]).is_err());
        assert!(parse(&["--frobnicate", "1"]).is_err());
    }
}

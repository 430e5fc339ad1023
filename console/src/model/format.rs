//! How values read on screen: wait times, visitor labels, mode names, bot confidence, flags, sentiment.

use baton_shared::calendar::civil_from_days;
use baton_shared::insight::{Flag, Trend};
use baton_shared::protocol::{BotMeta, ConversationSummary, Mode};

/// A wait as it reads in a dense list: "42s", "5m 07s", "1h 02m".
pub fn format_wait(ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// The last six alphanumerics of a conversation id: the random tail tells rows apart.
pub fn short_id(id: &str) -> String {
    let tail: Vec<char> = id.chars().filter(char::is_ascii_alphanumeric).collect();
    tail[tail.len().saturating_sub(6)..].iter().collect()
}

/// The visitor's name, or "Visitor" and a short id when they gave none.
pub fn visitor_label(visitor_name: Option<&str>, conversation_id: &str) -> String {
    match visitor_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => name.to_string(),
        None => format!("Visitor {}", short_id(conversation_id)),
    }
}

/// A row's visitor; a name the site did not verify says so.
pub fn summary_visitor_label(summary: &ConversationSummary) -> String {
    let label = visitor_label(summary.visitor_name.as_deref(), &summary.id);
    match summary.visitor_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(_) if !summary.visitor_verified => format!("{label} (unverified)"),
        _ => label,
    }
}

/// Mode as agents speak of it.
pub fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Bot => "Bot",
        Mode::Queued => "Waiting",
        Mode::Human => "Human",
        Mode::Closed => "Closed",
    }
}

/// A 0.0–1.0 confidence as a whole percentage; out-of-range or NaN values are clamped.
pub fn percent(confidence: f32) -> u32 {
    if confidence.is_nan() { 0 } else { (confidence.clamp(0.0, 1.0) * 100.0).round() as u32 }
}

/// "Confidence 92% · Article: Returns and refunds": what the bot based a reply on.
pub fn bot_detail(meta: &BotMeta) -> String {
    let mut out = format!("Confidence {}%", percent(meta.confidence));
    if let Some(article) = meta.article_title.as_deref().or(meta.article_id.as_deref()) {
        out.push_str(" · Article: ");
        out.push_str(article);
    }
    out
}

/// "Asked for a person: customer typed \"agent\"": a flag as a chip reads it.
pub fn flag_text(flag: &Flag) -> String {
    format!("{}: {}", flag.kind.label(), flag.reason)
}

/// A sentiment score with two decimals and a real minus sign ("−0.62"); never "−0.00".
pub fn score(value: f32) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded < 0.0 { format!("\u{2212}{:.2}", -rounded) } else { format!("{:.2}", rounded.abs()) }
}

/// "Sentiment −0.62", as a dashboard row shows it.
pub fn sentiment_label(value: f32) -> String {
    format!("Sentiment {}", score(value))
}

pub fn trend_word(trend: Trend) -> &'static str {
    match trend {
        Trend::Improving => "improving",
        Trend::Steady => "steady",
        Trend::Worsening => "worsening",
    }
}

pub fn trend_arrow(trend: Trend) -> &'static str {
    match trend {
        Trend::Improving => "\u{2191}",
        Trend::Steady => "\u{2192}",
        Trend::Worsening => "\u{2193}",
    }
}

/// "14:05" for a server timestamp, given the viewer's offset from UTC in minutes (east positive).
pub fn clock(ts_ms: u64, utc_offset_minutes: i64) -> String {
    let minutes_of_day = ((ts_ms / 60_000) as i64 + utc_offset_minutes).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60)
}

const DAY_MS: i64 = 86_400_000;
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// "5 Mar 2024" for a server timestamp in the viewer's offset: no month/day order to misread.
pub fn day_label(ts_ms: u64, utc_offset_minutes: i64) -> String {
    let local = ts_ms as i64 + utc_offset_minutes * 60_000;
    let (year, month, day) = civil_from_days(local.div_euclid(DAY_MS));
    format!("{day} {} {year}", MONTHS[(month as usize).saturating_sub(1) % 12])
}

/// "5 Mar 2024, 14:05".
pub fn date_time(ts_ms: u64, utc_offset_minutes: i64) -> String {
    format!("{}, {}", day_label(ts_ms, utc_offset_minutes), clock(ts_ms, utc_offset_minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_compactly() {
        assert_eq!(format_wait(0), "0s");
        assert_eq!(format_wait(42_900), "42s");
        assert_eq!(format_wait(5 * 60_000 + 7_000), "5m 07s");
        assert_eq!(format_wait(3_600_000 + 2 * 60_000 + 59_000), "1h 02m");
    }

    #[test]
    fn visitors_without_a_name_get_a_short_id() {
        assert_eq!(visitor_label(Some("Ada"), "c-1"), "Ada");
        assert_eq!(visitor_label(Some("  "), "conv_9f8e7d6c5b4a"), "Visitor 6c5b4a");
        assert_eq!(visitor_label(None, "ab"), "Visitor ab");
        assert_eq!(short_id("d3b0-7a1c-99ef"), "1c99ef");
    }

    #[test]
    fn bot_detail_names_confidence_and_article() {
        let meta = BotMeta { confidence: 0.916, article_id: Some("returns".into()), article_title: None };
        assert_eq!(bot_detail(&meta), "Confidence 92% · Article: returns");
        let meta = BotMeta { confidence: 1.7, article_id: Some("r".into()), article_title: Some("Returns".into()) };
        assert_eq!(bot_detail(&meta), "Confidence 100% · Article: Returns");
        let meta = BotMeta { confidence: 0.3, article_id: None, article_title: None };
        assert_eq!(bot_detail(&meta), "Confidence 30%");
    }

    #[test]
    fn flags_and_sentiment_read_as_agents_expect() {
        use baton_shared::insight::FlagKind;
        let flag = Flag { kind: FlagKind::Vip, reason: "plan is vip".into(), raised_at: 0 };
        assert_eq!(flag_text(&flag), "VIP: plan is vip");
        assert_eq!(sentiment_label(-0.618), "Sentiment \u{2212}0.62");
        assert_eq!(score(0.4), "0.40");
        assert_eq!(score(-0.001), "0.00");
        assert_eq!(score(-1.0), "\u{2212}1.00");
        assert_eq!((trend_word(Trend::Worsening), trend_arrow(Trend::Improving)), ("worsening", "\u{2191}"));
        assert_eq!((percent(f32::NAN), percent(0.824), percent(-2.0)), (0, 82, 0));
    }

    #[test]
    fn clock_applies_the_offset() {
        let ts = (13 * 60 + 5) * 60_000 + 59_000;
        assert_eq!(clock(ts, 0), "13:05");
        assert_eq!(clock(ts, 120), "15:05");
        assert_eq!(clock(ts, -14 * 60), "23:05");
        assert_eq!(mode_label(Mode::Queued), "Waiting");
    }

    #[test]
    fn dates_read_in_the_viewers_offset() {
        use baton_shared::calendar::days_from_civil;
        // 2024-03-04 23:30 UTC is already the 5th an hour east.
        let ts = (days_from_civil(2024, 3, 4) * DAY_MS + (23 * 60 + 30) * 60_000) as u64;
        assert_eq!(date_time(ts, 0), "4 Mar 2024, 23:30");
        assert_eq!(date_time(ts, 60), "5 Mar 2024, 00:30");
        assert_eq!(day_label(0, -60), "31 Dec 1969");
    }
}

//! How values read on screen: wait times, visitor labels, mode names, bot confidence.

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

pub fn summary_visitor_label(summary: &ConversationSummary) -> String {
    visitor_label(summary.visitor_name.as_deref(), &summary.id)
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

/// "Confidence 92% · Returns and refunds": what the bot based a reply on.
pub fn bot_detail(meta: &BotMeta) -> String {
    let pct = (meta.confidence.clamp(0.0, 1.0) * 100.0).round() as u32;
    let mut out = format!("Confidence {pct}%");
    if let Some(article) = meta.article_title.as_deref().or(meta.article_id.as_deref()) {
        out.push_str(" · Article: ");
        out.push_str(article);
    }
    out
}

/// "14:05" for a server timestamp, given the viewer's offset from UTC in minutes (east positive).
pub fn clock(ts_ms: u64, utc_offset_minutes: i64) -> String {
    let minutes_of_day = ((ts_ms / 60_000) as i64 + utc_offset_minutes).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60)
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
    fn clock_applies_the_offset() {
        let ts = (13 * 60 + 5) * 60_000 + 59_000;
        assert_eq!(clock(ts, 0), "13:05");
        assert_eq!(clock(ts, 120), "15:05");
        assert_eq!(clock(ts, -14 * 60), "23:05");
        assert_eq!(mode_label(Mode::Queued), "Waiting");
    }
}

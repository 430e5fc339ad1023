//! Which dashboard rows an agent looks at, and in what order: filter by flag, sort by need.

use std::cmp::Ordering;

use baton_shared::insight::FlagKind;
use baton_shared::protocol::ConversationSummary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    /// Any flag at all.
    Flagged,
    Kind(FlagKind),
}

impl Filter {
    /// Every choice, in the order the select lists them.
    pub fn options() -> Vec<Filter> {
        [Filter::All, Filter::Flagged].into_iter().chain(FlagKind::ALL.into_iter().map(Filter::Kind)).collect()
    }

    /// The option's value attribute.
    pub fn value(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Flagged => "flagged",
            Filter::Kind(kind) => kind.as_str(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Flagged => "Flagged",
            Filter::Kind(kind) => kind.label(),
        }
    }

    /// Reads an option value back; anything unknown shows everything rather than nothing.
    pub fn parse(value: &str) -> Filter {
        Filter::options().into_iter().find(|f| f.value() == value).unwrap_or_default()
    }

    pub fn keeps(self, row: &ConversationSummary) -> bool {
        match self {
            Filter::All => true,
            Filter::Flagged => !row.flags.is_empty(),
            Filter::Kind(kind) => row.flags.iter().any(|f| f.kind == kind),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The dashboard's own order: queued, then waiting longest, then most recently active.
    #[default]
    LatestActivity,
    MostFlags,
    WaitingLongest,
    LowestSentiment,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::LatestActivity, Sort::MostFlags, Sort::WaitingLongest, Sort::LowestSentiment];

    pub fn value(self) -> &'static str {
        match self {
            Sort::LatestActivity => "latest",
            Sort::MostFlags => "flags",
            Sort::WaitingLongest => "waiting",
            Sort::LowestSentiment => "sentiment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::LatestActivity => "Latest activity",
            Sort::MostFlags => "Most flags",
            Sort::WaitingLongest => "Waiting longest",
            Sort::LowestSentiment => "Lowest sentiment",
        }
    }

    pub fn parse(value: &str) -> Sort {
        Sort::ALL.into_iter().find(|s| s.value() == value).unwrap_or_default()
    }

    /// Rows without the value sorted on go last; ties keep the dashboard's own order.
    fn compare(self, a: &ConversationSummary, b: &ConversationSummary) -> Ordering {
        match self {
            Sort::LatestActivity => Ordering::Equal,
            Sort::MostFlags => b.flags.len().cmp(&a.flags.len()),
            Sort::WaitingLongest => last_if_none(a.waiting_since, b.waiting_since, |x, y| x.cmp(&y)),
            Sort::LowestSentiment => last_if_none(a.sentiment, b.sentiment, |x, y| x.total_cmp(&y)),
        }
    }
}

fn last_if_none<T: Copy>(a: Option<T>, b: Option<T>, cmp: impl Fn(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The rows to show, given rows already in the dashboard's display order.
pub fn arrange(rows: &[ConversationSummary], filter: Filter, sort: Sort) -> Vec<&ConversationSummary> {
    let mut shown: Vec<_> = rows.iter().filter(|r| filter.keeps(r)).collect();
    // Stable, so equal rows stay in display order.
    shown.sort_by(|a, b| sort.compare(a, b));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::insight::Flag;

    fn row(id: &str, kinds: &[FlagKind], waiting_since: Option<u64>, sentiment: Option<f32>) -> ConversationSummary {
        ConversationSummary {
            waiting_since,
            flags: kinds.iter().map(|&kind| Flag { kind, reason: "r".into(), raised_at: 0 }).collect(),
            sentiment,
            ..crate::model::sample_row(id)
        }
    }

    fn ids(rows: Vec<&ConversationSummary>) -> Vec<&str> {
        rows.into_iter().map(|r| r.id.as_str()).collect()
    }

    fn sample() -> Vec<ConversationSummary> {
        vec![
            row("a", &[], Some(50), Some(0.2)),
            row("b", &[FlagKind::Vip], None, Some(-0.7)),
            row("c", &[FlagKind::Sentiment, FlagKind::Vip], Some(10), None),
            row("d", &[FlagKind::Topic], Some(30), Some(-0.1)),
        ]
    }

    #[test]
    fn options_read_as_the_select_shows_them_and_parse_back() {
        let labels: Vec<_> = Filter::options().into_iter().map(Filter::label).collect();
        assert_eq!(
            labels,
            ["All", "Flagged", "Asked for a person", "Sentiment", "VIP", "Topic", "Unresolved", "Low confidence"]
        );
        for f in Filter::options() {
            assert_eq!(Filter::parse(f.value()), f);
        }
        assert_eq!(Filter::parse("nonsense"), Filter::All);
        let sorts: Vec<_> = Sort::ALL.into_iter().map(Sort::label).collect();
        assert_eq!(sorts, ["Latest activity", "Most flags", "Waiting longest", "Lowest sentiment"]);
        for s in Sort::ALL {
            assert_eq!(Sort::parse(s.value()), s);
        }
        assert_eq!(Sort::parse(""), Sort::LatestActivity);
    }

    #[test]
    fn filters_keep_flagged_rows_or_one_kind() {
        let rows = sample();
        assert_eq!(ids(arrange(&rows, Filter::All, Sort::LatestActivity)), ["a", "b", "c", "d"]);
        assert_eq!(ids(arrange(&rows, Filter::Flagged, Sort::LatestActivity)), ["b", "c", "d"]);
        assert_eq!(ids(arrange(&rows, Filter::Kind(FlagKind::Vip), Sort::LatestActivity)), ["b", "c"]);
        assert!(arrange(&rows, Filter::Kind(FlagKind::Unresolved), Sort::LatestActivity).is_empty());
    }

    #[test]
    fn sorts_put_missing_values_last_and_keep_ties_in_display_order() {
        let rows = sample();
        assert_eq!(ids(arrange(&rows, Filter::All, Sort::MostFlags)), ["c", "b", "d", "a"]);
        assert_eq!(ids(arrange(&rows, Filter::All, Sort::WaitingLongest)), ["c", "d", "a", "b"]);
        assert_eq!(ids(arrange(&rows, Filter::All, Sort::LowestSentiment)), ["b", "d", "a", "c"]);
        assert_eq!(ids(arrange(&rows, Filter::Flagged, Sort::LowestSentiment)), ["b", "d", "c"]);
    }
}

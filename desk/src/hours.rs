//! Business hours: whether the team is open at a moment of the site's local time, and when it
//! opens next. Pure: the edge reads the local time in the site's time zone (the platform's time
//! zone data) and hands it in.

use baton_shared::calendar::days_in_month;
use baton_shared::team::{BusinessHours, Opening};

/// A moment in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// 0 is Monday.
    pub weekday: u32,
    /// Minutes since local midnight.
    pub minute: u32,
}

/// When the team is next open, in the site's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reopening {
    /// 0 is Monday.
    pub weekday: u32,
    pub minute: u32,
    /// How many days from today (0: later today, 1: tomorrow).
    pub in_days: u32,
}

/// How far ahead to look for the next opening: a schedule closed longer than this has no "back".
const LOOKAHEAD_DAYS: u32 = 31;

impl LocalTime {
    fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The same time `days` later (the weekday and date move, the minute stays).
    fn plus_days(&self, days: u32) -> LocalTime {
        let (mut year, mut month, mut day) = (self.year, self.month, self.day);
        for _ in 0..days {
            day += 1;
            if day > days_in_month(i64::from(year), month) {
                day = 1;
                month += 1;
                if month > 12 {
                    month = 1;
                    year += 1;
                }
            }
        }
        LocalTime { year, month, day, weekday: (self.weekday + days) % 7, minute: self.minute }
    }
}

/// The day's opening spans in minutes (a closed date has none).
fn openings_on<'a>(hours: &'a BusinessHours, day: &LocalTime) -> impl Iterator<Item = (u32, u32)> + 'a {
    let closed = hours.closed_dates.iter().any(|d| *d == day.date());
    let weekday = day.weekday;
    hours.weekly.iter().filter(move |o| !closed && o.weekday == weekday).filter_map(Opening::minutes)
}

/// Whether the team is open at `now`. No schedule means always open.
pub fn is_open(hours: Option<&BusinessHours>, now: &LocalTime) -> bool {
    let Some(hours) = hours else { return true };
    openings_on(hours, now).any(|(from, to)| from <= now.minute && now.minute < to)
}

/// When the team opens next after `now` (later today or on a coming day), if within a month.
pub fn next_opening(hours: &BusinessHours, now: &LocalTime) -> Option<Reopening> {
    (0..=LOOKAHEAD_DAYS).find_map(|in_days| {
        let day = now.plus_days(in_days);
        openings_on(hours, &day)
            .map(|(from, _)| from)
            .filter(|from| in_days > 0 || *from > now.minute)
            .min()
            .map(|minute| Reopening { weekday: day.weekday, minute, in_days })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays_nine_to_five() -> BusinessHours {
        BusinessHours {
            time_zone: "Europe/Madrid".into(),
            weekly: (0..5).map(|weekday| Opening { weekday, from: "09:00".into(), to: "17:00".into() }).collect(),
            closed_dates: vec!["2026-12-25".into()],
        }
    }

    fn at(day: u32, weekday: u32, hour: u32) -> LocalTime {
        LocalTime { year: 2026, month: 12, day, weekday, minute: hour * 60 }
    }

    #[test]
    fn open_inside_the_weekly_hours_and_not_on_closed_dates() {
        let hours = weekdays_nine_to_five();
        assert!(is_open(None, &at(6, 6, 3)), "no schedule: always open");
        assert!(is_open(Some(&hours), &at(7, 0, 9)), "Monday 9:00");
        assert!(!is_open(Some(&hours), &at(7, 0, 17)), "closes at 17:00");
        assert!(!is_open(Some(&hours), &at(6, 6, 12)), "Sunday");
        assert!(!is_open(Some(&hours), &at(25, 4, 12)), "a closed date");
    }

    #[test]
    fn the_next_opening_skips_weekends_and_closed_dates() {
        let hours = weekdays_nine_to_five();
        assert_eq!(next_opening(&hours, &at(5, 5, 12)), Some(Reopening { weekday: 0, minute: 540, in_days: 2 }));
        assert_eq!(next_opening(&hours, &at(7, 0, 7)), Some(Reopening { weekday: 0, minute: 540, in_days: 0 }));
        assert_eq!(next_opening(&hours, &at(24, 3, 18)), Some(Reopening { weekday: 0, minute: 540, in_days: 4 }));
        let new_year = LocalTime { year: 2026, month: 12, day: 31, weekday: 3, minute: 18 * 60 };
        assert_eq!(new_year.plus_days(1).date(), "2027-01-01");
        let never = BusinessHours { weekly: Vec::new(), ..hours };
        assert_eq!(next_opening(&never, &at(7, 0, 7)), None);
    }
}

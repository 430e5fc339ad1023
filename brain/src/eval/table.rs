//! Both sets side by side, one figure a row: the development set, which rules are tuned on,
//! beside the held-out set, which the targets apply to. Each figure carries the counts it comes
//! from, so a share of a few sentences reads as the rough figure it is.

use std::fmt;

use super::{ARTICLE_TARGET, HUMAN_TARGET, Report, Scores};

pub(super) struct SideBySide<'a> {
    pub dev: &'a Report,
    pub heldout: &'a Report,
}

/// A share and the counts it was computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Figure {
    value: f32,
    part: usize,
    whole: usize,
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ({}/{})", self.value, self.part, self.whole)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Figure(Figure),
    Count(usize),
    Value(f32),
    /// The language does not occur in this set.
    Absent,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Figure(figure) => write!(f, "{figure}"),
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Value(value) => write!(f, "{value:.3}"),
            Cell::Absent => write!(f, "-"),
        }
    }
}

struct Row {
    label: String,
    dev: Cell,
    heldout: Cell,
    /// Shown on the overall rows the targets apply to.
    target: Option<f32>,
}

const LABEL_WIDTH: usize = 34;
const CELL_WIDTH: usize = 18;

impl fmt::Display for SideBySide<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "both sets side by side (the targets apply to the held-out set):")?;
        writeln!(f, "  {:<LABEL_WIDTH$}{:>CELL_WIDTH$}{:>CELL_WIDTH$}  target", "", "development", "held-out")?;
        for row in self.rows() {
            let (dev, heldout) = (row.dev.to_string(), row.heldout.to_string());
            write!(f, "  {:<LABEL_WIDTH$}{dev:>CELL_WIDTH$}{heldout:>CELL_WIDTH$}", row.label)?;
            match row.target {
                Some(target) => writeln!(f, "  >= {target}")?,
                None => writeln!(f)?,
            }
        }
        Ok(())
    }
}

/// One understanding figure of a slice of a set.
type Measure = fn(&Scores) -> Figure;

impl SideBySide<'_> {
    fn rows(&self) -> Vec<Row> {
        let (dev, heldout) = (&self.dev.understanding, &self.heldout.understanding);
        let mut rows = vec![Row {
            label: "messages".into(),
            dev: Cell::Count(dev.overall.messages),
            heldout: Cell::Count(heldout.overall.messages),
            target: None,
        }];
        let languages = union(dev.languages.iter().map(|(l, _)| l), heldout.languages.iter().map(|(l, _)| l));
        let measure_rows = |label: &str, measure: Measure, target: Option<f32>| {
            let mut rows = vec![Row {
                label: label.into(),
                dev: Cell::Figure(measure(&dev.overall)),
                heldout: Cell::Figure(measure(&heldout.overall)),
                target,
            }];
            for &lang in &languages {
                let of = |languages: &[(String, Scores)]| {
                    languages.iter().find(|(l, _)| l == lang).map_or(Cell::Absent, |(_, s)| Cell::Figure(measure(s)))
                };
                rows.push(Row {
                    label: format!("  {lang}"),
                    dev: of(&dev.languages),
                    heldout: of(&heldout.languages),
                    target: None,
                });
            }
            rows
        };
        rows.extend(measure_rows("person request precision", precision, Some(HUMAN_TARGET)));
        rows.extend(measure_rows("person request recall", recall, Some(HUMAN_TARGET)));
        // What the model beside the frames adds: the same figures from the frames alone.
        let frames_only = |counts: super::Counts, of: Measure| of(&Scores { human: counts, ..Scores::default() });
        for (label, measure) in [("precision", precision as Measure), ("recall", recall)] {
            rows.push(Row {
                label: format!("  by the frames alone: {label}"),
                dev: Cell::Figure(frames_only(dev.framed, measure)),
                heldout: Cell::Figure(frames_only(heldout.framed, measure)),
                target: None,
            });
        }
        rows.extend(measure_rows("intent accuracy", intent, None));
        rows.extend(measure_rows("sentiment agreement", sentiment, None));
        rows.extend(self.article_rows());
        rows
    }

    fn article_rows(&self) -> Vec<Row> {
        let (dev, heldout) = (&self.dev.articles, &self.heldout.articles);
        let mut rows = vec![
            Row {
                label: "questions".into(),
                dev: Cell::Count(dev.pairs),
                heldout: Cell::Count(heldout.pairs),
                target: None,
            },
            Row {
                label: "article top-1 accuracy".into(),
                dev: Cell::Figure(share(dev.top1_correct, dev.pairs)),
                heldout: Cell::Figure(share(heldout.top1_correct, heldout.pairs)),
                target: Some(ARTICLE_TARGET),
            },
        ];
        let languages = union(dev.by_language.iter().map(|(l, ..)| l), heldout.by_language.iter().map(|(l, ..)| l));
        for &lang in &languages {
            let of = |by_language: &[(String, usize, usize)]| {
                by_language
                    .iter()
                    .find(|(l, ..)| l == lang)
                    .map_or(Cell::Absent, |&(_, pairs, correct)| Cell::Figure(share(correct, pairs)))
            };
            rows.push(Row {
                label: format!("  {lang}"),
                dev: of(&dev.by_language),
                heldout: of(&heldout.by_language),
                target: None,
            });
        }
        rows.push(Row {
            label: "confidence calibration error".into(),
            dev: Cell::Value(dev.calibration_error()),
            heldout: Cell::Value(heldout.calibration_error()),
            target: None,
        });
        rows
    }
}

fn precision(scores: &Scores) -> Figure {
    let c = scores.human;
    Figure { value: c.precision(), part: c.true_positives, whole: c.true_positives + c.false_positives }
}

fn recall(scores: &Scores) -> Figure {
    let c = scores.human;
    Figure { value: c.recall(), part: c.true_positives, whole: c.true_positives + c.false_negatives }
}

fn intent(scores: &Scores) -> Figure {
    Figure { value: scores.intent_accuracy(), part: scores.intent_correct, whole: scores.messages }
}

fn sentiment(scores: &Scores) -> Figure {
    let agreed = (0..3).map(|i| scores.confusion[i][i]).sum();
    Figure { value: scores.sentiment_agreement(), part: agreed, whole: scores.messages }
}

/// Article accuracy is 0 on no questions (nothing was found), as `ArticleReport::accuracy`.
fn share(part: usize, whole: usize) -> Figure {
    Figure { value: if whole == 0 { 0.0 } else { part as f32 / whole as f32 }, part, whole }
}

/// The languages of both sets, the development set's order first.
fn union<'a>(first: impl Iterator<Item = &'a String>, second: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut all: Vec<&String> = Vec::new();
    for lang in first.chain(second) {
        if !all.contains(&lang) {
            all.push(lang);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::super::{Labelled, articles::ArticleReport, understand};
    use super::*;

    fn report(lines: &[(&str, &str, bool)], by_language: Vec<(String, usize, usize)>) -> Report {
        let messages: Vec<Labelled> = lines
            .iter()
            .map(|&(text, lang, human)| {
                let intent = if human { "human_request" } else { "question" };
                let json = serde_json::json!({"text": text, "lang": lang, "human": human, "intent": intent, "sentiment": "neutral"});
                serde_json::from_value(json).unwrap()
            })
            .collect();
        let (pairs, top1_correct) =
            by_language.iter().fold((0, 0), |(p, c), (_, pairs, correct)| (p + pairs, c + correct));
        let articles = ArticleReport { pairs, top1_correct, by_language, misses: Vec::new(), calibration: Vec::new() };
        Report { understanding: understand(&messages), articles }
    }

    #[test]
    fn rows_pair_the_sets_and_mark_languages_one_set_lacks() {
        let dev = report(&[("can I talk to a real person", "en", true)], vec![("en".into(), 4, 3)]);
        let heldout = report(
            &[("can I talk to a real person", "en", true), ("quiero hablar con una persona", "es", true)],
            vec![("es".into(), 2, 1)],
        );
        let table = SideBySide { dev: &dev, heldout: &heldout };
        let rows = table.rows();
        let row = |label: &str, nth: usize| rows.iter().filter(|r| r.label == label).nth(nth).unwrap();
        assert_eq!((row("messages", 0).dev, row("messages", 0).heldout), (Cell::Count(1), Cell::Count(2)));
        assert_eq!(row("person request recall", 0).target, Some(HUMAN_TARGET));
        // The first "  es" row is precision's: the development set has no Spanish message.
        assert_eq!(row("  es", 0).dev, Cell::Absent);
        assert_eq!(row("article top-1 accuracy", 0).heldout, Cell::Figure(Figure { value: 0.5, part: 1, whole: 2 }));
        assert_eq!(row("  en", 4).heldout, Cell::Absent, "articles: no English held-out question");
        let shown = table.to_string();
        assert!(shown.contains("0.750 (3/4)"), "{shown}");
        assert!(shown.contains(">= 0.85"), "{shown}");
    }
}

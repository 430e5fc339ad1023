//! Top-1 article accuracy on labelled questions (`questions.jsonl` of each set in
//! `brain/eval/`, one `{"q", "article", "lang"}` object a line) against a site seed's articles,
//! with how well the confidence is calibrated.
//!
//! The calibration is fitted on the development set's questions only ([`fit`]), so the
//! held-out set also measures whether the confidence holds on questions the fit never saw.

use std::fmt;
use std::path::Path;

use baton_shared::Article;
use serde::Deserialize;

use crate::knowledge::{Calibration, Evidence, KnowledgeBase};

/// Messages no shop article answers. The labelled questions all have an answer, so on their
/// own they would teach the confidence that the best article is usually right; these are the
/// fit's other half.
pub const OFF_TOPIC: &[&str] = &[
    "what's the weather like in Seattle tomorrow",
    "can you recommend a good movie",
    "tell me a joke",
    "are you a robot?",
    "who won the football game last night",
    "what is the capital of Peru",
    "write me a poem about mountains",
    "I need help with my tax return",
    "do you sell bicycles",
    "do you sell kayaks or canoes",
    "are you hiring? I'd like to apply for a job",
    "can I bring my dog into the store",
    "is there parking near the Denver store",
    "which jacket is best for climbing Everest",
    "what's your CEO's name",
    "how do I become a franchise partner",
    "do you have a podcast",
    "my cat is sick",
    "how do I cook rice",
    "do you make wetsuits",
    "can you translate this into Italian",
    "I love your brand!",
    "how old are you",
    "what time is it in Tokyo",
    "recommend a hiking trail near Portland",
    "can you sponsor our climbing event",
    "what's the meaning of life",
    "blorp zxqv",
    "lol",
    "do you offer guided camping trips",
    "how tall is Mount Rainier",
    "can I pay my electricity bill here",
    "is the new iPhone waterproof",
    "my neighbour's parcel keeps ending up at my door",
    "¿qué tiempo hace mañana?",
    "raconte-moi une blague",
    "Wie spät ist es?",
    "qual é o seu nome?",
];

/// Confidence buckets of the calibration table: [0, 0.2), [0.2, 0.4), … [0.8, 1.0].
const BUCKETS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct ArticleReport {
    pub pairs: usize,
    pub top1_correct: usize,
    /// (language, pairs, top-1 correct), in the order languages first appear.
    pub by_language: Vec<(String, usize, usize)>,
    /// One line per question whose best article was not the labelled one.
    pub misses: Vec<String>,
    /// (mean confidence, observed top-1 accuracy, pairs) per non-empty confidence bucket.
    pub calibration: Vec<(f32, f32, usize)>,
}

impl ArticleReport {
    pub fn accuracy(&self) -> f32 {
        if self.pairs == 0 { 0.0 } else { self.top1_correct as f32 / self.pairs as f32 }
    }

    /// Expected calibration error: the gap between mean confidence and observed accuracy per
    /// bucket, weighted by the bucket's questions. One number to compare the set the
    /// calibration was fitted on with the set it was not.
    pub fn calibration_error(&self) -> f32 {
        if self.pairs == 0 {
            return 0.0;
        }
        let weighted = self
            .calibration
            .iter()
            .fold(0.0, |sum, (confidence, accuracy, n)| sum + (confidence - accuracy).abs() * *n as f32);
        weighted / self.pairs as f32
    }
}

impl fmt::Display for ArticleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "articles: top-1 accuracy {:.3} ({}/{})", self.accuracy(), self.top1_correct, self.pairs)?;
        for (language, pairs, correct) in &self.by_language {
            writeln!(f, "  {language}: {:.3} ({correct}/{pairs})", ratio(*correct, *pairs))?;
        }
        writeln!(f, "  calibration (mean confidence → observed accuracy):")?;
        for (confidence, accuracy, pairs) in &self.calibration {
            writeln!(f, "    {confidence:.2} → {accuracy:.2}  ({pairs} questions)")?;
        }
        if !self.misses.is_empty() {
            writeln!(f, "  misses:")?;
            for miss in &self.misses {
                writeln!(f, "    {miss}")?;
            }
        }
        Ok(())
    }
}

/// One line of `questions.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub q: String,
    /// The id of the demo article that answers it.
    pub article: String,
    pub lang: String,
}

/// Reads a questions file; fails on an unreadable file or a malformed line, naming the line.
/// The labels are checked against the articles by [`evaluate`] and [`fit`].
pub fn questions(path: &Path) -> Result<Vec<Question>, String> {
    let lines = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    lines
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1)))
        .collect()
}

#[derive(Deserialize)]
struct Site {
    #[serde(default)]
    articles: Vec<Article>,
}

/// Runs every question of `questions_path` against the articles of the site seed at
/// `site_json_path`. Fails on unreadable files, malformed lines, or labels naming no article.
pub fn evaluate(questions_path: &Path, site_json_path: &Path) -> Result<ArticleReport, String> {
    let (knowledge, questions) = load(questions_path, site_json_path)?;
    let mut report = ArticleReport {
        pairs: 0,
        top1_correct: 0,
        by_language: Vec::new(),
        misses: Vec::new(),
        calibration: Vec::new(),
    };
    let mut buckets = [(0.0f32, 0usize, 0usize); BUCKETS];
    for question in &questions {
        let best = knowledge.search(&question.q, 1).into_iter().next();
        let found = best.and_then(|hit| knowledge.articles().get(hit.index));
        let confidence = best.map_or(0.0, |hit| hit.confidence);
        let correct = found.is_some_and(|a| a.id == question.article);

        report.pairs += 1;
        report.top1_correct += usize::from(correct);
        let at = match report.by_language.iter().position(|(l, _, _)| *l == question.lang) {
            Some(at) => at,
            None => {
                report.by_language.push((question.lang.clone(), 0, 0));
                report.by_language.len() - 1
            }
        };
        report.by_language[at].1 += 1;
        report.by_language[at].2 += usize::from(correct);
        let bucket = &mut buckets[((confidence * BUCKETS as f32) as usize).min(BUCKETS - 1)];
        bucket.0 += confidence;
        bucket.1 += 1;
        bucket.2 += usize::from(correct);
        if !correct {
            report.misses.push(format!(
                "[{}] {:?}: expected {}, got {} ({confidence:.2})",
                question.lang,
                question.q,
                question.article,
                found.map_or("nothing", |a| a.id.as_str()),
            ));
        }
    }
    report.calibration = buckets
        .iter()
        .filter(|(_, pairs, _)| *pairs > 0)
        .map(|&(sum, pairs, correct)| (sum / pairs as f32, ratio(correct, pairs), pairs))
        .collect();
    Ok(report)
}

/// Fits the confidence's logistic weights to whether each question's best article is the
/// labelled one (gradient descent on the log loss, lightly regularised so five weights on a
/// few hundred questions stay sensible). The result is what `knowledge::CALIBRATION` holds.
/// Give it the development set's questions only: fitted on the held-out set, the held-out
/// calibration figures would flatter it.
#[doc(hidden)]
pub fn fit(questions_path: &Path, site_json_path: &Path) -> Result<Calibration, String> {
    let (knowledge, questions) = load(questions_path, site_json_path)?;
    let mut samples: Vec<(Evidence, f32)> = questions
        .iter()
        .filter_map(|q| {
            let (index, evidence) = knowledge.evidence(&q.q, 1).into_iter().next()?;
            let correct = knowledge.articles().get(index).is_some_and(|a| a.id == q.article);
            Some((evidence, if correct { 1.0 } else { 0.0 }))
        })
        .collect();
    samples.extend(OFF_TOPIC.iter().filter_map(|m| knowledge.evidence(m, 1).into_iter().next()).map(|(_, e)| (e, 0.0)));
    if samples.is_empty() {
        return Err("no question matched any article".into());
    }
    let mut w = [0.0f64; 5];
    let n = samples.len() as f64;
    for _ in 0..20_000 {
        let mut gradient = [0.0f64; 5];
        for (e, label) in &samples {
            let x = [1.0, e.coverage as f64, e.strength as f64, e.gap as f64, e.foreign as f64];
            let z: f64 = w.iter().zip(&x).map(|(w, x)| w * x).sum();
            let error = 1.0 / (1.0 + (-z).exp()) - *label as f64;
            for i in 0..5 {
                gradient[i] += error * x[i] / n;
            }
        }
        for i in 0..5 {
            let l2 = if i == 0 { 0.0 } else { 0.001 * w[i] };
            w[i] -= 0.5 * (gradient[i] + l2);
            // Feature weights stay non-negative (projected descent), so confidence never falls
            // as the evidence for an article grows.
            if i > 0 {
                w[i] = w[i].max(0.0);
            }
        }
    }
    Ok(Calibration {
        bias: w[0] as f32,
        coverage: w[1] as f32,
        strength: w[2] as f32,
        gap: w[3] as f32,
        foreign: w[4] as f32,
    })
}

fn load(questions_path: &Path, site_json_path: &Path) -> Result<(KnowledgeBase, Vec<Question>), String> {
    let site = std::fs::read_to_string(site_json_path)
        .map_err(|e| format!("cannot read {}: {e}", site_json_path.display()))?;
    let site: Site = serde_json::from_str(&site).map_err(|e| format!("{}: {e}", site_json_path.display()))?;
    let knowledge = KnowledgeBase::new(site.articles);

    let questions = questions(questions_path)?;
    if let Some(unknown) = questions.iter().find(|q| knowledge.article(&q.article).is_none()) {
        return Err(format!("{}: {:?}: no article {:?}", questions_path.display(), unknown.q, unknown.article));
    }
    Ok((knowledge, questions))
}

fn ratio(part: usize, whole: usize) -> f32 {
    if whole == 0 { 0.0 } else { part as f32 / whole as f32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(questions: &str, articles: &str) -> (scratch::Dir, std::path::PathBuf, std::path::PathBuf) {
        let dir = scratch::Dir::new();
        let q = dir.path().join("questions.jsonl");
        let s = dir.path().join("site.json");
        std::fs::write(&q, questions).unwrap();
        std::fs::write(&s, format!(r#"{{"name": "Shop", "articles": {articles}}}"#)).unwrap();
        (dir, q, s)
    }

    /// A scratch directory removed on drop, without a dependency for it.
    mod scratch {
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Dir {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let path = std::env::temp_dir().join(format!("baton-articles-eval-{}-{n}", std::process::id()));
                std::fs::create_dir_all(&path).unwrap();
                Dir(path)
            }
            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    const ARTICLES: &str = r#"[
        {"id": "ship", "title": "Shipping times", "body": "Standard shipping takes 3 to 5 days.", "tags": ["delivery"]},
        {"id": "pw", "title": "Resetting your password", "body": "Use Forgot password to get a link.", "tags": []}
    ]"#;

    #[test]
    fn counts_top1_per_language_and_lists_misses() {
        let (_dir, q, s) = files(
            concat!(
                r#"{"q": "how long is delivery", "article": "ship", "lang": "en"}"#,
                "\n\n",
                r#"{"q": "forgot my password", "article": "pw", "lang": "en"}"#,
                "\n",
                r#"{"q": "how long is delivery", "article": "pw", "lang": "es"}"#,
                "\n",
            ),
            ARTICLES,
        );
        let report = evaluate(&q, &s).unwrap();
        assert_eq!((report.pairs, report.top1_correct), (3, 2));
        assert_eq!(report.by_language, vec![("en".to_string(), 2, 2), ("es".to_string(), 1, 0)]);
        assert_eq!(report.misses.len(), 1);
        assert!(report.misses[0].contains("expected pw, got ship"), "{}", report.misses[0]);
        assert_eq!(report.calibration.iter().map(|c| c.2).sum::<usize>(), 3);
        assert!((report.accuracy() - 2.0 / 3.0).abs() < 1e-6);
        let shown = report.to_string();
        assert!(shown.contains("top-1 accuracy 0.667 (2/3)"), "{shown}");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let (_dir, q, s) = files(r#"{"q": "x", "article": "nope", "lang": "en"}"#, ARTICLES);
        assert!(evaluate(&q, &s).unwrap_err().contains("no article \"nope\""));
        let (_dir, q, s) = files("not json", ARTICLES);
        assert!(evaluate(&q, &s).unwrap_err().contains(":1:"));
        let (_dir, q, s) = files("", "42");
        assert!(evaluate(&q, &s).is_err());
        assert!(evaluate(Path::new("/nonexistent/q.jsonl"), &s).is_err());
        let (_dir, q, s) = files("", ARTICLES);
        assert_eq!(evaluate(&q, &s).unwrap().accuracy(), 0.0);
    }

    #[test]
    fn calibration_error_weighs_each_bucket_by_its_questions() {
        let report = ArticleReport {
            pairs: 4,
            top1_correct: 2,
            by_language: Vec::new(),
            misses: Vec::new(),
            calibration: vec![(0.1, 0.0, 1), (0.9, 0.5, 3)],
        };
        assert!((report.calibration_error() - (0.1 + 0.4 * 3.0) / 4.0).abs() < 1e-6);
        assert_eq!(ArticleReport { pairs: 0, calibration: Vec::new(), ..report }.calibration_error(), 0.0);
    }

    /// Prints the weights for `knowledge::CALIBRATION`, fitted on the development set only:
    /// `cargo test -p baton-brain fit_calibration -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn fit_calibration() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let questions = root.join("eval").join(crate::eval::DEV).join(crate::eval::QUESTIONS_FILE);
        let fitted = fit(&questions, &root.join("../demo/site.json")).unwrap();
        println!("{fitted:?}");
    }
}

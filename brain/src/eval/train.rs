//! Training the person-request model (`human::model`) on the development set: `cargo xtask
//! train` writes `brain/src/human/request_model.bin`, and a test checks that the shipped file is
//! what training gives today. Training reads the development set and the brain's code alike (the
//! features, `text::words` and `fold`, and the frames' word roles through
//! `human::model_may_judge`), so a change to either calls for `cargo xtask train`.
//!
//! The threshold is fitted by cross-validation on the development set alone: every message is
//! scored by a model trained on the other folds, and the threshold is the lowest probability at
//! which those out-of-fold claims were still right [`THRESHOLD_PRECISION`] of the time, over
//! every message the model may judge. Most of those the frames take already, and the frames were
//! tuned on the same set, so [`Fit`] also shows how often the model's additions alone were right.
//! The shipped model is trained on the whole set, so it is a little surer than the fold models
//! whose scores fitted its threshold.

use crate::human;
use crate::human::model::{self, BUCKETS, feature_value, features, logistic};

use super::{Counts, Labelled};

/// The shipped weights, from the repository's root.
pub const MODEL_PATH: &str = "brain/src/human/request_model.bin";
/// How often the model's own claims must be right, out of fold, at its threshold.
pub const THRESHOLD_PRECISION: f32 = 0.98;
/// Out-of-fold scoring splits the set this many ways.
pub const FOLDS: usize = 5;
const EPOCHS: usize = 30;
const LEARNING_RATE: f32 = 0.5;
/// L2 weight decay per update, so a feature seen once cannot carry a message alone.
const DECAY: f32 = 1e-4;

/// A trained model before it is quantized into its file.
pub struct Trained {
    bias: f32,
    weights: Box<[f32; BUCKETS]>,
}

impl Trained {
    pub fn probability(&self, text: &str) -> f32 {
        logistic(self.bias, &features(text), |f| self.weights.get(f).copied().unwrap_or(0.0))
    }
}

/// The same order every run, so the shipped file is reproducible: a linear congruential
/// shuffle seeded by a constant.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        order.swap(i, (state >> 33) as usize % (i + 1));
    }
    order
}

/// Logistic regression by stochastic gradient descent with per-weight AdaGrad steps.
pub fn train(messages: &[&Labelled]) -> Trained {
    let examples: Vec<(Vec<u32>, f32, f32)> = messages
        .iter()
        .map(|m| {
            let features = features(&m.text);
            let value = feature_value(&features);
            (features, value, if m.human { 1.0 } else { 0.0 })
        })
        .collect();
    let mut weights = Box::new([0f32; BUCKETS]);
    let mut squares = Box::new([1e-8f32; BUCKETS]);
    let (mut bias, mut bias_square) = (0f32, 1e-8f32);
    for epoch in 0..EPOCHS {
        for at in shuffled(examples.len(), epoch as u64 + 1) {
            let (features, value, label) = &examples[at];
            let error = logistic(bias, features, |f| weights[f]) - label;
            for &f in features {
                let f = f as usize;
                let gradient = error * value + DECAY * weights[f];
                squares[f] += gradient * gradient;
                weights[f] -= LEARNING_RATE * gradient / squares[f].sqrt();
            }
            bias_square += error * error;
            bias -= LEARNING_RATE * error / bias_square.sqrt();
        }
    }
    Trained { bias, weights }
}

/// Each message's probability from a model that did not see it.
pub fn out_of_fold(messages: &[Labelled]) -> Vec<f32> {
    let order = shuffled(messages.len(), 0x5eed);
    let fold_of: Vec<usize> = {
        let mut fold_of = vec![0; messages.len()];
        order.iter().enumerate().for_each(|(rank, &at)| fold_of[at] = rank % FOLDS);
        fold_of
    };
    let mut scores = vec![0f32; messages.len()];
    for fold in 0..FOLDS {
        let training: Vec<&Labelled> =
            messages.iter().zip(&fold_of).filter(|(_, f)| **f != fold).map(|(m, _)| m).collect();
        let model = train(&training);
        for (at, message) in messages.iter().enumerate().filter(|(at, _)| fold_of[*at] == fold) {
            scores[at] = model.probability(&message.text);
        }
    }
    scores
}

/// The lowest probability at which the claims from there up were right [`THRESHOLD_PRECISION`]
/// of the time; above 1 (never) when no probability is.
pub fn threshold(scores: &[f32], labels: &[bool]) -> f32 {
    let mut ranked: Vec<(f32, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut right = 0usize;
    let mut threshold = f32::INFINITY;
    for (claims, (score, label)) in ranked.iter().enumerate() {
        right += usize::from(*label);
        let tied_with_next = ranked.get(claims + 1).is_some_and(|next| next.0 == *score);
        if !tied_with_next && right as f32 / (claims + 1) as f32 >= THRESHOLD_PRECISION {
            threshold = *score;
        }
    }
    threshold.min(1.01)
}

/// What training made of the development set: the weights file, and how the model did out of
/// fold, alone and beside the frames, the development figure that is not flattered by training
/// on the very messages it scores.
pub struct Fit {
    pub file: Vec<u8>,
    pub threshold: f32,
    pub messages: usize,
    /// The model's own claims, out of fold, at the threshold, where it may judge.
    pub model_alone: Counts,
    /// The model's claims, out of fold, where it may judge and no frame takes the message: what
    /// it adds to the frames.
    pub additions: Counts,
    /// `human::asks_for_person` with the out-of-fold model in place of the shipped one.
    pub with_frames: Counts,
}

pub fn fit(development: &[Labelled]) -> Fit {
    let scores = out_of_fold(development);
    // Only the claims the model may make count: where the frames read a negation or a report,
    // `human::asks_for_person` does not ask it.
    let judged: Vec<bool> = development.iter().map(|m| human::model_may_judge(&m.text)).collect();
    let (open_scores, open_labels): (Vec<f32>, Vec<bool>) = scores
        .iter()
        .zip(development)
        .zip(&judged)
        .filter(|(_, judged)| **judged)
        .map(|((score, m), _)| (*score, m.human))
        .unzip();
    let threshold = threshold(&open_scores, &open_labels);
    let (mut model_alone, mut additions, mut with_frames) = (Counts::default(), Counts::default(), Counts::default());
    for ((message, score), judged) in development.iter().zip(&scores).zip(&judged) {
        let claimed = *judged && *score >= threshold;
        let framed = human::framed(&message.text);
        if *judged {
            model_alone.add(claimed, message.human);
            if !framed {
                additions.add(claimed, message.human);
            }
        }
        with_frames.add(claimed || framed, message.human);
    }
    let trained = train(&development.iter().collect::<Vec<_>>());
    Fit {
        file: model::encode(trained.bias, threshold, &trained.weights),
        threshold,
        messages: development.len(),
        model_alone,
        additions,
        with_frames,
    }
}

/// The weights file for the development set.
pub fn model_file(development: &[Labelled]) -> Vec<u8> {
    fit(development).file
}

impl std::fmt::Display for Fit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let figures = |c: &Counts| {
            format!(
                "precision {:.3}, recall {:.3} ({} right, {} false alarms, {} missed)",
                c.precision(),
                c.recall(),
                c.true_positives,
                c.false_positives,
                c.false_negatives
            )
        };
        writeln!(f, "trained on {} development messages; threshold {:.3}", self.messages, self.threshold)?;
        writeln!(f, "out of fold ({FOLDS} folds), person requests:")?;
        writeln!(f, "  the model alone, where it may judge: {}", figures(&self.model_alone))?;
        let added = &self.additions;
        writeln!(
            f,
            "  its additions, where no frame takes the message: {} right, {} false alarms",
            added.true_positives, added.false_positives
        )?;
        writeln!(f, "  the frames and the model: {}", figures(&self.with_frames))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_the_lowest_score_whose_claims_are_right_often_enough() {
        // 50 right claims from 0.99 down to 0.50, then one wrong at 0.45 and one right at 0.40.
        let mut scores: Vec<f32> = (0..50).map(|i| 0.99 - i as f32 * 0.01).collect();
        let mut labels = vec![true; 50];
        scores.extend([0.45, 0.40, 0.30, 0.20]);
        labels.extend([false, true, false, false]);
        // At 0.40: 51 right of 52 (0.981); at 0.30: 51 of 53 (0.962).
        assert_eq!(threshold(&scores, &labels), 0.40);
    }

    #[test]
    fn a_model_that_is_never_right_enough_never_claims() {
        assert!(threshold(&[0.9, 0.8], &[false, true]) > 1.0);
        assert!(threshold(&[], &[]) > 1.0);
    }

    #[test]
    fn training_learns_a_separable_set() {
        let line = |text: &str, human: bool| -> Labelled {
            serde_json::from_value(serde_json::json!({
                "text": text, "lang": "en", "human": human,
                "intent": if human { "human_request" } else { "question" }, "sentiment": "neutral"
            }))
            .expect("a labelled line")
        };
        let set = [line("talk to a person", true), line("human please", true), line("where is my parcel", false)];
        let model = train(&set.iter().collect::<Vec<_>>());
        assert!(model.probability("talk to a person") > 0.8);
        assert!(model.probability("where is my parcel") < 0.2);
    }
}

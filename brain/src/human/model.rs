//! A second reader beside the frames: a logistic regression over a message's words, word pairs
//! and letter runs, trained on the development set (`cargo xtask train`, see `eval::train`) and
//! shipped as the weights in `request_model.bin`.
//!
//! The frames read a request by its grammar and miss phrasings nobody wrote a frame for; the
//! model reads it by its letters ("Ansprechpartner", "atendimento humano", "hablar con alguien")
//! and so tolerates spellings and word orders the frames never saw. It may only add a request,
//! when it is at least as sure as [`Model::threshold`] and the message neither turns a person
//! down nor tells of a contact (`human::model_may_judge`). The threshold is fitted on the
//! development set out of fold: the lowest probability from which the claims of models trained
//! without the message were right `eval::train::THRESHOLD_PRECISION` of the time, over every
//! message the model may judge (most of which the frames already take).

use std::sync::OnceLock;

use crate::text::{fold, words};

/// Features hash into this many weights.
pub const BUCKETS: usize = 1 << 16;
/// Letter runs of these lengths, within a word padded with a space each side.
const RUNS: std::ops::RangeInclusive<usize> = 3..=5;

/// The weights file's layout: the magic, then bias, scale and threshold as little-endian `f32`,
/// then one `i8` weight per bucket (the weight is `i8 × scale`).
pub const MAGIC: &[u8; 4] = b"BRM1";
const HEADER: usize = 16;

/// The trained weights, as `cargo xtask train` writes them.
static WEIGHTS: &[u8] = include_bytes!("request_model.bin");

/// The distinct feature buckets of a message, sorted. Words are lowercased and unaccented, so
/// "Atención" and "atencion" are one word.
pub fn features(text: &str) -> Vec<u32> {
    let words: Vec<String> = words(text).iter().map(|w| fold(w)).collect();
    let mut out = Vec::with_capacity(words.len() * 12);
    for (at, word) in words.iter().enumerate() {
        out.push(bucket(b'w', &[word]));
        if let Some(next) = words.get(at + 1) {
            out.push(bucket(b'p', &[word, next]));
        }
        let padded: Vec<char> = format!(" {word} ").chars().collect();
        let mut utf8 = [0u8; 4];
        for length in RUNS {
            for run in padded.windows(length) {
                // As `bucket(b'r', &[run])` hashes it, without building the run's string.
                let hash =
                    run.iter().fold(fnv(FNV_START, b'r'), |hash, c| c.encode_utf8(&mut utf8).bytes().fold(hash, fnv));
                out.push(fnv(hash, 0) % BUCKETS as u32);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

const FNV_START: u32 = 0x811c_9dc5;

/// One byte into an FNV-1a hash.
fn fnv(hash: u32, byte: u8) -> u32 {
    (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
}

/// FNV-1a over a kind byte and the parts, each part followed by a separator.
fn bucket(kind: u8, parts: &[&str]) -> u32 {
    let hash = parts.iter().fold(fnv(FNV_START, kind), |hash, part| fnv(part.bytes().fold(hash, fnv), 0));
    hash % BUCKETS as u32
}

/// A message's features each weigh `1/sqrt(n)`, so a long message is not sure of itself by
/// length alone.
pub fn feature_value(features: &[u32]) -> f32 {
    if features.is_empty() { 0.0 } else { 1.0 / (features.len() as f32).sqrt() }
}

/// The trained model, read from its weights.
pub struct Model {
    bias: f32,
    scale: f32,
    threshold: f32,
    weights: &'static [u8],
}

impl Model {
    /// The shipped model, or `None` when its file is not one (a malformed file leaves the frames
    /// to read alone; `the_shipped_model_reads` fails on it).
    pub fn shipped() -> Option<&'static Model> {
        static MODEL: OnceLock<Option<Model>> = OnceLock::new();
        MODEL.get_or_init(|| Model::read(WEIGHTS)).as_ref()
    }

    fn read(bytes: &'static [u8]) -> Option<Model> {
        if bytes.len() != HEADER + BUCKETS || &bytes[..4] != MAGIC {
            return None;
        }
        let float = |at: usize| bytes.get(at..at + 4).and_then(|b| b.try_into().ok()).map(f32::from_le_bytes);
        Some(Model { bias: float(4)?, scale: float(8)?, threshold: float(12)?, weights: &bytes[HEADER..] })
    }

    /// How sure the model is that `text` asks for a person, from 0 to 1.
    pub fn probability(&self, text: &str) -> f32 {
        let weight = |f: usize| self.weights.get(f).map_or(0.0, |&w| f32::from(w as i8) * self.scale);
        logistic(self.bias, &features(text), weight)
    }

    /// The probability from which the model's word counts as a request.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn asks_for_person(&self, text: &str) -> bool {
        self.probability(text) >= self.threshold
    }
}

/// The probability a model with `bias` and per-bucket `weight` gives a message's `features`:
/// one formula for training, for choosing the threshold and for the shipped model, so the three
/// agree to the bit.
pub fn logistic(bias: f32, features: &[u32], weight: impl Fn(usize) -> f32) -> f32 {
    let sum: f32 = features.iter().map(|&f| weight(f as usize)).sum();
    sigmoid(bias + sum * feature_value(features))
}

/// The logistic function, with `libm`'s `expf` rather than the platform's, whose last bit may
/// differ between systems and would change the trained weights.
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + libm::expf(-x))
}

/// The weights file for a bias, threshold and per-bucket weights, quantized to `i8`.
#[cfg(any(test, feature = "eval"))]
pub fn encode(bias: f32, threshold: f32, weights: &[f32; BUCKETS]) -> Vec<u8> {
    let largest = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
    let scale = if largest == 0.0 { 1.0 } else { largest / 127.0 };
    let mut out = Vec::with_capacity(HEADER + weights.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&bias.to_le_bytes());
    out.extend_from_slice(&scale.to_le_bytes());
    out.extend_from_slice(&threshold.to_le_bytes());
    out.extend(weights.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8 as u8));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_make_no_difference() {
        assert_eq!(features("Atención al cliente"), features("atencion AL cliente"));
        assert_ne!(features("atención al cliente"), features("atención al cliente por favor"));
        assert!(features("").is_empty());
    }

    #[test]
    fn a_letter_run_hashes_as_its_string_does() {
        let runs: Vec<u32> = ["sch", "chus", " ag", "gent "].iter().map(|run| bucket(b'r', &[run])).collect();
        let features = features("Tschüss, agent");
        assert!(runs.iter().all(|run| features.contains(run)), "{runs:?} not among {features:?}");
        assert_ne!(bucket(b'r', &["ab"]), bucket(b'w', &["ab"]));
        assert_ne!(bucket(b'p', &["a", "b"]), bucket(b'p', &["ab", ""]));
    }

    #[test]
    fn a_file_reads_back_as_it_was_written() {
        let mut weights = Box::new([0f32; BUCKETS]);
        let hot = features("talk to a person");
        hot.iter().for_each(|&f| weights[f as usize] = 2.5);
        weights[0] = -1.0;
        let file: &'static [u8] = Vec::leak(encode(-0.5, 0.75, &weights));
        let model = Model::read(file).expect("a model");
        assert_eq!(model.threshold(), 0.75);
        let expected = sigmoid(-0.5 + 2.5 * hot.len() as f32 * feature_value(&hot));
        assert!((model.probability("talk to a person") - expected).abs() < 1e-3);
        assert!(model.asks_for_person("talk to a person"));
        assert!(!model.asks_for_person("where is my parcel"));
    }

    #[test]
    fn a_file_that_is_no_model_is_not_read() {
        assert!(Model::read(b"").is_none());
        assert!(Model::read(Vec::leak(vec![0u8; HEADER + BUCKETS])).is_none());
        let mut short = encode(0.0, 0.5, &[0f32; BUCKETS]);
        short.pop();
        assert!(Model::read(Vec::leak(short)).is_none());
    }

    #[test]
    fn the_shipped_model_reads() {
        let model = Model::shipped().expect("request_model.bin is a model");
        assert!(model.threshold() > 0.5 && model.threshold() <= 1.0, "threshold {}", model.threshold());
    }
}

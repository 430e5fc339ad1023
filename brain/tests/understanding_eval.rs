//! The understanding part of the evaluation. The target for asking for a person is 0.95
//! precision and recall on the held-out set, the one no rule was tuned on, and it is held here:
//! a change that generalises worse fails. The development set must meet the target too, and
//! intents and sentiment must stay no worse on the development set than they were.
//!
//! Failures print figures only, never held-out sentences: a held-out miss is reported, not
//! tuned away.

use std::path::{Path, PathBuf};

use baton_brain::eval::{self, DEV, HELDOUT, HUMAN_TARGET, Labelled};

/// What the rules reach on the development set, less a small margin: a change that makes the
/// development figures worse fails here instead of in the next report. Intents were 0.982 on
/// all 508 messages before the split. Sentiment agreement was 0.923 then and is 0.90 on the
/// 1,159 messages the set held before its three fresh batches; the 574 fresh messages agree on
/// 0.66 only (their writers called mild impatience negative where the lexicon hears nothing),
/// which brings the whole set to 0.82.
const INTENT_FLOOR: f32 = 0.95;
const SENTIMENT_FLOOR: f32 = 0.80;

fn messages(set: &str) -> Vec<Labelled> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval").join(set).join(eval::MESSAGES_FILE);
    eval::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Held-out person-request precision and recall must meet the target (measured 0.967 and 0.979
/// with the model beside the frames; 0.980 and 0.912 by the frames alone). Nothing is ever
/// changed because of a held-out miss: a change that fails here is undone or rethought on the
/// development set.
const HELDOUT_PRECISION_FLOOR: f32 = HUMAN_TARGET;
const HELDOUT_RECALL_FLOOR: f32 = HUMAN_TARGET;

#[test]
fn heldout_person_requests_meet_the_target() {
    let report = eval::understand(&messages(HELDOUT));
    let human = report.overall.human;
    let counts = format!(
        "{} true, {} false alarms, {} missed of {} held-out messages",
        human.true_positives, human.false_positives, human.false_negatives, report.overall.messages
    );
    println!("held-out person requests: precision {:.3}, recall {:.3} ({counts})", human.precision(), human.recall());
    assert!(
        human.precision() >= HELDOUT_PRECISION_FLOOR,
        "held-out precision {:.3} < {HELDOUT_PRECISION_FLOOR}: {counts}",
        human.precision()
    );
    assert!(
        human.recall() >= HELDOUT_RECALL_FLOOR,
        "held-out recall {:.3} < {HELDOUT_RECALL_FLOOR}: {counts}",
        human.recall()
    );
}

/// The development figures score the person-request model on the messages it was trained on, so
/// they flatter it; `cargo xtask eval` prints them out of fold too.
#[test]
fn dev_figures_hold() {
    let report = eval::understand(&messages(DEV));
    println!("{report}");
    let human = report.overall.human;
    assert!(human.precision() >= HUMAN_TARGET, "development precision {:.3}", human.precision());
    assert!(human.recall() >= HUMAN_TARGET, "development recall {:.3}", human.recall());
    assert!(
        report.overall.intent_accuracy() >= INTENT_FLOOR,
        "intent accuracy {:.3}",
        report.overall.intent_accuracy()
    );
    assert!(
        report.overall.sentiment_agreement() >= SENTIMENT_FLOOR,
        "sentiment agreement {:.3}",
        report.overall.sentiment_agreement()
    );
}

/// Each set alone is big enough for its figures to mean something, in every language.
#[test]
fn each_set_is_big_and_varied_enough() {
    for set in [DEV, HELDOUT] {
        let messages = messages(set);
        assert!(messages.len() >= 300, "{set}: {} messages", messages.len());
        let asking = messages.iter().filter(|m| m.human).count();
        assert!(asking >= 80, "{set}: {asking} requests for a person");
        for lang in ["en", "es", "fr", "de", "pt"] {
            let n = messages.iter().filter(|m| m.lang == lang).count();
            assert!(n >= 40, "{set}: {n} messages in {lang}");
        }
    }
}

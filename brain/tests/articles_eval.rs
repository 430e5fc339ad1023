//! The demo knowledge base answers the labelled customer questions well enough.

use std::path::Path;

use baton_brain::eval::articles;

#[test]
fn demo_articles_reach_the_top1_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = articles::evaluate(&root.join("eval/questions.jsonl"), &root.join("../demo/site.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{report}");
    assert!(report.pairs >= 130, "only {} questions", report.pairs);
    let non_english: usize = report.by_language.iter().filter(|(l, _, _)| l != "en").map(|(_, n, _)| n).sum();
    assert!(non_english >= 20, "only {non_english} non-English questions");
    assert!(report.accuracy() >= 0.85, "top-1 accuracy {:.3} is under 0.85\n{report}", report.accuracy());
}

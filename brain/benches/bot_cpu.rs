//! CPU cost of the bot per knowledge base and per customer message, with 10, 100 and 1,000
//! articles: the demo shop's articles first, then `synthetic::synthetic_articles`.
//!
//! `cargo bench -p baton-brain --bench bot_cpu`. The `respond` cases run the whole message mix
//! once per iteration; criterion's element throughput is messages per second. The `read` cases
//! read the same mix for a request for a person: by the frames alone, and by the frames with the
//! model beside them, as every customer message is read.

use std::time::Duration;

use baton_brain::answer::respond;
use baton_brain::human;
use baton_brain::knowledge::KnowledgeBase;
use baton_brain::synthetic::synthetic_articles;
use baton_brain::text::Language;
use baton_shared::{Article, Intent};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [10, 100, 1_000];

/// A fixed mix of what customers write: questions in five languages, typos, small talk, and
/// messages no article answers.
const MESSAGES: &[(&str, Intent)] = &[
    ("How long does shipping take?", Intent::Question),
    ("What is your returns policy?", Intent::Question),
    ("how do I reset my password?", Intent::Question),
    ("my parcel says delivered but it's not here", Intent::Question),
    ("can i use two promo codes on one order", Intent::Question),
    ("the zip on my Alpine shell jacket broke after a month, is that covered by the warranty?", Intent::Question),
    ("do you ship to Japan and how much are the customs fees", Intent::Question),
    ("I was charged twice for order 1042", Intent::Billing),
    ("please cancel my order, I ordered the wrong size", Intent::Cancellation),
    ("forgot my pasword and cant log in", Intent::Question),
    ("wher is my pakage??", Intent::Question),
    ("¿Cuánto tarda el envío a Madrid?", Intent::Question),
    ("quiero devolver unas botas que no me quedan bien", Intent::Refund),
    ("Je n'ai pas reçu mon colis, que faire ?", Intent::Question),
    ("Wie lange dauert der Versand nach Deutschland?", Intent::Question),
    ("Quando recebo o reembolso da minha devolução?", Intent::Refund),
    ("what's the weather like in Seattle tomorrow", Intent::Question),
    ("can you recommend a good movie", Intent::Question),
    ("Hi there!", Intent::Greeting),
    ("thanks, that helps a lot", Intent::Thanks),
];

fn demo_articles() -> Vec<Article> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/site.json");
    let site = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let site: serde_json::Value = serde_json::from_str(&site).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_value(site["articles"].clone()).unwrap_or_else(|e| panic!("{path}: articles: {e}"))
}

/// `n` articles: the demo's, then synthetic ones.
fn site(demo: &[Article], n: usize) -> Vec<Article> {
    let mut articles: Vec<Article> = demo.iter().take(n).cloned().collect();
    articles.extend(synthetic_articles(n - articles.len()));
    articles
}

fn build(c: &mut Criterion) {
    let demo = demo_articles();
    let mut group = c.benchmark_group("build");
    for n in SIZES {
        let articles = site(&demo, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &articles, |b, articles| {
            b.iter_batched(|| articles.clone(), KnowledgeBase::new, BatchSize::SmallInput)
        });
    }
    group.finish();
}

fn answer(c: &mut Criterion) {
    let demo = demo_articles();
    let mut group = c.benchmark_group("respond");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    for n in SIZES {
        let knowledge = KnowledgeBase::new(site(&demo, n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &knowledge, |b, knowledge| {
            b.iter(|| {
                for &(message, intent) in MESSAGES {
                    std::hint::black_box(respond(
                        knowledge,
                        "Baton Assistant",
                        message,
                        intent,
                        Language::speaking(None, message),
                    ));
                }
            })
        });
    }
    group.finish();
}

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    type Reader = fn(&str) -> bool;
    let readers: [(&str, Reader); 2] = [("frames", human::framed), ("frames_and_model", human::asks_for_person)];
    for (name, asks) in readers {
        group.bench_function(name, |b| {
            b.iter(|| {
                for &(message, _) in MESSAGES {
                    std::hint::black_box(asks(message));
                }
            })
        });
    }
    group.finish();
}

fn quick() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = quick(); targets = build, answer, read }
criterion_main!(benches);

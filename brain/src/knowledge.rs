//! A site's articles and their search index: BM25F over title, tags and body, with a
//! calibrated confidence per hit.
//!
//! Title and body are stemmed in the article's own language; tags in every language the brain
//! knows, because shops add translated keywords ("envío", "Rücksendung") so customers writing
//! in other languages find English articles. Every term is kept with and without accents.
//! A message is stemmed in its detected language, falling back to English.
//!
//! The index is an inverted one (term → postings with precomputed BM25F weights), so a search
//! costs in proportion to the postings of the message's words, not to the number of articles.

use std::collections::HashMap;

use baton_shared::Article;

use crate::glossary;
use crate::text::{self, Language};

/// Below this confidence the bot does not answer from an article; it offers a person instead.
/// The confidence is a calibrated probability that the article answers, so the bot answers
/// when it is more likely right than wrong.
pub const CONFIDENCE_THRESHOLD: f32 = 0.5;

/// One article that matches a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into `KnowledgeBase::articles()`.
    pub index: usize,
    /// 0.0–1.0: how likely this article answers the text.
    pub confidence: f32,
}

/// Built once per knowledge base (indexing stems every article) and reused for every message.
pub struct KnowledgeBase {
    articles: Vec<Article>,
    index: Index,
}

impl KnowledgeBase {
    pub fn new(articles: Vec<Article>) -> KnowledgeBase {
        let index = Index::build(&articles);
        KnowledgeBase { articles, index }
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// The best `limit` articles for `text`, best first.
    pub fn search(&self, text: &str, limit: usize) -> Vec<Hit> {
        self.evidence(text, limit)
            .into_iter()
            .map(|(index, evidence)| Hit { index, confidence: evidence.confidence() })
            .collect()
    }

    /// The best `limit` articles with what their confidence is computed from; the calibration
    /// is fitted on these.
    #[doc(hidden)]
    pub fn evidence(&self, text: &str, limit: usize) -> Vec<(usize, Evidence)> {
        let language = text::detect_language(text);
        let query = self.index.query(text, language);
        let foreign = !self.index.prose.contains(&language);
        self.index.rank(&query, limit, foreign)
    }
}

// ---------------------------------------------------------------------------------------------
// Confidence

/// What a hit's confidence is made of. Each feature is in 0–1 except `gap` (−1–1).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// Share of the message's weight (IDF, words the articles never use at the rarest IDF)
    /// that the article contains.
    pub coverage: f32,
    /// The BM25F score over the score of an article that matched every word fully.
    pub strength: f32,
    /// How far the score is ahead of the best other article, over the same full score as
    /// `strength`: a weak match that is merely alone does not look decisive.
    pub gap: f32,
    /// 1 when no article's prose is in the message's language. Such a message only meets
    /// translated tags, so its other words are unknown and its coverage low even when the
    /// article is right.
    pub foreign: f32,
}

/// Logistic weights fitted by `eval::articles::fit` on the development set only
/// (`brain/eval/dev/` and `eval::articles::OFF_TOPIC`) against the demo articles. Coverage gets
/// no weight: on those questions it tells nothing that strength (which grows with the words
/// matched) and the gap do not already, so confidence is flat in coverage, never falling.
#[doc(hidden)]
pub const CALIBRATION: Calibration =
    Calibration { bias: -0.65, coverage: 0.0, strength: 2.31, gap: 4.40, foreign: 1.80 };

#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub bias: f32,
    pub coverage: f32,
    pub strength: f32,
    pub gap: f32,
    pub foreign: f32,
}

impl Calibration {
    pub fn logit(&self, e: &Evidence) -> f32 {
        self.bias
            + self.coverage * e.coverage
            + self.strength * e.strength
            + self.gap * e.gap
            + self.foreign * e.foreign
    }
}

impl Evidence {
    /// Probability that the article answers the message. Non-decreasing in every feature as
    /// long as the fitted weights are not negative (a test checks they are not).
    pub fn confidence(&self) -> f32 {
        let p = 1.0 / (1.0 + (-CALIBRATION.logit(self)).exp());
        if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 }
    }
}

// ---------------------------------------------------------------------------------------------
// The index

/// Field weights and length normalisation. Titles are short and say what the article is
/// about; tags are keywords (several languages), whose count says little about relevance.
const TITLE: Field = Field { weight: 3.0, b: 0.5 };
const TAGS: Field = Field { weight: 2.0, b: 0.3 };
const BODY: Field = Field { weight: 1.0, b: 0.75 };
const FIELDS: [Field; 3] = [TITLE, TAGS, BODY];
/// How much two words side by side in the message and in an article add, against the words
/// alone: "card charged" says more than "card" and "charged" apart.
const PAIR_WEIGHT: f32 = 0.5;
/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// A message's stem also matches longer stems that begin with it ("deliv" from "deliver" meets
/// "deliveri" from "delivery"; "stole" meets "stolen"): stemmers leave such pairs apart.
/// Only stems of at least `EXTEND_MIN_CHARS` letters extend, by at most `EXTEND_MAX_CHARS`.
const EXTEND_MIN_CHARS: usize = 5;
const EXTEND_MAX_CHARS: usize = 3;
/// How much a match on a longer stem counts, against the word's own stem.
const EXTENDED_MATCH: f32 = 0.8;
/// How much a match through a word's English gloss counts, against the word's own stem.
const GLOSS_MATCH: f32 = 0.9;
/// The same, for a word that also matches the articles' own terms (a translated tag).
const GLOSS_BESIDE_TAG: f32 = 0.5;
/// Shortest word, typed or known, a typo is corrected in; `text::near` needs this many letters.
const TYPO_MIN_CHARS: usize = 5;

#[derive(Clone, Copy)]
struct Field {
    weight: f32,
    b: f32,
}

#[derive(Clone, Copy)]
struct Posting {
    article: u32,
    /// The saturated BM25F term frequency `tf / (K1 + tf)`, precomputed so a query only adds.
    weight: f32,
}

struct Index {
    articles: usize,
    /// The languages the articles' titles and bodies are written in.
    prose: Vec<Language>,
    terms: HashMap<String, u32>,
    /// Two words' first terms, side by side in an article → the pair's own term.
    pairs: HashMap<(u32, u32), u32>,
    /// Term ids in the order of their spelling, to find the terms a stem begins.
    alphabetical: Vec<(Box<str>, u32)>,
    /// Term `t`'s postings are `postings[starts[t]..starts[t + 1]]`, in article order.
    starts: Vec<u32>,
    postings: Vec<Posting>,
    idf: Vec<f32>,
    /// IDF of a word no article uses: a message about something else weighs most.
    unknown_idf: f32,
    typos: Typos,
}

/// One message's search terms.
struct Query {
    /// One per distinct known word.
    words: Vec<QueryWord>,
    /// Known words side by side that articles also have side by side, with their IDF.
    pairs: Vec<(u32, f32)>,
    /// Sum of IDF over every distinct word, known or not.
    total: f32,
}

/// The terms one word of a message matches: its own stem and the longer stems it begins.
struct QueryWord {
    idf: f32,
    /// (term, how much a match counts).
    terms: Vec<(u32, f32)>,
}

impl Index {
    fn build(articles: &[Article]) -> Index {
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        // Words and pairs share one id space: ids index `starts` and `idf`.
        let mut next_id = 0u32;
        // A word's terms, computed once per distinct word: stemming dominates indexing time.
        let mut word_terms: HashMap<(Reading, String), Vec<u32>> = HashMap::new();
        let mut typos = Typos::default();
        let mut per_article: Vec<Vec<(u32, [f32; 3])>> = Vec::with_capacity(articles.len());
        let mut lengths: Vec<[f32; 3]> = Vec::with_capacity(articles.len());
        let mut counts: HashMap<u32, [f32; 3]> = HashMap::new();
        let mut prose_languages: Vec<Language> = Vec::new();
        for article in articles {
            counts.clear();
            let mut length = [0.0f32; 3];
            // Prose in the article's own language only: stemming it in every language made
            // false matches ("page" read as Portuguese "pagar") and measured worse.
            let language = text::detect_language(&format!("{} {}", article.title, article.body));
            if !prose_languages.contains(&language) {
                prose_languages.push(language);
            }
            let prose = Reading::One(language);
            let parts = std::iter::once((0, article.title.as_str(), prose))
                .chain(article.tags.iter().map(|tag| (1, tag.as_str(), Reading::Every)))
                .chain(std::iter::once((2, article.body.as_str(), prose)));
            for (field, content, reading) in parts {
                let mut lookup = |word: String| -> Vec<u32> {
                    word_terms
                        .entry((reading, word))
                        .or_insert_with_key(|(reading, word)| {
                            let folded = text::fold(word);
                            if text::is_stopword(&folded) {
                                return Vec::new();
                            }
                            typos.add(&folded);
                            word_readings(word, *reading)
                                .into_iter()
                                .map(|t| *terms.entry(t).or_insert_with(|| take(&mut next_id)))
                                .collect()
                        })
                        .clone()
                };
                let all: Vec<Vec<u32>> = text::search_words(content).into_iter().map(&mut lookup).collect();
                // A tag is one keyword, however many words it takes: the words of "pedido al
                // por mayor" or "how long" share one tag's weight, so "pedido" or "long" alone
                // weighs more elsewhere.
                let share = if field == 1 { 1.0 / all.len().max(1) as f32 } else { 1.0 };
                let words: Vec<Vec<u32>> = all.into_iter().filter(|ids| !ids.is_empty()).collect();
                for pair in words.windows(2) {
                    let id = *pairs.entry((pair[0][0], pair[1][0])).or_insert_with(|| take(&mut next_id));
                    counts.entry(id).or_default()[field] += share;
                }
                for ids in words {
                    length[field] += share;
                    for id in ids {
                        counts.entry(id).or_default()[field] += share;
                    }
                }
            }
            let mut row: Vec<(u32, [f32; 3])> = counts.iter().map(|(&t, &c)| (t, c)).collect();
            row.sort_unstable_by_key(|&(t, _)| t);
            per_article.push(row);
            lengths.push(length);
        }

        let n = articles.len().max(1) as f32;
        let ids = next_id as usize;
        let (starts, postings) = invert(&per_article, &lengths, ids);
        let idf_of = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let idf = (0..ids).map(|t| idf_of((starts[t + 1] - starts[t]) as f32)).collect();
        typos.finish();
        let mut alphabetical: Vec<(Box<str>, u32)> = terms.iter().map(|(t, &id)| (t.as_str().into(), id)).collect();
        alphabetical.sort_unstable();
        Index {
            articles: articles.len(),
            prose: prose_languages,
            terms,
            pairs,
            alphabetical,
            starts,
            postings,
            idf,
            unknown_idf: idf_of(0.0),
            typos,
        }
    }

    fn postings(&self, term: u32) -> &[Posting] {
        let t = term as usize;
        &self.postings[self.starts[t] as usize..self.starts[t + 1] as usize]
    }

    fn query(&self, text: &str, language: Language) -> Query {
        let mut query = Query { words: Vec::new(), pairs: Vec::new(), total: 0.0 };
        let mut unknown: Vec<String> = Vec::new();
        let mut previous: Option<u32> = None;
        for word in text::search_words(text) {
            let folded = text::fold(&word);
            if text::is_stopword(&folded) {
                continue;
            }
            // A word the glossary knows is spelt right: correcting it would turn it into
            // another language's word ("recebo" into the "recibo" of a tag).
            let glossed = glossary::english(language, &folded).next().is_some();
            let own = self.lookup(language, &word).or_else(|| {
                let corrected = if glossed { None } else { self.typos.correct(&folded) };
                corrected.and_then(|w| self.lookup(language, w))
            });
            let known = self.glossed(own, language, &folded);
            let exact = known.as_ref().and_then(|w| w.terms.first()).filter(|t| t.1 == 1.0).map(|t| t.0);
            if let (Some(a), Some(b)) = (previous, exact)
                && let Some(&pair) = self.pairs.get(&(a, b))
            {
                query.pairs.push((pair, self.idf[pair as usize]));
            }
            previous = exact;
            match known {
                Some(found) if !query.words.iter().any(|w| w.terms.first() == found.terms.first()) => {
                    query.total += found.idf;
                    query.words.push(found);
                }
                Some(_) => {}
                None if !unknown.contains(&folded) => {
                    query.total += self.unknown_idf;
                    unknown.push(folded);
                }
                None => {}
            }
        }
        query
    }

    /// The word's own terms (if any) with those of its English glosses added, for a message in
    /// another language: the articles' prose is English, and translated tags alone leave most
    /// foreign words unmatched. A gloss counts less than the word's own match, so a shop's
    /// translated tag still wins a tie. The word keeps one weight: the most common of
    /// its terms'.
    fn glossed(&self, own: Option<QueryWord>, language: Language, folded: &str) -> Option<QueryWord> {
        let glosses: Vec<(u32, f32)> = glossary::english(language, folded)
            .filter_map(|english| self.lookup(Language::English, english))
            .flat_map(|found| found.terms)
            .collect();
        if glosses.is_empty() {
            return own;
        }
        // A word the shop itself translated in a tag is read mostly as the shop meant it.
        let weight = if own.is_some() { GLOSS_BESIDE_TAG } else { GLOSS_MATCH };
        let mut word = own.unwrap_or(QueryWord { idf: f32::INFINITY, terms: Vec::new() });
        for (term, factor) in glosses {
            let factor = factor * weight;
            match word.terms.iter_mut().find(|(t, _)| *t == term) {
                Some(existing) => existing.1 = existing.1.max(factor),
                None => word.terms.push((term, factor)),
            }
        }
        word.idf = word.terms.iter().map(|&(t, _)| self.idf[t as usize]).fold(word.idf, f32::min);
        Some(word)
    }

    /// The word's terms in the message's language, or else in English: customers borrow
    /// English words ("tracking"), and a short message's language is a guess. Other languages
    /// are not tried: their stems of English words ("movie" → "mov") meet unrelated terms.
    fn lookup(&self, language: Language, word: &str) -> Option<QueryWord> {
        let fallback = (language != Language::English).then_some(Language::English);
        std::iter::once(language).chain(fallback).find_map(|l| {
            let stem = text::stem(l, word);
            let mut terms: Vec<(u32, f32)> = self.terms.get(&stem).map(|&t| (t, 1.0)).into_iter().collect();
            let letters = stem.chars().count();
            if letters >= EXTEND_MIN_CHARS {
                let from = self.alphabetical.partition_point(|(t, _)| **t < *stem);
                for (longer, id) in self.alphabetical[from..].iter().take_while(|(t, _)| t.starts_with(&stem)) {
                    let extra = longer.chars().count() - letters;
                    if (1..=EXTEND_MAX_CHARS).contains(&extra) {
                        terms.push((*id, EXTENDED_MATCH));
                    }
                }
            }
            // The most common of its terms sets the word's weight.
            let idf = terms.iter().map(|&(t, _)| self.idf[t as usize]).reduce(f32::min)?;
            Some(QueryWord { idf, terms })
        })
    }

    fn rank(&self, query: &Query, limit: usize, foreign: bool) -> Vec<(usize, Evidence)> {
        if limit == 0 || query.words.is_empty() || query.total <= 0.0 {
            return Vec::new();
        }
        // Per article: score, matched IDF, and the last word that matched with what it added,
        // so a word whose terms both occur in an article counts once, at its best. Only articles
        // sharing a term are touched.
        let mut sums = vec![Sum::default(); self.articles];
        let mut touched: Vec<u32> = Vec::new();
        for (w, word) in query.words.iter().enumerate() {
            let w = w as u32 + 1;
            for &(term, factor) in &word.terms {
                for posting in self.postings(term) {
                    let sum = &mut sums[posting.article as usize];
                    let added = word.idf * posting.weight * factor;
                    if sum.word == w {
                        if added > sum.added {
                            sum.score += added - sum.added;
                            sum.added = added;
                        }
                        continue;
                    }
                    if sum.word == 0 {
                        touched.push(posting.article);
                    }
                    sum.score += added;
                    sum.matched += word.idf * factor;
                    sum.word = w;
                    sum.added = added;
                }
            }
        }
        for &(pair, idf) in &query.pairs {
            for posting in self.postings(pair) {
                sums[posting.article as usize].score += PAIR_WEIGHT * idf * posting.weight;
            }
        }
        let keep = limit.max(2).min(touched.len());
        let by_score = |a: &u32, b: &u32| sums[*b as usize].score.total_cmp(&sums[*a as usize].score).then(a.cmp(b));
        if keep < touched.len() {
            touched.select_nth_unstable_by(keep - 1, by_score);
            touched.truncate(keep);
        }
        touched.sort_unstable_by(by_score);
        let best = touched.first().map_or(0.0, |&a| sums[a as usize].score);
        let second = touched.get(1).map_or(0.0, |&a| sums[a as usize].score);
        touched
            .iter()
            .take(limit)
            .enumerate()
            .map(|(rank, &a)| {
                let Sum { score, matched, .. } = sums[a as usize];
                let other = if rank == 0 { second } else { best };
                let evidence = Evidence {
                    coverage: (matched / query.total).clamp(0.0, 1.0),
                    strength: (score / query.total).clamp(0.0, 1.0),
                    gap: ((score - other) / query.total).clamp(-1.0, 1.0),
                    foreign: if foreign { 1.0 } else { 0.0 },
                };
                (a as usize, evidence)
            })
            .collect()
    }
}

/// The postings of every term, from each article's field counts: a counting sort into one flat
/// array, so each term's postings are contiguous and in article order, each with its BM25F
/// weight already saturated.
fn invert(per_article: &[Vec<(u32, [f32; 3])>], lengths: &[[f32; 3]], ids: usize) -> (Vec<u32>, Vec<Posting>) {
    let n = per_article.len().max(1) as f32;
    let mut average = [0.0f32; 3];
    for length in lengths {
        for f in 0..3 {
            average[f] += length[f] / n;
        }
    }
    let mut starts = vec![0u32; ids + 1];
    for row in per_article {
        for &(t, _) in row {
            starts[t as usize + 1] += 1;
        }
    }
    for t in 0..ids {
        starts[t + 1] += starts[t];
    }
    let mut fill: Vec<u32> = starts[..ids].to_vec();
    let mut postings = vec![Posting { article: 0, weight: 0.0 }; starts[ids] as usize];
    for (article, (row, length)) in per_article.iter().zip(lengths).enumerate() {
        for &(t, counts) in row {
            let mut tf = 0.0;
            for (f, field) in FIELDS.iter().enumerate() {
                if counts[f] > 0.0 {
                    let norm = 1.0 - field.b + field.b * length[f] / average[f].max(1.0);
                    tf += field.weight * counts[f] / norm;
                }
            }
            let slot = &mut fill[t as usize];
            postings[*slot as usize] = Posting { article: article as u32, weight: tf / (K1 + tf) };
            *slot += 1;
        }
    }
    (starts, postings)
}

/// Which languages a field's words are stemmed in.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Reading {
    One(Language),
    Every,
}

#[derive(Clone, Copy, Default)]
struct Sum {
    score: f32,
    matched: f32,
    /// 1 + the index of the last query word that matched; 0 for none.
    word: u32,
    added: f32,
}

/// Every term a word of an article may be searched by: its stem in the reading's languages,
/// with and without accents, without repeats.
fn word_readings(word: &str, reading: Reading) -> Vec<String> {
    let mut readings: Vec<String> = Vec::with_capacity(4);
    let one;
    let languages: &[Language] = match reading {
        Reading::One(language) => {
            one = [language];
            &one
        }
        Reading::Every => &Language::ALL,
    };
    // Without accents both forms are the same; stemming dominates indexing time.
    let accented = !word.is_ascii() && text::fold(word) != word;
    for &language in languages {
        let unaccented = accented.then(|| text::stem_unaccented(language, word));
        for reading in std::iter::once(text::stem(language, word)).chain(unaccented) {
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
    }
    readings
}

/// The next id, counting up.
fn take(next: &mut u32) -> u32 {
    *next += 1;
    *next - 1
}

// ---------------------------------------------------------------------------------------------
// Typo correction

/// Known words by their one-letter deletions, so a word one typo away from a known word is
/// found with a few lookups instead of a scan of the vocabulary: two words one edit apart
/// share a deletion (or one is a deletion of the other).
#[derive(Default)]
struct Typos {
    words: Vec<String>,
    seen: HashMap<String, u32>,
    /// (hash of a word with at most one letter deleted, word), sorted.
    keys: Vec<(u64, u32)>,
}

impl Typos {
    fn add(&mut self, folded: &str) {
        if folded.chars().count() < TYPO_MIN_CHARS || folded.chars().any(|c| c.is_ascii_digit()) {
            return;
        }
        if self.seen.contains_key(folded) {
            return;
        }
        let id = self.words.len() as u32;
        self.seen.insert(folded.to_string(), id);
        self.words.push(folded.to_string());
        self.keys.extend(deletion_hashes(folded).map(|h| (h, id)));
    }

    fn finish(&mut self) {
        self.keys.sort_unstable();
        self.keys.dedup();
        self.seen = HashMap::new();
    }

    /// The known word `typed` most likely meant, if it is one typo away from exactly one
    /// known word's spelling (the first such word in article order otherwise).
    fn correct(&self, typed: &str) -> Option<&str> {
        // Short words one letter from a known word are mostly other words ("rice", "price").
        if typed.chars().count() < TYPO_MIN_CHARS {
            return None;
        }
        let mut best: Option<u32> = None;
        for hash in deletion_hashes(typed) {
            let from = self.keys.partition_point(|&(h, _)| h < hash);
            for &(h, id) in &self.keys[from..] {
                if h != hash {
                    break;
                }
                if best.is_none_or(|b| id < b) && text::near(typed, &self.words[id as usize]) {
                    best = Some(id);
                }
            }
        }
        best.map(|id| self.words[id as usize].as_str())
    }
}

/// Hashes of the word itself and of the word with each one letter deleted.
fn deletion_hashes(word: &str) -> impl Iterator<Item = u64> + '_ {
    let letters = word.chars().count();
    (0..=letters).map(move |skip| {
        // FNV-1a: deterministic on every platform, and no allocation per deletion.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (i, c) in word.chars().enumerate() {
            if i != skip {
                hash ^= c as u64;
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str, tags: &[&str], body: &str) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            url: None,
        }
    }

    fn shop() -> KnowledgeBase {
        KnowledgeBase::new(vec![
            article(
                "returns",
                "Returns policy",
                &["return", "send back", "devolución", "retour", "Rücksendung", "devolução"],
                "You can return any unworn item within 30 days of delivery for a full refund. Start a return \
                 from your order page and print the prepaid label.",
            ),
            article(
                "shipping",
                "Shipping times and costs",
                &["delivery", "envío", "livraison", "Versand", "entrega"],
                "Standard shipping takes 3 to 5 business days and is free on orders over $50. Express shipping \
                 arrives in 1 to 2 business days for $12.",
            ),
            article(
                "sizing",
                "Size guide",
                &["size", "fit", "talla", "taille", "Größe"],
                "Our jackets run true to size. If you are between sizes, pick the larger one for layering.",
            ),
            article(
                "password",
                "Resetting your password",
                &["password", "login", "contraseña", "mot de passe", "Passwort"],
                "Use Forgot password on the sign-in page and we email you a reset link.",
            ),
            article(
                "missing",
                "Missing or lost parcels",
                &["lost", "stolen", "not received"],
                "If tracking says your parcel was delivered but you cannot find it, tell us within 7 days.",
            ),
            article(
                "payment",
                "Payment methods",
                &["payment", "card"],
                "We accept Visa, Mastercard and PayPal. Your card is charged when the order ships.",
            ),
        ])
    }

    fn best(knowledge: &KnowledgeBase, text: &str) -> Option<String> {
        let hit = knowledge.search(text, 1).into_iter().next()?;
        Some(knowledge.articles()[hit.index].id.clone())
    }

    #[test]
    fn bm25f_ranks_the_right_article() {
        let kb = shop();
        for (text, id) in [
            ("How long does shipping take?", "shipping"),
            ("how do I send a jacket back", "returns"),
            ("What size should I pick?", "sizing"),
            ("I forgot my password", "password"),
            ("is express delivery available", "shipping"),
            ("when is my card charged", "payment"),
        ] {
            assert_eq!(best(&kb, text).as_deref(), Some(id), "{text}");
        }
    }

    #[test]
    fn other_languages_meet_translated_tags_through_their_stemmers() {
        let kb = shop();
        for (text, id) in [
            ("¿Cuánto tardan los envíos?", "shipping"),
            ("cuanto tarda el envio", "shipping"),
            ("Combien de temps pour les livraisons ?", "shipping"),
            ("Wie funktionieren Rücksendungen?", "returns"),
            ("wie funktionieren rucksendungen", "returns"),
            ("quiero hacer una devolucion", "returns"),
            ("Olvidé mi contraseña", "password"),
            ("Welche Größe?", "sizing"),
        ] {
            assert_eq!(best(&kb, text).as_deref(), Some(id), "{text}");
        }
    }

    #[test]
    fn typos_irregular_forms_and_stem_variants_still_match() {
        let kb = shop();
        assert_eq!(best(&kb, "forgot my pasword").as_deref(), Some("password"));
        assert_eq!(best(&kb, "how long is shiping").as_deref(), Some("shipping"));
        assert_eq!(best(&kb, "someone stole my parcel").as_deref(), Some("missing"));
        // "deliver" stems to "deliv", "delivery" to "deliveri"; only the missing parcels article
        // says "delivered".
        let hits: Vec<&str> =
            kb.search("do you deliver", 5).iter().map(|h| kb.articles()[h.index].id.as_str()).collect();
        assert!(hits.contains(&"shipping") && hits.contains(&"missing"), "{hits:?}");
        // Short words are never "corrected" into another word.
        assert!(kb.search("rice", 1).is_empty());
    }

    #[test]
    fn search_returns_at_most_limit_best_first() {
        let kb = shop();
        let hits = kb.search("return shipping size password", 3);
        assert_eq!(hits.len(), 3);
        assert!(hits.windows(2).all(|w| w[0].confidence >= w[1].confidence), "{hits:?}");
        assert!(kb.search("return shipping", 0).is_empty());
        assert_eq!(kb.search("returns", 10).len(), 1);
    }

    #[test]
    fn nothing_matches_in_an_empty_base_or_for_empty_messages() {
        let empty = KnowledgeBase::new(Vec::new());
        assert!(empty.search("how do I return this", 3).is_empty());
        assert!(empty.articles().is_empty());
        assert!(empty.article("returns").is_none());
        let kb = shop();
        for text in ["", "   ", "?!", "the and of", "what is the capital of Peru", "zxqv blorp"] {
            assert!(kb.search(text, 3).is_empty(), "{text:?}");
        }
        let blank = KnowledgeBase::new(vec![article("blank", "", &[], "")]);
        assert!(blank.search("anything at all", 3).is_empty());
    }

    #[test]
    fn articles_are_found_by_id() {
        let kb = shop();
        assert_eq!(kb.article("sizing").map(|a| a.title.as_str()), Some("Size guide"));
        assert_eq!(kb.articles().len(), 6);
    }

    #[test]
    fn confidence_is_bounded_and_never_falls_as_evidence_grows() {
        let Calibration { coverage, strength, gap, foreign, .. } = CALIBRATION;
        // Strength and gap must count; coverage and a foreign language may count for nothing.
        assert!(coverage >= 0.0 && strength > 0.0 && gap > 0.0 && foreign >= 0.0, "{CALIBRATION:?}");
        let steps = [0.0f32, 0.25, 0.5, 0.75, 1.0];
        for &coverage in &steps {
            for &strength in &steps {
                for &gap in &[-1.0f32, -0.5, 0.0, 0.5, 1.0] {
                    let e = Evidence { coverage, strength, gap, foreign: 0.0 };
                    let c = e.confidence();
                    assert!((0.0..=1.0).contains(&c), "{e:?}: {c}");
                    for more in [
                        Evidence { coverage: (coverage + 0.25).min(1.0), ..e },
                        Evidence { strength: (strength + 0.25).min(1.0), ..e },
                        Evidence { gap: (gap + 0.5).min(1.0), ..e },
                        Evidence { foreign: 1.0, ..e },
                    ] {
                        assert!(more.confidence() >= c, "{more:?} < {e:?}");
                    }
                }
            }
        }
        let nan = Evidence { coverage: f32::NAN, strength: 0.5, gap: 0.5, foreign: 0.0 };
        assert!((0.0..=1.0).contains(&nan.confidence()));
    }

    #[test]
    fn a_full_match_is_surer_than_a_partial_one() {
        let kb = shop();
        let strong = kb.search("return refund send back", 1)[0].confidence;
        let weak = kb.search("return banana helicopter galaxy pineapple trampoline", 1)[0].confidence;
        assert!(strong >= CONFIDENCE_THRESHOLD, "{strong}");
        assert!(weak < CONFIDENCE_THRESHOLD, "{weak}");
        assert!(weak < strong);
    }
}

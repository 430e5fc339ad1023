//! Lexicon-based sentiment with negation and intensifiers, and the conversation's rolling mood.
//!
//! The scoring follows VADER (Hutto & Gilbert, 2014): word valences on a -4..4 scale, boosted or
//! damped by the words before them, flipped and damped by a nearby negation, weighted towards
//! what follows "but", emphasised by capitals and exclamation marks, and squashed to -1..1 with
//! x / sqrt(x² + α). The lexicon is small and aimed at what customers write to a shop's support,
//! in English, Spanish, French, German and Portuguese.

use std::sync::OnceLock;

use baton_shared::{Sentiment, Trend};

use crate::human::{Index, clause_texts, matches_with};
use crate::text::fold;

/// VADER's normalisation constant: a sum of 4 (one strong word) lands near 0.72.
const ALPHA: f32 = 15.0;
/// A negated valence flips and loses a quarter: "not good" is milder than "bad".
const NEGATION_SCALAR: f32 = -0.74;
const BOOST: f32 = 0.293;
const CAPS_BOOST: f32 = 0.733;
const EXCLAMATION_BOOST: f32 = 0.292;
const MAX_EXCLAMATIONS: usize = 4;
/// Words before "but" count half, words after it one and a half times.
const BEFORE_BUT: f32 = 0.5;
const AFTER_BUT: f32 = 1.5;
/// How many words back a booster or negation reaches, and how much each step back weakens it.
const REACH: usize = 3;
const DISTANCE_DAMPING: [f32; REACH] = [1.0, 0.95, 0.9];

/// Typos are forgiven only in long words: the lexicon mixes five languages, and one letter
/// turns "pedido" (order) into "perdido" (lost) and "contesta" (answers) into "contenta" (happy).
const TYPO_FROM: usize = 9;

/// Word valences. Patterns as in `human`: `stem*`, `=exact`, or a word that also matches one
/// typo away. Entries with accents are compared before folding and without typos, so German
/// "schön" (beautiful) is not "schon" (already).
const LEXICON: &[(&str, f32)] = &[
    // English
    ("thanks", 1.9),
    ("thank", 1.5),
    ("=thx", 1.5),
    ("=ty", 1.2),
    ("cheers", 1.5),
    ("appreciat*", 2.0),
    ("great", 3.1),
    ("perfect", 2.7),
    ("=love", 3.2),
    ("=loved", 3.0),
    ("lovely", 2.8),
    ("awesome", 3.1),
    ("amazing", 2.8),
    ("excellent", 3.2),
    ("fantastic", 3.0),
    ("wonderful", 2.7),
    ("brilliant", 2.8),
    ("happy", 2.7),
    ("=glad", 2.0),
    ("=good", 1.9),
    ("=nice", 1.8),
    ("=best", 3.0),
    ("helpful", 1.8),
    ("satisfied", 1.8),
    ("=pleased", 2.0),
    ("=fine", 0.8),
    ("=fast", 1.0),
    ("quick", 1.0),
    ("recommend", 1.5),
    ("=bad", -2.5),
    ("terrible", -2.5),
    ("awful", -2.5),
    ("horribl*", -2.5),
    ("=worst", -3.1),
    ("=worse", -2.1),
    ("angry", -2.3),
    ("furious", -2.9),
    ("annoyed", -2.0),
    ("=upset", -1.9),
    ("disappoint*", -2.2),
    ("frustrat*", -2.0),
    ("useless", -2.0),
    ("hopeless", -2.0),
    ("ridicul*", -2.0),
    ("unacceptable", -2.5),
    ("=scam", -2.8),
    ("=fraud", -2.5),
    ("=rude", -2.0),
    ("=impolite", -2.0),
    ("=slow", -1.0),
    ("damaged", -1.8),
    ("broken", -1.7),
    ("=wrong", -1.8),
    ("missing", -1.2),
    ("=stole", -2.0),
    ("stolen", -2.0),
    ("waiting", -0.8),
    ("forever", -1.2),
    ("=still", -0.6),
    ("=again", -0.8),
    ("ignor*", -1.5),
    ("=sucks", -2.0),
    ("=hate", -2.7),
    ("=joke", -1.0),
    ("crash*", -1.5),
    ("disaster", -2.5),
    ("=shame", -2.0),
    ("shameful", -2.2),
    ("pathetic", -2.5),
    ("problem", -1.5),
    ("soaked", -1.2),
    ("ruined", -2.0),
    ("impressive", 2.3),
    ("impressed", 2.0),
    ("friendly", 1.8),
    ("=polite", 1.8),
    ("courteous", 1.8),
    ("professional", 1.5),
    ("efficient", 1.8),
    ("=sorted", 1.5),
    ("=fixed", 1.5),
    ("resolved", 1.5),
    ("=solved", 1.5),
    ("=nicked", -2.0),
    // Spanish
    ("gracias", 1.9),
    ("genial", 3.0),
    ("perfecto", 2.7),
    ("perfecta", 2.7),
    ("excelente", 3.2),
    ("=bueno", 1.9),
    ("=buena", 1.9),
    ("=buen", 1.9),
    ("=buenos", 1.9),
    ("=buenas", 1.9),
    ("=bien", 1.2),
    ("amable", 2.0),
    ("encanta", 3.0),
    ("encantad*", 2.5),
    ("maravillos*", 3.0),
    ("contento", 2.0),
    ("contenta", 2.0),
    ("=feliz", 2.5),
    ("rapido", 1.0),
    ("bonito", 2.0),
    ("bonita", 2.0),
    ("estupendo", 3.0),
    ("=malo", -2.5),
    ("=mala", -2.5),
    ("pesimo", -3.0),
    ("pesima", -3.0),
    ("=peor", -2.5),
    ("verguenza", -2.2),
    ("decepcion*", -2.2),
    ("enfadad*", -2.3),
    ("molest*", -2.0),
    ("=harto", -2.2),
    ("=harta", -2.2),
    ("=estafa", -2.8),
    ("=roto", -1.8),
    ("=rota", -1.8),
    ("danado", -1.8),
    ("equivocad*", -1.8),
    ("desastre", -2.5),
    ("esperando", -0.8),
    ("robó", -2.0),
    ("robado", -2.0),
    ("=perdido", -1.3),
    ("=lento", -1.0),
    ("problema", -1.5),
    ("absurdo", -2.0),
    ("grosero", -2.0),
    ("grosera", -2.0),
    ("maleducad*", -2.0),
    ("desagradable", -1.8),
    ("impresionante", 2.5),
    ("simpatic*", 2.0),
    ("educad*", 1.8),
    ("servicial", 2.0),
    ("profesional", 1.5),
    ("eficiente", 1.8),
    ("resuelto", 1.5),
    ("resuelta", 1.5),
    ("resolvio", 1.5),
    ("resolvieron", 1.5),
    ("solucionado", 1.5),
    ("solucionada", 1.5),
    ("soluciono", 1.5),
    ("solucionaron", 1.5),
    ("arreglado", 1.5),
    ("arreglada", 1.5),
    ("arreglaron", 1.5),
    ("=atento", 1.8),
    ("=atenta", 1.8),
    ("=atentos", 1.8),
    ("=atentas", 1.8),
    ("=perdio", -1.3),
    ("perdieron", -1.3),
    // French
    ("merci", 1.9),
    ("parfait", 2.7),
    ("parfaite", 2.7),
    ("=super", 2.5),
    ("excellent", 3.2),
    ("=bon", 1.5),
    ("=bonne", 1.5),
    ("gentil", 2.0),
    ("=adore", 3.0),
    ("content", 2.0),
    ("contente", 2.0),
    ("=ravi", 2.5),
    ("=ravie", 2.5),
    ("=top", 2.0),
    ("magnifique", 3.0),
    ("=belle", 2.0),
    ("=beau", 2.0),
    ("=sympa", 2.0),
    ("formidable", 3.0),
    ("mauvais", -2.2),
    ("mauvaise", -2.2),
    ("=nul", -2.2),
    ("=nulle", -2.2),
    ("=pire", -2.8),
    ("decevant*", -2.2),
    ("=decu", -2.2),
    ("=decue", -2.2),
    ("=decus", -2.2),
    ("inadmissible", -2.5),
    ("honteux", -2.2),
    ("=honte", -2.2),
    ("arnaque", -2.8),
    ("=casse", -1.8),
    ("=cassee", -1.8),
    ("abime*", -1.8),
    ("endommag*", -1.8),
    ("=enerve", -2.2),
    ("furieux", -2.9),
    ("=marre", -2.2),
    ("inacceptable", -2.5),
    ("lamentable", -2.5),
    ("impoli*", -2.0),
    ("desagreable", -1.8),
    ("=retard", -1.0),
    ("=perdu", -1.3),
    ("=encore", -0.5),
    ("volé*", -2.0),
    ("=faux", -1.5),
    ("penible", -1.8),
    ("aimable", 2.0),
    ("sympathique", 2.0),
    ("=poli", 1.8),
    ("=polie", 1.8),
    ("serviable", 2.0),
    ("professionnel*", 1.5),
    ("efficace", 1.8),
    ("impressionnant*", 2.5),
    ("réglé", 1.5),
    ("réglée", 1.5),
    ("=resolu", 1.5),
    ("=resolue", 1.5),
    // German
    ("danke", 1.9),
    ("=dank", 1.9),
    ("=toll", 2.5),
    ("=prima", 2.0),
    ("perfekt", 2.7),
    ("=gut", 1.9),
    ("klasse", 2.5),
    ("=liebe", 3.0),
    ("zufrieden", 2.0),
    ("freundlich", 2.0),
    ("hilfreich", 2.0),
    ("schön*", 2.0),
    ("schlecht*", -2.3),
    ("furchtbar", -2.5),
    ("schrecklich", -2.5),
    ("katastroph*", -2.5),
    ("enttausch*", -2.2),
    ("lacherlich", -2.0),
    ("frechheit", -2.5),
    ("unverschamt", -2.5),
    ("argerlich", -2.0),
    ("=sauer", -1.5),
    ("wutend", -2.5),
    ("nutzlos", -2.0),
    ("kaputt", -1.8),
    ("beschadigt", -1.8),
    ("falsch*", -1.5),
    ("abzocke", -2.8),
    ("=betrug", -2.5),
    ("gestohlen", -2.0),
    ("verloren", -1.3),
    ("=wieder", -0.6),
    ("unmoglich", -2.0),
    ("=mist", -2.0),
    ("nervig", -1.8),
    ("unhoflich", -2.0),
    ("unfreundlich", -2.0),
    ("schade", -1.2),
    ("=nett", 1.8),
    ("hoflich", 1.8),
    ("hilfsbereit", 2.0),
    ("professionell", 1.5),
    ("effizient", 1.8),
    ("beeindruck*", 2.3),
    ("=gelost", 1.5),
    ("=geloest", 1.5),
    ("erledigt", 1.5),
    // Portuguese
    ("obrigad*", 1.9),
    ("=valeu", 1.5),
    ("=otimo", 3.0),
    ("=otima", 3.0),
    ("perfeit*", 2.7),
    ("=bom", 1.9),
    ("=boa", 1.9),
    ("=adorei", 3.0),
    ("=amei", 3.0),
    ("=amo", 3.0),
    ("=gostei", 2.0),
    ("=gosto", 2.0),
    ("maravilh*", 3.0),
    ("satisfeit*", 2.0),
    ("incrivel", 2.8),
    ("=pessimo", -3.0),
    ("=pessima", -3.0),
    ("=ruim", -2.5),
    ("=pior", -2.5),
    ("horrivel", -2.5),
    ("terrivel", -2.5),
    ("inutil*", -2.0),
    ("vergonha", -2.2),
    ("quebrad*", -1.8),
    ("danificad*", -1.8),
    ("=errado", -1.8),
    ("=errada", -1.8),
    ("=golpe", -2.5),
    ("=raiva", -2.3),
    ("atrasad*", -1.2),
    ("=lixo", -2.5),
    ("roub*", -2.0),
    ("chatead*", -2.0),
    ("=grosso", -1.5),
    ("=grossa", -1.5),
    ("=grossos", -1.5),
    ("=grossas", -1.5),
    ("atencios*", 2.0),
    ("prestativ*", 2.0),
    ("profissional", 1.5),
    ("eficiente", 1.8),
    ("impressionante", 2.5),
    ("=amor", 2.0),
    ("resolvid*", 1.5),
    ("resolveu", 1.5),
    ("resolveram", 1.5),
    ("solucionou", 1.5),
    ("solucionaram", 1.5),
    ("=perdeu", -1.3),
    ("perderam", -1.3),
];

/// Verbs with no feeling of their own that turn bad when negated: "doesn't work", "no llegó",
/// "hilft nicht", "não resolve".
const NEGATED_ONLY: &[(&str, f32)] = &[
    ("=work", 1.6),
    ("=works", 1.6),
    ("working", 1.6),
    ("=helps", 1.6),
    ("=helped", 1.6),
    ("helping", 1.6),
    ("arrive*", 1.4),
    ("received", 1.4),
    ("answer*", 1.4),
    ("=reply", 1.4),
    ("=replies", 1.4),
    ("=replied", 1.4),
    ("respond*", 1.4),
    ("response", 1.4),
    ("responde*", 1.4),
    ("contesta*", 1.4),
    ("respuesta", 1.4),
    ("repond*", 1.4),
    ("reponse", 1.4),
    ("antwort*", 1.4),
    ("resposta", 1.4),
    ("funcion*", 1.6),
    ("=sirve", 1.6),
    ("resuelve", 1.6),
    ("=ayuda", 1.6),
    ("=ayudo", 1.6),
    ("ayudaron", 1.6),
    ("llegado", 1.4),
    ("=llego", 1.4),
    ("recibido", 1.4),
    ("fonctionne", 1.6),
    ("=marche", 1.6),
    ("=aide", 1.6),
    ("=recu", 1.4),
    ("funktioniert", 1.6),
    ("=hilft", 1.6),
    ("geholfen", 1.6),
    ("geantwortet", 1.4),
    ("zuruckgerufen", 1.4),
    ("gemeldet", 1.4),
    ("erhalten", 1.4),
    ("angekommen", 1.4),
    ("=geht", 1.2),
    ("=resolve", 1.6),
    ("=ajuda", 1.6),
    ("=ajudou", 1.6),
    ("ajudaram", 1.6),
    ("chegou", 1.4),
    ("recebi", 1.4),
];

/// Words that strengthen (positive) or soften (negative) the valence after them.
const BOOSTERS: &[(&str, f32)] = &[
    ("=very", BOOST),
    ("=really", BOOST),
    ("=so", BOOST),
    ("extremely", BOOST),
    ("totally", BOOST),
    ("absolutely", BOOST),
    ("completely", BOOST),
    ("incredibly", BOOST),
    ("=super", BOOST),
    ("=truly", BOOST),
    ("=highly", BOOST),
    ("=too", BOOST),
    ("slightly", -BOOST),
    ("somewhat", -BOOST),
    ("=barely", -BOOST),
    ("=hardly", -BOOST),
    ("=kinda", -BOOST),
    ("=bit", -BOOST),
    ("=little", -BOOST),
    ("=muy", BOOST),
    ("muchisimo", BOOST),
    ("=muchas", BOOST),
    ("realmente", BOOST),
    ("totalmente", BOOST),
    ("demasiado", BOOST),
    ("extremadamente", BOOST),
    ("=tan", BOOST),
    ("bastante", BOOST),
    ("=poco", -BOOST),
    ("=algo", -BOOST),
    ("=tres", BOOST),
    ("vraiment", BOOST),
    ("=trop", BOOST),
    ("tellement", BOOST),
    ("extremement", BOOST),
    ("completement", BOOST),
    ("franchement", BOOST),
    ("=peu", -BOOST),
    ("=sehr", BOOST),
    ("wirklich", BOOST),
    ("=total", BOOST),
    ("=extrem", BOOST),
    ("=echt", BOOST),
    ("absolut", BOOST),
    ("=vollig", BOOST),
    ("=gar", BOOST),
    ("ziemlich", BOOST),
    ("=vielen", BOOST),
    ("=etwas", -BOOST),
    ("bisschen", -BOOST),
    ("=wenig", -BOOST),
    ("=muito", BOOST),
    ("=muita", BOOST),
    ("extremamente", BOOST),
    ("=tao", BOOST),
    ("=bem", BOOST),
    ("=pouco", -BOOST),
    ("=meio", -BOOST),
];

/// Words that flip the valence after them. "nobody" and its kin too: "nobody answers" is bad
/// because answering is good.
const NEGATIONS: &[&str] = &[
    "nobody", "nadie", "niemand", "ninguem", "not", "no", "never", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent",
    "werent", "havent", "hasnt", "wont", "wouldnt", "cant", "cannot", "couldnt", "without", "nothing", "nor",
    "neither", "nunca", "ni", "sin", "tampoco", "jamas", "pas", "ne", "n", "jamais", "sans", "aucun", "aucune",
    "nicht", "kein", "keine", "keinen", "keiner", "nie", "niemals", "ohne", "nao", "nem", "sem",
];

/// "Nobody" and its kin deny what their clause goes on to say, however far the verb and past
/// an "and" ("E-Mail" reads as Portuguese "e"): "niemand hat mir auf meine E-Mail geantwortet",
/// "nobody from your team ever replied". Only verbs with no feeling of their own
/// ([`NEGATED_ONLY`]) are reached that far.
const NOBODY: &[&str] = &["nobody", "nadie", "niemand", "ninguem"];

/// A negation does not reach past these: in "no problems and great service" the "no" is not
/// about "great".
const CONJUNCTIONS: &[&str] = &["and", "or", "y", "o", "e", "et", "ou", "und", "oder"];

/// German also negates after the verb: "hilft nicht", "gefällt mir nicht".
const TRAILING_NEGATIONS: &[&str] = &["nicht"];
/// "das funktioniert immer noch nicht".
const TRAILING_REACH: usize = 3;

/// "but" in each language; compared before folding so Spanish "más" (more) is not "mas" (but).
const BUT: &[&str] = &["but", "however", "pero", "embargo", "mais", "cependant", "aber", "jedoch", "mas", "porém"];

/// One word of a message, looked up once.
struct Token {
    /// Lowercase, accents kept.
    raw: String,
    folded: String,
    /// Written in capitals while other words are not.
    shouted: bool,
    /// Its own valence.
    valence: Option<f32>,
    /// The valence a word with none of its own has before a negation ("works").
    when_negated: Option<f32>,
    boost: Option<f32>,
    negation: bool,
}

impl Token {
    fn new(raw: String, shouted: bool) -> Token {
        let folded = fold(&raw);
        let mut token = Token { raw, folded, shouted, valence: None, when_negated: None, boost: None, negation: false };
        let indexes = indexes();
        token.valence = lookup(LEXICON, &indexes.lexicon, &token);
        token.when_negated =
            if token.valence.is_none() { lookup(NEGATED_ONLY, &indexes.negated_only, &token) } else { None };
        token.boost = booster(&token.folded);
        token.negation = NEGATIONS.contains(&token.folded.as_str());
        token
    }

    fn is(&self, words: &[&str]) -> bool {
        words.contains(&self.folded.as_str())
    }
}

/// One message's sentiment, -1.0 (furious) to 1.0 (delighted).
pub fn score(text: &str) -> f32 {
    let clauses = tokens(text);
    let last_but =
        clauses.iter().flatten().enumerate().filter(|(_, t)| BUT.contains(&t.raw.as_str())).map(|(i, _)| i).last();
    let mut sum = 0.0;
    for (position, (clause, i)) in
        clauses.iter().flat_map(|clause| (0..clause.len()).map(move |i| (clause, i))).enumerate()
    {
        let weight = match last_but {
            Some(but) if position < but => BEFORE_BUT,
            Some(but) if position > but => AFTER_BUT,
            _ => 1.0,
        };
        sum += weight * word_valence(clause, i);
    }
    if sum != 0.0 {
        let exclamations = text.chars().filter(|&c| c == '!').count().min(MAX_EXCLAMATIONS);
        sum += sum.signum() * EXCLAMATION_BOOST * exclamations as f32;
    }
    (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// The valence word `i` of a clause contributes, with its boosters, negation and capitals.
fn word_valence(clause: &[Token], i: usize) -> f32 {
    let word = &clause[i];
    let before = &clause[i.saturating_sub(REACH)..i];
    let negated = before.iter().rev().take_while(|t| !t.is(CONJUNCTIONS)).any(|t| t.negation)
        || clause[i + 1..].iter().take(TRAILING_REACH).any(|t| t.is(TRAILING_NEGATIONS))
        || (word.valence.is_none() && clause[..i].iter().any(|t| t.is(NOBODY)));
    // "super" before a feeling only strengthens it; on its own it is praise.
    let boosts_next = word.boost.is_some() && clause.get(i + 1).is_some_and(|next| next.valence.is_some());
    let mut valence = match (word.valence, word.when_negated) {
        (Some(v), _) if !boosts_next => v,
        (None, Some(v)) if negated => v,
        _ => return 0.0,
    };
    if word.shouted {
        valence += valence.signum() * CAPS_BOOST;
    }
    for (distance, boost) in before.iter().rev().enumerate().filter_map(|(d, t)| Some((d, t.boost?))) {
        valence += valence.signum() * boost * DISTANCE_DAMPING[distance];
    }
    if negated { valence * NEGATION_SCALAR } else { valence }
}

/// A folded word's own valence, if the lexicon knows it. Accented entries need the accents and
/// so never match here.
pub(crate) fn valence(word: &str) -> Option<f32> {
    first_match(LEXICON, &indexes().lexicon, word, |pattern| {
        pattern.is_ascii() && matches_with(word, pattern, TYPO_FROM)
    })
}

/// Whether a folded word only strengthens or softens others ("very", "muy", "sehr").
pub(crate) fn is_booster(word: &str) -> bool {
    booster(word).is_some()
}

fn booster(word: &str) -> Option<f32> {
    first_match(BOOSTERS, &indexes().boosters, word, |pattern| matches_with(word, pattern, TYPO_FROM))
}

fn lookup(table: &[(&str, f32)], index: &Index, word: &Token) -> Option<f32> {
    let matching = |pattern: &str| accent_aware_match(word, pattern);
    let folded = first_match(table, index, &word.folded, matching);
    if word.raw == word.folded { folded } else { folded.or_else(|| first_match(table, index, &word.raw, matching)) }
}

/// The value of the first entry in table order that `matching` accepts, among `word`'s
/// candidates.
fn first_match(table: &[(&str, f32)], index: &Index, word: &str, matching: impl Fn(&str) -> bool) -> Option<f32> {
    index.candidates(word).filter(|&k| matching(table[k].0)).min().map(|k| table[k].1)
}

/// The tables' indexes, built on first use.
struct Indexes {
    lexicon: Index,
    negated_only: Index,
    boosters: Index,
}

fn indexes() -> &'static Indexes {
    static INDEXES: OnceLock<Indexes> = OnceLock::new();
    INDEXES.get_or_init(|| {
        let index = |table: &[(&'static str, f32)]| Index::new(table.iter().map(|e| e.0), TYPO_FROM);
        Indexes { lexicon: index(LEXICON), negated_only: index(NEGATED_ONLY), boosters: index(BOOSTERS) }
    })
}

/// Patterns with accents match the accented word as written, without typo tolerance: one typo
/// from "schön" is "schon".
fn accent_aware_match(word: &Token, pattern: &str) -> bool {
    if pattern.is_ascii() {
        matches_with(&word.folded, pattern, TYPO_FROM)
    } else if let Some(stem) = pattern.strip_suffix('*') {
        word.raw.starts_with(stem)
    } else {
        word.raw == pattern.trim_start_matches('=')
    }
}

/// The message's clauses as tokens. Words are cut as `text::words` cuts them, keeping what it
/// throws away: accents and capitals.
fn tokens(text: &str) -> Vec<Vec<Token>> {
    let mut clauses: Vec<Vec<Token>> = clause_texts(text).map(clause_tokens).collect();
    // Capitals are emphasis only next to words that are not: a message all in capitals is a
    // habit (or a caps-lock key), not a raised voice.
    let (caps, total) = clauses
        .iter()
        .flatten()
        .filter(|t| t.raw.chars().count() > 1)
        .fold((0, 0), |(caps, total), t| (caps + usize::from(t.shouted), total + 1));
    if caps == total {
        clauses.iter_mut().flatten().for_each(|t| t.shouted = false);
    }
    clauses
}

/// Elided French words split off as `text::search_words` does, which drops the capitals.
fn clause_tokens(clause: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let (mut raw, mut letters, mut lower) = (String::new(), 0usize, false);
    let mut finish = |raw: &mut String, letters: &mut usize, lower: &mut bool| {
        if !raw.is_empty() {
            out.push(Token::new(std::mem::take(raw), *letters > 1 && !*lower));
        }
        (*letters, *lower) = (0, false);
    };
    for c in clause.chars() {
        if c.is_alphanumeric() {
            lower |= c.is_lowercase();
            letters += usize::from(c.is_alphabetic());
            raw.extend(c.to_lowercase());
        } else if (c == '\'' || c == '’') && !raw.is_empty() {
            if raw.chars().count() == 1 || raw == "qu" {
                finish(&mut raw, &mut letters, &mut lower);
            }
        } else {
            finish(&mut raw, &mut letters, &mut lower);
        }
    }
    finish(&mut raw, &mut letters, &mut lower);
    out
}

/// The conversation's mood from its customer messages' scores, oldest first.
pub fn mood(scores: &[f32]) -> Option<Sentiment> {
    let (&last, _) = scores.split_last()?;
    Some(Sentiment { last, rolling: rolling(scores), trend: trend(scores) })
}

/// Each older message counts this much less than the one after it.
const DECAY: f32 = 0.6;
/// The recent and earlier averages must differ this much before the mood is said to move.
const TREND_STEP: f32 = 0.25;
const RECENT_MAX: usize = 3;

fn rolling(scores: &[f32]) -> f32 {
    let (mut sum, mut weights, mut weight) = (0.0, 0.0, 1.0);
    for &score in scores.iter().rev() {
        sum += score * weight;
        weights += weight;
        weight *= DECAY;
    }
    sum / weights
}

/// The latest messages (up to half the conversation, at most three) against the ones before.
fn trend(scores: &[f32]) -> Trend {
    let recent = (scores.len() / 2).clamp(1, RECENT_MAX);
    if scores.len() <= recent {
        return Trend::Steady;
    }
    let (earlier, latest) = scores.split_at(scores.len() - recent);
    let change = mean(latest) - mean(earlier);
    if change <= -TREND_STEP {
        Trend::Worsening
    } else if change >= TREND_STEP {
        Trend::Improving
    } else {
        Trend::Steady
    }
}

fn mean(values: &[f32]) -> f32 {
    values.iter().sum::<f32>() / values.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positive(text: &str) -> bool {
        score(text) >= 0.05
    }

    fn negative(text: &str) -> bool {
        score(text) <= -0.05
    }

    #[test]
    fn customer_service_words_in_each_language() {
        for text in
            ["great, thanks!", "muchas gracias, perfecto", "merci, c'est parfait", "super, danke", "ótimo, obrigado"]
        {
            assert!(positive(text), "{text}: {}", score(text));
        }
        for text in [
            "this is ridiculous, worst service ever",
            "pésimo servicio, es una vergüenza",
            "c'est inadmissible, service nul",
            "eine Frechheit, total enttäuschend",
            "péssimo atendimento, que vergonha",
        ] {
            assert!(negative(text), "{text}: {}", score(text));
        }
        for text in ["where is my order?", "¿dónde está mi pedido?", "wo ist meine Bestellung?", "cadê meu pedido?"]
        {
            assert_eq!(score(text), 0.0, "{text}");
        }
    }

    #[test]
    fn negation_flips_and_damps() {
        assert!(score("not good") < 0.0 && score("not good") > score("bad"));
        assert!(positive("no problem"));
        assert!(positive("no problems and great service"), "a negation stops at a conjunction");
        for text in ["no funciona", "je ne suis pas content", "das ist nicht gut", "hilft nicht", "não gostei"] {
            assert!(negative(text), "{text}: {}", score(text));
        }
        assert!(negative("it hasn't arrived and nobody replies"));
        assert!(negative("das funktioniert immer noch nicht"));
    }

    #[test]
    fn praise_of_people_and_fixes_in_each_language() {
        for text in [
            "the driver was so polite",
            "tout est réglé",
            "quedó resuelto",
            "el repartidor fue muy educado",
            "le facteur était très aimable",
            "der Techniker war sehr höflich",
            "o atendente foi super atencioso",
        ] {
            assert!(positive(text), "{text}: {}", score(text));
        }
        assert!(negative("der Techniker war unhöflich"), "unhöflich is not höflich");
        for text in [
            "still not resolved",
            "no me lo solucionaron",
            "rien n'est réglé",
            "das ist immer noch nicht gelöst",
            "ainda não foi resolvido",
        ] {
            assert!(negative(text), "{text}: {}", score(text));
        }
    }

    #[test]
    fn nobody_denies_the_verb_at_the_end_of_its_clause() {
        assert!(negative("niemand aus Ihrem Team hat sich bei mir gemeldet"));
        assert!(negative("nobody from your team ever replied to my e-mail"), "the e of e-mail is no and");
        assert_eq!(score("nobody was home"), 0.0);
    }

    #[test]
    fn negation_stops_at_punctuation() {
        assert!(positive("no, thanks!"));
    }

    #[test]
    fn intensifiers_and_dampeners() {
        for (plain, boosted) in [
            ("good", "very good"),
            ("bueno", "muy bueno"),
            ("content", "très content"),
            ("gut", "sehr gut"),
            ("bom", "muito bom"),
        ] {
            assert!(score(boosted) > score(plain), "{boosted}");
        }
        assert!(score("muy malo") < score("malo"));
        assert!(score("slightly bad") > score("bad"));
        assert!(positive("super"), "on its own, praise");
        assert!(score("super happy") > score("happy"), "before a feeling, a booster");
    }

    #[test]
    fn what_follows_but_weighs_more() {
        assert!(negative("the jacket is nice but the delivery was awful"));
        assert!(positive("the delivery was slow but the jacket is great"));
        assert!(negative("la chaqueta es bonita pero el envío fue un desastre"));
    }

    #[test]
    fn exclamations_and_capitals_emphasise() {
        assert!(score("great!!!") > score("great"));
        assert!(score("this is TERRIBLE service") < score("this is terrible service"));
        assert_eq!(score("TERRIBLE SERVICE"), score("terrible service"), "all capitals is no emphasis");
    }

    #[test]
    fn scores_stay_in_range() {
        let furious = "worst terrible awful scam ridiculous useless disaster!!!!!! ".repeat(20);
        let delighted = "great perfect love amazing excellent!!!!! ".repeat(20);
        assert!((-1.0..=-0.9).contains(&score(&furious)));
        assert!((0.9..=1.0).contains(&score(&delighted)));
        assert_eq!(score(""), 0.0);
    }

    #[test]
    fn accents_and_typos() {
        assert!(positive("schön"));
        assert_eq!(score("schon wieder"), score("wieder"), "schon is not schön");
        assert_eq!(score("dónde está mi pedido"), 0.0, "pedido is not perdido");
        assert!(negative("this is ridiculus"), "one typo in a long word");
    }

    #[test]
    fn mood_is_recency_weighted() {
        assert_eq!(mood(&[]), None);
        let one = mood(&[-0.5]).unwrap();
        assert_eq!((one.last, one.rolling, one.trend), (-0.5, -0.5, Trend::Steady));
        let turned = mood(&[-0.8, 0.8]).unwrap();
        assert_eq!(turned.last, 0.8);
        assert!(turned.rolling > 0.0, "the latest message counts most: {}", turned.rolling);
    }

    #[test]
    fn trend_compares_recent_with_earlier() {
        assert_eq!(mood(&[0.5, 0.4, 0.3, -0.6, -0.7]).unwrap().trend, Trend::Worsening);
        assert_eq!(mood(&[-0.7, -0.5, 0.0, 0.4]).unwrap().trend, Trend::Improving);
        assert_eq!(mood(&[0.0, 0.1, -0.1, 0.05]).unwrap().trend, Trend::Steady);
        assert_eq!(mood(&[0.3, -0.6]).unwrap().trend, Trend::Worsening);
    }
}

//! "I want to talk to a person", in words, in English, Spanish, French, German and Portuguese.
//!
//! A person word alone proves nothing ("someone stole my parcel", "the person who ordered", "my
//! agent code"), so a message counts only when a person word sits in a request frame of the same
//! language and clause: a contact verb ("talk to", "hablar con", "mit ... sprechen"), a wish
//! ("I want a person"), "please", "is there a human", a word that makes the person unmistakable
//! ("real person", "agente humano"), a bot to contrast it with ("Mensch statt Bot"), or nothing
//! else at all ("agent!"). Asking to be called back needs no person word ("call me back").
//!
//! Questions count too when only the shop's people could answer them by taking the chat: whom
//! to turn to ("who do I talk to about my refund", "an wen wende ich mich"), whether staff can
//! act on the case ("can an agent check my order", "algum atendente pode me ajudar?"), whether
//! someone is there who would ("any staff around who can help?"), or to be put through with
//! nothing else said ("can you transfer me?", "Kundenservice bitte"), to be contacted ("melden
//! Sie sich bei mir") or to have the case escalated ("escalen mi caso"). Someone to settle the
//! case with counts after a wish ("ich möchte das mit einem Mitarbeiter klären"). A person word
//! reported ("the agent told me"), turned down ("no need for an agent"), outside the shop ("can
//! the courier call me?"), naming the bot ("virtual assistant") or an adverb ("in person") asks
//! for nobody. Negations and reports are read in every language at once, so a Spanish reading
//! of "I don't want a human" still sees the "don't".
//!
//! The word lists live in [`words`]; this file holds the frames that read them.

use std::sync::OnceLock;

use crate::text::{Language, detect_language, fold, near, search_words, umlaut_digraphs};

pub mod model;
mod words;

use words::{LANGUAGES, Table};

/// What a word can do in a request for a person; one word may have several roles.
type Role = u64;

/// A person in general: "person", "human", "Mensch".
const PERSON: Role = 1;
/// Someone who works there: "agent", "advisor", "Mitarbeiter".
const STAFF: Role = 1 << 1;
/// "someone", "alguien", "quelqu'un": a person only when asked to talk or help.
const ANYONE: Role = 1 << 2;
/// "customer service", "support": a person only when the customer asks to be put through.
const SERVICE: Role = 1 << 3;
/// "real", "live", "humano", "available": makes a neighbouring person word a request on its own
/// ("agente disponible" asks whether one is free to take the chat).
const REAL: Role = 1 << 4;
/// "talk", "speak", "connect", "call back".
const CONTACT: Role = 1 << 5;
/// "help": counts for "can someone help me", not for "this person helped".
const HELP: Role = 1 << 6;
/// "I want", "I need", "get me".
const WANT: Role = 1 << 7;
const PLEASE: Role = 1 << 8;
/// "is there", "hay", "il y a", "gibt es".
const THERE: Role = 1 << 9;
const NOT: Role = 1 << 10;
/// "my", "mi", "mon": "my agent" is never the shop's agent.
const MINE: Role = 1 << 11;
/// "de" between a person and "verdad": "pessoa de verdade".
const LINK: Role = 1 << 12;
/// Articles, pronouns and prepositions, so "an agent, please" is still just a request.
const FILLER: Role = 1 << 13;
/// "call", "rufen", "llamar": with [`ME`] a request on its own ("call me back", "rufen Sie mich
/// an"); the shop's people are the only ones who could.
const CALLBACK: Role = 1 << 14;
/// The customer as object: "me", "mich", "moi".
const ME: Role = 1 << 15;
/// "bot", "robot", "Maschine": a person word next to one is a person instead of the bot.
const BOT: Role = 1 << 16;
/// "telefone", "Telefon": a way to reach a named person ("atendente por telefone"), but said of
/// a service it asks about the service ("horário do atendimento por telefone").
const PHONE: Role = 1 << 17;
/// A contact verb's participle ("rappelé", "atendido", "verbunden"): a request only after a wish
/// ("je souhaite être rappelé par un conseiller"), a report otherwise ("j'ai été rappelé").
const PAST: Role = 1 << 18;
/// A relative pronoun opening a clause ("who", "que", "der"): the clause goes on describing the
/// person of the one before it ("ist da jemand, der mir helfen kann"), so it is read with it.
const RELATIVE: Role = 1 << 19;
/// A past tense that reports a contact ("talked", "falei", "gesprochen"): the person word next
/// to it is someone the customer already dealt with ("I talked to support on the phone", "a
/// pessoa que atendeu o telefone"), unless the customer asks for someone before it.
const REPORT: Role = 1 << 20;
/// A German separable verb's stem ("stellen", "leite"): a contact verb when its particle
/// ([`PARTICLE`]) closes the clause ("stellen Sie mich zum Support durch", "leite mich an
/// einen Berater weiter").
const SPLIT: Role = 1 << 21;
/// The particle of a [`SPLIT`] verb: "durch", "weiter".
const PARTICLE: Role = 1 << 22;
/// A callback as a thing to be had ("callback", "Rückruf", "rappel"): with a wish before it, a
/// request on its own ("I'd like a callback", "ich hätte gern einen Rückruf").
const CALLBACK_NOUN: Role = 1 << 23;
/// "who", "quién", "qui", "wen", "quem": opening a question with a contact verb, it asks whom to
/// turn to ("who do I talk to about my refund", "an wen wende ich mich"), which only the shop's
/// people can answer by taking the chat.
const WHO: Role = 1 << 24;
/// "can", "puede", "peut", "kann", "pode": a person asked whether they can do something for the
/// customer ("can an agent check my order", "algum atendente pode me ajudar?").
const MODAL: Role = 1 << 25;
/// What a customer asks the shop's people to do about the case: "check", "revisar",
/// "vérifier", "prüfen", "verificar". Only ever read beside staff or a "can".
const ACT: Role = 1 << 26;
/// "member", "miembro", "membre", "Mitglied", "membro": one of the shop's people when the team
/// is named beside it ("team member", "membre de l'équipe"), anybody's member otherwise.
const MEMBER: Role = 1 << 27;
/// Someone outside the shop: a courier, a driver, family ("the courier", "mi esposo", "der
/// Fahrer"). A callback in their clause is theirs to make ("can the driver call me first?").
const OUTSIDER: Role = 1 << 28;
/// "transfer", "connect", "verbinden", "transférer": with the customer as its object and nothing
/// else besides, a request to be put through to whoever is there ("can you transfer me?").
const TRANSFER: Role = 1 << 29;
/// A contact verb only when it leads its person with the customer as object, as in "passe-moi
/// un conseiller", "me passa pra um atendente": after the person it is someone coming by ("le
/// technicien est passé"), and without the customer something else put ("colocar o nome").
const LEAD: Role = 1 << 30;
/// The shop addressed: "you", "usted", "vous", "Sie", "você". Nothing but an asking word in a
/// request to be put through ("can you transfer me?").
const YOU: Role = 1 << 31;
/// "in", "en", "em" before a person word: "in person", "en personne", "em pessoa" are a way of
/// doing something, not someone ("can I exchange it in person?").
const IN: Role = 1 << 32;
/// "escalate", "escalen", "eskalieren": asking for the case to go up to the shop's people,
/// whoever they are. A request with the case named beside it ("escalate my complaint",
/// "escalen mi caso") or nothing else asked ("can you escalate?"); "escalar" is also climbing.
const ESCALATE: Role = 1 << 33;
/// What gets escalated: "case", "complaint", "this", "caso", "dossier", "Anliegen".
const CASE: Role = 1 << 34;
/// The shop as a body: "shop", "store", "tienda", "magasin", "Laden", "loja". It narrows
/// "someone" to the shop's people ("someone from the store") but is never asked for itself.
const SHOP: Role = 1 << 35;
/// German "einer": an article before its noun ("mit einer Kollegin"), "someone" standing alone
/// ("kann mir mal einer helfen?").
const ONE: Role = 1 << 36;
/// French "plus" of "ne ... plus": between a negation and the wish it negates ("je n'ai plus
/// besoin d'un conseiller").
const LONGER: Role = 1 << 37;
/// "with", "con", "avec", "mit", "com": the person after it is someone to do something with, so
/// a wish earlier in the clause asks for them ("I'd like to sort this out with a manager", "ich
/// möchte das jetzt mit einem Mitarbeiter klären").
const WITH: Role = 1 << 38;
/// English "to": as [`WITH`], but only before the shop's staff ("I'd like to make a complaint to
/// a manager"); "I want to send it to a person" gives a parcel away.
const TO: Role = 1 << 39;
/// "or", "oder", "ou", "o": a bot joined to a person by it shares the person's negation ("ich
/// möchte nicht mit einem Bot oder Menschen reden").
const OR: Role = 1 << 40;
/// "another", "otra", "autre", "andere", "outra": anyone but the shop's staff qualified by it is
/// someone else in the customer's life ("posso pedir para outra pessoa receber?"), never
/// asked for by a bare wish.
const OTHER: Role = 1 << 41;
/// A contact named as a thing: "conversation", "Gespräch", "Kontaktaufnahme". It reaches the
/// person beside it like its verb, but asks for nothing by itself: "das Gespräch mit Ihrem
/// Berater war super" reports one.
const NOUN: Role = 1 << 42;
/// A boss who is also an adjective: "supérieur", "superior". Staff right after an article or
/// "your" ("votre supérieur", "su superior"), a size or a model's quality after a noun ("la
/// taille supérieure", "talla superior").
const SUPERIOR: Role = 1 << 43;
/// A [`REAL`] word already spent on making a service personal ("persönliche Beratung"): it no
/// longer makes the service a request on its own.
const SPENT: Role = 1 << 44;

/// Words a message may hold besides the person word and still be nothing but a request.
const REQUEST_ONLY: Role = FILLER | PLEASE | REAL | SERVICE | CONTACT | LEAD | HELP | WANT | THERE | LINK;

/// How far a contact verb may stand from its person word, before and after it. German puts the
/// verb last ("mit einem Mitarbeiter sprechen") and questions put the person first ("can someone
/// call me"), hence both directions.
const VERB_BEFORE: usize = 6;
const VERB_AFTER: usize = 4;
/// A negation this many words before a frame cancels it ("I don't want to talk to a person").
const NEGATION_REACH: usize = 3;
/// "I want a person", "get me a human", "preciso de um atendente".
const WANT_REACH: usize = 3;
/// "agent please", "un conseiller svp".
const PLEASE_REACH: usize = 2;
/// "is there a human", "il y a un humain".
const THERE_REACH: usize = 3;

/// Whether the customer asks for a human: by a frame, or by the model when it is sure and the
/// message neither turns anyone down nor tells of a contact. The model reads letters, not
/// grammar: "rufen Sie mich bitte nicht an" and "j'ai parlé à un conseiller" hold every letter
/// of a request, so where the frames read a negation or a report it has no say.
pub fn asks_for_person(text: &str) -> bool {
    let readings = readings(text);
    if readings.iter().any(|reading| frames_hold(reading.clone())) {
        return true;
    }
    may_judge(text, &readings) && model::Model::shipped().is_some_and(|model| model.asks_for_person(text))
}

/// Whether the model may have its say on a message: it has words enough for letters to tell,
/// and in its own language's reading it tells of no contact and turns no person or contact down.
pub fn model_may_judge(text: &str) -> bool {
    may_judge(text, &readings(text))
}

/// [`model_may_judge`] on the message's [`readings`], once computed.
fn may_judge(text: &str, readings: &[Vec<Vec<Role>>]) -> bool {
    long_enough_to_judge(text) && !told_or_turned_down(text, readings)
}

/// The fewest words the model judges. One or two words give too few letter runs to tell a
/// request from a greeting ("servus", "alguém aí?"); the frames know the short requests.
const MODEL_MIN_WORDS: usize = 3;

fn long_enough_to_judge(text: &str) -> bool {
    crate::text::words(text).len() >= MODEL_MIN_WORDS
}

/// What a negation turns down when it stands near it: a person, a contact, a wish for either.
const TURNED_DOWN: Role =
    PERSON | STAFF | ANYONE | SERVICE | CONTACT | CALLBACK | CALLBACK_NOUN | ESCALATE | TRANSFER | PHONE | WANT | HELP;

/// "I talked to someone", "j'ai été rappelé", "bitte nicht anrufen", "no need for an agent".
/// A negation far from any of those ("du verstehst mich nicht. Gibt es jemanden …") or one that
/// asks whether there is somebody ("¿no hay un empleado …?", "y a pas quelqu'un ?") turns nothing
/// down.
fn told_or_turned_down(text: &str, readings: &[Vec<Vec<Role>>]) -> bool {
    let language = Language::ALL.iter().position(|&l| l == detect_language(text)).unwrap_or(0);
    let Some(clauses) = readings.get(language) else {
        return false;
    };
    clauses.iter().any(|clause| {
        clause.iter().any(|r| r & (REPORT | PAST) != 0)
            || clause.iter().enumerate().any(|(at, r)| {
                let asks_whether_there_is =
                    clause.get(at + 1).is_some_and(|next| next & THERE != 0) || there_across_fillers(clause, at);
                let near = at.saturating_sub(NEGATION_REACH)..(at + 1 + NEGATION_REACH).min(clause.len());
                // A contact verb anywhere before the negation in its clause: German closes the verb
                // after its negation, however far ("rufen Sie mich bitte nicht an"). Other languages
                // rarely negate after a contact verb, and such a clause only keeps the model out.
                let verb_before = clause[..at].iter().any(|v| v & (CONTACT | CALLBACK) != 0);
                r & NOT != 0
                    && !asks_whether_there_is
                    && (verb_before || clause[near].iter().any(|n| n & TURNED_DOWN != 0))
            })
    })
}

/// Whether a request frame holds the customer's words, without the model.
pub fn framed(text: &str) -> bool {
    readings(text).into_iter().any(frames_hold)
}

/// The message's words by their roles, clause by clause, once for each language in
/// [`LANGUAGES`] order (which is [`Language::ALL`]'s).
fn readings(text: &str) -> Vec<Vec<Vec<Role>>> {
    static INDEXES: OnceLock<Vec<Index>> = OnceLock::new();
    let indexes = INDEXES
        .get_or_init(|| LANGUAGES.iter().map(|table| Index::new(table.iter().map(|e| e.0), TYPO_FROM)).collect());
    let clauses = clauses(text);
    // German typed without umlauts spells them "ae", "oe", "ue" ("moechte", "zurueckrufen").
    let german_spellings: Vec<Vec<Option<String>>> =
        clauses.iter().map(|clause| clause.iter().map(|w| umlaut_digraphs(w)).collect()).collect();
    let per_language: Vec<Vec<Vec<Role>>> = LANGUAGES
        .iter()
        .zip(indexes)
        .enumerate()
        .map(|(language, (table, index))| {
            let german = language == GERMAN_AT;
            clauses
                .iter()
                .zip(&german_spellings)
                .map(|(clause, spellings)| {
                    clause
                        .iter()
                        .zip(spellings)
                        .map(|(w, spelt)| match spelt {
                            Some(umlauts) if german => role(w, table, index) | role(umlauts, table, index),
                            _ => role(w, table, index),
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    // A reported contact is one in any language: "I talked to a real person" is no request even
    // though Spanish reads "person" as "persona" and "real" as "real". So are a negation and an
    // "or", where a language has no word of its own spelt so: "I don't want a bot or a human"
    // read in Spanish ("bot", "humano") is still turned down; Portuguese "no" ("no telefone")
    // stays "in".
    let shared = |role: Role| -> Vec<Vec<Role>> {
        clauses
            .iter()
            .enumerate()
            .map(|(c, clause)| {
                (0..clause.len()).map(|w| per_language.iter().fold(0, |acc, l| acc | (l[c][w] & role))).collect()
            })
            .collect()
    };
    let reports = shared(REPORT);
    let negations = shared(NOT | OR);
    per_language
        .into_iter()
        .map(|roles| {
            roles
                .into_iter()
                .zip(reports.iter().zip(&negations))
                .map(|(clause, (report, negation))| {
                    let read = clause.iter().zip(report).zip(negation);
                    read.map(|((&r, &p), &n)| if r == 0 { n | p } else { r | p }).collect()
                })
                .collect()
        })
        .collect()
}

/// Whether a request frame holds one language's reading of a message.
fn frames_hold(roles: Vec<Vec<Role>>) -> bool {
    let roles: Vec<Vec<Role>> = roles
        .into_iter()
        .map(|clause| {
            let clause = join_separable(clause);
            join_real_service(join_members(join_live_chat(join_superiors(join_lone_one(clause)))))
        })
        .collect();
    let roles = join_relatives(roles);
    if service_alone(&roles) {
        return true;
    }
    // "agent!", "a human, please": the whole message, not one clause of it, holds nothing but
    // one person and the asking. "die Person, die bestellt hat" is no request.
    let lone = |words: &mut dyn Iterator<Item = &Role>| {
        words.filter(|&&r| r & (PERSON | STAFF) != 0 || r & REQUEST_ONLY == 0).count() == 1
    };
    let bare = lone(&mut roles.iter().flatten());
    // "i'm done with this bot. human now": a clause of nothing but a person, beside a bot.
    let bot_named = roles.iter().flatten().any(|r| r & BOT != 0);
    // "no bot, a person", "Mensch statt Bot bitte": a bot and a person contrasted in a plea;
    // "are humans more patient than robots?" contrasts them in a question about them.
    let plea = roles.iter().flatten().any(|r| r & (NOT | WANT | PLEASE) != 0);
    let message = Message { bare, bot: plea && bot_named, plea_beside: false };
    (0..roles.len()).any(|c| {
        let clause = &roles[c];
        let bare = message.bare || (bot_named && lone(&mut clause.iter()));
        let message = Message { plea_beside: plea_beside(&roles, c), bare, ..message };
        transferred_alone(clause)
            || contacted_alone(clause)
            || escalation_asked(clause)
            || (0..clause.len()).any(|i| {
                requested_at(clause, i, message)
                    || called_back_at(clause, i)
                    || callback_wished(clause, i)
                    || whom_to_contact(clause, i)
            })
    })
}

/// Where German stands in [`LANGUAGES`].
const GERMAN_AT: usize = 3;

/// "Kundenservice bitte", "customer service please", "atención al cliente por favor": a message
/// of nothing but the service and a plea or a contact verb asks to be put through to it.
/// "support?" alone, or "I need support", may ask the bot.
fn service_alone(roles: &[Vec<Role>]) -> bool {
    let words = || roles.iter().flatten();
    words().all(|r| r & REQUEST_ONLY != 0 && r & (NOT | MINE | REPORT) == 0)
        && words().any(|r| r & SERVICE != 0)
        && words().any(|r| r & (PLEASE | CONTACT | LEAD) != 0)
}

/// Whether the clause asks to be put through and says nothing else: "transfer me please", "can
/// you connect me?", "verbinden Sie mich bitte", "mettez-moi en relation". "connect me to my
/// account" names something else to connect to.
fn transferred_alone(clause: &[Role]) -> bool {
    let Some(verb) = clause.iter().position(|r| r & TRANSFER != 0) else {
        return false;
    };
    let me = near_either(clause, verb, CALLBACK_REACH).any(|j| clause[j] & ME != 0) || clause[verb] & ME != 0;
    // "est-ce que vous pouvez me transférer ?": French asks with a "que".
    let asking = FILLER | ME | YOU | PLEASE | MODAL | CONTACT | TRANSFER | RELATIVE;
    me && clause.iter().all(|r| r & asking != 0 && r & (NOT | REPORT | MINE) == 0)
}

/// Whether the clause asks the shop to get in touch and says nothing else: "melden Sie sich
/// bitte telefonisch bei mir", "can you contact me?", "pouvez-vous me contacter ?". The shop
/// addressed, a contact verb and the customer; "muss ich mich telefonisch melden?" has the
/// customer get in touch, and addresses nobody.
fn contacted_alone(clause: &[Role]) -> bool {
    let asking = FILLER | ME | YOU | PLEASE | MODAL | CONTACT | PHONE;
    clause.iter().any(|r| r & CONTACT != 0)
        && clause.iter().any(|r| r & YOU != 0)
        && clause.iter().any(|r| r & ME != 0)
        && clause.iter().all(|r| r & asking != 0 && r & (NOT | REPORT | MINE | PAST) == 0)
}

/// Whether the clause asks for the case to be escalated: "escalate this please", "escalen mi
/// caso", "escaladez ma demande", "eskalieren Sie das", "podem escalar o meu chamado?", or "can
/// you escalate?" with nothing else said. "botas para escalar" climbs, and "it was escalated"
/// is a report.
fn escalation_asked(clause: &[Role]) -> bool {
    let Some(verb) = clause.iter().position(|r| r & ESCALATE != 0) else {
        return false;
    };
    // "I don't want to be escalated": a wish turned down before the verb turns the verb down.
    let wish_turned_down = (0..verb).any(|w| clause[w] & WANT != 0 && negated(clause, w, w));
    if clause.iter().any(|r| r & REPORT != 0) || negated(clause, verb, verb) || wish_turned_down {
        return false;
    }
    // The case may come before the verb too: German puts it there ("können Sie das eskalieren").
    let object = FILLER | MINE | ME | YOU | PLEASE;
    let case_after =
        (verb + 1..clause.len()).take_while(|&j| clause[j] & (object | CASE) != 0).any(|j| clause[j] & CASE != 0);
    let case_before =
        (0..verb).rev().take_while(|&j| clause[j] & (object | MODAL | CASE) != 0).any(|j| clause[j] & CASE != 0);
    let asking = FILLER | ME | YOU | PLEASE | MODAL | WANT | ESCALATE;
    case_after || case_before || clause.iter().all(|r| r & asking != 0)
}

/// The clause with a boss who is also an adjective read as staff after an article or "your":
/// "parler à votre supérieur", "hablar con su superior", not "la talla superior".
fn join_superiors(mut clause: Vec<Role>) -> Vec<Role> {
    for w in 1..clause.len() {
        if clause[w] & SUPERIOR != 0 && clause[w - 1] & FILLER != 0 {
            clause[w] |= STAFF;
        }
    }
    clause
}

/// The clause with a service made personal read as its people: "persönliche Beratung", "live
/// support", or "atención personalizada" and "Kundendienst erreichbar" at the end of a clause.
/// A word before the service is spent on it, so the service still needs asking for ("ich
/// brauche persönliche Beratung"), and "bin ich in der richtigen Abteilung?" asks for nobody.
fn join_real_service(mut clause: Vec<Role>) -> Vec<Role> {
    let personal = |r: Role| r & REAL != 0 && r & (PERSON | STAFF | ANYONE | SERVICE) == 0;
    for s in 0..clause.len() {
        if clause[s] & SERVICE == 0 || clause[s] & (PERSON | STAFF | CONTACT) != 0 {
            continue;
        }
        let before = s > 0 && personal(clause[s - 1]);
        let after = s + 2 == clause.len() && personal(clause[s + 1]);
        if before {
            clause[s - 1] |= SPENT;
        }
        if before || after {
            clause[s] |= STAFF;
        }
    }
    clause
}

/// The clause with German "einer" read as "someone" when no noun follows it: "kann mir mal
/// einer helfen", "ist einer da?", not "mit einer Freundin" or "in einer anderen Farbe". A word
/// no table knows after it is taken for the noun.
fn join_lone_one(mut clause: Vec<Role>) -> Vec<Role> {
    let noun = PERSON | STAFF | OUTSIDER | SERVICE | SHOP | BOT | MEMBER | CASE;
    for w in 0..clause.len() {
        let lone = clause.get(w + 1).is_none_or(|&next| next != 0 && next & noun == 0);
        if clause[w] & ONE != 0 && lone {
            clause[w] |= ANYONE;
        }
    }
    clause
}

/// Whether the word at `w` opens a question asking whom to turn to: "who do I talk to about my
/// refund", "¿con quién hablo?", "à qui dois-je m'adresser", "an wen wende ich mich", "quem pode
/// me ajudar?". Only fillers (a preposition, a greeting) may stand before it: after a noun it is
/// a relative pronoun ("the person who called").
fn whom_to_contact(roles: &[Role], w: usize) -> bool {
    if roles[w] & WHO == 0 || !roles[..w].iter().all(|r| r & FILLER != 0) {
        return false;
    }
    (w + 1..(w + 1 + WHO_REACH).min(roles.len())).any(|j| {
        roles[j] & (CONTACT | LEAD | HELP | CALLBACK | TRANSFER) != 0
            && roles[j] & REPORT == 0
            && !roles[w..j].iter().any(|r| r & NOT != 0)
    })
}

/// How far the contact verb may follow "who": German puts it last ("mit wem kann ich über eine
/// Reklamation sprechen").
const WHO_REACH: usize = 7;

/// The clause with a live chat read as a service: "live chat", "chat en vivo", "chat en
/// direct", "Live-Chat", "chat ao vivo" are the shop's people at the keyboard, where a chat alone
/// may be this one with the bot.
fn join_live_chat(mut clause: Vec<Role>) -> Vec<Role> {
    for c in 0..clause.len() {
        let chat = clause[c] & CONTACT != 0 && clause[c] & (PERSON | STAFF | ANYONE | SERVICE) == 0;
        let live_before = c > 0 && clause[c - 1] & REAL != 0 && clause[c - 1] & PERSON == 0;
        let live_after = (c + 1..(c + 3).min(clause.len())).any(|j| clause[j] & REAL != 0 && clause[j] & PERSON == 0)
            && clause.get(c + 1).is_some_and(|r| r & (REAL | FILLER | LINK) != 0);
        if chat && (live_before || live_after) {
            clause[c] |= SERVICE;
        }
    }
    clause
}

/// The clause with each member word read as staff when its team is named beside it: "team
/// member", "member of staff", "miembro del equipo", "membre de l'équipe", "membro da equipe".
fn join_members(mut clause: Vec<Role>) -> Vec<Role> {
    for m in 0..clause.len() {
        if clause[m] & MEMBER == 0 {
            continue;
        }
        let team_before = m > 0 && clause[m - 1] & (SERVICE | STAFF) != 0;
        let team_after = (m + 1..(m + 1 + TEAM_REACH).min(clause.len()))
            .take_while(|&j| clause[j] & (FILLER | LINK | SERVICE | STAFF) != 0)
            .any(|j| clause[j] & (SERVICE | STAFF) != 0);
        if team_before || team_after {
            clause[m] |= STAFF;
        }
    }
    clause
}

/// Whether a clause next to clause `c` is nothing but a plea: "por favor, una persona que me
/// ayude", "a human who can help, please".
fn plea_beside(roles: &[Vec<Role>], c: usize) -> bool {
    let plea_only = |clause: &Vec<Role>| {
        clause.iter().any(|r| r & PLEASE != 0) && clause.iter().all(|r| r & (PLEASE | FILLER) != 0)
    };
    (c > 0 && plea_only(&roles[c - 1])) || roles.get(c + 1).is_some_and(plea_only)
}

/// The clause with each German separable verb's stem and particle read as a contact verb when
/// both are there, the stem first: "stellen Sie mich zum Support durch".
fn join_separable(mut clause: Vec<Role>) -> Vec<Role> {
    let Some(stem) = clause.iter().position(|r| r & SPLIT != 0) else {
        return clause;
    };
    if let Some(particle) = (stem + 1..clause.len()).find(|&j| clause[j] & PARTICLE != 0) {
        clause[stem] |= CONTACT;
        clause[particle] |= CONTACT;
    }
    clause
}

/// The clauses with every relative clause read as part of the clause before it, when that one
/// ends with its person: "gibt es einen Mitarbeiter, mit dem ich reden kann" is one request.
/// The relative pronoun may follow a preposition ("mit dem", "con quien").
fn joined_relative(previous: &[Role], clause: &[Role]) -> bool {
    // "jemand da, der mir helfen kann", "anyone there who can help": "there" may follow the person.
    let ends_with_person = previous
        .iter()
        .rev()
        .find(|r| *r & (THERE | REAL) == 0 || *r & (PERSON | STAFF | ANYONE) != 0)
        .is_some_and(|r| r & (PERSON | STAFF | ANYONE) != 0);
    let relative = match clause {
        [first, ..] if first & RELATIVE != 0 => true,
        [first, second, ..] => first & FILLER != 0 && second & RELATIVE != 0,
        _ => false,
    };
    ends_with_person && relative
}

fn join_relatives(roles: Vec<Vec<Role>>) -> Vec<Vec<Role>> {
    let mut joined: Vec<Vec<Role>> = Vec::with_capacity(roles.len());
    for clause in roles {
        match joined.last_mut() {
            Some(previous) if joined_relative(previous, &clause) => previous.extend(clause),
            _ => joined.push(clause),
        }
    }
    joined
}

/// The message as clauses of folded lowercase words, French elisions split ("m'aider" → "m",
/// "aider"). Frames never reach across a clause, so "someone stole my parcel. can we talk" asks
/// for nobody.
pub(crate) fn clauses(text: &str) -> Vec<Vec<String>> {
    clause_texts(text)
        .map(|clause| search_words(clause).iter().map(|w| fold(w)).collect::<Vec<_>>())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The message cut at punctuation.
pub(crate) fn clause_texts(text: &str) -> impl Iterator<Item = &str> {
    text.split(['.', ',', ';', ':', '!', '?', '¿', '¡', '(', ')', '\n', '—', '–'])
}

/// Every role `word` has in one language's table.
fn role(word: &str, table: Table, index: &Index) -> Role {
    index.candidates(word).filter(|&k| matches(word, table[k].0)).fold(0, |acc, k| acc | table[k].1)
}

/// A pattern table's entries by the byte a matching word starts with (or, for a typo in its
/// first letter, ends with), so each word meets a handful of entries instead of hundreds. Built
/// once per process from the static tables.
pub(crate) struct Index {
    by_first: [Vec<usize>; 256],
    by_last: [Vec<usize>; 256],
    /// `*tail` entries, which any word may match.
    tails: Vec<usize>,
}

impl Index {
    /// `typo_from` as for [`matches_with`]: which entries may match one typo away.
    pub(crate) fn new<'a>(patterns: impl Iterator<Item = &'a str>, typo_from: usize) -> Index {
        let mut index = Index {
            by_first: std::array::from_fn(|_| Vec::new()),
            by_last: std::array::from_fn(|_| Vec::new()),
            tails: Vec::new(),
        };
        for (k, pattern) in patterns.enumerate() {
            let (core, min_typo) = if let Some(exact) = pattern.strip_prefix('=') {
                (exact, usize::MAX)
            } else if let Some(stem) = pattern.strip_suffix('*') {
                (stem, typo_from.max(MIN_TYPO_STEM))
            } else if pattern.starts_with('*') {
                index.tails.push(k);
                continue;
            } else {
                (pattern, typo_from)
            };
            let bytes = core.as_bytes();
            if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
                index.by_first[usize::from(first)].push(k);
                if core.chars().count() >= min_typo {
                    index.by_last[usize::from(last)].push(k);
                }
            }
        }
        index
    }

    /// The entries `word` might match, some perhaps twice; callers still check each.
    pub(crate) fn candidates<'a>(&'a self, word: &str) -> impl Iterator<Item = usize> + 'a {
        let bytes = word.as_bytes();
        let first = bytes.first().map_or(&[][..], |&b| &self.by_first[usize::from(b)]);
        let last = bytes.last().map_or(&[][..], |&b| &self.by_last[usize::from(b)]);
        first.iter().chain(last).chain(&self.tails).copied()
    }
}

/// Whether `word` (folded lowercase) matches a table pattern: `stem*` words starting with the
/// stem, `*tail` words ending with it (German compounds), `=word` only that word, and a plain
/// word also one typo away.
pub(crate) fn matches(word: &str, pattern: &str) -> bool {
    matches_with(word, pattern, TYPO_FROM)
}

/// [`matches`], with typos forgiven only in patterns of at least `typo_from` letters. Tables
/// that mix five languages need longer words before a typo is more likely than another word
/// ("contesta" is one letter from "contenta").
pub(crate) fn matches_with(word: &str, pattern: &str, typo_from: usize) -> bool {
    if let Some(exact) = pattern.strip_prefix('=') {
        word == exact
    } else if let Some(stem) = pattern.strip_suffix('*') {
        word.starts_with(stem) || typo(word, stem, typo_from.max(MIN_TYPO_STEM))
    } else if let Some(tail) = pattern.strip_prefix('*') {
        word.ends_with(tail)
    } else {
        word == pattern || typo(word, pattern, typo_from)
    }
}

/// The shortest word `near` forgives a typo in.
const TYPO_FROM: usize = 5;
/// Stems match every ending already; shorter ones also match too much one typo away ("annul*"
/// would take "annual").
const MIN_TYPO_STEM: usize = 6;

/// One typo away, for patterns of at least `from` letters. `near` allocates, and this runs for
/// every word against every table entry, so cheap checks go first: the lengths, and a shared
/// first or last letter (a typo rarely hits both ends of a word).
fn typo(word: &str, known: &str, from: usize) -> bool {
    let same_end = word.bytes().next() == known.bytes().next() || word.bytes().last() == known.bytes().last();
    if !same_end || word.len().abs_diff(known.len()) > 2 {
        return false;
    }
    let letters = known.chars().count();
    letters >= from && word.chars().count().abs_diff(letters) <= 1 && near(word, known)
}

/// What the whole message says around each person word.
#[derive(Clone, Copy)]
struct Message {
    /// The person word is the only word besides request words.
    bare: bool,
    /// A bot is mentioned too.
    bot: bool,
    /// A clause next to this one is nothing but a plea ("por favor, una persona que me ayude").
    plea_beside: bool,
}

/// Whether the person word at `i` (if it is one) is being asked for.
fn requested_at(roles: &[Role], i: usize, message: Message) -> bool {
    let kind = roles[i];
    if kind & (PERSON | STAFF | ANYONE | SERVICE) == 0 || (i > 0 && roles[i - 1] & (MINE | IN) != 0) {
        return false;
    }
    // "virtual assistant", "agente virtual", "KI-Assistent": a person word beside a bot names the
    // bot.
    if (i > 0 && roles[i - 1] & BOT != 0) || roles.get(i + 1).is_some_and(|r| r & BOT != 0) {
        return false;
    }
    // "the customer service rep", "Support-Mitarbeiter": a service right before a person only
    // says which person, and the person's own frame decides ("the service rep was great").
    if kind & (PERSON | STAFF | ANYONE) == 0 && roles.get(i + 1).is_some_and(|r| r & (PERSON | STAFF) != 0) {
        return false;
    }
    if reported(roles, i) {
        return false;
    }
    let has = |j: usize, role: Role| roles.get(j).is_some_and(|r| r & role != 0);
    let before = |reach: usize| i.saturating_sub(reach)..i;
    let after = |reach: usize| i + 1..(i + 1 + reach).min(roles.len());
    // "someone from the team", "alguien del equipo", "jemand vom Support": anyone narrowed to
    // the shop's people is one of them.
    let team = if kind & ANYONE != 0 { after(TEAM_REACH).find(|&j| has(j, SERVICE | STAFF | SHOP)) } else { None };
    let named = kind & (PERSON | STAFF) != 0 || team.is_some();
    // "is anyone from the team around?", "quelqu'un de l'équipe est dispo ?": reached from either
    // end of "someone from the team".
    if let Some(t) = team {
        let span = i.saturating_sub(TEAM_THERE_REACH)..(t + 1 + TEAM_THERE_REACH).min(roles.len());
        if span.filter(|&j| j != i && j != t).any(|j| has(j, THERE | REAL)) && !negated(roles, i, i) {
            return true;
        }
    }

    // "real person", "agente humano", "pessoa de verdade", "alguien real"
    let real_next =
        (i > 0 && has(i - 1, REAL) && !has(i - 1, SPENT)) || has(i + 1, REAL) || (has(i + 1, LINK) && has(i + 2, REAL));
    // "est-ce qu'un conseiller est disponible ?", "¿está disponible algún asesor?": a filler may
    // stand between a named person and what makes it a request.
    let real_beyond = (i > 1 && has(i - 1, FILLER) && has(i - 2, REAL)) || (has(i + 1, FILLER) && has(i + 2, REAL));
    let unmistakable = (real_next && (named || kind & ANYONE != 0)) || (real_beyond && named);
    if unmistakable || anyone_there(roles, i) {
        return true;
    }

    let mut verb = if kind & ANYONE != 0 { CONTACT | HELP } else { CONTACT };
    if named {
        verb |= PHONE;
    }
    // "anyone on your team free to help me": after someone of the team, the verb is reached from
    // the team.
    let last = team.unwrap_or(i);
    // A leading verb puts the customer through: "me passa pra um atendente", not "posso colocar o
    // nome de outra pessoa".
    let leads = |j: usize| near_either(roles, j, CALLBACK_REACH).any(|k| roles[k] & ME != 0) || roles[j] & ME != 0;
    // Help before anyone is theirs only with nothing between: "help from someone", "ajuda de
    // alguém"; "help me find a gift for someone" helps the gift.
    let helps = |j: usize| roles[j + 1..i].iter().all(|r| r & (FILLER | LINK | ME) != 0);
    let verb_before = |j: usize| {
        let verb = if leads(j) { verb | LEAD } else { verb };
        if helps(j) { verb } else { verb & !HELP }
    };
    // A phone after the person reaches them on it only across fillers and when asked for: "can I
    // get someone on the phone", "ich hätte gern jemanden am Telefon"; "Ihr Mitarbeiter am Telefon
    // war unfreundlich" and "la persona que contesta el teléfono" describe someone.
    let asked = roles[..i].iter().enumerate().any(|(w, r)| r & (WANT | PLEASE | MODAL) != 0 && !negated(roles, w, w));
    let verb_after = |j: usize| {
        let across = roles[(last + 1).min(j)..j].iter().all(|r| r & (FILLER | LINK) != 0);
        if across && asked { verb } else { verb & !PHONE }
    };
    let coordinated = or_bot_before(roles, i);
    let contact = (verb_reach_before(roles, i)..i)
        .map(|j| (j, verb_before(j)))
        .chain((i + 1..(last + 1 + VERB_AFTER).min(roles.len())).map(|j| (j, verb_after(j))))
        .any(|(j, verb)| {
            (has(j, verb) || wished_participle(roles, j))
                && !past_contact(roles, j)
                && !negated(roles, j.min(coordinated), j.max(i))
                && !(j > i && negated_after(roles, j))
        });
    if contact {
        return true;
    }
    // Anyone but a plain person ("can a person under 18 order?", "kann eine andere Person das
    // abholen?") may be asked to act on the case or described by what they would do for it.
    let may_act = kind & (STAFF | ANYONE) != 0 || kind & (PERSON | REAL) == PERSON | REAL || team.is_some();
    if may_act && (asked_to_act(roles, i, last) || wanted_for_what_they_do(roles, i, last)) {
        return true;
    }
    // "get me someone", "avoir quelqu'un au bout du fil": anyone wished for the customer or on
    // the phone.
    let wish = wish_before(roles, i).filter(|&j| !negated(roles, j, i));
    // "I need someone!", "je veux quelqu'un", "ich brauche jemanden": anyone wished for, and
    // nothing said of them after ("I need someone to sign for it" goes on).
    let ends = roles[i + 1..].iter().all(|r| r & (FILLER | PLEASE | ME | REAL | THERE) != 0);
    if kind & ANYONE != 0
        && wish.is_some_and(|w| (w + 1..i).any(|j| has(j, ME)) || after(VERB_AFTER).any(|j| has(j, PHONE)) || ends)
    {
        return true;
    }
    if !named {
        return false;
    }

    // "posso pedir para outra pessoa receber?": someone else is wished a task, not asked for.
    let other = kind & STAFF == 0 && i > 0 && roles[..i].iter().rev().take(2).any(|r| r & OTHER != 0);
    let wanted = (wish.is_some() && !other) || wished_help(roles, i) || wished_companion(roles, i);
    let pleaded = before(PLEASE_REACH).chain(after(PLEASE_REACH)).any(|j| has(j, PLEASE));
    // "is there a person" may be about a tent's size and "is there an agent" about a pickup
    // point; "is there a human" is not.
    let there_next = there_across_fillers(roles, i) && !negated(roles, i, i);
    let there = (before(THERE_REACH).any(|j| has(j, THERE)) || there_next) && !negated(roles, i, i);
    // "is there an agent?", "gibt es einen Mitarbeiter, der gerade Zeit hat?", "cadê um
    // atendente?": the person is the whole of what is asked after; "is there an agent pickup
    // point" goes on about something else.
    let ends =
        roles[i + 1..].iter().all(|r| r & (FILLER | PLEASE | ME) != 0) || (kind & STAFF != 0 && has(i + 1, RELATIVE));
    let present = (there && kind & REAL != 0) || (there_next && ends);
    // After a plea, the person is all the clause asks for, or one who would help: "por favor, una
    // persona que me ayude", not "please, the person who ordered is my wife".
    let helping = has(i + 1, RELATIVE) && roles[i + 1..].iter().any(|r| r & (HELP | CONTACT) != 0);
    let plea_first = message.plea_beside && roles[..i].iter().all(|r| r & FILLER != 0) && (ends || helping);
    // "no need for an agent, the bot answered": a person turned down is not asked for, whatever
    // else the message holds.
    (wanted || pleaded || present || plea_first || message.bare || message.bot) && !turned_down(roles, i)
}

/// Whether the person at `i` follows a "with" and a wish stands earlier in the clause: "I'd like
/// to make a complaint to a manager", "ich möchte das jetzt mit einem Mitarbeiter klären",
/// "quisiera tratar esto con un asesor". The wish may stand further off than for the person
/// itself, but not beyond [`COMPANION_REACH`] words.
fn wished_companion(roles: &[Role], i: usize) -> bool {
    let with = if roles[i] & STAFF != 0 { WITH | TO } else { WITH };
    let Some(with) = (0..i).rev().take_while(|&j| roles[j] & FILLER != 0).find(|&j| roles[j] & with != 0) else {
        return false;
    };
    let from = with.saturating_sub(COMPANION_REACH);
    (from..with).any(|w| roles[w] & WANT != 0 && !negated(roles, w, w))
        && !roles[from..i].iter().any(|r| r & (REPORT | NOT) != 0)
}

/// How far before its "with" the wish may stand: "I'd like to make a complaint to".
const COMPANION_REACH: usize = 6;

/// The nearest wish before the word at `i`, within [`WANT_REACH`] words besides pronouns:
/// "get me a human", "geben Sie mir einen Berater".
fn wish_before(roles: &[Role], i: usize) -> Option<usize> {
    let mut words = 0;
    for j in (0..i).rev() {
        if roles[j] & WANT != 0 {
            return Some(j);
        }
        // "I need a real person", "ich brauche eine persönliche Beratung": what makes the person
        // real is part of them.
        if roles[j] & (ME | YOU | REAL) == 0 {
            words += 1;
        }
        if words >= WANT_REACH {
            return None;
        }
    }
    None
}

/// Whether the person at `i`, or the wish for them, is negated: "not an agent", "no need for an
/// agent", "I don't want a person". "no bot I want a person" negates the bot.
fn turned_down(roles: &[Role], i: usize) -> bool {
    // The nearest word before the person that says anything about it: a negation there turns it
    // down however far it stands ("no need for an agent" read in a language that knows only "no").
    let saying = NOT | WANT | CONTACT | LEAD | HELP | PLEASE | BOT;
    let from = or_bot_before(roles, i);
    // A contact verb there may carry its own negation: "I don't want to chat with a bot or a
    // human" read in a language that knows "chat" but not "want".
    let nearest_negation = roles[..from]
        .iter()
        .rposition(|r| r & saying != 0)
        .is_some_and(|k| roles[k] & NOT != 0 || (roles[k] & (CONTACT | LEAD) != 0 && negated(roles, k, k)));
    // "não preciso mais de ajuda humana", "I don't need help from a person": the help asked of
    // the person belongs to the wish before it, and the wish is negated. So does the contact
    // wished for: "I don't want to chat with a bot or a human".
    let nearest_wish = roles[..from].iter().rposition(|r| r & (saying & !HELP) != 0).and_then(|w| {
        if roles[w] & (CONTACT | LEAD) != 0 {
            (w.saturating_sub(WISH_NEGATION_REACH)..w).rev().find(|&j| roles[j] & WANT != 0)
        } else {
            (roles[w] & WANT != 0).then_some(w)
        }
    });
    let wish_negated = |w: usize| {
        // "je n'ai plus besoin": "no longer" moves the negation one word further off.
        let w = if w > 0 && roles[w - 1] & LONGER != 0 { w - 1 } else { w };
        roles[w.saturating_sub(WISH_NEGATION_REACH)..w].iter().any(|r| r & NOT != 0)
    };
    negated(roles, i, i) || nearest_negation || wish_before(roles, i).or(nearest_wish).is_some_and(wish_negated)
}

/// Where the person at `i` begins once a bot joined to it by "or" is counted in: "nicht mit einem
/// Bot oder Menschen", "with a bot or a human". The bot shares whatever turns the person down.
fn or_bot_before(roles: &[Role], i: usize) -> usize {
    let mut from = i;
    while let Some(or) = roles[..from].iter().rposition(|r| r & FILLER == 0).filter(|&k| roles[k] & OR != 0) {
        match roles[..or].iter().rposition(|r| r & FILLER == 0).filter(|&k| roles[k] & BOT != 0) {
            Some(bot) => from = bot,
            None => break,
        }
    }
    from
}

/// How far before a wish its negation stands: "no need", "I do not want".
const WISH_NEGATION_REACH: usize = 2;

/// Where the contact verbs that may govern the person at `i` begin: [`VERB_BEFORE`] words back,
/// or further when the words between are mostly fillers, so "discuss my claim with one of your
/// staff" reaches its verb across "with one of your".
fn verb_reach_before(roles: &[Role], i: usize) -> usize {
    // Words besides fillers between the word looked at and the person.
    let mut content = 0;
    let mut from = i;
    while from > 0 && (i - (from - 1) <= VERB_BEFORE || content <= VERB_BEFORE_CONTENT) {
        from -= 1;
        if roles[from] & (FILLER | LINK) == 0 {
            content += 1;
        }
    }
    from
}

/// How many words besides fillers may stand between a contact verb and its person beyond
/// [`VERB_BEFORE`] words: "talk about my order with someone".
const VERB_BEFORE_CONTENT: usize = 3;

/// Whether the person at `i` (to `last`, when their team follows) is asked whether they can act
/// on the case: "can an agent check my order?", "could one of your colleagues look into it",
/// "kann mir ein Mensch helfen?", "algum funcionário pode me ajudar?". The "can" opens the
/// clause before the person, or follows the person who opens it.
fn asked_to_act(roles: &[Role], i: usize, last: usize) -> bool {
    // "kann sich das bitte mal ein Mitarbeiter anschauen": a plea may stand between the "can"
    // and the person, and "será que", "est-ce que" may open the question.
    let between = FILLER | ME | YOU | SERVICE | REAL | LINK | THERE | PLEASE;
    let opening = FILLER | PLEASE | RELATIVE;
    let all = |range: std::ops::Range<usize>, role: Role| roles[range].iter().all(|r| r & role != 0);
    let modal_first = (0..i).find(|&m| roles[m] & MODAL != 0 && all(0..m, opening) && all(m + 1..i, between));
    let modal_after = || {
        (last + 1..roles.len())
            .find(|&m| roles[m] & MODAL != 0)
            .filter(|&m| all(0..i, opening | THERE) && all(last + 1..m, between))
    };
    let deed = |j: usize| roles[j] & (ACT | HELP | CONTACT | LEAD | CALLBACK | TRANSFER) != 0 && roles[j] & REPORT == 0;
    // "¿puede revisar mi caso algún agente?", "pode me ajudar algum atendente?": Spanish and
    // Portuguese may name the deed first and the person after it.
    let deed_first = || {
        let modal = (0..i).find(|&m| roles[m] & MODAL != 0 && all(0..m, opening))?;
        let deed = (modal + 1..i).find(|&j| deed(j))?;
        (all(modal + 1..deed, FILLER | ME) && i - deed <= ACT_REACH).then_some(modal)
    };
    if deed_first().is_some_and(|m| !roles[m..i].iter().any(|r| r & NOT != 0)) {
        return true;
    }
    let Some(modal) = modal_first.or_else(modal_after) else {
        return false;
    };
    let from = modal.max(last) + 1;
    (from..(from + ACT_REACH).min(roles.len())).any(|j| deed(j) && !roles[modal.min(i)..j].iter().any(|r| r & NOT != 0))
}

/// How far the deed may follow the "can" or the person: "können Sie mich bitte mit jemandem
/// verbinden", "can a member of your team have a look".
const ACT_REACH: usize = 5;

/// Whether the person at `i` (to `last`) is described by what they would do for the customer,
/// and asked for: "any staff around who can help me?", "¿algún empleado que me pueda ayudar?",
/// "ich bräuchte jemanden, der sich das anschaut". A wish or "is there" before the person asks
/// for them, or a "can" in the description; "the adviser who handles my file is away" only
/// describes someone.
fn wanted_for_what_they_do(roles: &[Role], i: usize, last: usize) -> bool {
    let opening = FILLER | THERE | WANT | PLEASE | REAL | MODAL | YOU;
    if !roles[..i].iter().all(|r| r & opening != 0 && r & NOT == 0) {
        return false;
    }
    let Some(relative) = (last + 1..roles.len())
        .take_while(|&j| roles[j] & (FILLER | THERE | REAL | RELATIVE) != 0)
        .find(|&j| roles[j] & RELATIVE != 0)
    else {
        return false;
    };
    let asked = roles[..i].iter().any(|r| r & (WANT | THERE | PLEASE) != 0);
    (relative + 1..(relative + 1 + RELATIVE_REACH).min(roles.len())).any(|j| {
        let description = &roles[relative + 1..j];
        roles[j] & (ACT | HELP | CONTACT | LEAD | CALLBACK) != 0
            && roles[j] & REPORT == 0
            && !description.iter().any(|r| r & NOT != 0)
            && (asked || description.iter().any(|r| r & MODAL != 0))
    })
}

/// How far into the description its verb may come: German puts it last ("jemanden, der sich
/// meine Reklamation anschaut").
const RELATIVE_REACH: usize = 6;

/// How far after "someone" its team may be named: "someone from the team", "quelqu'un de
/// l'équipe".
const TEAM_REACH: usize = 3;
/// How far "there" or "available" may stand from someone of the team: "ist jemand vom Team da".
const TEAM_THERE_REACH: usize = 4;

/// The positions up to `reach` words either side of `i`.
fn near_either(roles: &[Role], i: usize, reach: usize) -> impl Iterator<Item = usize> {
    (i.saturating_sub(reach)..(i + 1 + reach).min(roles.len())).filter(move |&j| j != i)
}

/// "I need help from a person", "j'ai besoin de l'aide d'un conseiller", "ich brauche Hilfe von
/// einem Mitarbeiter": a wish for help, with only fillers between it and the person.
fn wished_help(roles: &[Role], i: usize) -> bool {
    let Some(help) = (0..i)
        .rev()
        .take_while(|&j| roles[j] & (FILLER | LINK | HELP | SERVICE) != 0)
        .find(|&j| roles[j] & (HELP | SERVICE) != 0)
    else {
        return false;
    };
    let start = (0..help).rev().take_while(|&j| roles[j] & (FILLER | LINK) != 0).last().unwrap_or(help);
    start > 0 && roles[start - 1] & WANT != 0 && !negated(roles, start - 1, i)
}

/// Whether the person word at `i` is someone the customer already dealt with: a reported contact
/// near it ("I talked to support", "the agent I spoke to", "a pessoa que atendeu"), and no ask
/// for anyone before it ("can I speak to the agent I talked to yesterday" still asks).
fn reported(roles: &[Role], i: usize) -> bool {
    let past_contact = |j: usize| past_contact(roles, j);
    let asks = |j: usize| {
        roles[j] & (REPORT | NOUN) == 0
            && roles[j] & (CONTACT | LEAD | WANT | PLEASE | CALLBACK) != 0
            && !past_contact(j)
    };
    near_either(roles, i, REPORT_REACH).any(|j| roles[j] & REPORT != 0 || past_contact(j)) && !(0..i).any(asks)
}

/// Whether the word at `j` is a contact word a past tense reports: "I was on the phone with
/// your support", "I was on hold with your agent". A wish between them still asks ("I was
/// hoping to speak to a manager").
fn past_contact(roles: &[Role], j: usize) -> bool {
    roles[j] & (CONTACT | LEAD | PHONE | CALLBACK) != 0
        && (j.saturating_sub(REPORT_GOVERNS)..j)
            .find(|&k| roles[k] & REPORT != 0)
            .is_some_and(|k| !roles[k + 1..j].iter().any(|r| r & WANT != 0))
}

/// How far a reported contact reaches its person: "the agent I spoke to".
const REPORT_REACH: usize = 4;
/// How far a past tense reaches the contact word it reports: "I was on the phone".
const REPORT_GOVERNS: usize = 3;

/// "¿hay alguien ahí que me pueda ayudar?", "is anyone there who can help": someone asked for by
/// asking whether anyone is there, with a plea for help anywhere after it (beyond the usual
/// verb reach). "is anyone there?" alone checks the chat is alive, and "hay alguien que haya
/// usado el código" asks about someone.
fn anyone_there(roles: &[Role], i: usize) -> bool {
    if roles[i] & ANYONE == 0 {
        return false;
    }
    let near = i.saturating_sub(ANYONE_THERE_REACH)..(i + 1 + ANYONE_THERE_REACH).min(roles.len());
    if !near.clone().any(|j| j != i && roles[j] & THERE != 0) {
        return false;
    }
    (i + 1..roles.len()).any(|j| roles[j] & (HELP | CONTACT) != 0 && !negated(roles, i, j))
}

/// How far "there" may stand from "anyone": "is there anyone", "is anyone there", "ist da jemand".
const ANYONE_THERE_REACH: usize = 2;

/// Whether "there" stands before the word at `i` with only fillers between, however many:
/// French asks "y a-t-il un humain ?".
fn there_across_fillers(roles: &[Role], i: usize) -> bool {
    roles[..i].iter().rev().find(|r| *r & FILLER == 0).is_some_and(|r| r & THERE != 0)
}

/// Whether the word at `j` is a contact verb's participle after a wish or a "can" in the same
/// clause: "je souhaite être rappelé", "ich hätte gern mit jemandem gesprochen", "posso ser
/// atendido por uma pessoa?". "ich habe mit jemandem gesprochen" reports.
fn wished_participle(roles: &[Role], j: usize) -> bool {
    roles[j] & PAST != 0 && (0..j).any(|w| roles[w] & (WANT | MODAL) != 0 && !negated(roles, w, w))
}

/// Whether the word at `i` asks to be called: a callback verb with the customer as its object
/// ("call me", "rappelez-moi", "rufen Sie mich an", "me liga"), or one that holds both
/// ("llámenme").
fn called_back_at(roles: &[Role], i: usize) -> bool {
    if roles[i] & CALLBACK == 0 {
        return false;
    }
    let from = i.saturating_sub(CALLBACK_REACH);
    let to = (i + CALLBACK_REACH).min(roles.len() - 1);
    let me = roles[i] & ME != 0 || (from..=to).any(|j| j != i && roles[j] & ME != 0);
    // "o atendente falou que ia me ligar" reports a promise, and "the agent on the phone told me"
    // what they said.
    let reported = roles[..=to].iter().any(|r| r & REPORT != 0);
    // "can the courier call me first?", "mi esposo me llama luego": someone else's call.
    let outsider = roles.iter().any(|r| r & OUTSIDER != 0);
    me && !reported && !outsider && !negated(roles, from, i) && !negated_after(roles, i)
}

/// Whether a negation follows the verb at `i` with nothing but the asking between, and closes
/// the clause: German negates after the verb and its object ("ruft mich bitte nicht an", "der
/// Berater meldet sich nicht"). "ich will mit einem Menschen reden, nicht mit dem Bot" goes on
/// to what it turns down.
fn negated_after(roles: &[Role], i: usize) -> bool {
    let asking = FILLER | ME | YOU | PLEASE;
    let Some(not) = (i + 1..roles.len()).find(|&j| roles[j] & asking == 0) else {
        return false;
    };
    roles[not] & NOT != 0 && roles[not + 1..].iter().all(|r| r & (asking | PARTICLE) != 0 && r & WITH == 0)
}

/// Whether the word at `i` is a callback wished for: "I'd like a callback", "ich hätte gern
/// einen Rückruf", "je voudrais un rappel".
fn callback_wished(roles: &[Role], i: usize) -> bool {
    let wished = (i.saturating_sub(WANT_REACH)..i).any(|j| roles[j] & WANT != 0 && !negated(roles, j, i));
    let near = i.saturating_sub(PLEASE_REACH)..(i + 1 + PLEASE_REACH).min(roles.len());
    let pleaded = near.into_iter().any(|j| roles[j] & PLEASE != 0);
    roles[i] & CALLBACK_NOUN != 0 && (wished || pleaded)
}

/// How far "me" may stand from its callback verb: "rufen Sie mich an", "me pueden llamar".
const CALLBACK_REACH: usize = 2;

/// Whether a negation stands in `from..=to` or just before it.
fn negated(roles: &[Role], from: usize, to: usize) -> bool {
    roles[from.saturating_sub(NEGATION_REACH)..=to].iter().any(|r| r & NOT != 0)
}

#[cfg(test)]
mod tests;

//! What a customer message is about, and whether the customer is repeating themselves.
//!
//! Keyword rules per intent, every language at once (the tables rarely collide), matched on
//! folded words with stems and one-typo tolerance. The first intent whose rule fires wins, in
//! this order: asking for a person, legal, cancellation, refund, billing, complaint, then small
//! talk (thanks, goodbye, greeting), thanks or praise of the people who helped inside a longer
//! report that asks for nothing, and otherwise a question. A request for a person or a legal
//! threat matters more than the refund it comes with, and a cancelled order's refund follows
//! from the cancellation.

use std::sync::OnceLock;

use baton_shared::Intent;

use crate::human::{Index, asks_for_person, clause_texts, clauses, matches_with};
use crate::sentiment;
use crate::text::{fold, is_stopword, near, search_words};

/// A rule: patterns (as in `human`) that must appear in this order within one clause, at most
/// [`PHRASE_GAP`] words apart. Most rules are one word.
type Rule = &'static [&'static str];

/// Typos are forgiven only in words this long: the tables mix five languages, and shorter words
/// are one letter from too many others ("layer" and "lawyer").
const TYPO_FROM: usize = 7;

/// Words allowed between the parts of a phrase: "money back" / "my money back".
const PHRASE_GAP: usize = 2;

const LEGAL: &[Rule] = &[
    &["=lawyer"],
    &["=lawyers"],
    &["attorney"],
    &["lawsuit"],
    &["=sue"],
    &["=suing"],
    &["=court"],
    &["legal", "action"],
    &["=gdpr"],
    &["chargeback"],
    &["=fraud"],
    &["=police"],
    &["consumer", "protection"],
    &["data", "protection"],
    &["personal", "data"],
    &["ombudsman"],
    &["solicitor"],
    &["trading", "standards"],
    &["abogad*"],
    &["denuncia*"],
    &["=juicio"],
    &["tribunal*"],
    &["fraude"],
    &["=rgpd"],
    &["=lopd"],
    &["datos", "personales"],
    &["consumidor*"],
    &["=consumo"],
    &["=omic"],
    &["demandar*"],
    &["=avocat"],
    &["plainte"],
    &["justice"],
    &["donnees", "personnelles"],
    &["=proces"],
    &["=dgccrf"],
    &["litige"],
    &["anwalt*"],
    &["*anwalt"],
    &["anzeige", "erstatt*"],
    &["strafanzeige"],
    &["=klage"],
    &["=verklagen"],
    &["gericht*"],
    &["=dsgvo"],
    &["datenschutz*"],
    &["=betrug"],
    &["verbraucherzentrale"],
    &["polizei"],
    &["advogad*"],
    &["processar"],
    &["processo", "judicial"],
    &["=procon"],
    &["=lgpd"],
    &["justica"],
    &["dados", "pessoais"],
    &["juizado"],
    &["policia"],
];

const CANCELLATION: &[Rule] = &[
    &["cancel*"],
    &["unsubscrib*"],
    &["anul*"],
    &["annul*"],
    &["resilier"],
    &["=resilie"],
    &["=resiliee"],
    &["resiliez"],
    &["resiliation"],
    &["desabonn*"],
    &["desinscri*"],
    &["storn*"],
    &["=kundige"],
    &["kundigen"],
    &["kundigung*"],
    &["gekundigt"],
    &["abbestell*"],
    &["de", "baja"],
];

const REFUND: &[Rule] = &[
    &["refund*"],
    &["reimburs*"],
    &["money", "back"],
    &["return*"],
    &["reembols*"],
    &["devol*"],
    &["devuelv*"],
    &["dinero", "vuelta"],
    &["recuper*", "dinero"],
    &["rembours*"],
    &["retour*"],
    &["recuperer", "argent"],
    &["erstatt*"],
    &["*erstattung"],
    &["zuruckschick*"],
    &["zurucksend*"],
    &["zuruckgeben"],
    &["geld", "zuruck"],
    &["estorn*"],
    &["dinheiro", "volta"],
];

const BILLING: &[Rule] = &[
    &["=charge"],
    &["=charged"],
    &["=charges"],
    &["overcharg*"],
    &["invoice*"],
    &["=billing"],
    &["=bill"],
    &["=billed"],
    &["=bills"],
    &["payment*"],
    &["=pay"],
    &["=paid"],
    &["=paying"],
    &["paypal"],
    &["receipt*"],
    &["declined"],
    &["credit", "card"],
    &["=debited"],
    &["=vat"],
    &["klarna"],
    &["cobr*"],
    &["factur*"],
    &["=pago"],
    &["=pagos"],
    &["=pagar"],
    &["=recibo"],
    &["=iva"],
    &["tarjeta", "rechaz*"],
    &["rechaz*", "tarjeta"],
    &["debit*"],
    &["paiement*"],
    &["=payer"],
    &["prelev*"],
    &["carte", "refus*"],
    &["carte", "bancaire"],
    &["=tva"],
    &["rechnung*"],
    &["abgebucht"],
    &["abbuch*"],
    &["zahlung*"],
    &["*zahlung"],
    &["bezahl*"],
    &["berechn*"],
    &["kreditkarte*"],
    &["belastet"],
    &["=mwst"],
    &["lastschrift"],
    &["quittung"],
    &["fatura*"],
    &["nota", "fiscal"],
    &["pagamento*"],
    &["boleto*"],
    &["=pix"],
    &["=na", "=nota"],
    &["=da", "=nota"],
    &["=cnpj"],
];

/// Problems with an order or the service that carry no feeling words ("the box was crushed").
/// Angry messages without them count through their sentiment.
const COMPLAINT: &[Rule] = &[
    &["broken"],
    &["damag*"],
    &["defect*"],
    &["faulty"],
    &["=wrong"],
    &["=late"],
    &["delay*"],
    &["missing"],
    &["=stole"],
    &["stolen"],
    &["=torn"],
    &["crushed"],
    &["complain*"],
    &["crash*"],
    &["scratch*"],
    &["ruin*"],
    &["=wet"],
    &["=doesnt", "work*"],
    &["=dont", "work*"],
    &["=not", "work*"],
    &["=no", "funciona*"],
    &["=no", "sirve*"],
    &["=ne", "marche"],
    &["=ne", "fonctionne*"],
    &["funktionier*", "=nicht"],
    &["=nao", "funciona*"],
    &["soaked"],
    &["=roto"],
    &["=rota"],
    &["=rotos"],
    &["danad*"],
    &["defectuos*"],
    &["equivocad*"],
    &["retras*"],
    &["=robo"],
    &["robado*"],
    &["robaron"],
    &["=falta"],
    &["=faltan"],
    &["queja*"],
    &["reclamacion"],
    &["=casse"],
    &["=cassee"],
    &["abime*"],
    &["endommag*"],
    &["defectueu*"],
    &["mauvais*"],
    &["=retard"],
    &["=retarde"],
    &["=retardee"],
    &["manqu*"],
    &["=vole"],
    &["reclamation"],
    &["kaputt*"],
    &["beschadigt*"],
    &["defekt*"],
    &["falsch*"],
    &["verspat*"],
    &["=fehlt"],
    &["gestohlen"],
    &["beschwerde*"],
    &["reklamation*"],
    &["quebrad*"],
    &["danificad*"],
    &["defeit*"],
    &["errad*"],
    &["atrasad*"],
    &["faltando"],
    &["roub*"],
    &["reclamac*"],
    &["=nicked"],
    &["extravi*"],
    &["=perdio"],
    &["=perdieron"],
    &["=perdeu"],
    &["=perderam"],
    &["=lost", "parcel*"],
    &["=lost", "package*"],
    &["parcel*", "=lost"],
    &["package*", "=lost"],
    &["paquete*", "=perdido"],
    &["colis", "=perdu"],
    &["paket*", "=verloren"],
    &["pacote*", "=perdido"],
    &["encomenda*", "=perdida"],
    &["thank*", "=for", "nothing"],
    &["gracias", "=por", "=nada"],
    &["merci", "=pour", "=rien"],
    &["danke", "=fur", "nichts"],
    &["obrigad*", "=por", "=nada"],
];

/// Idioms that hold a complaint word without the complaint: "no hace falta" (no need), "sem
/// falta" (without fail).
const NOT_COMPLAINT: &[Rule] = &[&["=hace", "=falta"], &["=faz", "=falta"], &["=sin", "=falta"], &["=sem", "=falta"]];

/// Whoever brings the parcel. With [`LEFT`] and [`WRONG_PLACE`], or with [`THROWN`], the
/// customer complains about how it was delivered: "the driver left it outside", "le livreur a
/// remis le colis à un voisin", "der Zusteller hat das Paket vor die Tür gelegt". Left with the
/// concierge ("chez le gardien", "com o porteiro") is where parcels go.
const COURIER: &[Rule] = &[
    &["courier*"],
    &["driver*"],
    &["delivery", "=guy"],
    &["delivery", "=man"],
    &["delivery", "person"],
    &["postman"],
    &["mailman"],
    &["postie"],
    &["repartidor*"],
    &["mensajer*"],
    &["=cartero"],
    &["transportista*"],
    &["livreur*"],
    &["livreuse*"],
    &["=facteur"],
    &["transporteur*"],
    &["paketbot*"],
    &["postbot*"],
    &["=bote"],
    &["=boten"],
    &["zusteller*"],
    &["fahrer*"],
    &["kurier*"],
    &["lieferant*"],
    &["entregador*"],
    &["carteiro*"],
    &["motoboy*"],
    &["transportadora"],
];

/// Leaving or handing over, done: "left", "dejó", "laissé", "abgegeben", "deixou".
const LEFT: &[Rule] = &[
    &["=left"],
    &["=leaves"],
    &["=handed"],
    &["=gave"],
    &["=dropped"],
    &["=dumped"],
    &["=dejo"],
    &["=dejaron"],
    &["=entrego"],
    &["=entregaron"],
    &["=laisse"],
    &["=depose"],
    &["=remis"],
    &["=donne"],
    &["=abgegeben"],
    &["*gestellt"],
    &["*gelegt"],
    &["hinterlegt"],
    &["=gegeben"],
    &["=deixou"],
    &["=deixaram"],
    &["=entregou"],
    &["=entregaram"],
    &["=largou"],
];

/// Where a parcel should not be left: outside, with a stranger or a neighbour, or without a word.
const WRONG_PLACE: &[Rule] = &[
    &["=door"],
    &["doorstep"],
    &["outside"],
    &["neighbo*"],
    &["stranger*"],
    &["another", "person"],
    &["=someone", "=else"],
    &["without", "=notice"],
    &["without", "knocking"],
    &["=puerta"],
    &["=fuera"],
    &["=afuera"],
    &["vecin*"],
    &["extran*"],
    &["desconocid*"],
    &["otra", "persona"],
    &["=sin", "avisar"],
    &["=porte"],
    &["dehors"],
    &["voisin*"],
    &["inconnu*"],
    &["autre", "personne"],
    &["=sans", "prevenir"],
    &["=tur"],
    &["haustur"],
    &["=draussen"],
    &["=draußen"],
    &["nachbar*"],
    &["fremde*"],
    &["andere*", "person"],
    &["=ohne", "bescheid"],
    &["=porta"],
    &["=fora"],
    &["vizinh*"],
    &["estranh*"],
    &["desconhecid*"],
    &["outra", "pessoa"],
    &["=sem", "avisar"],
];

/// Throwing a parcel, done: "threw", "tiró", "jeté", "geworfen", "jogou".
const THROWN: &[Rule] = &[
    &["=threw"],
    &["=thrown"],
    &["=tossed"],
    &["=tiro"],
    &["=tiraron"],
    &["=lanzo"],
    &["arroj*"],
    &["=jete"],
    &["=lance"],
    &["*geworfen"],
    &["=warf"],
    &["*geschmissen"],
    &["=jogou"],
    &["=jogaram"],
    &["=atirou"],
    &["arremess*"],
];

/// A message at or below this sentiment is a complaint even without a problem word.
const COMPLAINT_SENTIMENT: f32 = -0.25;

const THANKS: &[Rule] = &[
    &["thanks"],
    &["thank"],
    &["=thx"],
    &["=ty"],
    &["=tks"],
    &["cheers"],
    &["appreciat*"],
    &["gracias"],
    &["agradec*"],
    &["merci"],
    &["danke"],
    &["=dank"],
    &["obrigad*"],
    &["=valeu"],
    &["=vlw"],
];

const GOODBYE: &[Rule] = &[
    &["=bye"],
    &["goodbye"],
    &["=cya"],
    &["=adios"],
    &["=chao"],
    &["=chau"],
    &["=ciao"],
    &["tschuss"],
    &["=tschus"],
    &["wiedersehen"],
    &["wiederhoren"],
    &["=revoir"],
    &["bientot"],
    &["=tchau"],
    &["=see", "=you"],
    &["=see", "=ya"],
    &["=thats", "=all"],
    &["=have", "=day"],
    &["=have", "evening"],
    &["=have", "weekend"],
    &["=hasta", "=luego"],
    &["=hasta", "pronto"],
    &["=nos", "vemos"],
    &["tenga", "=dia"],
    &["bonne", "journee"],
    &["bonne", "soiree"],
    &["schonen", "=tag"],
    &["schones", "wochenende"],
    &["=ate", "=logo"],
    &["=ate", "=mais"],
    &["=ate", "breve"],
    &["tenha", "=dia"],
];

const GREETING: &[Rule] = &[
    &["=hi"],
    &["hello"],
    &["=hey"],
    &["=hiya"],
    &["howdy"],
    &["morning"],
    &["afternoon"],
    &["evening"],
    &["=hola"],
    &["=buenas"],
    &["=buenos"],
    &["=dias"],
    &["tardes"],
    &["noches"],
    &["bonjour"],
    &["salut"],
    &["bonsoir"],
    &["coucou"],
    &["hallo"],
    &["=moin"],
    &["servus"],
    &["=guten"],
    &["=morgen"],
    &["=tag"],
    &["=abend"],
    &["=oi"],
    &["=ola"],
    &["=bom", "=dia"],
    &["=boa", "=tarde"],
    &["=boa", "=noite"],
];

/// Words that make small talk no less small: "how are you", "tudo bem", "ça va".
const PLEASANTRIES: &[&str] = &[
    "how", "are", "you", "tudo", "bem", "ca", "va", "tal", "gehts", "geht", "much", "lot", "again", "guys", "team",
    "everyone", "help", "ayuda", "aide", "hilfe", "ajuda", "ajudou", "noch", "day", "dia", "muchas", "vielen", "muito",
    "beaucoup", "all", "well", "que", "buen", "bom", "boa",
];

/// How many other content words small talk may carry: "your agent was very helpful yesterday,
/// thanks" is still thanks; "hi, where is my order" is a question.
const THANKS_ALLOWANCE: usize = 2;
const GOODBYE_ALLOWANCE: usize = 1;

/// A longer message with a thanks word and nothing asked is thanks when its sentiment is at
/// least this: "der Kundenservice hat mir schon geholfen, danke", but not "thanks, but it
/// still hasn't arrived".
const THANKS_SENTIMENT: f32 = 0.05;
/// Without a thanks word, praise of [`PEOPLE`] must be this warm: "the agent I spoke to was
/// lovely", "le livreur était très aimable"; "the driver was fine" is no thanks.
const PRAISE_SENTIMENT: f32 = 0.3;

/// The shop's people and its service: praised in a report, they are thanked, as is whoever
/// delivers ([`COURIER`]).
const PEOPLE: &[Rule] = &[
    &["agent*"],
    &["person*"],
    &["people"],
    &["staff"],
    &["colleague*"],
    &["=team"],
    &["support"],
    &["service"],
    &["technician*"],
    &["employee*"],
    &["assistant*"],
    &["advis*"],
    &["=rep"],
    &["representative*"],
    &["=guys"],
    &["=lady"],
    &["=guy"],
    &["someone"],
    &["somebody"],
    &["=shop"],
    &["=store"],
    &["asesor*"],
    &["companer*"],
    &["tecnico*"],
    &["=equipo"],
    &["servicio"],
    &["atencion"],
    &["=tienda"],
    &["alguien"],
    &["=chica"],
    &["=chico"],
    &["empleado*"],
    &["dependient*"],
    &["operador*"],
    &["soporte"],
    &["conseill*"],
    &["collegue*"],
    &["equipe"],
    &["technicien*"],
    &["=accueil"],
    &["magasin"],
    &["boutique"],
    &["=quelqu"],
    &["vendeu*"],
    &["employe*"],
    &["mitarbeiter*"],
    &["kolleg*"],
    &["kundenservice"],
    &["kundendienst"],
    &["techniker*"],
    &["berater*"],
    &["verkaufer*"],
    &["=laden"],
    &["filiale"],
    &["jemand"],
    &["hotline"],
    &["atendente*"],
    &["pessoa*"],
    &["colega*"],
    &["servico"],
    &["atendimento"],
    &["suporte"],
    &["funcionari*"],
    &["vendedor*"],
    &["=loja"],
    &["alguem"],
    &["=moca"],
    &["=moco"],
];

/// The customer sorted it out alone or needs nobody: "I fixed it myself", "no hace falta, ya
/// está arreglado", "pas besoin d'un conseiller". Praise in such a message is no thanks to anyone.
const BY_MYSELF: &[Rule] = &[
    &["=no", "=need"],
    &["=myself"],
    &["=no", "=hace", "=falta"],
    &["=yo", "=mismo"],
    &["=yo", "=misma"],
    &["=pas", "besoin"],
    &["=moi", "=meme"],
    &["=selbst"],
    &["brauch*", "kein*"],
    &["=nao", "precis*"],
    &["=eu", "=mesmo"],
    &["=eu", "=mesma"],
    &["sozinh*"],
];

/// Asking for something, anywhere in a message: "please", "I need", "quisiera", "je voudrais",
/// "ich möchte", "gostaria", and thanks "in advance" for what is still to come.
const REQUEST: &[Rule] = &[
    &["please"],
    &["=pls"],
    &["=plz"],
    &["=i", "=want"],
    &["=i", "=need"],
    &["=we", "=need"],
    &["=i", "=would", "=like"],
    &["=id", "=like"],
    &["looking", "=for"],
    &["=in", "advance"],
    &["=por", "=favor"],
    &["=porfa"],
    &["=porfavor"],
    &["quiero"],
    &["quisiera"],
    &["=necesito"],
    &["necesitamos"],
    &["=busco"],
    &["antemano"],
    &["=svp"],
    &["=stp"],
    &["=plait"],
    &["=je", "=veux"],
    &["=je", "voudrais"],
    &["=j", "=ai", "besoin"],
    &["=je", "cherche"],
    &["=d", "avance"],
    &["=bitte"],
    &["=ich", "mochte"],
    &["=ich", "=will"],
    &["=ich", "brauche"],
    &["=ich", "=suche"],
    &["=hatte", "=gern*"],
    &["voraus"],
    &["=quero"],
    &["=queria"],
    &["gostaria"],
    &["=preciso"],
    &["=procuro"],
    &["antecipad*"],
];

/// Words that open a question even without a question mark: "when", "dónde", "pourquoi",
/// "wann", "quando", and the verbs a yes-no question starts with that little else starts with
/// ("can", "puedo", "pouvez", "können", "posso"). Not "was", "will", "did", "kann", "pode":
/// "was super helpful", "will do", "did the trick", "kann ich nur empfehlen", "pode deixar"
/// are thanks. Folded, exact.
const QUESTION_OPENERS: &[&str] = &[
    "what", "whats", "where", "wheres", "when", "why", "how", "which", "who", "whom", "whose", "can", "do", "does",
    "cual", "cuales", "cuando", "donde", "cuanto", "cuanta", "cuantos", "cuantas", "quien", "quienes", "puedo",
    "pueden", "podria", "podrian", "quand", "ou", "comment", "pourquoi", "quel", "quelle", "quels", "quelles",
    "combien", "est", "pouvez", "pourriez", "avez", "wann", "wo", "wie", "warum", "wieso", "weshalb", "welche",
    "welcher", "welches", "welchen", "wer", "wen", "wieviel", "konnen", "konnten", "konnt", "gibt", "habt", "quando",
    "onde", "qual", "quais", "quanto", "quanta", "quantos", "quantas", "cade", "quem", "posso", "podem", "poderia",
];

/// English verbs that open a question when its subject comes next: "is the store open", "could
/// you check", but "is working now", "could not be happier", "will do".
const AUX_OPENERS: &[&str] = &["is", "are", "was", "were", "will", "would", "could", "should", "has", "have"];
const SUBJECTS: &[&str] =
    &["the", "my", "it", "this", "that", "there", "your", "you", "he", "she", "i", "we", "they", "anyone", "someone"];

/// Words that may come before a question's opening word: "and when will it ship", "ok, where".
const LEAD_INS: &[&str] = &[
    "and", "but", "so", "also", "ok", "okay", "oh", "then", "y", "pero", "entonces", "et", "mais", "alors", "und",
    "aber", "e", "mas", "entao",
];

/// A message needs this many content words before it can count as a repeat: "yes", "ok thanks"
/// and "order 123" say the same thing every time without the bot looping.
const REPEAT_MIN_WORDS: usize = 3;
/// Share of content words two messages must have in common to be the same question.
const REPEAT_SIMILARITY: f32 = 0.6;
/// Words are compared on their first letters, a crude stem that works across the languages:
/// "order"/"ordered", "envío"/"envio", "Rückerstattung"/"Rückerstattungen".
const STEM_CHARS: usize = 5;

/// What one customer message is about.
pub fn classify(text: &str) -> Intent {
    if asks_for_person(text) {
        return Intent::HumanRequest;
    }
    let clauses = clauses(text);
    let tables = tables();
    if tables.legal.found(&clauses) {
        Intent::Legal
    } else if tables.cancellation.found(&clauses) {
        Intent::Cancellation
    } else if tables.refund.found(&clauses) {
        Intent::Refund
    } else if tables.billing.found(&clauses) {
        Intent::Billing
    } else if tables.complaint.found_unless(&clauses, &tables.not_complaint) || mishandled_delivery(&clauses) {
        Intent::Complaint
    } else {
        // Scored once: it makes a complaint of an unhappy message, and thanks of a warm one.
        let mood = sentiment::score(text);
        if mood <= COMPLAINT_SENTIMENT {
            return Intent::Complaint;
        }
        let courtesies = Courtesies::of(&clauses);
        courtesies
            .small_talk(text)
            .or_else(|| courtesies.appreciates(text, mood, &clauses).then_some(Intent::Thanks))
            .unwrap_or(Intent::Question)
    }
}

/// The longest rule.
const MAX_PHRASE: usize = 3;

/// One intent's rules, indexed by their first word.
struct Rules {
    rules: &'static [Rule],
    index: Index,
}

impl Rules {
    fn new(rules: &'static [Rule]) -> Rules {
        Rules { rules, index: Index::new(rules.iter().filter_map(|rule| rule.first().copied()), TYPO_FROM) }
    }

    fn found(&self, clauses: &[Vec<String>]) -> bool {
        clauses.iter().any(|clause| self.occurrences(clause).next().is_some())
    }

    /// Whether a rule occurs whose words are not all inside one of `except`'s occurrences:
    /// "falta" is a complaint, "no hace falta" is not.
    fn found_unless(&self, clauses: &[Vec<String>], except: &Rules) -> bool {
        clauses.iter().any(|clause| {
            let mut excused = vec![false; clause.len()];
            for (rule, at) in except.occurrences(clause) {
                at.iter().take(rule.len()).for_each(|&i| excused[i] = true);
            }
            self.occurrences(clause).any(|(rule, at)| at.iter().take(rule.len()).any(|&i| !excused[i]))
        })
    }

    /// Every place a rule occurs in `clause`: the rule, and where each of its words is.
    fn occurrences<'a>(&'a self, clause: &'a [String]) -> impl Iterator<Item = (Rule, [usize; MAX_PHRASE])> + 'a {
        (0..clause.len()).flat_map(move |start| {
            self.index.candidates(&clause[start]).filter_map(move |k| {
                let rule = self.rules[k];
                phrase_from(clause, start, rule).map(|at| (rule, at))
            })
        })
    }

    /// Whether `word` is a one-word rule.
    fn single(&self, word: &str) -> bool {
        self.index.candidates(word).any(|k| self.rules[k].len() == 1 && matches_with(word, self.rules[k][0], TYPO_FROM))
    }
}

struct Tables {
    legal: Rules,
    cancellation: Rules,
    refund: Rules,
    billing: Rules,
    complaint: Rules,
    not_complaint: Rules,
    courier: Rules,
    left: Rules,
    wrong_place: Rules,
    thrown: Rules,
    thanks: Rules,
    goodbye: Rules,
    greeting: Rules,
    people: Rules,
    by_myself: Rules,
    request: Rules,
}

/// The rule tables with their indexes, built on first use.
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        legal: Rules::new(LEGAL),
        cancellation: Rules::new(CANCELLATION),
        refund: Rules::new(REFUND),
        billing: Rules::new(BILLING),
        complaint: Rules::new(COMPLAINT),
        not_complaint: Rules::new(NOT_COMPLAINT),
        courier: Rules::new(COURIER),
        left: Rules::new(LEFT),
        wrong_place: Rules::new(WRONG_PLACE),
        thrown: Rules::new(THROWN),
        thanks: Rules::new(THANKS),
        goodbye: Rules::new(GOODBYE),
        greeting: Rules::new(GREETING),
        people: Rules::new(PEOPLE),
        by_myself: Rules::new(BY_MYSELF),
        request: Rules::new(REQUEST),
    })
}

/// Where `rule` occurs in `clause` starting at word `start`: the index of each of its words (the
/// first `rule.len()`).
fn phrase_from(clause: &[String], start: usize, rule: Rule) -> Option<[usize; MAX_PHRASE]> {
    let (first, rest) = rule.split_first()?;
    if !matches_with(&clause[start], first, TYPO_FROM) {
        return None;
    }
    let mut at = [start; MAX_PHRASE];
    let mut from = start + 1;
    for (n, pattern) in rest.iter().enumerate().take(MAX_PHRASE - 1) {
        let until = (from + PHRASE_GAP + 1).min(clause.len());
        at[n + 1] = (from..until).find(|&i| matches_with(&clause[i], pattern, TYPO_FROM))?;
        from = at[n + 1] + 1;
    }
    Some(at)
}

/// What a message holds of small talk: courtesies, praise, and how much else.
struct Courtesies {
    thanks: bool,
    goodbye: bool,
    greeting: bool,
    /// A word of praise outside the courtesies ("perfect", "lovely").
    praise: bool,
    /// Content words that are neither courtesy nor praise.
    leftovers: usize,
}

impl Courtesies {
    fn of(clauses: &[Vec<String>]) -> Courtesies {
        let mut found = Courtesies { thanks: false, goodbye: false, greeting: false, praise: false, leftovers: 0 };
        let tables = tables();
        for clause in clauses {
            let mut courtesy = vec![false; clause.len()];
            for (rules, seen) in [
                (&tables.thanks, &mut found.thanks),
                (&tables.goodbye, &mut found.goodbye),
                (&tables.greeting, &mut found.greeting),
            ] {
                for (rule, at) in rules.occurrences(clause) {
                    *seen = true;
                    at.iter().take(rule.len()).for_each(|&i| courtesy[i] = true);
                }
            }
            for (word, courteous) in clause.iter().zip(courtesy) {
                if courteous
                    || is_stopword(word)
                    || PLEASANTRIES.contains(&word.as_str())
                    || sentiment::is_booster(word)
                {
                    continue;
                }
                if sentiment::valence(word).is_some_and(|v| v > 0.0) {
                    found.praise = true;
                } else {
                    found.leftovers += 1;
                }
            }
        }
        found
    }

    /// Thanks, goodbye or greeting when that is all the message is.
    fn small_talk(&self, text: &str) -> Option<Intent> {
        let allowance = if self.thanks {
            THANKS_ALLOWANCE
        } else if self.goodbye {
            GOODBYE_ALLOWANCE
        } else {
            0
        };
        if self.leftovers > allowance || (self.leftovers > 0 && (asks(text) || soured(text))) {
            return None;
        }
        // "perfect!", "genial, muy amable": praise with nothing else is thanks; with a greeting or
        // a goodbye it is part of them ("good morning", "have a nice day").
        [
            (self.thanks, Intent::Thanks),
            (self.goodbye, Intent::Goodbye),
            (self.greeting, Intent::Greeting),
            (self.praise, Intent::Thanks),
        ]
        .into_iter()
        .find_map(|(seen, intent)| seen.then_some(intent))
    }

    /// Thanks or praise inside a longer report, with nothing asked: "someone already helped me,
    /// thanks", "ich hatte gestern Ihren Support am Telefon und es ist jetzt gelöst, danke", "o
    /// entregador foi muito educado". Small talk has already taken the short ones. `mood` is the
    /// message's sentiment score.
    fn appreciates(&self, text: &str, mood: f32, clauses: &[Vec<String>]) -> bool {
        if asks(text) {
            return false;
        }
        let tables = tables();
        if self.thanks {
            mood >= THANKS_SENTIMENT && !soured(text)
        } else {
            mood >= PRAISE_SENTIMENT
                && (tables.people.found(clauses) || tables.courier.found(clauses))
                && !tables.by_myself.found(clauses)
                && praised_apart(text)
        }
    }
}

/// A courier who left the parcel in the wrong place or threw it: "the driver left it outside",
/// "el repartidor dejó el paquete sin avisar", "o carteiro jogou a caixa".
fn mishandled_delivery(clauses: &[Vec<String>]) -> bool {
    let tables = tables();
    tables.courier.found(clauses)
        && (tables.thrown.found(clauses) || (tables.left.found(clauses) && tables.wrong_place.found(clauses)))
}

/// Whether some clause of the message is as unhappy as a complaint: "thanks, but it never
/// arrived" thanks for nothing yet. A mild word ("alles läuft wieder") sours nothing.
fn soured(text: &str) -> bool {
    clause_texts(text).any(|clause| sentiment::score(clause) <= COMPLAINT_SENTIMENT)
}

/// Whether some clause without a greeting or a goodbye in it is warm: "good" in "good morning"
/// belongs to the greeting, in "the driver was good" it praises.
fn praised_apart(text: &str) -> bool {
    let tables = tables();
    clause_texts(text).any(|clause| {
        let words = clauses(clause);
        !tables.greeting.found(&words) && !tables.goodbye.found(&words) && sentiment::score(clause) > 0.0
    })
}

/// Whether a message asks or requests something: a question mark, a request ("please", "I
/// need"), or a clause that opens like a question ("thanks, when does it ship"). A warm clause
/// that opens so exclaims: "what a great team", "quel service génial", "wie schön".
fn asks(text: &str) -> bool {
    let tables = tables();
    text.contains(['?', '¿'])
        || clause_texts(text).any(|clause| {
            let words = clauses(clause);
            let opens = words.iter().any(|words| {
                let mut rest = words.iter().skip_while(|w| LEAD_INS.contains(&w.as_str()) || is_courtesy(w));
                match (rest.next(), rest.next()) {
                    (Some(first), _) if QUESTION_OPENERS.contains(&first.as_str()) => true,
                    (Some(first), Some(next)) => {
                        AUX_OPENERS.contains(&first.as_str()) && SUBJECTS.contains(&next.as_str())
                    }
                    _ => false,
                }
            });
            tables.request.found(&words) || (opens && sentiment::score(clause) <= 0.0)
        })
}

/// Whether `text` asks again what one of the `earlier` customer messages already asked.
pub fn repeats(earlier: &[&str], text: &str) -> bool {
    let now = content_stems(text);
    if now.len() < REPEAT_MIN_WORDS {
        return false;
    }
    earlier.iter().any(|before| {
        let before = content_stems(before);
        before.len() >= REPEAT_MIN_WORDS && jaccard(&now, &before) >= REPEAT_SIMILARITY
    })
}

/// The message's distinct content words, cut to their stems.
fn content_stems(text: &str) -> Vec<String> {
    let mut stems: Vec<String> = Vec::new();
    for word in search_words(text) {
        let word = fold(&word);
        if is_stopword(&word) || PLEASANTRIES.contains(&word.as_str()) || is_courtesy(&word) {
            continue;
        }
        let stem: String = word.chars().take(STEM_CHARS).collect();
        if !stems.contains(&stem) {
            stems.push(stem);
        }
    }
    stems
}

/// Thanks, greetings and goodbyes in one word: "hi again, where is my order" asks the same.
fn is_courtesy(word: &str) -> bool {
    let tables = tables();
    [&tables.thanks, &tables.goodbye, &tables.greeting].iter().any(|rules| rules.single(word))
}

/// Shared stems over all stems, a stem also counting as shared one typo away.
fn jaccard(a: &[String], b: &[String]) -> f32 {
    let shared = a.iter().filter(|x| b.iter().any(|y| x == &y || near(x, y))).count();
    shared as f32 / (a.len() + b.len() - shared) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(intent: Intent, messages: &[&str]) {
        let wrong: Vec<_> = messages.iter().map(|m| (*m, classify(m))).filter(|(_, got)| *got != intent).collect();
        assert!(wrong.is_empty(), "expected {intent:?}: {wrong:?}");
    }

    #[test]
    fn intents_in_each_language() {
        check(
            Intent::Legal,
            &[
                "I'll contact my lawyer",
                "voy a poner una denuncia",
                "je vais porter plainte",
                "ich schalte meinen Anwalt ein",
                "vou reclamar no Procon",
            ],
        );
        check(
            Intent::Cancellation,
            &[
                "please cancel my order",
                "quiero anular mi pedido",
                "je veux résilier mon abonnement",
                "ich möchte meine Bestellung stornieren",
                "quero cancelar",
            ],
        );
        check(
            Intent::Refund,
            &[
                "how do I get my money back",
                "quiero un reembolso",
                "je veux être remboursé",
                "wie bekomme ich mein Geld zurück",
                "quando recebo o estorno?",
            ],
        );
        check(
            Intent::Billing,
            &[
                "I was charged twice",
                "necesito una factura",
                "j'ai été débité deux fois",
                "welche Zahlungsarten gibt es",
                "preciso da nota fiscal",
            ],
        );
        check(
            Intent::Complaint,
            &[
                "the boots arrived damaged",
                "el producto llegó roto",
                "la qualité est vraiment décevante",
                "die Ware kam kaputt an",
                "o produto chegou quebrado",
                "my discount code doesn't work",
            ],
        );
        check(
            Intent::Question,
            &[
                "how long does shipping take?",
                "¿tienen esta chaqueta en talla L?",
                "livrez-vous en Suisse ?",
                "sind die Schuhe wasserdicht",
                "vocês entregam em Angola?",
            ],
        );
    }

    #[test]
    fn small_talk_only_when_that_is_all() {
        check(Intent::Greeting, &["hi", "Hello there!", "buenos días", "bonjour", "Guten Morgen", "olá, tudo bem?"]);
        check(
            Intent::Thanks,
            &["thanks a lot!", "perfecto, gracias", "merci beaucoup", "vielen Dank", "valeu", "great!"],
        );
        check(Intent::Goodbye, &["bye", "have a nice day", "hasta luego", "au revoir", "tschüss", "tchau"]);
        check(
            Intent::Question,
            &["hi, where is my order", "thanks, but when does it ship?", "hallo, wo ist mein Paket"],
        );
        assert_eq!(classify("hi, how do I return a jacket"), Intent::Refund);
    }

    #[test]
    fn priority_between_intents() {
        assert_eq!(classify("can I talk to a person about my refund"), Intent::HumanRequest);
        assert_eq!(classify("refund me or I'll call my lawyer"), Intent::Legal);
        assert_eq!(classify("cancel my order and refund me"), Intent::Cancellation);
        assert_eq!(classify("the refund never came, this is terrible"), Intent::Refund);
        assert_eq!(classify("I was charged twice, terrible service"), Intent::Billing);
        assert_eq!(classify("thanks, the jacket arrived broken"), Intent::Complaint);
    }

    #[test]
    fn short_words_need_an_exact_match() {
        assert_eq!(classify("does the jacket have a fleece layer?"), Intent::Question);
        assert_eq!(classify("can I change the delivery address"), Intent::Question);
        assert_eq!(classify("is this jacket resilient to rain?"), Intent::Question);
    }

    #[test]
    fn thanks_inside_a_longer_report() {
        check(
            Intent::Thanks,
            &[
                "the lady on the phone was super helpful, thanks",
                "your colleague reset my login yesterday and now it works, cheers",
                "ya me llamó una asesora y quedó todo solucionado, gracias",
                "el chico del almacén me mandó la talla correcta enseguida, gracias",
                "votre conseillère a été très efficace, merci",
                "le technicien a tout réparé hier, merci beaucoup",
                "Ihr Kollege hat alles erledigt, vielen Dank",
                "die Hotline hat mir heute den Umtausch bestätigt, danke",
                "o suporte resolveu meu problema rapidinho, obrigado",
                "a vendedora separou a jaqueta pra mim, valeu",
            ],
        );
    }

    #[test]
    fn praise_of_the_people_who_helped_is_thanks() {
        check(
            Intent::Thanks,
            &[
                "the driver was really friendly",
                "your team sorted everything out in minutes",
                "el repartidor fue muy atento",
                "la dependienta fue super simpática",
                "le facteur était très poli",
                "votre équipe a tout réglé en une heure",
                "die Dame an der Hotline war sehr nett",
                "der Fahrer war wirklich höflich",
                "a moça da loja foi muito simpática",
                "o motoboy foi super educado",
            ],
        );
        check(
            Intent::Question,
            &[
                "good morning, my colleague placed the order",
                "buenos días, la persona que hizo el pedido fue mi hermano",
                "I fixed it myself, no need for an agent",
                "ya lo resolví yo mismo, no hace falta un asesor",
                "el asesor me dijo que hoy llegaba",
                "the best jacket for rain",
                "can you recommend a good jacket for hiking",
            ],
        );
    }

    #[test]
    fn thanks_that_asks_or_wants_something_is_not_thanks() {
        check(
            Intent::Question,
            &[
                "thanks, where is my order",
                "where is my order? thanks",
                "thanks in advance, I need the tracking number",
                "is the store open on sunday, thanks",
                "gracias, quiero cambiar la talla",
                "gracias de antemano, necesito saber el plazo de entrega",
                "merci, quand est-ce que ma commande arrive",
                "merci d'avance, je voudrais savoir quand arrive mon colis",
                "danke, wie lange dauert der Versand",
                "danke im Voraus, wann kommt mein Paket",
                "obrigado, quando chega meu pedido",
                "obrigado desde já, gostaria de saber o prazo",
            ],
        );
        for unhappy in ["thanks, the parcel never arrived", "gracias, pero todavía no ha llegado"] {
            assert_ne!(classify(unhappy), Intent::Thanks, "{unhappy}");
        }
        check(
            Intent::Complaint,
            &["thanks for nothing", "gracias por nada", "merci pour rien", "danke für nichts", "obrigado por nada"],
        );
    }

    #[test]
    fn exclamations_and_set_phrases_stay_thanks() {
        check(
            Intent::Thanks,
            &[
                "will do, thanks!",
                "what a great team, thank you",
                "como siempre, muy amable, gracias",
                "quel service génial, merci",
                "wie schön, danke",
                "kann ich nur empfehlen, danke",
                "pode deixar, obrigado",
            ],
        );
    }

    #[test]
    fn mishandled_deliveries_are_complaints() {
        check(
            Intent::Complaint,
            &[
                "the driver threw my parcel over the fence",
                "the courier left it outside in the rain",
                "el mensajero tiró la caja por encima de la valla",
                "el repartidor lo dejó en la puerta y se fue",
                "le livreur a jeté le colis par-dessus le portail",
                "le livreur a laissé le colis devant la porte sans prévenir",
                "der Fahrer hat das Paket über den Zaun geworfen",
                "der Bote hat es einfach beim Nachbarn abgegeben",
                "o entregador deixou na porta e foi embora",
                "o carteiro entregou a encomenda pra um estranho",
            ],
        );
        check(
            Intent::Question,
            &[
                "the driver left it with the concierge",
                "can the driver leave it with my neighbour?",
                "el repartidor puede dejarlo con mi vecino?",
                "my neighbour will take the parcel for me",
                "le livreur peut le laisser chez ma voisine ?",
            ],
        );
    }

    #[test]
    fn lost_parcels_and_unanswered_messages_are_complaints() {
        check(
            Intent::Complaint,
            &[
                "my parcel got lost",
                "nobody from your team ever replied to my email",
                "el transportista perdió mi caja",
                "nadie me ha contestado el correo",
                "personne n'a répondu à mon mail",
                "niemand aus Ihrem Team hat sich bei mir gemeldet",
                "la transportadora extraviou meu pedido",
                "ninguém respondeu meu email",
            ],
        );
        check(Intent::Question, &["I lost my password", "perdí mi contraseña"]);
    }

    #[test]
    fn idioms_with_a_complaint_word() {
        assert_eq!(classify("no hace falta que me llamen, ya está"), Intent::Question);
        assert_eq!(classify("me falta una pieza del pedido"), Intent::Complaint);
    }

    #[test]
    fn the_brazilian_invoice_is_billing() {
        check(Intent::Billing, &["pode emitir a nota no CNPJ da minha empresa?", "quero mudar o endereço na nota"]);
    }

    #[test]
    fn rules_fit_the_phrase_limit() {
        for rules in [
            LEGAL,
            CANCELLATION,
            REFUND,
            BILLING,
            COMPLAINT,
            NOT_COMPLAINT,
            COURIER,
            LEFT,
            WRONG_PLACE,
            THROWN,
            THANKS,
            GOODBYE,
            GREETING,
            PEOPLE,
            BY_MYSELF,
            REQUEST,
        ] {
            assert!(rules.iter().all(|rule| (1..=MAX_PHRASE).contains(&rule.len())));
        }
    }

    #[test]
    fn the_same_question_again_repeats() {
        let earlier = ["hello", "where is my order 4821, it hasn't arrived"];
        assert!(repeats(&earlier, "Where is my order #4821?? It still hasn't arrived!"));
        assert!(repeats(
            &["¿dónde está mi pedido 4821? no ha llegado"],
            "donde esta mi pedido 4821, no ha llegado todavia"
        ));
        assert!(repeats(&["how do I return the hiking boots"], "how do i retrun the hiking boots"), "typos");
    }

    #[test]
    fn other_questions_and_short_messages_do_not_repeat() {
        assert!(!repeats(&["where is my order 4821"], "how do I return the hiking boots"));
        assert!(!repeats(&["ok thanks"], "ok thanks"));
        assert!(!repeats(&["yes", "no"], "yes"));
        assert!(!repeats(&[], "where is my order 4821, it hasn't arrived"));
    }
}

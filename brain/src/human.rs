//! "I want to talk to a person", in words, in English, Spanish, French, German and Portuguese.
//!
//! A person word alone proves nothing ("someone stole my parcel", "the person who ordered", "my
//! agent code"), so a message counts only when a person word sits in a request frame of the same
//! language and clause: a contact verb ("talk to", "hablar con", "mit ... sprechen"), a wish
//! ("I want a person"), "please", "is there a human", a word that makes the person unmistakable
//! ("real person", "agente humano"), a bot to contrast it with ("Mensch statt Bot"), or nothing
//! else at all ("agent!"). Asking to be called back needs no person word ("call me back").

use std::sync::OnceLock;

use crate::text::{fold, near, search_words};

/// What a word can do in a request for a person; one word may have several roles.
type Role = u32;

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

/// Words a message may hold besides the person word and still be nothing but a request.
const REQUEST_ONLY: Role = FILLER | PLEASE | REAL | SERVICE | CONTACT | HELP | WANT | THERE | LINK;

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

/// Patterns are folded lowercase words: `stem*` matches words starting with the stem, `*tail`
/// words ending with it (German compounds), `=word` only that word, and a plain word also
/// matches one typo away. Conjugated verbs one letter from a past tense ("parlé", "verbunden")
/// are exact, so "I spoke to someone yesterday" is no request.
type Table = &'static [(&'static str, Role)];

const ENGLISH: Table = &[
    ("=available", REAL),
    ("=online", REAL),
    ("=around", THERE),
    ("=talked", REPORT),
    ("=spoke", REPORT),
    ("=spoken", REPORT),
    ("=chatted", REPORT),
    ("=phoned", REPORT),
    ("=rang", REPORT),
    ("=from", FILLER),
    ("colleague*", STAFF),
    ("coworker*", STAFF),
    ("specialist", STAFF),
    ("technician", STAFF),
    ("=expert", STAFF),
    ("attendant", STAFF),
    ("personnel", STAFF),
    ("whoever", ANYONE),
    ("=pass", CONTACT),
    ("=forward", CONTACT),
    ("=line", PHONE),
    ("people", PERSON),
    ("callback", CALLBACK_NOUN),
    ("=word", CONTACT),
    ("=raise", CONTACT),
    ("=thru", CONTACT),
    ("=u", FILLER),
    ("=of", FILLER),
    ("=member", FILLER),
    ("assistance", HELP),
    ("require", WANT),
    ("=helped", REPORT),
    ("=answered", REPORT),
    ("=was", REPORT),
    ("=were", REPORT),
    ("=assisted", REPORT),
    ("=answer", HELP),
    ("=respond", HELP),
    ("=transferred", PAST),
    ("=connected", PAST),
    ("=contacted", PAST),
    ("=who", RELATIVE),
    ("=that", RELATIVE),
    ("person", PERSON),
    ("persons", PERSON),
    ("human", PERSON | REAL),
    ("humans", PERSON | REAL),
    ("=agent", STAFF),
    ("=agents", STAFF),
    ("representative", STAFF),
    ("=rep", STAFF),
    ("operator", STAFF),
    ("advisor", STAFF),
    ("adviser", STAFF),
    ("consultant", STAFF),
    ("manager", STAFF),
    ("supervisor", STAFF),
    ("=staff", STAFF),
    ("=boss", STAFF),
    ("=being", PERSON),
    ("=bot", BOT),
    ("chatbot", BOT),
    ("robot", BOT),
    ("machine", BOT),
    ("employee", STAFF),
    ("someone", ANYONE),
    ("somebody", ANYONE),
    ("anyone", ANYONE),
    ("anybody", ANYONE),
    ("service", SERVICE),
    ("support", SERVICE),
    ("helpdesk", SERVICE),
    ("=team", SERVICE),
    ("=real", REAL),
    ("=live", REAL),
    ("actual", REAL),
    ("=talk", CONTACT),
    ("speak", CONTACT),
    ("=chat", CONTACT),
    ("connect", CONTACT),
    ("transfer", CONTACT),
    ("contact", CONTACT),
    ("reach", CONTACT),
    ("=call", CONTACT | CALLBACK),
    ("=ring", CALLBACK),
    ("=phone", CONTACT | CALLBACK),
    ("telephone", PHONE),
    ("=touch", CONTACT),
    ("=deal", CONTACT),
    ("=through", CONTACT),
    ("escalate", CONTACT),
    ("redirect", CONTACT),
    ("=help", HELP),
    ("assist", HELP),
    ("=want", WANT),
    ("=need", WANT),
    ("=get", WANT),
    ("=give", WANT),
    ("=like", WANT),
    ("request", WANT),
    ("prefer", WANT),
    ("=rather", WANT),
    ("please", PLEASE),
    ("=pls", PLEASE),
    ("=plz", PLEASE),
    ("=there", THERE),
    ("=any", THERE),
    ("=is", FILLER),
    ("=are", FILLER),
    ("=not", NOT),
    ("=no", NOT),
    ("=never", NOT),
    ("=dont", NOT),
    ("=doesnt", NOT),
    ("=didnt", NOT),
    ("=wont", NOT),
    ("=my", MINE),
    ("=our", MINE),
    ("=a", FILLER),
    ("=an", FILLER),
    ("=the", FILLER),
    ("=to", FILLER),
    ("=with", FILLER),
    ("=me", FILLER | ME),
    ("=i", FILLER),
    ("=can", FILLER),
    ("=could", FILLER),
    ("=now", FILLER),
    ("=just", FILLER),
    ("=one", FILLER),
    ("=customer", FILLER),
    ("=hello", FILLER),
    ("=hi", FILLER),
];

const SPANISH: Table = &[
    ("=disponible", REAL),
    ("=disponibles", REAL),
    ("=libre", REAL),
    ("=libres", REAL),
    ("=atendio", REPORT),
    ("colega", STAFF),
    ("colegas", STAFF),
    ("companero", STAFF),
    ("companera", STAFF),
    ("vendedor", STAFF),
    ("vendedora", STAFF),
    ("=tecnico", STAFF),
    ("especialista", STAFF),
    ("deriv*", CONTACT),
    ("conect*", CONTACT),
    ("contact*", CONTACT),
    ("=pasan", CONTACT),
    ("=por", FILLER),
    ("=ponganme", CONTACT),
    ("=hablo", CONTACT),
    ("=pases", CONTACT),
    ("=pasenme", CONTACT),
    ("=esta", FILLER),
    ("=ayudo", REPORT),
    ("=ayudaron", REPORT),
    ("=ayudado", REPORT),
    ("=contacteme", CALLBACK | ME),
    ("=contactenme", CALLBACK | ME),
    ("=llame", CALLBACK),
    ("=ahi", THERE),
    ("=alli", THERE),
    ("=contacte", CONTACT),
    ("=contacten", CONTACT),
    ("=responder", HELP),
    ("=responda", HELP),
    ("=conteste", HELP),
    ("=atendido", PAST),
    ("=atendida", PAST),
    ("=contactado", PAST),
    ("=contactada", PAST),
    ("=transferido", PAST),
    ("=transferida", PAST),
    ("=llamado", PAST),
    ("=llamada", PAST),
    ("=que", RELATIVE),
    ("=quien", RELATIVE),
    ("=pueda", FILLER),
    ("=puede", FILLER),
    ("=alguno", FILLER),
    ("=algun", FILLER),
    ("persona", PERSON),
    ("personas", PERSON),
    ("humano", PERSON | REAL),
    ("humana", PERSON | REAL),
    ("humanos", PERSON | REAL),
    ("agente", STAFF),
    ("agentes", STAFF),
    ("asesor", STAFF),
    ("asesora", STAFF),
    ("operador", STAFF),
    ("operadora", STAFF),
    ("representante", STAFF),
    ("encargado", STAFF),
    ("encargada", STAFF),
    ("supervisor", STAFF),
    ("supervisora", STAFF),
    ("gerente", STAFF),
    ("ejecutivo", STAFF),
    ("ejecutiva", STAFF),
    ("empleado", STAFF),
    ("responsable", STAFF),
    ("=jefe", STAFF),
    ("=jefa", STAFF),
    ("alguien", ANYONE),
    ("atencion", SERVICE),
    ("soporte", SERVICE),
    ("servicio", SERVICE),
    ("equipo", SERVICE),
    ("=real", REAL),
    ("=verdad", REAL),
    ("=de", LINK | FILLER),
    ("hablar", CONTACT),
    ("comunic*", CONTACT),
    ("contactar*", CONTACT),
    ("=pasame", CONTACT),
    ("=ponme", CONTACT),
    ("=pongame", CONTACT),
    ("=ponerme", CONTACT),
    ("=pongan", CONTACT),
    ("=pasarme", CONTACT),
    ("=pasar", CONTACT),
    ("=pasen", CONTACT),
    ("=pasas", CONTACT),
    ("=pasa", CONTACT),
    ("=paseme", CONTACT),
    ("transfier*", CONTACT),
    ("transferir*", CONTACT),
    ("=atienda", CONTACT),
    ("=atiendan", CONTACT),
    ("=atender", CONTACT),
    ("=atenderme", CONTACT),
    ("=atiendame", CONTACT),
    ("=llamar", CONTACT | CALLBACK),
    ("=llamarme", CONTACT | CALLBACK | ME),
    ("=llamen", CALLBACK),
    ("=llamenme", CALLBACK | ME),
    ("=llameme", CALLBACK | ME),
    ("=llamame", CALLBACK | ME),
    ("conversar", CONTACT),
    ("chatear", CONTACT),
    ("telefono", PHONE),
    ("ayud*", HELP),
    ("quiero", WANT),
    ("quisiera", WANT),
    ("necesito", WANT),
    ("=deseo", WANT),
    ("=dame", WANT),
    ("gustaria", WANT),
    ("solicito", WANT),
    ("prefiero", WANT),
    ("favor", PLEASE),
    ("=porfa", PLEASE),
    ("porfavor", PLEASE),
    ("=hay", THERE),
    ("=no", NOT),
    ("=nunca", NOT),
    ("=ni", NOT),
    ("=sin", NOT),
    ("=mi", MINE),
    ("=mis", MINE),
    ("=un", FILLER),
    ("=una", FILLER),
    ("=con", FILLER),
    ("=el", FILLER),
    ("=la", FILLER),
    ("=a", FILLER),
    ("=al", FILLER),
    ("=del", FILLER),
    ("=me", FILLER | ME),
    ("=bot", BOT),
    ("=robot", BOT),
    ("maquina", BOT),
    ("=ya", FILLER),
    ("=ahora", FILLER),
    ("=puedo", FILLER),
    ("=hola", FILLER),
    ("=cliente", FILLER),
];

const FRENCH: Table = &[
    ("=disponible", REAL),
    ("=disponibles", REAL),
    ("=dispo", REAL),
    ("=dispos", REAL),
    ("collegue*", STAFF),
    ("vendeur", STAFF),
    ("vendeuse", STAFF),
    ("gestionnaire", STAFF),
    ("=qqn", ANYONE),
    ("=qqun", ANYONE),
    ("=passe", CONTACT),
    ("=contactez", CONTACT | CALLBACK),
    ("=appele", PAST),
    ("=fil", PHONE),
    ("=est", FILLER),
    ("=rappel", CALLBACK_NOUN),
    ("=d", FILLER),
    ("=exige", WANT),
    ("souhait*", WANT),
    ("=repondre", HELP),
    ("=repondez", HELP),
    ("=rappele", PAST),
    ("=rappelee", PAST),
    ("=contacte", PAST),
    ("=contactee", PAST),
    ("=transfere", PAST),
    ("=transferee", PAST),
    ("=mis", PAST),
    ("=qui", RELATIVE),
    ("=que", RELATIVE),
    ("=t", FILLER),
    ("=etre", FILLER),
    ("=par", FILLER),
    ("=peut", FILLER),
    ("=pourrait", FILLER),
    ("personne", PERSON),
    ("humain", PERSON | REAL),
    ("humaine", PERSON | REAL),
    ("humains", PERSON | REAL),
    ("=agent", STAFF),
    ("=agents", STAFF),
    ("conseiller*", STAFF),
    ("=conseiler", STAFF),
    ("operateur", STAFF),
    ("operatrice", STAFF),
    ("responsable", STAFF),
    ("interlocut*", STAFF),
    ("superviseur", STAFF),
    ("manager", STAFF),
    ("employe", STAFF),
    ("technicien", STAFF),
    ("=chef", STAFF),
    ("quelquun", ANYONE),
    ("service", SERVICE),
    ("assistance", SERVICE),
    ("support", SERVICE),
    ("=sav", SERVICE),
    ("=equipe", SERVICE),
    ("=vrai", REAL),
    ("=vraie", REAL),
    ("=reel", REAL),
    ("=reelle", REAL),
    ("=parler", CONTACT),
    ("=discuter", CONTACT),
    ("=relation", CONTACT),
    ("=contact", CONTACT),
    ("=contacter", CONTACT),
    ("=joindre", CONTACT),
    ("=passez", CONTACT),
    ("=passer", CONTACT),
    ("transfer*", CONTACT),
    ("=rappeler", CONTACT | CALLBACK),
    ("=rappelez", CONTACT | CALLBACK),
    ("=rappelle", CONTACT | CALLBACK),
    ("telephone", PHONE),
    ("=appeler", CONTACT | CALLBACK),
    ("=appelez", CONTACT | CALLBACK),
    ("=chatter", CONTACT),
    ("=aider", HELP),
    ("=aidez", HELP),
    ("=veux", WANT),
    ("voudrais", WANT),
    ("souhaite", WANT),
    ("aimerais", WANT),
    ("besoin", WANT),
    ("=faut", WANT),
    ("=avoir", WANT),
    ("=prefere", WANT),
    ("=svp", PLEASE),
    ("=stp", PLEASE),
    ("=plait", PLEASE),
    ("=y", THERE),
    ("=ne", NOT),
    ("=n", NOT),
    ("=pas", NOT),
    ("jamais", NOT),
    ("=sans", NOT),
    ("=mon", MINE),
    ("=ma", MINE),
    ("=mes", MINE),
    ("=un", FILLER),
    ("=une", FILLER),
    ("=le", FILLER),
    ("=la", FILLER),
    ("=l", FILLER),
    ("=a", FILLER),
    ("=au", FILLER),
    ("=avec", FILLER),
    ("=moi", FILLER | ME),
    ("=je", FILLER),
    ("=me", FILLER | ME),
    ("=m", FILLER | ME),
    ("=bot", BOT),
    ("=robot", BOT),
    ("machine", BOT),
    ("=du", FILLER),
    ("=de", FILLER),
    ("=client", FILLER),
    ("=bonjour", FILLER),
    ("=s", FILLER),
    ("=il", FILLER),
    ("=vous", FILLER),
];

const GERMAN: Table = &[
    ("verfugbar", REAL),
    ("erreichbar", REAL),
    ("=frei", REAL),
    ("=online", REAL),
    ("=gesprochen", REPORT),
    ("=geredet", REPORT),
    ("=telefoniert", REPORT),
    ("=gechattet", REPORT),
    ("=angerufen", PAST),
    ("=von", FILLER),
    ("=vom", FILLER),
    ("kollegin", STAFF),
    ("*betreuer", STAFF),
    ("*betreuerin", STAFF),
    ("techniker*", STAFF),
    ("=jmd", ANYONE),
    ("=verbinde", CONTACT),
    ("=verbindet", CONTACT),
    ("=erreichen", CONTACT),
    ("=erreiche", CONTACT),
    ("=stellen", SPLIT),
    ("=stelle", SPLIT),
    ("=stell", SPLIT),
    ("=stellt", SPLIT),
    ("=leiten", SPLIT),
    ("=leite", SPLIT),
    ("=leitet", SPLIT),
    ("=durch", PARTICLE),
    ("=weiter", PARTICLE),
    ("=hilfe", HELP),
    ("ruckruf", CALLBACK_NOUN),
    ("=fur", FILLER),
    ("weitergeben", CONTACT),
    ("=da", THERE),
    ("=ist", FILLER),
    ("=hier", FILLER),
    ("=es", FILLER),
    ("=antworten", HELP),
    ("=verbunden", PAST),
    ("zuruckgerufen", PAST),
    ("=kontaktiert", PAST),
    ("=weitergeleitet", PAST),
    ("=dem", RELATIVE),
    ("=der", RELATIVE),
    ("=die", RELATIVE),
    ("=den", RELATIVE),
    ("mensch", PERSON | REAL),
    ("menschen", PERSON | REAL),
    ("=person", PERSON),
    ("=personen", PERSON),
    ("menschlich*", REAL),
    ("mitarbeiter", STAFF),
    ("mitarbeiterin", STAFF),
    ("mitarbeitern", STAFF),
    ("mitarbeiterinnen", STAFF),
    ("=mitarbeiters", STAFF),
    ("*mitarbeiter", STAFF),
    ("*mitarbeiterin", STAFF),
    ("berater", STAFF),
    ("beraterin", STAFF),
    ("beratern", STAFF),
    ("*berater", STAFF),
    ("*beraterin", STAFF),
    ("ansprechpartner*", STAFF),
    ("vorgesetzt*", STAFF),
    ("=agent", STAFF),
    ("=agenten", STAFF),
    ("betreuer*", STAFF),
    ("sachbearbeiter*", STAFF),
    ("kollege", STAFF),
    ("kollegen", STAFF),
    ("manager", STAFF),
    ("supervisor", STAFF),
    ("=leiter", STAFF),
    ("*leiter", STAFF),
    ("=chef", STAFF),
    ("=chefin", STAFF),
    ("jemand", ANYONE),
    ("jemanden", ANYONE),
    ("jemandem", ANYONE),
    ("irgendwer", ANYONE),
    ("kundenservice", SERVICE),
    ("kundendienst", SERVICE),
    ("support", SERVICE),
    ("service", SERVICE),
    ("hotline", SERVICE),
    ("=team", SERVICE),
    ("echt*", REAL),
    ("=real", REAL),
    ("sprechen", CONTACT),
    ("=reden", CONTACT),
    ("=verbinden", CONTACT),
    ("weiterleiten", CONTACT),
    ("zuruckruf*", CONTACT | CALLBACK),
    ("=anrufen", CONTACT | CALLBACK),
    ("=anruf", CONTACT),
    ("=rufen", CALLBACK),
    ("=ruf", CALLBACK),
    ("telefon", PHONE),
    ("=kontaktieren", CONTACT),
    ("=chatten", CONTACT),
    ("=schreiben", CONTACT),
    ("durchstellen", CONTACT),
    ("anfordern", CONTACT),
    ("telefonieren", CONTACT),
    ("=helfen", HELP),
    ("=will", WANT),
    ("=mochte", WANT),
    ("=mochten", WANT),
    ("brauche", WANT),
    ("brauchen", WANT),
    ("=hatte", WANT),
    ("=gern", WANT),
    ("=gerne", WANT),
    ("=lieber", WANT),
    ("=bitte", PLEASE),
    ("=gibt", THERE),
    ("=nicht", NOT),
    ("=kein", NOT),
    ("=keine", NOT),
    ("=keinen", NOT),
    ("=nie", NOT),
    ("=ohne", NOT),
    ("=mein", MINE),
    ("=meine", MINE),
    ("=meinen", MINE),
    ("=meinem", MINE),
    ("=meiner", MINE),
    ("=mit", FILLER),
    ("=ein", FILLER),
    ("=eine", FILLER),
    ("=einem", FILLER),
    ("=einen", FILLER),
    ("=einer", FILLER),
    ("=dem", FILLER),
    ("=den", FILLER),
    ("=der", FILLER),
    ("=die", FILLER),
    ("=mich", FILLER | ME),
    ("=bot", BOT),
    ("=roboter", BOT),
    ("maschine", BOT),
    ("=statt", FILLER),
    ("=mir", FILLER),
    ("=ich", FILLER),
    ("=sie", FILLER),
    ("=kann", FILLER),
    ("=an", FILLER),
    ("=zu", FILLER),
    ("=jetzt", FILLER),
    ("=sofort", FILLER),
    ("=hallo", FILLER),
];

const PORTUGUESE: Table = &[
    ("disponivel", REAL),
    ("disponiveis", REAL),
    ("=livre", REAL),
    ("=online", REAL),
    ("=cade", THERE),
    ("=falei", REPORT),
    ("=falou", REPORT),
    ("=conversei", REPORT),
    ("=conversou", REPORT),
    ("=atendeu", REPORT),
    ("=liguei", REPORT),
    ("=ligou", REPORT),
    ("colega", STAFF),
    ("colegas", STAFF),
    ("vendedor", STAFF),
    ("vendedora", STAFF),
    ("=tecnico", STAFF),
    ("especialista", STAFF),
    ("responsavel", STAFF),
    ("conect*", CONTACT),
    ("encaminh*", CONTACT),
    ("=contate", CONTACT | CALLBACK),
    ("=contatem", CALLBACK),
    ("=ajuda", HELP),
    ("=ajudou", REPORT),
    ("=falo", CONTACT),
    ("=esta", FILLER),
    ("=ai", THERE),
    ("=la", THERE),
    ("=responder", HELP),
    ("=responda", HELP),
    ("=atendido", PAST),
    ("=atendida", PAST),
    ("=transferido", PAST),
    ("=transferida", PAST),
    ("=contatado", PAST),
    ("=contatada", PAST),
    ("=que", RELATIVE),
    ("=possa", FILLER),
    ("=pode", FILLER),
    ("=algum", FILLER),
    ("pessoa", PERSON),
    ("pessoas", PERSON),
    ("humano", PERSON | REAL),
    ("humana", PERSON | REAL),
    ("humanos", PERSON | REAL),
    ("atendente", STAFF),
    ("atendentes", STAFF),
    ("agente", STAFF),
    ("operador", STAFF),
    ("operadora", STAFF),
    ("consultor", STAFF),
    ("consultora", STAFF),
    ("gerente", STAFF),
    ("supervisor", STAFF),
    ("supervisora", STAFF),
    ("representante", STAFF),
    ("=chefe", STAFF),
    ("funcionario", STAFF),
    ("funcionaria", STAFF),
    ("alguem", ANYONE),
    ("atendimento", SERVICE),
    ("suporte", SERVICE),
    ("=sac", SERVICE),
    ("=equipe", SERVICE),
    ("=real", REAL),
    ("=verdade", REAL),
    ("=de", LINK | FILLER),
    ("falar", CONTACT),
    ("conversar", CONTACT),
    ("transfer*", CONTACT),
    ("=passa", CONTACT),
    ("=passe", CONTACT),
    ("=passar", CONTACT),
    ("=ligar", CONTACT | CALLBACK),
    ("=ligue", CONTACT | CALLBACK),
    ("=liguem", CALLBACK),
    ("=ligasse", CONTACT | CALLBACK),
    ("telefone", PHONE),
    ("=liga", CONTACT | CALLBACK),
    ("=chamar", CONTACT),
    ("=chama", CONTACT),
    ("contat*", CONTACT),
    ("comunicar", CONTACT),
    ("=atender", CONTACT),
    ("=atenda", CONTACT),
    ("=ajudar", HELP),
    ("=ajude", HELP),
    ("=quero", WANT),
    ("=queria", WANT),
    ("preciso", WANT),
    ("gostaria", WANT),
    ("=desejo", WANT),
    ("prefiro", WANT),
    ("solicito", WANT),
    ("favor", PLEASE),
    ("=pfv", PLEASE),
    ("=tem", THERE),
    ("=ha", THERE),
    ("=nao", NOT),
    ("=nunca", NOT),
    ("=nem", NOT),
    ("=sem", NOT),
    ("=meu", MINE),
    ("=minha", MINE),
    ("=meus", MINE),
    ("=um", FILLER),
    ("=uma", FILLER),
    ("=com", FILLER),
    ("=o", FILLER),
    ("=a", FILLER),
    ("=do", FILLER),
    ("=da", FILLER),
    ("=me", FILLER | ME),
    ("=mim", ME),
    ("=eu", FILLER),
    ("=bot", BOT),
    ("=robo", BOT),
    ("maquina", BOT),
    ("=para", FILLER),
    ("=pra", FILLER),
    ("=agora", FILLER),
    ("=posso", FILLER),
    ("=oi", FILLER),
    ("=ola", FILLER),
];

const LANGUAGES: [Table; 5] = [ENGLISH, SPANISH, FRENCH, GERMAN, PORTUGUESE];

/// Whether the customer asks for a human.
pub fn asks_for_person(text: &str) -> bool {
    static INDEXES: OnceLock<Vec<Index>> = OnceLock::new();
    let indexes = INDEXES
        .get_or_init(|| LANGUAGES.iter().map(|table| Index::new(table.iter().map(|e| e.0), TYPO_FROM)).collect());
    let clauses = clauses(text);
    let per_language: Vec<Vec<Vec<Role>>> = LANGUAGES
        .iter()
        .zip(indexes)
        .map(|(table, index)| {
            clauses.iter().map(|clause| clause.iter().map(|w| role(w, table, index)).collect()).collect()
        })
        .collect();
    // A reported contact is one in any language: "I talked to a real person" is no request even
    // though Spanish reads "person" as "persona" and "real" as "real".
    let reports: Vec<Vec<Role>> = clauses
        .iter()
        .enumerate()
        .map(|(c, clause)| {
            (0..clause.len()).map(|w| per_language.iter().fold(0, |acc, l| acc | (l[c][w] & REPORT))).collect()
        })
        .collect();
    per_language.into_iter().any(|roles| {
        let roles: Vec<Vec<Role>> = roles
            .into_iter()
            .zip(&reports)
            .map(|(clause, report)| join_separable(clause.iter().zip(report).map(|(r, p)| r | p).collect()))
            .collect();
        let roles = join_relatives(roles);
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
        let message = Message { bare, bot: plea && roles.iter().flatten().any(|r| r & BOT != 0), plea_beside: false };
        (0..roles.len()).any(|c| {
            let clause = &roles[c];
            let bare = message.bare || (bot_named && lone(&mut clause.iter()));
            let message = Message { plea_beside: plea_beside(&roles, c), bare, ..message };
            (0..clause.len())
                .any(|i| requested_at(clause, i, message) || called_back_at(clause, i) || callback_wished(clause, i))
        })
    })
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
    let ends_with_person = previous.last().is_some_and(|r| r & (PERSON | STAFF | ANYONE) != 0);
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
    if kind & (PERSON | STAFF | ANYONE | SERVICE) == 0 || (i > 0 && roles[i - 1] & MINE != 0) {
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
    let team = if kind & ANYONE != 0 { after(TEAM_REACH).find(|&j| has(j, SERVICE | STAFF)) } else { None };
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
    let real_next = (i > 0 && has(i - 1, REAL)) || has(i + 1, REAL) || (has(i + 1, LINK) && has(i + 2, REAL));
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
    let contact = before(VERB_BEFORE)
        .chain(i + 1..(last + 1 + VERB_AFTER).min(roles.len()))
        .any(|j| (has(j, verb) || wished_participle(roles, j)) && !negated(roles, j.min(i), j.max(i)));
    if contact {
        return true;
    }
    // "get me someone", "avoir quelqu'un au bout du fil": anyone wished for the customer or on
    // the phone.
    let wish = before(WANT_REACH).find(|&j| has(j, WANT) && !negated(roles, j, i));
    if kind & ANYONE != 0
        && wish.is_some_and(|w| (w + 1..i).any(|j| has(j, ME)) || after(VERB_AFTER).any(|j| has(j, PHONE)))
    {
        return true;
    }
    if !named {
        return false;
    }

    let wanted = wish.is_some() || wished_help(roles, i);
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
    wanted || pleaded || present || plea_first || message.bare || message.bot
}

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
    near_either(roles, i, REPORT_REACH).any(|j| roles[j] & REPORT != 0)
        && !roles[..i].iter().any(|r| r & REPORT == 0 && r & (CONTACT | WANT | PLEASE | CALLBACK) != 0)
}

/// How far a reported contact reaches its person: "the agent I spoke to".
const REPORT_REACH: usize = 4;

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

/// Whether the word at `j` is a contact verb's participle after a wish in the same clause.
fn wished_participle(roles: &[Role], j: usize) -> bool {
    roles[j] & PAST != 0 && (0..j).any(|w| roles[w] & WANT != 0 && !negated(roles, w, w))
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
    // "o atendente falou que ia me ligar" reports a promise.
    let reported = roles[..i].iter().any(|r| r & REPORT != 0);
    me && !reported && !negated(roles, from, i)
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
mod tests {
    use super::*;

    /// The messages not taken as a request for a person.
    fn unheard(messages: &[&'static str]) -> Vec<&'static str> {
        messages.iter().copied().filter(|m| !asks_for_person(m)).collect()
    }

    /// The messages taken as a request for a person.
    fn heard(messages: &[&'static str]) -> Vec<&'static str> {
        messages.iter().copied().filter(|m| asks_for_person(m)).collect()
    }

    #[test]
    fn english_requests() {
        let missed = unheard(&[
            "can I talk to a real person",
            "I want to speak to a human",
            "AGENT",
            "agent please",
            "is there a human I can chat with?",
            "connect me with a customer service representative",
            "Can someone call me back?",
            "I don't want a bot, I want a person",
            "talk to a represenative",
            "i'd like to speak with your manager",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn english_person_words_in_other_senses() {
        let fired = heard(&[
            "someone stole my parcel",
            "the person who ordered was my wife",
            "my agent code doesn't work",
            "is this a human-sized tent",
            "I spoke to someone yesterday",
            "your agent was very helpful, thanks",
            "can I pick it up in person",
            "I don't want to talk to a person, just tell me the price",
            "please delete my personal data",
            "was it human error?",
        ]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn spanish() {
        let missed = unheard(&[
            "quiero hablar con una persona",
            "agente humano",
            "¿Puedo hablar con un agente?",
            "pásame con un operador por favor",
            "QUIERO HABLAR CON UN HUMANO",
            "quisiera habalr con un agente",
            "me puede llamar alguien?",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&[
            "alguien robó mi paquete",
            "la persona que hizo el pedido fue mi hermano",
            "mi código de agente no funciona",
            "¿la tienda es para 4 personas?",
            "hablé con alguien ayer",
            "voy a hablar con mi abogado",
        ]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn french() {
        let missed = unheard(&[
            "je veux parler à quelqu'un",
            "je voudrais parler à un conseiller",
            "est-ce que je peux parler à une vraie personne ?",
            "un humain svp",
            "est-ce que quelqu'un peut m'aider",
            "je veux parler a une persone",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&[
            "quelqu'un a volé mon colis",
            "la personne qui a commandé est ma femme",
            "j'ai parlé à quelqu'un hier",
            "service nul, personne ne répond",
            "je veux récupérer mon argent",
        ]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn german() {
        let missed = unheard(&[
            "ich möchte mit einem Mitarbeiter sprechen",
            "Kann ich mit einem Menschen reden?",
            "bitte verbinden Sie mich mit einem Kundenberater",
            "Mitarbeiter bitte",
            "kann mich jemand zurückrufen?",
            "mit einem Mitarbieter sprechen",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&[
            "jemand hat mein Paket gestohlen",
            "die Person, die bestellt hat, ist mein Mann",
            "ich habe gestern mit jemandem gesprochen",
            "ist das Zelt für 4 Personen?",
            "mein Agentencode funktioniert nicht",
        ]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn portuguese() {
        let missed = unheard(&[
            "quero falar com um atendente",
            "posso falar com uma pessoa de verdade?",
            "atendente humano por favor",
            "alguém pode me ligar?",
            "quero falar com um atendetne",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&[
            "alguém roubou minha encomenda",
            "falei com alguém ontem",
            "o atendente de ontem foi ótimo",
            "qual o horário de atendimento",
            "a barraca é para quantas pessoas?",
        ]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn asking_to_be_called_back_needs_no_person_word() {
        let missed = unheard(&[
            "call me back please",
            "llámenme por teléfono",
            "appelez-moi s'il vous plaît",
            "rufen Sie mich bitte an",
            "me liga por favor",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&["please don't call me", "me llamo Juan", "you called me yesterday", "can I call you?"]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn a_person_instead_of_the_bot() {
        let missed = unheard(&["Mensch statt Bot bitte", "no bot, a person", "pas un robot, une personne"]);
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn is_there_asks_only_for_humans() {
        assert!(asks_for_person("is there a human?"));
        assert!(asks_for_person("¿hay algún humano?"));
        assert!(!asks_for_person("is there an agent pickup point near me?"));
        assert!(!asks_for_person("is there a person limit for the tent?"));
    }

    #[test]
    fn clauses_split_on_punctuation_and_elisions() {
        assert_eq!(
            clauses("Someone stole it. Can we talk?"),
            vec![vec!["someone", "stole", "it"], vec!["can", "we", "talk"]]
        );
        assert_eq!(clauses("l'agent m'aidera"), vec![vec!["l", "agent", "m", "aidera"]]);
        assert_eq!(clauses("don't, quelqu'un"), vec![vec!["dont"], vec!["quelquun"]]);
    }

    #[test]
    fn someone_of_the_team_is_staff() {
        let missed = unheard(&[
            "anyone on your team free to help me?",
            "gibt es jemanden vom Kundendienst?",
            "alguém do suporte consegue me ajudar agora?",
            "alguien del soporte que me conteste por favor",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&["someone from support emailed me", "el equipo de soporte me dijo que esperara"]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn a_reported_contact_is_no_request() {
        let fired = heard(&[
            "I talked to a real person last week and they were great",
            "a live agent helped me last time",
            "alguien me ayudó ayer en la tienda",
            "o atendente falou que ia me ligar",
            "der Mitarbeiter hat mich gestern zurückgerufen",
        ]);
        assert!(fired.is_empty(), "{fired:?}");
        assert!(asks_for_person("can I speak to the agent I talked to yesterday"));
    }

    #[test]
    fn staff_asked_after_by_itself() {
        let missed = unheard(&["is there an agent?", "cadê o atendente?", "gibt es einen Ansprechpartner für mich?"]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&["gibt es einen Mitarbeiterrabatt?", "tem desconto para funcionários?"]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn colleagues_and_more_staff_words() {
        let missed = unheard(&[
            "könnten Sie mich mit einer Kollegin verbinden",
            "me passa pra uma colega",
            "vous pouvez me transférer à un collègue ?",
            "est-ce qu'un conseiller est disponible ?",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        let fired = heard(&["my colleague ordered the same jacket", "mon collègue veut commander aussi"]);
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn callbacks_help_and_separable_verbs() {
        let missed = unheard(&[
            "I'd like a callback",
            "Ich bitte um Rückruf",
            "je voudrais un rappel",
            "I require assistance from a member of staff",
            "ich brauche Hilfe von einem Mitarbeiter",
            "leiten Sie mich an einen Kollegen weiter",
            "stell mich zu einem Mitarbeiter durch",
        ]);
        assert!(missed.is_empty(), "{missed:?}");
        assert!(!asks_for_person("die Zahlung ist durch"));
    }

    #[test]
    fn a_plea_or_a_bot_in_the_next_clause() {
        let missed = unheard(&["s'il vous plaît, un conseiller qui peut m'aider", "i'm done with this bot. human now"]);
        assert!(missed.is_empty(), "{missed:?}");
        assert!(!asks_for_person("please, the person who ordered is my wife"));
    }
}

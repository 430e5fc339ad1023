//! The protocol frames the widget exchanges, read and written without serde (see `json`).
//! The tests check every shape against the shared crate's serde encoding, so the two cannot
//! drift apart unnoticed.

use baton_shared::{
    AgentInfo, Author, AuthorKind, ClientFrame, ClientFrameType, ConversationView, ErrorCode, Event, EventBody,
    EventBodyType, Mode, ModeReason, Role, ServerFrame, ServerFrameType, SiteInfo, StartResponse,
};

use crate::json::{Json, parse, write_str};

/// What one socket message carried.
#[derive(Debug, Default, PartialEq)]
pub struct Incoming {
    /// `None` when there is nothing to apply: the frame was unreadable, or is for agents.
    pub frame: Option<ServerFrame>,
    /// The highest seq of a transcript event the widget cannot read (a newer server's event
    /// type, say). It still counts as seen (`Transcript::receive`), so a reconnect does not ask
    /// for it again and again; only the highest matters for that.
    pub skipped: Option<u64>,
    /// Something in it could not be read (the frame, or an event in it): the caller reports the
    /// raw frame to the browser console, so nothing is dropped silently.
    pub unreadable: bool,
}

/// Reads a frame from the conversation. Every name comes from the shared enums, and each
/// tag is matched exhaustively, so a new one does not compile until the widget handles it.
pub fn decode_server_frame(raw: &str) -> Incoming {
    let mut incoming = Incoming::default();
    match parse(raw).and_then(|v| server_frame(&v, &mut incoming)) {
        Some(frame) => incoming.frame = frame,
        None => {
            // Nothing of it is applied, so none of its events counts as seen either.
            incoming.skipped = None;
            incoming.unreadable = true;
        }
    }
    incoming
}

/// `None` for an unreadable frame; `Some(None)` for one with nothing to apply: a frame meant
/// for agents, or an event the widget cannot read (noted in `incoming`).
fn server_frame(v: &Json, incoming: &mut Incoming) -> Option<Option<ServerFrame>> {
    Some(Some(match ServerFrameType::parse(&v.str("type")?)? {
        ServerFrameType::Welcome => ServerFrame::Welcome {
            conversation_id: v.str("conversation_id")?,
            // The widget is always the customer; the role is only informative.
            role: Role::parse(&v.str("role")?).unwrap_or(Role::Customer),
            state: view(v.get("state")?)?,
            // One unreadable event must not cost the customer the whole history.
            events: v.arr("events")?.iter().filter_map(|e| event(e, incoming)).collect(),
            bot_name: v.str("bot_name").unwrap_or_default(),
            insight: None,
            // The widget shows the newest events; older ones stay on the server.
            earlier: false,
        },
        ServerFrameType::Event => match event(v.get("event")?, incoming) {
            Some(event) => ServerFrame::Event { event },
            None => return Some(None),
        },
        ServerFrameType::Ack => ServerFrame::Ack { client_id: v.str("client_id")?, seq: v.u64("seq")? },
        ServerFrameType::Typing => ServerFrame::Typing { author: author(v.get("author")?)?, on: v.bool("on")? },
        // A code newer than this widget reads as internal ("something went wrong").
        ServerFrameType::Error => ServerFrame::Error {
            code: worded_code(&v.str("code")?),
            message: v.str("message").unwrap_or_default(),
            client_id: v.str("client_id"),
            retry_after_ms: v.u64("retry_after_ms"),
        },
        ServerFrameType::QueuePlace => ServerFrame::QueuePlace {
            position: u32::try_from(v.u64("position")?).ok()?,
            estimate_s: v.u64("estimate_s").and_then(|s| u32::try_from(s).ok()),
        },
        ServerFrameType::Pong => ServerFrame::Pong,
        // Agents only; a customer socket never receives them.
        ServerFrameType::Insight | ServerFrameType::ComplianceWarning => return Some(None),
    }))
}

/// The codes the widget words for the customer (`transcript::friendly_error`); named by the shared
/// list at compile time, so only their names ship. Every other code reads as internal.
const WORDED_CODES: [(&str, ErrorCode); 7] = [
    (ErrorCode::InvalidEmail.as_str(), ErrorCode::InvalidEmail),
    (ErrorCode::RateLimited.as_str(), ErrorCode::RateLimited),
    (ErrorCode::TextTooLong.as_str(), ErrorCode::TextTooLong),
    (ErrorCode::FrameTooLarge.as_str(), ErrorCode::FrameTooLarge),
    (ErrorCode::EmptyText.as_str(), ErrorCode::EmptyText),
    (ErrorCode::ConversationClosed.as_str(), ErrorCode::ConversationClosed),
    (ErrorCode::InvalidRating.as_str(), ErrorCode::InvalidRating),
];

fn worded_code(name: &str) -> ErrorCode {
    WORDED_CODES.iter().find(|(n, _)| *n == name).map_or(ErrorCode::Internal, |(_, code)| *code)
}

/// The widget's catalogue: a JSON list of strings in `i18n::Text` order. Anything else in it
/// reads as empty, so the keys after it keep their places.
pub fn decode_texts(raw: &str) -> Vec<String> {
    match parse(raw) {
        Some(Json::Arr(items)) => {
            items.into_iter().map(|item| if let Json::Str(s) = item { s } else { String::new() }).collect()
        }
        _ => Vec::new(),
    }
}

pub fn decode_start_response(raw: &str) -> Option<StartResponse> {
    let v = parse(raw)?;
    let site = v.get("site")?;
    Some(StartResponse {
        conversation_id: v.str("conversation_id")?,
        token: v.str("token")?,
        resumed: v.bool("resumed").unwrap_or(false),
        site: SiteInfo {
            id: site.str("id").unwrap_or_default(),
            name: site.str("name").unwrap_or_default(),
            bot_name: site.str("bot_name").unwrap_or_default(),
            greeting: site.str("greeting").unwrap_or_default(),
            bot_avatar: site.str("bot_avatar"),
        },
    })
}

fn view(v: &Json) -> Option<ConversationView> {
    Some(ConversationView {
        mode: Mode::parse(&v.str("mode")?)?,
        epoch: v.u64("epoch")?,
        holder: v.get("holder").and_then(agent),
        last_seq: v.u64("last_seq")?,
    })
}

/// A transcript event, or `None` after noting in `incoming` that it was skipped.
fn event(v: &Json, incoming: &mut Incoming) -> Option<Event> {
    let read = read_event(v);
    if read.is_none() {
        incoming.skipped = incoming.skipped.max(v.u64("seq"));
        incoming.unreadable = true;
    }
    read
}

/// Bot metadata (confidence, article) is for agents; the widget reads it as absent.
fn read_event(v: &Json) -> Option<Event> {
    let b = v.get("body")?;
    let body = match EventBodyType::parse(&b.str("type")?)? {
        EventBodyType::Text => EventBody::Text { text: b.str("text")?, bot: None },
        EventBodyType::Note => EventBody::Note { text: b.str("text")? },
        EventBodyType::Mode => EventBody::Mode {
            mode: Mode::parse(&b.str("mode")?)?,
            holder: b.get("holder").and_then(agent),
            reason: ModeReason::parse(&b.str("reason")?)?,
        },
        EventBodyType::Rating => EventBody::Rating { score: u8::try_from(b.u64("score")?).ok()? },
        EventBodyType::NoAgent => EventBody::NoAgent { text: b.str("text")? },
        EventBodyType::OfflineMessage => EventBody::OfflineMessage { email: b.str("email")?, text: b.str("text")? },
    };
    Some(Event {
        seq: v.u64("seq")?,
        ts: v.u64("ts").unwrap_or(0),
        epoch: v.u64("epoch").unwrap_or(0),
        author: author(v.get("author")?)?,
        body,
        client_id: v.str("client_id"),
    })
}

fn author(v: &Json) -> Option<Author> {
    Some(match AuthorKind::parse(&v.str("kind")?)? {
        AuthorKind::Customer => Author::Customer,
        AuthorKind::Bot => Author::Bot,
        AuthorKind::System => Author::System,
        AuthorKind::Agent => Author::Agent(agent(v)?),
    })
}

fn agent(v: &Json) -> Option<AgentInfo> {
    Some(AgentInfo { id: v.str("id")?, name: v.str("name")?, avatar: v.str("avatar") })
}

pub fn encode_client_frame(frame: &ClientFrame) -> String {
    let mut out = String::from("{\"type\":");
    write_str(&mut out, ClientFrameType::of(frame).as_str());
    let (client_id, text) = match frame {
        ClientFrame::Send { client_id, text, .. } | ClientFrame::Note { client_id, text } => {
            (Some(client_id), Some(text))
        }
        ClientFrame::RequestHuman { client_id }
        | ClientFrame::Rate { client_id, .. }
        | ClientFrame::End { client_id }
        | ClientFrame::KeepChatting { client_id } => (Some(client_id), None),
        ClientFrame::LeaveMessage { client_id, text, .. } => (Some(client_id), Some(text)),
        // Agents only: the widget never sends it.
        ClientFrame::Resolve { .. }
        | ClientFrame::Hello { .. }
        | ClientFrame::Typing { .. }
        | ClientFrame::TakeOver
        | ClientFrame::HandBack
        | ClientFrame::Ping => (None, None),
    };
    if let Some(id) = client_id {
        out.push_str(",\"client_id\":");
        write_str(&mut out, id);
    }
    if let Some(text) = text {
        out.push_str(",\"text\":");
        write_str(&mut out, text);
    }
    match frame {
        ClientFrame::Hello { protocol, last_seq } => {
            out.push_str(&format!(",\"protocol\":{protocol},\"last_seq\":{last_seq}"));
        }
        ClientFrame::Typing { on } => out.push_str(if *on { ",\"on\":true" } else { ",\"on\":false" }),
        ClientFrame::Rate { score, .. } => out.push_str(&format!(",\"score\":{score}")),
        ClientFrame::LeaveMessage { email, .. } => {
            out.push_str(",\"email\":");
            write_str(&mut out, email);
        }
        _ => {}
    }
    out.push('}');
    out
}

/// The start request: the token, and the loader's visitor (JSON it built with `JSON.stringify`,
/// the page the chat starts on included); anything but an object is sent as `{}`.
pub fn encode_start_request(token: Option<&str>, visitor: &str) -> String {
    let mut out = String::from("{");
    if let Some(token) = token {
        out.push_str("\"token\":");
        write_str(&mut out, token);
        out.push(',');
    }
    out.push_str("\"visitor\":");
    let visitor = visitor.trim();
    out.push_str(if visitor.starts_with('{') { visitor } else { "{}" });
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::{BotMeta, encode};
    use baton_shared::{StartRequest, VisitorInfo};

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana \"D\" Rivera".into(), avatar: Some("https://x.test/a.png".into()) }
    }

    fn events() -> Vec<Event> {
        let ev = |seq, author, body| Event {
            seq,
            ts: 1_700_000_000_000 + seq,
            epoch: seq / 2,
            author,
            body,
            client_id: None,
        };
        let mut customer = ev(1, Author::Customer, EventBody::Text { text: "hi <b>\n😀".into(), bot: None });
        customer.client_id = Some("c-1".into());
        vec![
            customer,
            ev(2, Author::Bot, EventBody::Text { text: "hello".into(), bot: None }),
            ev(
                3,
                Author::Customer,
                EventBody::Mode { mode: Mode::Queued, holder: None, reason: ModeReason::CustomerAsked },
            ),
            ev(4, Author::Bot, EventBody::Mode { mode: Mode::Queued, holder: None, reason: ModeReason::BotEscalated }),
            ev(
                5,
                Author::Agent(dana()),
                EventBody::Mode { mode: Mode::Human, holder: Some(dana()), reason: ModeReason::AgentTookOver },
            ),
            ev(6, Author::Agent(dana()), EventBody::Note { text: "vip".into() }),
            ev(
                7,
                Author::Agent(dana()),
                EventBody::Mode { mode: Mode::Bot, holder: None, reason: ModeReason::HandedBack },
            ),
            ev(8, Author::Customer, EventBody::Rating { score: 4 }),
            ev(9, Author::System, EventBody::Mode { mode: Mode::Closed, holder: None, reason: ModeReason::Closed }),
        ]
    }

    #[test]
    fn server_frames_decode_as_serde_encodes_them() {
        let frames = vec![
            ServerFrame::Welcome {
                conversation_id: "conv-1".into(),
                role: Role::Customer,
                state: ConversationView { mode: Mode::Human, epoch: 3, holder: Some(dana()), last_seq: 9 },
                events: events(),
                bot_name: "Baton Assistant".into(),
                insight: None,
                earlier: false,
            },
            ServerFrame::Event { event: events().remove(4) },
            ServerFrame::Ack { client_id: "c-1".into(), seq: 42 },
            ServerFrame::Typing { author: Author::Agent(AgentInfo { avatar: None, ..dana() }), on: true },
            ServerFrame::Typing { author: Author::Bot, on: false },
            ServerFrame::Error {
                code: ErrorCode::RateLimited,
                message: "slow".into(),
                client_id: Some("c-2".into()),
                retry_after_ms: Some(1_200),
            },
            ServerFrame::Error {
                code: ErrorCode::TextTooLong,
                message: "long".into(),
                client_id: None,
                retry_after_ms: None,
            },
            ServerFrame::Pong,
        ];
        for frame in frames {
            let raw = encode(&frame);
            assert_eq!(decoded(&raw), Some(frame), "{raw}");
        }
    }

    /// The frame read from `raw`, which must have been read without complaint.
    fn decoded(raw: &str) -> Option<ServerFrame> {
        let incoming = decode_server_frame(raw);
        assert_eq!((incoming.skipped, incoming.unreadable), (None, false), "{raw}");
        incoming.frame
    }

    #[test]
    fn bot_meta_is_skipped_and_unknown_codes_read_as_internal() {
        let mut event = events().remove(1);
        event.body = EventBody::Text {
            text: "x".into(),
            bot: Some(BotMeta { confidence: 0.75, article_id: Some("k1".into()), article_title: None }),
        };
        let decoded_event = decoded(&encode(&ServerFrame::Event { event: event.clone() }));
        event.body = EventBody::Text { text: "x".into(), bot: None };
        assert_eq!(decoded_event, Some(ServerFrame::Event { event }));
        let raw = r#"{"type":"error","code":"newer_than_this_widget","message":"m"}"#;
        assert!(matches!(decoded(raw), Some(ServerFrame::Error { code: ErrorCode::Internal, .. })));
    }

    // The shared enums' names, checked against serde here too, and every one read by the
    // codec. The samples match on the tag enums, so a new tag does not compile until it is
    // added here, and then fails these tests until the codec reads it.

    /// Checks `$ty::ALL` against serde: each name is serde's and parses back.
    macro_rules! assert_names_match_serde {
        ($ty:ty) => {
            for &v in <$ty>::ALL {
                assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{}\"", v.as_str()), "{v:?}");
                assert_eq!(<$ty>::parse(v.as_str()), Some(v));
            }
        };
    }

    /// The `tag` field serde writes for `value`.
    fn serde_tag(json: &str, tag: &str) -> String {
        serde_json::from_str::<serde_json::Value>(json).unwrap()[tag].as_str().unwrap().to_string()
    }

    fn sample_author(kind: AuthorKind) -> Author {
        match kind {
            AuthorKind::Customer => Author::Customer,
            AuthorKind::Bot => Author::Bot,
            AuthorKind::Agent => Author::Agent(dana()),
            AuthorKind::System => Author::System,
        }
    }

    fn sample_body(ty: EventBodyType) -> EventBody {
        match ty {
            EventBodyType::Text => EventBody::Text { text: "t".into(), bot: None },
            EventBodyType::Note => EventBody::Note { text: "n".into() },
            EventBodyType::Mode => {
                EventBody::Mode { mode: Mode::Human, holder: Some(dana()), reason: ModeReason::AgentTookOver }
            }
            EventBodyType::Rating => EventBody::Rating { score: 3 },
            EventBodyType::NoAgent => EventBody::NoAgent { text: "Nobody".into() },
            EventBodyType::OfflineMessage => EventBody::OfflineMessage { email: "a@b.test".into(), text: "x".into() },
        }
    }

    fn event_frame(author: Author, body: EventBody) -> ServerFrame {
        ServerFrame::Event { event: Event { seq: 4, ts: 5, epoch: 1, author, body, client_id: Some("c".into()) } }
    }

    /// What the codec must read, or `None` for frames a customer socket never receives.
    fn sample_server_frame(ty: ServerFrameType) -> Option<ServerFrame> {
        Some(match ty {
            ServerFrameType::Welcome => ServerFrame::Welcome {
                conversation_id: "c".into(),
                role: Role::Customer,
                state: ConversationView { mode: Mode::Bot, epoch: 0, holder: None, last_seq: 9 },
                events: events(),
                bot_name: "B".into(),
                insight: None,
                earlier: false,
            },
            ServerFrameType::Event => event_frame(Author::Bot, sample_body(EventBodyType::Text)),
            ServerFrameType::Ack => ServerFrame::Ack { client_id: "c".into(), seq: 1 },
            ServerFrameType::Typing => ServerFrame::Typing { author: Author::Bot, on: true },
            ServerFrameType::Error => ServerFrame::Error {
                code: ErrorCode::RateLimited,
                message: "m".into(),
                client_id: None,
                retry_after_ms: None,
            },
            ServerFrameType::QueuePlace => ServerFrame::QueuePlace { position: 2, estimate_s: None },
            ServerFrameType::Pong => ServerFrame::Pong,
            ServerFrameType::Insight | ServerFrameType::ComplianceWarning => return None,
        })
    }

    fn sample_client_frame(ty: ClientFrameType) -> ClientFrame {
        match ty {
            ClientFrameType::Hello => ClientFrame::Hello { protocol: 1, last_seq: 77 },
            ClientFrameType::Send => ClientFrame::send("c-1", "a \"quote\"\n<b>😀\u{1}"),
            ClientFrameType::Note => ClientFrame::Note { client_id: "n".into(), text: "t".into() },
            ClientFrameType::Typing => ClientFrame::Typing { on: true },
            ClientFrameType::RequestHuman => ClientFrame::RequestHuman { client_id: "r".into() },
            ClientFrameType::TakeOver => ClientFrame::TakeOver,
            ClientFrameType::HandBack => ClientFrame::HandBack,
            ClientFrameType::Rate => ClientFrame::Rate { client_id: "s".into(), score: 5 },
            ClientFrameType::End => ClientFrame::End { client_id: "e".into() },
            ClientFrameType::KeepChatting => ClientFrame::KeepChatting { client_id: "k".into() },
            ClientFrameType::LeaveMessage => ClientFrame::LeaveMessage {
                client_id: "l".into(),
                email: "a@b.test".into(),
                text: "call \"me\"".into(),
            },
            // The widget never sends one, nor a note with it.
            ClientFrameType::Resolve => ClientFrame::Resolve { note: None },
            ClientFrameType::Ping => ClientFrame::Ping,
        }
    }

    #[test]
    fn fieldless_names_match_serde() {
        assert_names_match_serde!(Mode);
        assert_names_match_serde!(ModeReason);
        assert_names_match_serde!(Role);
        assert_names_match_serde!(ErrorCode);
    }

    #[test]
    fn every_server_frame_type_is_read() {
        for &ty in ServerFrameType::ALL {
            match sample_server_frame(ty) {
                Some(frame) => {
                    let raw = encode(&frame);
                    assert_eq!(serde_tag(&raw, "type"), ty.as_str());
                    assert_eq!(decoded(&raw), Some(frame), "{raw}");
                }
                None => {
                    let raw = format!(r#"{{"type":"{}"}}"#, ty.as_str());
                    assert_eq!(decode_server_frame(&raw), Incoming::default(), "{ty:?} is ignored on purpose");
                }
            }
        }
    }

    #[test]
    fn every_author_kind_body_type_mode_and_reason_is_read() {
        for &kind in AuthorKind::ALL {
            let frame = ServerFrame::Typing { author: sample_author(kind), on: true };
            let raw = encode(&frame);
            assert_eq!(serde_json::from_str::<serde_json::Value>(&raw).unwrap()["author"]["kind"], kind.as_str());
            assert_eq!(decoded(&raw), Some(frame));
        }
        for &ty in EventBodyType::ALL {
            let frame = event_frame(Author::Customer, sample_body(ty));
            let raw = encode(&frame);
            assert_eq!(serde_json::from_str::<serde_json::Value>(&raw).unwrap()["event"]["body"]["type"], ty.as_str());
            assert_eq!(decoded(&raw), Some(frame));
        }
        for &mode in Mode::ALL {
            for &reason in ModeReason::ALL {
                let frame = event_frame(Author::System, EventBody::Mode { mode, holder: None, reason });
                assert_eq!(decoded(&encode(&frame)), Some(frame));
            }
            let mut welcome = sample_server_frame(ServerFrameType::Welcome).unwrap();
            if let ServerFrame::Welcome { state, .. } = &mut welcome {
                state.mode = mode;
            }
            assert_eq!(decoded(&encode(&welcome)), Some(welcome));
        }
    }

    #[test]
    fn every_role_and_the_error_codes_the_widget_words_are_read() {
        for &role in Role::ALL {
            let mut welcome = sample_server_frame(ServerFrameType::Welcome).unwrap();
            if let ServerFrame::Welcome { role: r, .. } = &mut welcome {
                *r = role;
            }
            assert_eq!(decoded(&encode(&welcome)), Some(welcome));
        }
        for &code in ErrorCode::ALL {
            let frame =
                ServerFrame::Error { code, message: "m".into(), client_id: Some("c".into()), retry_after_ms: Some(5) };
            // The codes the widget words arrive as themselves; the rest as internal.
            let worded = WORDED_CODES.iter().any(|(_, c)| *c == code);
            let expected = ServerFrame::Error {
                code: if worded { code } else { ErrorCode::Internal },
                message: "m".into(),
                client_id: Some("c".into()),
                retry_after_ms: Some(5),
            };
            assert_eq!(decoded(&encode(&frame)), Some(expected));
        }
        // Each code the widget words has its own sentence, not the internal one.
        for (_, code) in WORDED_CODES {
            let english = baton_shared::i18n::Texts(baton_shared::i18n::Locale::En.catalogue());
            let words = |code| crate::transcript::friendly_error(english, code);
            assert_ne!(words(code), words(ErrorCode::Internal));
        }
    }

    #[test]
    fn an_unreadable_event_is_skipped_but_counted_and_reported() {
        let raw = r#"{"type":"event","event":{"seq":12,"ts":1,"epoch":0,"author":{"kind":"bot"},"body":{"type":"poll","options":[]}}}"#;
        let incoming = decode_server_frame(raw);
        assert_eq!((&incoming.frame, incoming.skipped), (&None, Some(12)));
        assert!(incoming.unreadable);
        let mut t = crate::transcript::Transcript::default();
        t.set_conversation("conv-1");
        t.receive(incoming);
        assert_eq!(t.last_seq(), 12, "the next hello does not ask for it again");

        // Inside a welcome, the readable events are kept and the unreadable ones counted.
        let mut welcome = encode(&sample_server_frame(ServerFrameType::Welcome).unwrap());
        welcome = welcome.replacen(r#""kind":"customer""#, r#""kind":"robot""#, 1);
        let incoming = decode_server_frame(&welcome);
        assert_eq!(incoming.skipped, Some(1));
        assert!(incoming.unreadable);
        let Some(ServerFrame::Welcome { events: read, .. }) = &incoming.frame else { panic!("{incoming:?}") };
        assert_eq!(read, &events()[1..]);
        t.receive(incoming);
        assert_eq!(t.last_seq(), 9);

        // An event without a seq cannot be counted, but is still reported.
        let incoming = decode_server_frame(r#"{"type":"event","event":{"body":{"type":"text","text":"x"}}}"#);
        assert_eq!((&incoming.frame, incoming.skipped), (&None, None));
        assert!(incoming.unreadable);
    }

    #[test]
    fn junk_is_ignored_and_reported() {
        for raw in [
            "",
            "null",
            "{}",
            r#"{"type":"bogus"}"#,
            r#"{"type":"ack","client_id":"x"}"#,
            r#"{"type":"ack","client_id":"x","seq":-1}"#,
            r#"{"type":"event"}"#,
        ] {
            let incoming = decode_server_frame(raw);
            assert_eq!((incoming.frame, incoming.skipped), (None, None), "{raw}");
            assert!(incoming.unreadable, "{raw}");
        }
    }

    #[test]
    fn client_frames_encode_as_serde_does() {
        let extra = [ClientFrame::Typing { on: false }];
        for frame in ClientFrameType::ALL.iter().map(|&ty| sample_client_frame(ty)).chain(extra) {
            let ours = encode_client_frame(&frame);
            assert_eq!(serde_tag(&ours, "type"), ClientFrameType::of(&frame).as_str());
            assert_eq!(baton_shared::decode_client_frame(&ours).unwrap(), frame, "{ours}");
        }
    }

    #[test]
    fn start_bodies_round_trip() {
        let loader = r#"{"locale":"de-DE","name":"Ana \"A\"","attributes":{"plan":"vip","id":"42"},"page":"https://shop.test/p"}"#;
        let cases = [
            (None, "{}", VisitorInfo::default()),
            (None, "", VisitorInfo::default()),
            (None, "undefined", VisitorInfo::default()),
            (
                Some("t.k\"n"),
                r#"{"locale":"de-DE","attributes":{}}"#,
                VisitorInfo { locale: Some("de-DE".into()), ..VisitorInfo::default() },
            ),
            (
                None,
                loader,
                VisitorInfo {
                    name: Some("Ana \"A\"".into()),
                    locale: Some("de-DE".into()),
                    attributes: [("plan".to_string(), "vip".to_string()), ("id".into(), "42".into())].into(),
                    page: Some("https://shop.test/p".into()),
                    ..VisitorInfo::default()
                },
            ),
        ];
        for (token, visitor, expected) in cases {
            let ours = encode_start_request(token, visitor);
            let request = serde_json::from_str::<StartRequest>(&ours).unwrap_or_else(|e| panic!("{ours}: {e}"));
            assert_eq!(request, StartRequest { token: token.map(str::to_string), visitor: expected });
        }
        let response = StartResponse {
            conversation_id: "c".into(),
            token: "tok".into(),
            resumed: true,
            site: SiteInfo {
                id: "demo".into(),
                name: "Northwind".into(),
                bot_name: "Baton Assistant".into(),
                greeting: "Hi!".into(),
                bot_avatar: Some("https://cdn.example.com/bot.png".into()),
            },
        };
        assert_eq!(decode_start_response(&encode(&response)), Some(response));
        assert_eq!(decode_start_response(r#"{"code":"not_found","message":"x"}"#), None);
    }
}

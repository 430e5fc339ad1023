//! The protocol frames the widget exchanges, read and written without serde (see `json`).
//! The tests check every shape against the shared crate's serde encoding, so the two cannot
//! drift apart unnoticed.

use baton_shared::{
    AgentInfo, Author, ClientFrame, ConversationView, ErrorCode, Event, EventBody, Mode, ModeReason, Role, ServerFrame,
    SiteInfo, StartRequest, StartResponse, VisitorInfo,
};

use crate::json::{Json, parse, write_str};

/// A frame from the conversation; `None` for anything malformed or unknown (ignored).
pub fn decode_server_frame(raw: &str) -> Option<ServerFrame> {
    let v = parse(raw)?;
    Some(match v.str("type")?.as_str() {
        "welcome" => ServerFrame::Welcome {
            conversation_id: v.str("conversation_id")?,
            role: match v.str("role")?.as_str() {
                "agent" => Role::Agent,
                _ => Role::Customer,
            },
            state: view(v.get("state")?)?,
            // One unreadable event must not cost the customer the whole history.
            events: v.arr("events")?.iter().filter_map(event).collect(),
            bot_name: v.str("bot_name").unwrap_or_default(),
            insight: None,
        },
        "event" => ServerFrame::Event { event: event(v.get("event")?)? },
        "ack" => ServerFrame::Ack { client_id: v.str("client_id")?, seq: v.u64("seq")? },
        "typing" => ServerFrame::Typing { author: author(v.get("author")?)?, on: v.bool("on")? },
        "error" => ServerFrame::Error {
            code: error_code(&v.str("code")?),
            message: v.str("message").unwrap_or_default(),
            client_id: v.str("client_id"),
            retry_after_ms: v.u64("retry_after_ms"),
        },
        "pong" => ServerFrame::Pong,
        _ => return None,
    })
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

/// Bot metadata (confidence, article) is for agents; the widget reads it as absent.
fn event(v: &Json) -> Option<Event> {
    let b = v.get("body")?;
    let body = match b.str("type")?.as_str() {
        "text" => EventBody::Text { text: b.str("text")?, bot: None },
        "note" => EventBody::Note { text: b.str("text")? },
        "mode" => EventBody::Mode {
            mode: Mode::parse(&b.str("mode")?)?,
            holder: b.get("holder").and_then(agent),
            reason: match b.str("reason")?.as_str() {
                "customer_asked" => ModeReason::CustomerAsked,
                "bot_escalated" => ModeReason::BotEscalated,
                "agent_took_over" => ModeReason::AgentTookOver,
                "handed_back" => ModeReason::HandedBack,
                "closed" => ModeReason::Closed,
                _ => return None,
            },
        },
        "rating" => EventBody::Rating { score: u8::try_from(b.u64("score")?).ok()? },
        _ => return None,
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
    Some(match v.str("kind")?.as_str() {
        "customer" => Author::Customer,
        "bot" => Author::Bot,
        "system" => Author::System,
        "agent" => Author::Agent(agent(v)?),
        _ => return None,
    })
}

fn agent(v: &Json) -> Option<AgentInfo> {
    Some(AgentInfo { id: v.str("id")?, name: v.str("name")?, avatar: v.str("avatar") })
}

/// Codes the widget words for the customer are told apart; every other one reads as internal.
fn error_code(code: &str) -> ErrorCode {
    match code {
        "rate_limited" => ErrorCode::RateLimited,
        "text_too_long" => ErrorCode::TextTooLong,
        "frame_too_large" => ErrorCode::FrameTooLarge,
        "empty_text" => ErrorCode::EmptyText,
        "conversation_closed" => ErrorCode::ConversationClosed,
        "invalid_rating" => ErrorCode::InvalidRating,
        _ => ErrorCode::Internal,
    }
}

pub fn encode_client_frame(frame: &ClientFrame) -> String {
    let mut out = String::from("{\"type\":");
    let (ty, client_id, text) = match frame {
        ClientFrame::Hello { .. } => ("hello", None, None),
        ClientFrame::Send { client_id, text, .. } => ("send", Some(client_id), Some(text)),
        ClientFrame::Note { client_id, text } => ("note", Some(client_id), Some(text)),
        ClientFrame::Typing { .. } => ("typing", None, None),
        ClientFrame::RequestHuman { client_id } => ("request_human", Some(client_id), None),
        ClientFrame::TakeOver => ("take_over", None, None),
        ClientFrame::HandBack => ("hand_back", None, None),
        ClientFrame::Rate { client_id, .. } => ("rate", Some(client_id), None),
        ClientFrame::Ping => ("ping", None, None),
    };
    write_str(&mut out, ty);
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
        _ => {}
    }
    out.push('}');
    out
}

pub fn encode_start_request(request: &StartRequest) -> String {
    let mut out = String::from("{");
    if let Some(token) = &request.token {
        out.push_str("\"token\":");
        write_str(&mut out, token);
        out.push(',');
    }
    out.push_str("\"visitor\":{");
    let v = &request.visitor;
    let fields = [("name", &v.name), ("email", &v.email), ("page", &v.page), ("locale", &v.locale)];
    let mut first = true;
    for (key, value) in fields.iter().filter_map(|(k, v)| Some((*k, v.as_ref()?))) {
        write_entry(&mut out, &mut first, key, value);
    }
    if !v.attributes.is_empty() {
        if !first {
            out.push(',');
        }
        out.push_str("\"attributes\":{");
        let mut first = true;
        for (key, value) in &v.attributes {
            write_entry(&mut out, &mut first, key, value);
        }
        out.push('}');
    }
    out.push_str("}}");
    out
}

fn write_entry(out: &mut String, first: &mut bool, key: &str, value: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    write_str(out, key);
    out.push(':');
    write_str(out, value);
}

/// The loader's `data-visitor-*` attributes as JSON: `name` and `email` are fields, the rest
/// are attributes for agents. Anything unreadable is simply not passed on.
pub fn decode_visitor(raw: &str) -> VisitorInfo {
    let mut visitor = VisitorInfo::default();
    let Some(Json::Obj(entries)) = parse(raw) else { return visitor };
    for (key, value) in entries {
        let Json::Str(value) = value else { continue };
        match key.as_str() {
            "name" => visitor.name = Some(value),
            "email" => visitor.email = Some(value),
            _ => {
                visitor.attributes.insert(key, value);
            }
        }
    }
    visitor
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::{BotMeta, encode};

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
            assert_eq!(decode_server_frame(&raw), Some(frame), "{raw}");
        }
    }

    #[test]
    fn bot_meta_is_skipped_and_unknown_codes_read_as_internal() {
        let mut event = events().remove(1);
        event.body = EventBody::Text {
            text: "x".into(),
            bot: Some(BotMeta { confidence: 0.75, article_id: Some("k1".into()), article_title: None }),
        };
        let decoded = decode_server_frame(&encode(&ServerFrame::Event { event: event.clone() }));
        event.body = EventBody::Text { text: "x".into(), bot: None };
        assert_eq!(decoded, Some(ServerFrame::Event { event }));
        let raw = encode(&ServerFrame::Error {
            code: ErrorCode::AlreadyHeld,
            message: "m".into(),
            client_id: None,
            retry_after_ms: None,
        });
        assert!(matches!(decode_server_frame(&raw), Some(ServerFrame::Error { code: ErrorCode::Internal, .. })));
    }

    #[test]
    fn every_code_the_customer_is_told_about_is_recognised() {
        for code in [
            ErrorCode::RateLimited,
            ErrorCode::TextTooLong,
            ErrorCode::FrameTooLarge,
            ErrorCode::EmptyText,
            ErrorCode::ConversationClosed,
            ErrorCode::InvalidRating,
        ] {
            assert_eq!(error_code(code.as_str()), code);
        }
    }

    #[test]
    fn junk_is_ignored() {
        for raw in [
            "",
            "null",
            "{}",
            r#"{"type":"bogus"}"#,
            r#"{"type":"ack","client_id":"x"}"#,
            r#"{"type":"ack","client_id":"x","seq":-1}"#,
        ] {
            assert_eq!(decode_server_frame(raw), None, "{raw}");
        }
    }

    #[test]
    fn client_frames_encode_as_serde_does() {
        let frames = vec![
            ClientFrame::Hello { protocol: 1, last_seq: 77 },
            ClientFrame::send("c-1", "a \"quote\"\n<b>😀\u{1}"),
            ClientFrame::Note { client_id: "n".into(), text: "t".into() },
            ClientFrame::Typing { on: true },
            ClientFrame::Typing { on: false },
            ClientFrame::RequestHuman { client_id: "r".into() },
            ClientFrame::TakeOver,
            ClientFrame::HandBack,
            ClientFrame::Rate { client_id: "s".into(), score: 5 },
            ClientFrame::Ping,
        ];
        for frame in frames {
            let ours = encode_client_frame(&frame);
            assert_eq!(baton_shared::decode_client_frame(&ours).unwrap(), frame, "{ours}");
        }
    }

    #[test]
    fn start_bodies_round_trip() {
        for request in [
            StartRequest::default(),
            StartRequest {
                token: Some("t.k\"n".into()),
                visitor: VisitorInfo {
                    page: Some("https://shop.test/?q=a&b".into()),
                    locale: Some("de-DE".into()),
                    ..VisitorInfo::default()
                },
            },
            StartRequest {
                token: None,
                visitor: VisitorInfo {
                    name: Some("Ana \"A\"".into()),
                    attributes: [("plan".to_string(), "vip".to_string()), ("id".into(), "42".into())].into(),
                    ..VisitorInfo::default()
                },
            },
            StartRequest {
                token: None,
                visitor: VisitorInfo {
                    attributes: [("plan".to_string(), "vip".to_string())].into(),
                    ..VisitorInfo::default()
                },
            },
        ] {
            let ours = encode_start_request(&request);
            assert_eq!(serde_json::from_str::<StartRequest>(&ours).unwrap(), request, "{ours}");
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
            },
        };
        assert_eq!(decode_start_response(&encode(&response)), Some(response));
        assert_eq!(decode_start_response(r#"{"code":"not_found","message":"x"}"#), None);
    }

    #[test]
    fn the_loaders_visitor_data_becomes_fields_and_attributes() {
        let v = decode_visitor(r#"{"name":"Ana","email":"ana@x.test","plan":"vip","accountId":"7","n":3}"#);
        assert_eq!(v.name.as_deref(), Some("Ana"));
        assert_eq!(v.email.as_deref(), Some("ana@x.test"));
        assert_eq!(v.attributes.len(), 2, "{v:?}");
        assert_eq!(v.attributes.get("plan").map(String::as_str), Some("vip"));
        assert_eq!(decode_visitor("not json"), VisitorInfo::default());
        assert_eq!(decode_visitor("{}"), VisitorInfo::default());
    }
}

//! Guarantees 1–4 of ARCHITECTURE.md at the protocol level, over real WebSockets to workerd.

use baton_e2e::{Api, Socket, Stack, event_of, is_ack_for};
use baton_shared::machine::audit;
use baton_shared::{AgentInfo, Author, ClientFrame, ErrorCode, EventBody, Mode, ServerFrame};

#[tokio::test]
async fn resent_message_is_stored_once_and_acked_with_its_original_seq() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;

    let send = ClientFrame::send("msg-1", "How long does shipping take?");
    customer.send(&send).await;
    let first = customer.next_matching("ack of msg-1", |f| is_ack_for(f, "msg-1").is_some()).await;
    let seq = is_ack_for(&first, "msg-1").unwrap_or_default();
    // The bot answers the first message; wait for it so nothing is in flight.
    customer.next_matching("bot answer", |f| event_of(f).is_some_and(|e| e.author == Author::Bot)).await;

    // Retries on the same socket (a client stuck resending), and another after reconnecting, are
    // all acked with the same seq.
    for attempt in 0..15 {
        customer.send(&send).await;
        let again = customer.next_matching("repeated ack", |f| is_ack_for(f, "msg-1").is_some()).await;
        assert_eq!(is_ack_for(&again, "msg-1"), Some(seq), "resend {attempt}");
    }
    customer.close().await;
    let (mut reconnected, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    reconnected.send(&send).await;
    let third = reconnected.next_matching("ack after reconnect", |f| is_ack_for(f, "msg-1").is_some()).await;
    assert_eq!(is_ack_for(&third, "msg-1"), Some(seq));

    let transcript = api.transcript("demo", &conv.conversation_id, &conv.token).await;
    let copies = transcript
        .events
        .iter()
        .filter(|e| matches!(&e.body, EventBody::Text { text, .. } if text == "How long does shipping take?"))
        .count();
    assert_eq!(copies, 1, "the message was stored {copies} times");
    audit(&transcript.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
}

#[tokio::test]
async fn reconnecting_client_receives_exactly_the_gap() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    for (i, text) in ["What is your returns policy?", "And how do I reset my password?"].iter().enumerate() {
        let id = format!("gap-{i}");
        customer.send(&ClientFrame::send(id.clone(), text.to_string())).await;
        customer.next_matching("ack", |f| is_ack_for(f, &id).is_some()).await;
        customer.next_matching("bot answer", |f| event_of(f).is_some_and(|e| e.author == Author::Bot)).await;
    }
    customer.close().await;
    let full = api.transcript("demo", &conv.conversation_id, &conv.token).await;
    let last = full.state.last_seq;
    assert!(last >= 4, "expected two questions and two answers, got last_seq {last}");

    let (_, welcome) = api.connect("demo", &conv.conversation_id, &conv.token, 2).await;
    let ServerFrame::Welcome { events, state, .. } = welcome else { panic!("no welcome") };
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (3..=last).collect::<Vec<_>>(), "resume after seq 2 must return exactly the gap");
    assert_eq!(state.last_seq, last);

    // From 0: everything. From a seq the conversation never reached: nothing, and the true state.
    let (_, welcome) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    let ServerFrame::Welcome { events, .. } = welcome else { panic!("no welcome") };
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=last).collect::<Vec<_>>());
    let (_, welcome) = api.connect("demo", &conv.conversation_id, &conv.token, last + 1_000).await;
    let ServerFrame::Welcome { events, state, .. } = welcome else { panic!("no welcome") };
    assert!(events.is_empty(), "a resume from the future got {events:?}");
    assert_eq!(state.last_seq, last);

    // A socket that vanishes without a close frame leaves the conversation working.
    let (vanishing, _) = api.connect("demo", &conv.conversation_id, &conv.token, last).await;
    drop(vanishing);
    let (mut back, _) = api.connect("demo", &conv.conversation_id, &conv.token, last).await;
    back.send(&ClientFrame::send("after", "Still there?")).await;
    let ack = back.next_matching("ack after a vanished socket", |f| is_ack_for(f, "after").is_some()).await;
    assert_eq!(is_ack_for(&ack, "after"), Some(last + 1));
}

/// A site with five agents, for the race.
fn race_site() -> serde_json::Value {
    let accounts: Vec<_> = (1..=5)
        .map(|i| {
            serde_json::json!({
                "email": format!("agent{i}@race.test"), "name": format!("Agent {i}"), "role": "agent",
                "password": format!("race-pass-{i}")
            })
        })
        .collect();
    serde_json::json!({
        "name": "Race", "bot_name": "Bot", "greeting": "Hi", "allowed_origins": ["*"],
        "articles": [], "accounts": accounts
    })
}

#[tokio::test]
async fn five_agents_racing_for_one_conversation_leave_one_holder() {
    let stack = Stack::start().await;
    stack.seed_site("race", &race_site()).await;
    let api = Api::new(&stack.base);
    let conv = api.start("race", None).await;
    let (mut customer, _) = api.connect("race", &conv.conversation_id, &conv.token, 0).await;
    customer.send(&ClientFrame::send("q", "I need help with an order")).await;
    customer.next_matching("ack", |f| is_ack_for(f, "q").is_some()).await;

    let mut sockets = Vec::new();
    for i in 1..=5 {
        let login = api.login("race", &format!("agent{i}@race.test"), &format!("race-pass-{i}")).await;
        let (socket, _) = api.connect("race", &conv.conversation_id, &login.token, 0).await;
        sockets.push((login.agent, socket));
    }
    // Fire every takeover before reading any answer; a barrier after each marks where that
    // socket's own outcome must have arrived (a takeover commits and answers with no await).
    for (_, socket) in sockets.iter_mut() {
        socket.send(&ClientFrame::TakeOver).await;
    }
    let mut refused = Vec::new();
    for (agent, socket) in sockets.iter_mut() {
        socket.barrier().await;
        let error = socket.seen.iter().find_map(|f| match f {
            ServerFrame::Error { code, message, .. } => Some((*code, message.clone())),
            _ => None,
        });
        refused.push((agent.clone(), error));
    }

    let transcript = api.transcript("race", &conv.conversation_id, &conv.token).await;
    let takeovers: Vec<&AgentInfo> = transcript
        .events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Mode { mode: Mode::Human, holder: Some(h), .. } => Some(h),
            _ => None,
        })
        .collect();
    assert_eq!(takeovers.len(), 1, "exactly one takeover in the transcript: {takeovers:?}");
    let winner = takeovers[0];
    assert_eq!(transcript.state.holder.as_ref(), Some(winner));
    for (agent, error) in &refused {
        if agent.id == winner.id {
            assert_eq!(error, &None, "the winner got an error");
        } else {
            let (code, message) = error.clone().unwrap_or_else(|| panic!("{} was not refused", agent.name));
            assert_eq!(code, ErrorCode::AlreadyHeld);
            assert!(message.contains(&winner.name), "{} was told {message:?}, not who holds it", agent.name);
        }
    }
    audit(&transcript.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
}

#[tokio::test]
async fn bot_stays_silent_while_a_human_holds_the_conversation() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let (mut agent, _) = api.connect("demo", &conv.conversation_id, &dana.token, 0).await;
    agent.send(&ClientFrame::TakeOver).await;
    agent.next_matching("takeover", |f| event_of(f).is_some_and(|e| matches!(e.body, EventBody::Mode { .. }))).await;

    // Questions the bot could answer get no bot reply now; the agent sees them.
    for (i, text) in ["How long does shipping take?", "What is your returns policy?"].iter().enumerate() {
        let id = format!("h-{i}");
        customer.send(&ClientFrame::send(id.clone(), text.to_string())).await;
        customer.next_matching("ack", |f| is_ack_for(f, &id).is_some()).await;
        agent
            .next_matching("customer message", |f| event_of(f).is_some_and(|e| e.client_id.as_deref() == Some(&id)))
            .await;
    }
    agent.send(&ClientFrame::send("d1", "Dana here, let me check.")).await;
    customer.next_matching("Dana's reply", |f| event_of(f).is_some_and(|e| matches!(e.author, Author::Agent(_)))).await;

    // An agent who does not hold it cannot speak: Sam while Dana holds it, and Dana herself
    // once she has handed it back. Each is refused as `not_holder`, and nothing they said is
    // stored or reaches the customer.
    let sam = api.login("demo", "sam@demo.test", "sam-demo-pass").await;
    let (mut sam_socket, _) = api.connect("demo", &conv.conversation_id, &sam.token, 0).await;
    const SAM_SAYS: &str = "Sam here, I'll take it from here.";
    sam_socket.send(&ClientFrame::send("s1", SAM_SAYS)).await;
    let (code, message) = refusal_of(&mut sam_socket, "s1").await;
    assert_eq!(code, ErrorCode::NotHolder, "Sam, who does not hold it, was told {message:?}");
    assert!(message.contains("Dana"), "Sam was told {message:?}, not who holds it");

    agent.send(&ClientFrame::HandBack).await;
    customer
        .next_matching("hand-back", |f| {
            event_of(f).is_some_and(|e| matches!(e.body, EventBody::Mode { mode: Mode::Bot, .. }))
        })
        .await;
    const DANA_AFTER: &str = "Dana again, after handing it back.";
    agent.send(&ClientFrame::send("d2", DANA_AFTER)).await;
    let (code, message) = refusal_of(&mut agent, "d2").await;
    assert_eq!(code, ErrorCode::NotHolder, "Dana, after the hand-back, was told {message:?}");

    // A customer socket cannot take over.
    customer.send(&ClientFrame::TakeOver).await;
    let refused = customer.next_matching("refusal", |f| matches!(f, ServerFrame::Error { .. })).await;
    assert!(matches!(refused, ServerFrame::Error { code: ErrorCode::Forbidden, .. }), "{refused:?}");

    // Anything stored would have been broadcast before the refusal was sent (no await between
    // a commit and its broadcast), so after the barrier the customer has seen all there is.
    customer.barrier().await;
    let refused_texts = [SAM_SAYS, DANA_AFTER];
    let leaked: Vec<&baton_shared::Event> = customer
        .seen
        .iter()
        .filter_map(event_of)
        .filter(|e| matches!(&e.body, EventBody::Text { text, .. } if refused_texts.contains(&text.as_str())))
        .collect();
    assert!(leaked.is_empty(), "the customer got what a non-holder said: {leaked:?}");
    let refused_ids = ["s1", "d2"];
    for socket in [&sam_socket, &agent] {
        let acked: Vec<&ServerFrame> =
            socket.seen.iter().filter(|f| refused_ids.iter().any(|id| is_ack_for(f, id).is_some())).collect();
        assert!(acked.is_empty(), "a refused message was acked: {acked:?}");
    }

    let transcript = api.transcript("demo", &conv.conversation_id, &dana.token).await;
    audit(&transcript.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
    assert!(
        !transcript.events.iter().any(|e| e.author == Author::Bot),
        "the bot spoke while Dana held the conversation: {:?}",
        transcript.events
    );
    let stored: Vec<&baton_shared::Event> = transcript
        .events
        .iter()
        .filter(|e| {
            refused_ids.contains(&e.client_id.as_deref().unwrap_or_default())
                || matches!(&e.body, EventBody::Text { text, .. } if refused_texts.contains(&text.as_str()))
        })
        .collect();
    assert!(stored.is_empty(), "what a non-holder said was stored: {stored:?}");
    let agent_texts = transcript
        .events
        .iter()
        .filter(|e| matches!(e.author, Author::Agent(_)) && matches!(e.body, EventBody::Text { .. }));
    assert_eq!(agent_texts.count(), 1, "only Dana's reply while she held it: {:?}", transcript.events);
}

/// The error a socket gets for the frame with `client_id`, as code and message.
async fn refusal_of(socket: &mut Socket, client_id: &str) -> (ErrorCode, String) {
    let frame = socket
        .next_matching(&format!("the refusal of {client_id}"), |f| {
            matches!(f, ServerFrame::Error { client_id: Some(id), .. } if id == client_id)
                || is_ack_for(f, client_id).is_some()
        })
        .await;
    match frame {
        ServerFrame::Error { code, message, .. } => (code, message),
        other => panic!("{client_id} was accepted, not refused: {other:?}"),
    }
}

/// How a customer message and a hand-back reach the edge.
#[derive(Debug, Clone, Copy)]
enum Order {
    MessageFirst,
    HandBackFirst,
    Together,
}

#[tokio::test]
async fn a_message_racing_the_hand_back_is_answered_by_exactly_one_side() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    for order in [Order::MessageFirst, Order::HandBackFirst, Order::Together, Order::Together, Order::Together] {
        let conv = api.start("demo", None).await;
        let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
        let (mut agent, _) = api.connect("demo", &conv.conversation_id, &dana.token, 0).await;
        agent.send(&ClientFrame::TakeOver).await;
        customer
            .next_matching("takeover", |f| event_of(f).is_some_and(|e| matches!(e.body, EventBody::Mode { .. })))
            .await;
        let message = ClientFrame::send("m", "How long does shipping take?");
        let handed_back =
            |f: &ServerFrame| event_of(f).is_some_and(|e| matches!(e.body, EventBody::Mode { mode: Mode::Bot, .. }));
        match order {
            Order::MessageFirst => {
                customer.send(&message).await;
                customer.next_matching("ack", |f| is_ack_for(f, "m").is_some()).await;
                agent.send(&ClientFrame::HandBack).await;
            }
            Order::HandBackFirst => {
                agent.send(&ClientFrame::HandBack).await;
                customer.next_matching("hand-back", handed_back).await;
                customer.send(&message).await;
            }
            Order::Together => {
                let (_, _) = tokio::join!(customer.send(&message), agent.send(&ClientFrame::HandBack));
            }
        }
        let answer = customer
            .next_matching("the bot's answer", |f| {
                event_of(f).is_some_and(|e| e.author == Author::Bot && matches!(e.body, EventBody::Text { .. }))
            })
            .await;
        let answer_seq = event_of(&answer).map(|e| e.seq).unwrap_or_default();
        // Anything after the answer has been committed by the time the customer's barrier returns.
        customer.barrier().await;

        let transcript = api.transcript("demo", &conv.conversation_id, &conv.token).await;
        audit(&transcript.events).unwrap_or_else(|e| panic!("{order:?}: transcript breaks a guarantee: {e}"));
        let asked = transcript.events.iter().find(|e| e.client_id.as_deref() == Some("m")).map(|e| e.seq);
        let asked = asked.unwrap_or_else(|| panic!("{order:?}: the message was lost"));
        let replies: Vec<&baton_shared::Event> = transcript
            .events
            .iter()
            .filter(|e| e.seq > asked && matches!(e.body, EventBody::Text { .. }) && e.author != Author::Customer)
            .collect();
        assert_eq!(replies.len(), 1, "{order:?}: the message got {} answers: {replies:?}", replies.len());
        assert_eq!(replies[0].seq, answer_seq, "{order:?}");
        assert!(transcript.state.mode == Mode::Bot, "{order:?}: {:?}", transcript.state.mode);
    }
}

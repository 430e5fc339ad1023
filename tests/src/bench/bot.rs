//! Part 5, inside workerd: customer message → bot reply with 10, 100 and 1,000 articles, next
//! to a plain customer→agent message relayed in the same site at the same moment.

use std::time::Instant;

use baton_shared::{Author, ClientFrame, EventBody, Mode, ServerFrame, encode};
use serde_json::{Value, json};

use crate::bench::pair::{ANSWER_LIMIT, connect, conversation_url, follow_up_done, is_mode, wait_for};
use crate::bench::rest::Rest;
use crate::bench::sites::{self, QUESTIONS, bot_site};
use crate::bench::stats::{Summary, millis, ratios};
use crate::bench::ws::Ws;

pub struct Setup<'a> {
    pub rest: &'a Rest,
    pub ws_base: &'a str,
    pub admin_secret: &'a str,
    pub articles: &'a [usize],
    pub conversations: usize,
    pub messages: usize,
}

/// Sends `frame` on `from` and waits until `to` reads the event `wanted` picks out.
async fn timed(
    from: &mut Ws,
    to: &mut Ws,
    frame: &ClientFrame,
    wanted: impl Fn(&ServerFrame) -> bool,
) -> Result<f64, String> {
    let started = Instant::now();
    from.send(encode(frame)).await?;
    wait_for(to, "the reply", ANSWER_LIMIT, wanted).await?;
    Ok(millis(started.elapsed()))
}

fn is_bot_text(frame: &ServerFrame) -> bool {
    matches!(frame, ServerFrame::Event { event } if event.author == Author::Bot && matches!(event.body, EventBody::Text { .. }))
}

fn article_of(frame: &ServerFrame) -> Option<String> {
    match frame {
        ServerFrame::Event { event } => match &event.body {
            EventBody::Text { bot: Some(meta), .. } => meta.article_id.clone(),
            _ => None,
        },
        _ => None,
    }
}

fn relayed(id: &str) -> impl Fn(&ServerFrame) -> bool + '_ {
    move |f| matches!(f, ServerFrame::Event { event } if event.client_id.as_deref() == Some(id))
}

struct Size {
    /// Starting a conversation: the conversation's object loads and indexes the site's articles.
    start: Vec<f64>,
    reply: Vec<f64>,
    baseline: Vec<f64>,
    from_article: usize,
    answers: usize,
}

/// One knowledge-base size: conversations one after another, each asking `messages`
/// questions, each question followed by a plain message in a taken-over conversation.
async fn measure(setup: &Setup<'_>, articles: usize, agent_token: &str) -> Result<Size, String> {
    let site = bot_site(articles);
    let mut size = Size { start: Vec::new(), reply: Vec::new(), baseline: Vec::new(), from_article: 0, answers: 0 };
    for c in 0..setup.conversations {
        let started = Instant::now();
        let (bot_conv, bot_token) = sites::start(setup.rest, &site).await?;
        size.start.push(millis(started.elapsed()));
        let mut customer = connect(&conversation_url(setup.ws_base, &site, &bot_conv, &bot_token)).await?;
        let (plain_conv, plain_token) = sites::start(setup.rest, &site).await?;
        let mut plain_customer = connect(&conversation_url(setup.ws_base, &site, &plain_conv, &plain_token)).await?;
        let mut agent = connect(&conversation_url(setup.ws_base, &site, &plain_conv, agent_token)).await?;
        agent.send(encode(&ClientFrame::TakeOver)).await?;
        wait_for(&mut agent, "the takeover", ANSWER_LIMIT, |f| is_mode(f, Mode::Human)).await?;
        follow_up_done(&mut agent).await;
        for m in 0..setup.messages {
            let question = QUESTIONS[(c + m) % QUESTIONS.len()];
            let ask = ClientFrame::send(format!("q{c}-{m}"), question);
            let started = Instant::now();
            customer.send(encode(&ask)).await?;
            let reply = wait_for(&mut customer, "the bot's reply", ANSWER_LIMIT, is_bot_text).await?;
            size.reply.push(millis(started.elapsed()));
            size.answers += 1;
            size.from_article += usize::from(article_of(&reply).is_some());
            let id = format!("p{c}-{m}");
            let plain = ClientFrame::send(id.clone(), format!("Plain message {m}"));
            size.baseline.push(timed(&mut plain_customer, &mut agent, &plain, relayed(&id)).await?);
        }
        for ws in [customer, plain_customer, agent] {
            ws.close().await;
        }
    }
    Ok(size)
}

pub async fn run(setup: &Setup<'_>) -> Value {
    let mut sizes = Vec::new();
    for &articles in setup.articles {
        let started = Instant::now();
        if let Err(e) = sites::seed_bot_site(setup.rest, setup.admin_secret, articles).await {
            sizes.push(json!({ "articles": articles, "error": e }));
            continue;
        }
        let seeded = started.elapsed();
        let result = async {
            let token = sites::agent_token(setup.rest, &bot_site(articles), 1).await?;
            measure(setup, articles, &token).await
        }
        .await;
        match result {
            Ok(size) => {
                // The site's first conversation fetches and indexes the articles; later ones share
                // that index (one per site and isolate).
                let first_start = size.start.first().copied();
                let later_starts = size.start.get(1..).unwrap_or_default();
                let (start, reply, baseline) =
                    (Summary::of(later_starts), Summary::of(&size.reply), Summary::of(&size.baseline));
                println!(
                    "bot: {articles} articles | reply p50 {:.1} ms | plain message p50 {:.1} ms | first conversation start {:.1} ms, later p50 {:.1} ms",
                    reply.p50,
                    baseline.p50,
                    first_start.unwrap_or(f64::NAN),
                    start.p50
                );
                sizes.push(json!({
                    "articles": articles,
                    "seed_s": crate::bench::stats::round(seeded.as_secs_f64()),
                    "reply_ms": reply.json(),
                    "plain_message_ms": baseline.json(),
                    "ratio": ratios(&reply, &baseline),
                    "first_conversation_start_ms": first_start,
                    "conversation_start_ms": start.json(),
                    "answered_from_an_article": format!("{} of {}", size.from_article, size.answers),
                }));
            }
            Err(e) => sizes.push(json!({ "articles": articles, "error": e })),
        }
    }
    json!({ "sizes": sizes, "conversations": setup.conversations, "messages_per_conversation": setup.messages })
}

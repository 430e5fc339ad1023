//! The "Offline messages" screen: what customers left for the team when nobody could come, each
//! answered once by email from here. The list as the server last sent it, the reply being written
//! to each, and how an item reads.

use std::collections::HashMap;

use baton_shared::error::ErrorCode;
use baton_shared::history::{Handled, OfflineMessage, OfflineReply};
use baton_shared::limits::MAX_TEXT_CHARS;
use baton_shared::text::validate_message_text;

use super::format::date_time;
use super::history::{OffsetAt, history_visitor};
use super::net::encode_component;

/// A reply as the agent writes it. It lives beside the list rather than in the view, so a reply
/// half written survives a visit to another page and a refresh of the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyDraft {
    pub text: String,
    /// On its way: a second "Send reply" must not send it twice.
    pub sending: bool,
    /// Why it was not sent, for the item's alert.
    pub error: Option<String>,
}

/// The site's offline messages, unhandled first and newest first within each group, as the
/// server orders them. Only the answer to the latest load counts, as on the History screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfflineInbox {
    messages: Vec<OfflineMessage>,
    /// Replies being written or sent, by conversation.
    drafts: HashMap<String, ReplyDraft>,
    loaded: bool,
    /// The id of the load on its way.
    loading: Option<u64>,
    requests: u64,
}

impl OfflineInbox {
    /// Asks for the list again; its answer replaces the items when it comes.
    pub fn load(&mut self) -> u64 {
        self.requests += 1;
        self.loading = Some(self.requests);
        self.requests
    }

    /// Folds a list in; false (and nothing changes) when a later load superseded it.
    pub fn receive(&mut self, id: u64, messages: Vec<OfflineMessage>) -> bool {
        if self.loading.take_if(|l| *l == id).is_none() {
            return false;
        }
        let previous = std::mem::take(&mut self.messages);
        self.messages = messages
            .into_iter()
            .map(|fresh| match previous.iter().find(|p| p.conversation == fresh.conversation) {
                // A reply can come back after the list was read: an answered message is never
                // unanswered again, so the answer this console saw stands.
                Some(known) if fresh.handled.is_none() && known.handled.is_some() => known.clone(),
                _ => fresh,
            })
            .collect();
        // A colleague answered while this agent was writing: their form goes, unless a reply is
        // already on its way, whose answer will say what happened.
        let answered: Vec<&str> =
            self.messages.iter().filter(|m| m.handled.is_some()).map(|m| m.conversation.as_str()).collect();
        self.drafts.retain(|conversation, draft| draft.sending || !answered.contains(&conversation.as_str()));
        self.loaded = true;
        true
    }

    /// The load failed: the items stay as they were. False when it was superseded, so its error
    /// is not worth showing.
    pub fn failed(&mut self, id: u64) -> bool {
        self.loading.take_if(|l| *l == id).is_some()
    }

    pub fn messages(&self) -> &[OfflineMessage] {
        &self.messages
    }

    /// A list has arrived since the screen first opened.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The empty state reads only once the server said there is nothing.
    pub fn is_empty_result(&self) -> bool {
        self.loaded && !self.loading() && self.messages.is_empty()
    }

    /// How many still wait for an answer.
    pub fn waiting(&self) -> usize {
        self.messages.iter().filter(|m| m.handled.is_none()).count()
    }

    /// "2 waiting", "None waiting"; nothing before the list came or when it is empty, where the
    /// empty state says it all.
    pub fn count_text(&self) -> Option<String> {
        if !self.loaded || self.messages.is_empty() {
            return None;
        }
        Some(match self.waiting() {
            0 => "None waiting".to_string(),
            n => format!("{n} waiting"),
        })
    }

    /// The reply being written to a conversation's message.
    pub fn draft(&self, conversation: &str) -> Option<&ReplyDraft> {
        self.drafts.get(conversation)
    }

    pub fn edit(&mut self, conversation: &str, text: String) {
        let draft = self.drafts.entry(conversation.to_string()).or_default();
        draft.text = text;
    }

    /// "Send reply": the body to post, and the draft marked as on its way. `None` when there is
    /// nothing to send: the reply is not valid (the draft then carries why), one is already on
    /// its way, or the message is answered or gone.
    pub fn send(&mut self, conversation: &str) -> Option<OfflineReply> {
        let open = self.messages.iter().any(|m| m.conversation == conversation && m.handled.is_none());
        let draft = self.drafts.entry(conversation.to_string()).or_default();
        if !open || draft.sending {
            return None;
        }
        match reply_text(&draft.text) {
            Ok(text) => {
                draft.sending = true;
                draft.error = None;
                Some(OfflineReply { text })
            }
            Err(why) => {
                draft.error = Some(why);
                None
            }
        }
    }

    /// The server stored the reply and sent back the message, now answered. It stays where it
    /// is: moving it under the agent's eyes would lose their place; the next load sorts it.
    pub fn replied(&mut self, message: OfflineMessage) {
        self.drafts.remove(&message.conversation);
        if let Some(shown) = self.messages.iter_mut().find(|m| m.conversation == message.conversation) {
            *shown = message;
        }
    }

    /// The reply was not stored: the text stays for another try, with the reason.
    pub fn reply_failed(&mut self, conversation: &str, why: String) {
        let draft = self.drafts.entry(conversation.to_string()).or_default();
        draft.sending = false;
        draft.error = Some(why);
    }
}

/// The reply as it will be sent, checked as the server checks it, in the agent's words.
pub fn reply_text(typed: &str) -> Result<String, String> {
    validate_message_text(typed).map_err(|e| match e.code {
        ErrorCode::EmptyText => "Write a reply before sending it.".to_string(),
        _ => format!("The reply has {} characters; the limit is {MAX_TEXT_CHARS}.", typed.trim().chars().count()),
    })
}

/// An offline message as its item reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OfflineRow {
    pub conversation: String,
    /// A prefix for the item's element ids, safe in an `id` and in `aria-labelledby`.
    pub dom_id: String,
    /// The visitor's name, else their email.
    pub who: String,
    /// The email under the name; absent when the name is the email already.
    pub email: Option<String>,
    /// When it was left: "5 Mar 2024, 14:05".
    pub left: String,
    pub text: String,
    /// The reply box's name: "Reply to ana@x.test".
    pub reply_label: String,
    pub answered: Option<Answered>,
}

/// Who answered, when, and what they wrote: the item reads "Answered by Dana: …".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Answered {
    /// "Answered by Dana".
    pub by: String,
    pub at: String,
    pub reply: String,
}

pub fn offline_row(message: &OfflineMessage, offset_at: OffsetAt) -> OfflineRow {
    let who = history_visitor(message.visitor_name.as_deref(), Some(&message.email));
    let email = Some(message.email.trim().to_string()).filter(|e| !e.is_empty() && *e != who);
    OfflineRow {
        conversation: message.conversation.clone(),
        dom_id: format!("offline-{}", encode_component(&message.conversation)),
        who,
        email,
        left: date_time(message.at, offset_at(message.at)),
        text: message.text.clone(),
        reply_label: format!("Reply to {}", message.email.trim()),
        answered: message.handled.as_ref().map(|h| answered(h, offset_at)),
    }
}

fn answered(handled: &Handled, offset_at: OffsetAt) -> Answered {
    Answered {
        by: format!("Answered by {}", handled.by.name),
        at: date_time(handled.at, offset_at(handled.at)),
        reply: handled.reply.clone(),
    }
}

/// The line the screen announces once a reply went out.
pub fn sent_text(email: &str) -> String {
    format!("Reply sent to {}.", email.trim())
}

#[cfg(test)]
mod tests {
    use baton_shared::protocol::AgentInfo;

    use super::*;

    const UTC: OffsetAt = &|_| 0;
    /// 2024-03-05 00:00 UTC.
    const MARCH_5: u64 = 1_709_596_800_000;

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None }
    }

    fn message(conversation: &str, minute: u64) -> OfflineMessage {
        OfflineMessage {
            conversation: conversation.into(),
            at: MARCH_5 + minute * 60_000,
            email: format!("{conversation}@example.test"),
            text: "Please call me about order 1042".into(),
            visitor_name: None,
            handled: None,
        }
    }

    fn answered_by_dana(mut m: OfflineMessage, reply: &str) -> OfflineMessage {
        m.handled = Some(Handled { at: m.at + 600_000, by: dana(), reply: reply.into() });
        m
    }

    fn conversations(inbox: &OfflineInbox) -> Vec<&str> {
        inbox.messages().iter().map(|m| m.conversation.as_str()).collect()
    }

    fn loaded_with(messages: Vec<OfflineMessage>) -> OfflineInbox {
        let mut inbox = OfflineInbox::default();
        let id = inbox.load();
        assert!(inbox.receive(id, messages));
        inbox
    }

    #[test]
    fn the_list_loads_counts_what_waits_and_only_the_latest_load_counts() {
        let mut inbox = OfflineInbox::default();
        assert_eq!((inbox.loaded(), inbox.is_empty_result(), inbox.count_text()), (false, false, None));
        let old = inbox.load();
        let new = inbox.load();
        assert!(inbox.loading());
        assert!(!inbox.receive(old, vec![message("stale", 0)]), "superseded");
        assert!(!inbox.failed(old), "an old failure is not worth showing");
        assert!(inbox.loading(), "and does not end the new load");
        let list = vec![message("c2", 2), message("c1", 1), answered_by_dana(message("c0", 0), "Done")];
        assert!(inbox.receive(new, list));
        assert_eq!(conversations(&inbox), ["c2", "c1", "c0"], "in the server's order");
        assert_eq!((inbox.waiting(), inbox.count_text().as_deref()), (2, Some("2 waiting")));
        assert!(!inbox.loading() && !inbox.is_empty_result());

        // A failed refresh keeps what was shown.
        let again = inbox.load();
        assert!(inbox.failed(again));
        assert_eq!(conversations(&inbox), ["c2", "c1", "c0"]);

        let all_answered = loaded_with(vec![answered_by_dana(message("c0", 0), "Done")]);
        assert_eq!(all_answered.count_text().as_deref(), Some("None waiting"));
        let one = loaded_with(vec![message("c0", 0)]);
        assert_eq!(one.count_text().as_deref(), Some("1 waiting"));
        let empty = loaded_with(Vec::new());
        assert!(empty.is_empty_result());
        assert_eq!(empty.count_text(), None, "the empty state says it");
    }

    #[test]
    fn a_reply_is_checked_sent_once_and_replaces_its_message_in_place() {
        let mut inbox = loaded_with(vec![message("c2", 2), message("c1", 1)]);
        assert_eq!(inbox.send("c1"), None, "nothing written");
        assert_eq!(inbox.draft("c1").and_then(|d| d.error.as_deref()), Some("Write a reply before sending it."));

        inbox.edit("c1", "  Calling you at 10.  ".into());
        assert_eq!(inbox.send("c1"), Some(OfflineReply { text: "Calling you at 10.".into() }));
        let draft = inbox.draft("c1").cloned().unwrap_or_default();
        assert!(draft.sending && draft.error.is_none());
        assert_eq!(inbox.send("c1"), None, "already on its way");

        inbox.replied(answered_by_dana(message("c1", 1), "Calling you at 10."));
        assert_eq!(conversations(&inbox), ["c2", "c1"], "stays where the agent was");
        assert_eq!(inbox.waiting(), 1);
        assert_eq!(inbox.draft("c1"), None, "the form goes with its draft");
        assert_eq!(inbox.send("c1"), None, "an answered message is not answered twice");
        assert_eq!(inbox.send("unknown"), None);
    }

    #[test]
    fn a_failed_reply_keeps_its_text_and_says_why() {
        let mut inbox = loaded_with(vec![message("c1", 1)]);
        inbox.edit("c1", "Calling you at 10.".into());
        assert!(inbox.send("c1").is_some());
        inbox.reply_failed("c1", "Could not reach the server.".into());
        let draft = inbox.draft("c1").cloned().unwrap_or_default();
        assert_eq!(
            (draft.text.as_str(), draft.sending, draft.error.as_deref()),
            ("Calling you at 10.", false, Some("Could not reach the server."))
        );
        assert!(inbox.send("c1").is_some(), "and it can be sent again");
        assert_eq!(inbox.draft("c1").and_then(|d| d.error.clone()), None);
    }

    #[test]
    fn a_refresh_keeps_answers_and_drafts_it_does_not_know_of_yet() {
        let mut inbox = loaded_with(vec![message("c2", 2), message("c1", 1)]);
        inbox.edit("c2", "Half written".into());
        inbox.edit("c1", "Calling you at 10.".into());
        // Refresh pressed, then the reply comes back before the list does.
        let refresh = inbox.load();
        assert!(inbox.send("c1").is_some());
        inbox.replied(answered_by_dana(message("c1", 1), "Calling you at 10."));
        assert!(inbox.receive(refresh, vec![message("c2", 2), message("c1", 1)]));
        assert_eq!(inbox.waiting(), 1, "the stale list does not bring the form back");
        assert_eq!(inbox.draft("c2").map(|d| d.text.as_str()), Some("Half written"), "kept across a refresh");

        // A colleague answered c2 meanwhile: its form and draft go.
        let refresh = inbox.load();
        let lee = AgentInfo { id: "a2".into(), name: "Lee".into(), avatar: None };
        let mut by_lee = message("c2", 2);
        by_lee.handled = Some(Handled { at: MARCH_5, by: lee, reply: "Sorted".into() });
        assert!(inbox.receive(refresh, vec![by_lee.clone(), message("c1", 1)]));
        assert_eq!(inbox.draft("c2"), None);
        assert_eq!(inbox.messages()[0], by_lee);

        // Unless the agent's own reply is on its way: its answer will tell.
        let mut inbox = loaded_with(vec![message("c2", 2)]);
        inbox.edit("c2", "Mine".into());
        let refresh = inbox.load();
        assert!(inbox.send("c2").is_some());
        assert!(inbox.receive(refresh, vec![by_lee]));
        assert!(inbox.draft("c2").is_some_and(|d| d.sending));
    }

    #[test]
    fn replies_are_checked_as_the_server_checks_them() {
        assert_eq!(reply_text(" Thanks! "), Ok("Thanks!".into()));
        assert_eq!(reply_text(" \n "), Err("Write a reply before sending it.".into()));
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            reply_text(&long),
            Err(format!("The reply has {} characters; the limit is {MAX_TEXT_CHARS}.", MAX_TEXT_CHARS + 1))
        );
        assert!(reply_text(&"é".repeat(MAX_TEXT_CHARS)).is_ok(), "characters, not bytes");
    }

    #[test]
    fn an_item_reads_with_who_email_time_and_who_answered() {
        let mut m = message("c1", 14 * 60 + 5);
        let row = offline_row(&m, UTC);
        assert_eq!(
            (row.who.as_str(), row.email.as_deref(), row.left.as_str(), row.reply_label.as_str()),
            ("c1@example.test", None, "5 Mar 2024, 14:05", "Reply to c1@example.test")
        );
        assert_eq!((row.text.as_str(), row.answered, row.dom_id.as_str()), (m.text.as_str(), None, "offline-c1"));

        m.visitor_name = Some("Rosa Pires".into());
        m.conversation = "c 1/x".into();
        let row = offline_row(&m, &|_| 60);
        assert_eq!((row.who.as_str(), row.email.as_deref()), ("Rosa Pires", Some("c1@example.test")));
        assert_eq!(row.left, "5 Mar 2024, 15:05", "in the viewer's time");
        assert_eq!(row.dom_id, "offline-c%201%2Fx", "no space to split an id list on");
        m.visitor_name = Some("  ".into());
        assert_eq!(offline_row(&m, UTC).who, "c1@example.test", "a blank name is no name");

        let handled = answered_by_dana(m, "Calling you at 10.");
        let row = offline_row(&handled, UTC);
        assert_eq!(
            row.answered,
            Some(Answered {
                by: "Answered by Dana".into(),
                at: "5 Mar 2024, 14:15".into(),
                reply: "Calling you at 10.".into()
            })
        );
        assert_eq!(sent_text(" rosa@example.test "), "Reply sent to rosa@example.test.");
    }
}

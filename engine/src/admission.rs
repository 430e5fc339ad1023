//! Which frames a socket may send now: a token bucket per socket and budget, and one per party
//! (the customer, or one agent) across all its sockets, so reconnecting or opening another tab
//! does not buy a fresh burst. Typing indicators
//! have their own budget and their excess is dropped (the latest value wins anyway); every
//! other frame, bad ones included, spends the work budget and is refused with the wait.
//!
//! Buckets live in memory and are forgotten when the object is evicted, which only happens
//! when its sockets are idle, that is when their buckets are full anyway.

use std::collections::HashMap;

use baton_shared::server::quota::{Bucket, Kind};
use baton_shared::{ApiError, ClientFrame};

#[derive(Debug, PartialEq)]
pub enum Admission {
    Admit,
    /// Not relayed, not answered: a typing indicator over its budget.
    Drop,
    /// Refused with `rate_limited` and the wait in milliseconds.
    Refuse(ApiError),
}

#[derive(Default)]
pub struct Admissions {
    buckets: HashMap<(String, Kind), Bucket>,
    /// Per party; never forgotten (a conversation has few parties), so a new socket of the
    /// same party finds what its earlier ones spent.
    parties: HashMap<(String, Kind), Bucket>,
}

impl Admissions {
    /// `party` names who sent it: `customer`, or `agent:{id}`.
    pub fn admit(
        &mut self,
        socket_id: &str,
        party: &str,
        frame: &Result<ClientFrame, ApiError>,
        now: u64,
    ) -> Admission {
        let kind = match frame {
            Ok(ClientFrame::Typing { .. }) => Kind::Typing,
            _ => Kind::Work,
        };
        let socket =
            self.buckets.entry((socket_id.to_string(), kind)).or_insert_with(|| Bucket::new(kind.budget(), now));
        let taken = socket.take(now).and_then(|()| {
            let party =
                self.parties.entry((party.to_string(), kind)).or_insert_with(|| Bucket::new(kind.party_budget(), now));
            party.take(now)
        });
        match (taken, kind) {
            (Ok(()), _) => Admission::Admit,
            (Err(_), Kind::Typing) => Admission::Drop,
            (Err(wait_ms), Kind::Work) => Admission::Refuse(ApiError::rate_limited(
                format!("too many frames; try again in {wait_ms} ms"),
                wait_ms,
            )),
        }
    }

    /// The socket closed: its budgets go with it.
    pub fn forget(&mut self, socket_id: &str) {
        self.buckets.retain(|(id, _), _| id != socket_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::ErrorCode;

    #[test]
    fn a_flood_is_refused_with_the_wait_and_typing_is_dropped() {
        let mut admissions = Admissions::default();
        let ping = Ok(ClientFrame::Ping);
        let burst = Kind::Work.budget().burst as usize;
        for _ in 0..burst {
            assert_eq!(admissions.admit("s1", "customer", &ping, 0), Admission::Admit);
        }
        let Admission::Refuse(err) = admissions.admit("s1", "customer", &ping, 0) else { panic!("the flood passed") };
        assert_eq!(err.code, ErrorCode::RateLimited);
        assert!(err.retry_after_ms.is_some_and(|ms| ms > 0));
        assert_eq!(admissions.admit("s2", "agent:a1", &ping, 0), Admission::Admit, "budgets are per socket");
        let typing = Ok(ClientFrame::Typing { on: true });
        assert_eq!(admissions.admit("s1", "customer", &typing, 0), Admission::Admit, "typing has its own budget");
        for _ in 0..Kind::Typing.budget().burst as usize {
            admissions.admit("s1", "customer", &typing, 0);
        }
        assert_eq!(admissions.admit("s1", "customer", &typing, 0), Admission::Drop);
        admissions.forget("s1");
        assert_eq!(admissions.admit("s1", "agent:a2", &ping, 0), Admission::Admit, "a new socket starts full");
    }

    #[test]
    fn a_party_cannot_buy_a_fresh_burst_with_a_new_socket() {
        let mut admissions = Admissions::default();
        let ping = Ok(ClientFrame::Ping);
        let party_burst = Kind::Work.party_budget().burst as usize;
        let mut admitted = 0;
        // The customer reconnects again and again, each socket spending what it may.
        for socket in 0..10 {
            let id = format!("s{socket}");
            while admissions.admit(&id, "customer", &ping, 0) == Admission::Admit {
                admitted += 1;
            }
            admissions.forget(&id);
        }
        assert_eq!(admitted, party_burst, "ten sockets together get one party's burst");
        // Another party is not held back by the customer's spending.
        assert_eq!(admissions.admit("s99", "agent:a1", &ping, 0), Admission::Admit);
    }
}

//! Inputs take turns in the order they arrived.
//!
//! A Durable Object runs other events while one awaits (a knowledge-base fetch, a model call),
//! so two frames from one socket could otherwise be handled out of order when the first one
//! must wait for the brain. Each input takes a ticket when it arrives, with no await before
//! it, and is handled when every earlier ticket is done: the transcript, the brain's memory and
//! the acks follow arrival order, and a `pong` still answers after every frame sent before it.
//! A ticket dropped before its turn (a cancelled handler) gives its place up.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct Line {
    next: u64,
    /// Tickets taken and not yet done, oldest first; the front one has the turn.
    waiting: VecDeque<(u64, Option<Waker>)>,
}

/// The line inputs queue in. Cloning shares the line.
#[derive(Clone, Default)]
pub struct Turns {
    line: Rc<RefCell<Line>>,
}

impl Turns {
    /// Joins the line now; the returned future resolves when it is this input's turn.
    pub fn join(&self) -> Waiting {
        let mut line = self.line.borrow_mut();
        let number = line.next;
        line.next += 1;
        line.waiting.push_back((number, None));
        Waiting { line: self.line.clone(), number, served: false }
    }

    /// Inputs in line, the one being handled included.
    pub fn len(&self) -> usize {
        self.line.borrow().waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Line {
    /// Takes `number` out of the line and, if it had the turn, wakes the next in line.
    fn leave(&mut self, number: u64) {
        let had_turn = self.waiting.front().is_some_and(|(n, _)| *n == number);
        self.waiting.retain(|(n, _)| *n != number);
        if had_turn && let Some(waker) = self.waiting.front_mut().and_then(|(_, w)| w.take()) {
            waker.wake();
        }
    }
}

/// A place in line: resolves to the [`Turn`] once every earlier input is done. Dropped before
/// that, it gives its place up.
pub struct Waiting {
    line: Rc<RefCell<Line>>,
    number: u64,
    served: bool,
}

impl Future for Waiting {
    type Output = Turn;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Turn> {
        let this = self.get_mut();
        let mut line = this.line.borrow_mut();
        if line.waiting.front().is_some_and(|(n, _)| *n == this.number) {
            this.served = true;
            return Poll::Ready(Turn { line: this.line.clone(), number: this.number });
        }
        if let Some(entry) = line.waiting.iter_mut().find(|(n, _)| *n == this.number) {
            entry.1 = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.served {
            self.line.borrow_mut().leave(self.number);
        }
    }
}

/// The turn: later inputs wait until it is dropped.
pub struct Turn {
    line: Rc<RefCell<Line>>,
    number: u64,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.line.borrow_mut().leave(self.number);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::channel::oneshot;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;

    use super::*;

    #[test]
    fn inputs_are_handled_in_arrival_order_even_when_the_first_waits() {
        let turns = Turns::default();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (release, fetched) = oneshot::channel::<()>();
        let mut pool = LocalPool::new();
        let spawner = pool.spawner();
        // The first input must wait for something (a knowledge-base fetch); the second does not.
        let (first, second) = (turns.join(), turns.join());
        let first_log = log.clone();
        spawner
            .spawn_local(async move {
                let _turn = first.await;
                let _ = fetched.await;
                first_log.borrow_mut().push("first");
            })
            .unwrap();
        let second_log = log.clone();
        spawner
            .spawn_local(async move {
                let _turn = second.await;
                second_log.borrow_mut().push("second");
            })
            .unwrap();
        pool.run_until_stalled();
        assert!(log.borrow().is_empty(), "the second input must wait for the first");
        assert_eq!(turns.len(), 2);
        release.send(()).unwrap();
        pool.run_until_stalled();
        assert_eq!(*log.borrow(), vec!["first", "second"]);
        assert!(turns.is_empty());
    }

    #[test]
    fn a_place_given_up_lets_the_next_one_through() {
        let turns = Turns::default();
        let mut pool = LocalPool::new();
        let held = pool.run_until(turns.join());
        let abandoned = turns.join();
        let mut third = Box::pin(turns.join());
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(third.as_mut().poll(&mut cx).is_pending());
        drop(abandoned);
        assert!(third.as_mut().poll(&mut cx).is_pending(), "the turn is still held");
        drop(held);
        assert!(third.as_mut().poll(&mut cx).is_ready());
    }
}

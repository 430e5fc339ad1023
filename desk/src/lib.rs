//! The support desk around a takeover, as pure code: who is available, what a queued
//! conversation needs, and which agent gets it. The SiteDO owns the live state and carries the
//! decisions out; everything here is synchronous and tested natively.
//!
//! Routing in one sentence: take the queue in priority order, and give each conversation to the
//! eligible agent (Online, under capacity, speaks its language, has its skill) who holds the
//! fewest conversations, ties going to whoever has waited longest since their last assignment;
//! requirements relax in a stated order (skill, then language) once a conversation has waited
//! long enough with nobody eligible.
//!
//! Architecture invariant: [`route`] never assigns an agent past capacity and never gives one
//! conversation to two agents, however many conversations and agents change at the same time,
//! because it decides all assignments of one moment in one call over one snapshot.

mod hours;
mod presence;
mod queue;
mod routing;
mod team;
mod wait;

pub use hours::{LocalTime, Reopening, is_open, next_opening};
pub use presence::{MISSED_OFFERS_BEFORE_AWAY, PresenceRecord};
pub use queue::{Priority, Queued, Requirements};
pub use routing::{Assignment, Relaxed, RoutingSettings, relaxed_at, route};
pub use team::{Agent, Presence};
pub use wait::{Place, Wait, places};

//! The pace of a run: at most `--rate` calls a second, halved when PersonaClick answers 429 (and
//! paused for its `Retry-After`), then brought back up step by step while no 429 comes. The
//! client tells of every attempt (`ClientBuilder::on_attempt`), so a 429 that a retry got past
//! slows the whole run down too.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Shared by the sending loop and the client's observer.
pub struct Pace {
    state: Mutex<State>,
    max_rate: f64,
}

struct State {
    rate: f64,
    next: Instant,
    paused_until: Option<Instant>,
    last_slowdown: Option<Instant>,
    slowdowns: u64,
}

/// The slowest pace a run goes at, whatever the 429s say.
const MIN_RATE: f64 = 1.0;

impl Pace {
    pub fn new(rate: f64) -> Self {
        Pace {
            state: Mutex::new(State {
                rate,
                next: Instant::now(),
                paused_until: None,
                last_slowdown: None,
                slowdowns: 0,
            }),
            max_rate: rate,
        }
    }

    /// How long to wait before the next call may start; the call's slot is taken.
    pub fn take(&self) -> Duration {
        let now = Instant::now();
        let mut s = self.lock();
        // Speed back up by a tenth of the goal each second without a 429.
        if let Some(last) = s.last_slowdown {
            let calm = now.saturating_duration_since(last).as_secs_f64();
            if calm >= 1.0 && s.rate < self.max_rate {
                s.rate = (s.rate + self.max_rate / 10.0).min(self.max_rate);
                s.last_slowdown = Some(now);
            }
        }
        let mut at = s.next.max(now);
        if let Some(until) = s.paused_until {
            at = at.max(until);
        }
        s.next = at + Duration::from_secs_f64(1.0 / s.rate);
        at - now
    }

    /// PersonaClick answered 429: halve the rate, and wait what it asks for.
    pub fn throttled(&self, retry_after: Option<Duration>) {
        let now = Instant::now();
        let mut s = self.lock();
        // Several calls in flight meet the same 429: one halving per half second.
        let recent = s
            .last_slowdown
            .is_some_and(|t| now.saturating_duration_since(t) < Duration::from_millis(500));
        if !recent {
            // Never above the rate asked for, even when that is below the floor.
            s.rate = (s.rate / 2.0).max(MIN_RATE.min(self.max_rate));
            s.slowdowns += 1;
        }
        s.last_slowdown = Some(now);
        if let Some(wait) = retry_after {
            let until = now + wait.min(Duration::from_secs(300));
            s.paused_until = Some(s.paused_until.map_or(until, |u| u.max(until)));
        }
    }

    /// The rate now, and how many times it was lowered.
    pub fn now(&self) -> (f64, u64) {
        let s = self.lock();
        (s.rate, s.slowdowns)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the state half-written: every update is one step.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_spaced_and_a_429_halves_the_rate() {
        let pace = Pace::new(100.0);
        let waits: Vec<Duration> = (0..3).map(|_| pace.take()).collect();
        assert!(waits[0] < Duration::from_millis(5));
        assert!(waits[2] > Duration::from_millis(15), "{waits:?}");
        pace.throttled(Some(Duration::from_secs(2)));
        pace.throttled(None); // the same burst
        assert_eq!(pace.now(), (50.0, 1));
        assert!(pace.take() > Duration::from_millis(1900));
        let slow = Pace::new(0.1);
        slow.throttled(None);
        assert_eq!(slow.now().0, 0.1, "a 429 never speeds a slow run up");
    }
}

//! When to try a call again, and how long to wait first.
//!
//! Only operations the schema marks `idempotent` are retried after the request may have
//! reached the server; any operation is retried when it provably never left (the connection
//! could not be made). Waits grow exponentially with full jitter up to a cap; a `Retry-After`
//! from the server is honoured when it fits under its own cap, and otherwise ends the call. A
//! budget shared by all clones of a client stops retry storms when PersonaClick is down.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Statuses worth another attempt: timeouts, throttling, and a server or proxy in trouble.
pub(crate) const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// Retry settings, for [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// ```
/// use std::time::Duration;
/// use personaclick::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(5)
///     .backoff(Duration::from_millis(200), Duration::from_secs(5))
///     .max_retry_after(Duration::from_secs(30));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes one attempt.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included (default 3; 1 means no retries).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// The first retry waits up to `base`, each later one up to twice as long, never more than
    /// `max` (defaults 100 ms and 2 s). The wait is random below that bound ("full jitter"), so
    /// many clients do not retry in step.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// The longest `Retry-After` honoured (default 10 s): a server asking for a longer wait
    /// ends the call with its answer instead.
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry): a random time between zero
    /// and `base_delay * 2^(retry-1)`, capped ("full jitter").
    pub(crate) fn delay_before(&self, retry: u32, random: u64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let ceiling = exp.min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(random % nanos.saturating_add(1))
    }
}

/// Retries allowed across all calls of a client: each retry spends a token, each call that
/// succeeds earns back a tenth of one. While PersonaClick fails every call, the tokens run out
/// after a few retries and calls fail at once instead of tripling the load.
#[derive(Debug)]
pub(crate) struct Budget {
    /// Tokens, in tenths.
    tenths: AtomicU64,
    max_tenths: u64,
}

impl Budget {
    pub fn new(max_retries: u64) -> Self {
        Budget {
            tenths: AtomicU64::new(max_retries * 10),
            max_tenths: max_retries * 10,
        }
    }

    /// Takes a token for a retry, if there is one.
    pub fn withdraw(&self) -> bool {
        self.tenths
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(10))
            .is_ok()
    }

    /// A call succeeded.
    pub fn deposit(&self) {
        // A full budget (the usual case) is only read: every call writing the shared counter
        // would bounce its cache line between the threads making calls.
        let _ = self
            .tenths
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.max_tenths).then_some(t + 1)
            });
    }
}

/// Randomness for jitter: xorshift64*, seeded from the clock. Not for secrets.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    pub fn new() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64);
        Jitter(AtomicU64::new(seed | 1))
    }

    pub fn next(&self) -> u64 {
        let mut x = self.0.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.store(x, Ordering::Relaxed);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A `Retry-After` value: delay-seconds, or an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The IMF-fixdate form of an HTTP-date, the one servers send.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = s.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u64 = day.parse().ok()?;
    let year: u64 = year.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || year < 1970 || *h > 23 || *m > 59 || *sec > 60 {
        return None;
    }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y % 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_exponential_and_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_before(1, 0), Duration::ZERO);
        assert_eq!(
            p.delay_before(1, u64::MAX),
            Duration::from_millis(100).min(Duration::from_nanos(u64::MAX % 100_000_001))
        );
        let ceilings: Vec<Duration> = (1..=8)
            .map(|r| {
                (0..2000u64)
                    .map(|i| p.delay_before(r, i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
                    .max()
                    .unwrap()
            })
            .collect();
        assert!(ceilings[0] <= Duration::from_millis(100));
        assert!(
            ceilings[1] <= Duration::from_millis(200) && ceilings[1] > Duration::from_millis(100)
        );
        assert!(ceilings.iter().all(|c| *c <= Duration::from_secs(2)));
        assert!(ceilings[7] > Duration::from_millis(1900));
    }

    #[test]
    fn an_unlimited_backoff_does_not_overflow() {
        let p = RetryPolicy::default().backoff(Duration::MAX, Duration::MAX);
        for random in [0, 1, u64::MAX - 1, u64::MAX] {
            for retry in [1, 2, 30, u32::MAX] {
                let _ = p.delay_before(retry, random);
            }
        }
        assert_eq!(p.delay_before(1, 7), Duration::from_nanos(7));
    }

    #[test]
    fn budget_runs_out_and_refills_slowly() {
        let b = Budget::new(2);
        assert!(b.withdraw() && b.withdraw());
        assert!(!b.withdraw());
        for _ in 0..9 {
            b.deposit();
        }
        assert!(!b.withdraw(), "nine successes earn less than one retry");
        b.deposit();
        assert!(b.withdraw());
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sat, 29 Feb 2020 12:00:00 GMT", UNIX_EPOCH),
            Some(Duration::from_secs(1_582_977_600))
        );
        for bad in [
            "soon",
            "-1",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}

//! What a client tells an observer after each attempt of a call
//! ([`ClientBuilder::on_attempt`](crate::ClientBuilder::on_attempt)).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::TransportKind;

/// One attempt of a call, as an observer sees it: for metrics, and for programs that pace
/// themselves (a bulk sync slows down when PersonaClick answers 429). It carries no parameter
/// value, URL or body: nothing personal and no secret.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation's schema id (`set_profile`).
    pub operation: &'a str,
    /// 1 for the first attempt of the call, 2 for its first retry, ...
    pub number: u32,
    /// What it ended with.
    pub outcome: Outcome,
    /// How long it took, from sending to the end of the response.
    pub elapsed: Duration,
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A whole response.
    Response {
        /// Its HTTP status.
        status: u16,
        /// The wait its `Retry-After` header asks for, if it has one the client could read.
        retry_after: Option<Duration>,
    },
    /// No whole response: what went wrong.
    Failed(TransportKind),
}

/// The observer set on a client.
#[derive(Clone)]
pub(crate) struct Observer(Arc<dyn Fn(&Attempt<'_>) + Send + Sync>);

impl Observer {
    pub(crate) fn new(f: impl Fn(&Attempt<'_>) + Send + Sync + 'static) -> Self {
        Observer(Arc::new(f))
    }

    pub(crate) fn tell(&self, attempt: &Attempt<'_>) {
        (self.0)(attempt);
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

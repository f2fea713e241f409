//! Running calls to completion from synchronous code, on a runtime of the client's own.

use std::future::Future;
use std::sync::Arc;

use crate::error::{Error, Invalid};

/// The blocking mode of request builders (the builders of a
/// [`blocking::Client`](crate::blocking::Client)): `send` waits for the answer, on a runtime of
/// the client's own (one worker thread, shared by the client's clones and its builders).
#[derive(Clone)]
pub struct Blocking {
    runtime: Arc<Runtime>,
}

struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        // A plain drop blocks, and panics inside an async context; this does neither.
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Blocking")
    }
}

fn invalid(problem: String) -> Error {
    Error::InvalidConfig(Invalid {
        context: "blocking",
        problems: vec![problem],
    })
}

impl Blocking {
    /// Starts the runtime.
    #[doc(hidden)]
    pub fn new() -> Result<Self, Error> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("personaclick-blocking")
            .enable_all()
            .build()
            .map_err(|e| invalid(format!("the blocking client's runtime cannot start: {e}")))?;
        Ok(Blocking {
            runtime: Arc::new(Runtime(Some(rt))),
        })
    }

    /// Runs `future` to completion on this thread, or says why it cannot: inside an async
    /// runtime, blocking the thread would stall it (use the async client there).
    #[doc(hidden)]
    pub fn run<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(invalid(
                "a blocking call cannot run inside an async runtime: use the async client there"
                    .into(),
            ));
        }
        match &self.runtime.0 {
            Some(rt) => Ok(rt.block_on(future)),
            None => Err(invalid("the blocking client's runtime has stopped".into())),
        }
    }

    /// Runs a call to completion.
    #[doc(hidden)]
    pub fn call<T>(&self, future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        self.run(future)?
    }
}

/// A stream of results walked as an iterator, blocking for each item: what `pages` and `items`
/// of a blocking request builder return.
pub struct BlockingIter<S> {
    stream: S,
    blocking: Blocking,
    done: bool,
}

impl<S> std::fmt::Debug for BlockingIter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingIter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<S> BlockingIter<S> {
    /// Walks `stream` on `blocking`'s runtime.
    #[doc(hidden)]
    pub fn new(stream: S, blocking: Blocking) -> Self {
        BlockingIter {
            stream,
            blocking,
            done: false,
        }
    }
}

impl<S, T> Iterator for BlockingIter<S>
where
    S: futures_core::Stream<Item = Result<T, Error>> + Unpin,
{
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let stream = &mut self.stream;
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx));
        match self.blocking.run(next) {
            Ok(item) => item,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

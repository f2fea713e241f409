//! Exit codes, and the failures that end a command.

use personaclick::{Error, TransportKind};

/// What the process's exit code says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Done. For `sync-profiles`: every row sent.
    Ok = 0,
    /// PersonaClick answered with an error. For `sync-profiles`: done, but some rows are in the
    /// reject file.
    Refused = 1,
    /// Bad usage, arguments, credentials or input file; or a request the checks refused:
    /// nothing was sent. For `sync-profiles`, also a line the file cannot be read past (binary,
    /// too long): the rows before it are done.
    Usage = 2,
    /// No answer: the connection failed or timed out. For `sync-profiles`: stopped before the
    /// end (interrupted, `--max-errors` reached, or PersonaClick unreachable); run the same
    /// command again to continue.
    Unfinished = 3,
    /// An answer that could not be read.
    Unreadable = 4,
}

/// The exit codes, for `--help`.
pub const CODES: &str = "Exit codes:\n  \
    0  done (sync-profiles: every row sent)\n  \
    1  PersonaClick answered with an error (sync-profiles: done, some rows rejected: see the reject file)\n  \
    2  bad usage, arguments, credentials or input file, or a request the checks refused: nothing sent (sync-profiles: or a line the file cannot be read past; the rows before it are done)\n  \
    3  no answer: connection failed or timed out (sync-profiles: stopped early, run it again to continue)\n  \
    4  an answer that could not be read";

/// A failure: its message (for stderr) and exit code.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }

    /// A call's error (which never holds the secret: the library scrubs it).
    pub fn of(e: &Error) -> Self {
        Failure::new(exit_of(e), e.to_string())
    }
}

/// The exit code of a call's error.
pub fn exit_of(e: &Error) -> Exit {
    match e {
        Error::Api(_) => Exit::Refused,
        // An answer came, too large to read.
        Error::Transport(t) if matches!(t.kind(), TransportKind::TooLarge { .. }) => {
            Exit::Unreadable
        }
        Error::Transport(_) => Exit::Unfinished,
        Error::Decode(_) => Exit::Unreadable,
        _ => Exit::Usage,
    }
}

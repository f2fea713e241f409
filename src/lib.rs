//! A typed async client for [PersonaClick](https://personaclick.com)'s User Profile REST API.
//!
//! The types and methods are generated at build time from the YAML schema in `schema/` (a
//! readable copy is committed in `generated/personaclick.rs`); this crate's hand-written part is
//! the small runtime they call: the client, checks, transport and errors.
//!
//! ```no_run
//! use personaclick::{Client, Gender, Kid};
//!
//! # async fn run() -> Result<(), personaclick::Error> {
//! let client = Client::builder()
//!     .shop_id("0d42fd8b713d0752776ca589cc0056")
//!     .shop_secret("0123456789abcdef0123456789abcdef")
//!     .build()?;
//!
//! client
//!     .set_profile()
//!     .email("john.doe@examplemail.com")
//!     .first_name("John")
//!     .birthday("1990-03-11")
//!     .kids([Kid::new().gender(Gender::Male).birthday("2001-04-12")])
//!     .custom_property("custom_integer_property", 100500)
//!     .send()
//!     .await?;
//!
//! let profile = client.get_profile().email("john.doe@examplemail.com").send().await?;
//! println!("{:?}", profile.first_name);
//! # Ok(())
//! # }
//! ```
//!
//! Every call checks its parameters before sending: a missing required parameter, a broken
//! requirement rule (`shop_secret` or `did`), a value out of range or a malformed date fails
//! with [`Error::InvalidRequest`] naming each problem, and nothing is sent.

#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets the generated code name this crate the way it would from outside.
extern crate self as personaclick;

mod call;
mod check;
mod client;
mod dates;
#[cfg(feature = "dynamic")]
#[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
pub mod dynamic;
mod envelope;
mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
mod mode;
mod object;
mod observe;
mod pager;
mod read;
mod retry;
#[cfg(feature = "blocking")]
mod run_blocking;
mod transport;
mod unread;
mod wire;

pub use dates::{Date, DateError, DateTime, Timestamp};
pub use error::{ApiError, DecodeError, Error, Invalid, TransportError, TransportKind};
/// The date crate that [`Date`], [`DateTime`] and [`Timestamp`] convert to and from (feature
/// `jiff`).
#[cfg(feature = "jiff")]
#[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
pub use jiff;
pub use mode::Async;
pub use observe::{Attempt, Outcome};
pub use pager::{Items, Pages};
pub use retry::RetryPolicy;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub use run_blocking::{Blocking, BlockingIter};
pub use unread::{Expected, Unread, UnreadValue};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/personaclick.rs"));
}

pub use generated::*;

/// What the generated code calls. Not a stable API: use the generated types.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::Call;
    pub use crate::check::{check, Check, Checkable, Format, Path, Rule, RuleKind};
    pub use crate::client::{Api, ClientValue, Core, CoreBuilder, Endpoint, ErrorShape, Method};
    pub use crate::dates::{Date, DateTime, Timestamp};
    #[cfg(feature = "dynamic")]
    pub use crate::dynamic::call as dynamic_call;
    pub use crate::error::invalid_config;
    pub use crate::mode::Async;
    pub use crate::object::{decode_object, DebugFields, Object};
    pub use crate::pager::{Items, Pages};
    pub use crate::read::{
        decode_response, read_enum, read_union, Entry, Got, JsonKind, Place, Read, Reading,
    };
    #[cfg(feature = "blocking")]
    pub use crate::run_blocking::{Blocking, BlockingIter};
    pub use crate::unread::{Expected, Shown, Unread};
    pub use crate::wire::{deserialize_enum, Json, Key, Keys, Secret, UnknownValue};
    /// A JSON object: a dynamic call's parameters.
    pub type JsonMap = serde_json::Map<String, Json>;
    #[cfg(feature = "jiff")]
    pub use jiff;
    pub use serde;
    pub use serde::de::MapAccess;
}

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

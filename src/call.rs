//! One call being prepared: each parameter is checked against its rule and written straight
//! into the query string (`GET`) or the JSON body (`POST`, `DELETE`), in the schema's order, in
//! one step.
//!
//! Generated `send()` methods are a list of calls to [`Call`]; every problem found is kept, so
//! the caller's error names all of them, and nothing is sent if there is one.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::{check, Check, Checkable, Path, Rule, RuleKind};
use crate::client::{Endpoint, Method};
use crate::error::Error;
use crate::wire::Secret;

/// A request being checked and written.
pub struct Call {
    endpoint: &'static Endpoint,
    check: Check,
    /// The query string (`GET`), or the JSON object body without its closing brace (`POST`,
    /// `DELETE`).
    out: Vec<u8>,
    /// Where a query value is written as JSON before it is percent-encoded.
    scratch: Vec<u8>,
    secrets: Vec<Secret>,
}

/// A checked request, ready to send.
pub(crate) struct Prepared {
    /// The query string, without `?` (empty for `POST` and `DELETE`).
    pub query: String,
    /// The JSON body (`POST` and `DELETE` only).
    pub body: Option<bytes::Bytes>,
    /// The secrets sent, to scrub from anything shown.
    pub secrets: Vec<Secret>,
}

impl Call {
    /// Starts a call to `endpoint`.
    pub fn new(endpoint: &'static Endpoint) -> Self {
        let mut out = Vec::with_capacity(128);
        if endpoint.method.has_body() {
            out.push(b'{');
        }
        Call {
            endpoint,
            check: Check::new(endpoint.id),
            out,
            scratch: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// A parameter: checked against `rule`, and sent if it is set.
    pub fn param<T: Serialize + Checkable>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
        rule: &Rule,
    ) {
        check(&mut self.check, &Path::Root.field(name), value, rule);
        if let Some(v) = value {
            self.write(name, v);
        }
    }

    /// The same value sent once more under another name (`sid` for `seance`).
    pub fn alias<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(v) = value {
            self.write(name, v);
        }
    }

    /// A list sent as one comma-joined value (`type=bulk,chain`).
    pub fn comma<T: Serialize + Checkable>(
        &mut self,
        name: &'static str,
        value: &Option<Vec<T>>,
        rule: &Rule,
    ) {
        check(&mut self.check, &Path::Root.field(name), value, rule);
        let Some(items) = value else { return };
        let mut joined = String::new();
        for (i, item) in items.iter().enumerate() {
            self.scratch.clear();
            if let Err(e) = json_into(&mut self.scratch, item) {
                return self.unwritable(name, &e);
            }
            if i > 0 {
                joined.push(',');
            }
            match unquoted(&self.scratch) {
                Ok(text) => joined.push_str(&String::from_utf8_lossy(&text)),
                Err(e) => return self.unwritable(name, &e),
            }
        }
        self.write(name, joined.as_str());
    }

    /// A secret (the shop secret): sent if set, and scrubbed from anything shown.
    pub fn secret(&mut self, name: &'static str, value: &Option<Secret>, rule: &Rule) {
        check(&mut self.check, &Path::Root.field(name), value, rule);
        if let Some(s) = value {
            self.write(name, s.expose());
            self.secrets.push(s.clone());
        }
    }

    /// A parameter with a fixed value the caller must acknowledge by calling its setter.
    pub fn acknowledged<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        done: bool,
        value: &T,
    ) {
        self.check.acknowledged(name, done);
        if done {
            self.write(name, value);
        }
    }

    /// A parameter with a fixed value, always sent.
    pub fn constant<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.write(name, value);
    }

    /// A rule over several parameters: see [`Check::rule`].
    pub fn rule(
        &mut self,
        kind: RuleKind,
        names: &[(&str, bool)],
        when: &[(&str, bool)],
        why: &str,
    ) {
        self.check.rule(kind, names, when, why);
    }

    /// Free-form entries (custom properties), each sent as a parameter of its own. Names must
    /// not be empty or clash with a named parameter (`reserved`).
    pub fn additional<T: Serialize + Checkable>(
        &mut self,
        label: &'static str,
        map: &BTreeMap<String, T>,
        reserved: &[&str],
    ) {
        self.check
            .additional(&Path::Root.field(label), map, reserved);
        for (name, value) in map {
            self.write(name, value);
        }
    }

    /// The request, or [`Error::InvalidRequest`] naming every problem found.
    pub(crate) fn finish(self) -> Result<(&'static Endpoint, Prepared), Error> {
        let Call {
            endpoint,
            check,
            mut out,
            secrets,
            ..
        } = self;
        check.finish()?;
        let prepared = match endpoint.method {
            Method::Get => Prepared {
                // Only ASCII is written to a query: percent-encoding escapes everything else.
                query: String::from_utf8(out)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                body: None,
                secrets,
            },
            Method::Post | Method::Delete => {
                out.push(b'}');
                Prepared {
                    query: String::new(),
                    body: Some(out.into()),
                    secrets,
                }
            }
        };
        Ok((endpoint, prepared))
    }

    /// Writes `name` and `value` as the next parameter. Once a problem is found nothing more is
    /// written: the request will not be sent.
    fn write<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if self.check.has_problems() {
            return;
        }
        let mark = self.out.len();
        let written = match self.endpoint.method {
            Method::Get => {
                if !self.out.is_empty() {
                    self.out.push(b'&');
                }
                encode_into(&mut self.out, name.as_bytes());
                self.out.push(b'=');
                self.scratch.clear();
                json_into(&mut self.scratch, value).and_then(|()| {
                    encode_into(&mut self.out, &unquoted(&self.scratch)?);
                    Ok(())
                })
            }
            Method::Post | Method::Delete => {
                if self.out.len() > 1 {
                    self.out.push(b',');
                }
                json_into(&mut self.out, name).and_then(|()| {
                    self.out.push(b':');
                    json_into(&mut self.out, value)
                })
            }
        };
        if let Err(e) = written {
            self.out.truncate(mark);
            self.unwritable(name, &e);
        }
    }

    fn unwritable(&mut self, name: &str, e: &serde_json::Error) {
        self.check.problem(
            &Path::Root.field(name),
            format_args!("cannot be written as JSON: {e}"),
        );
    }
}

/// Writes `value` as JSON into `buf`.
fn json_into<T: Serialize + ?Sized>(buf: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        buf,
        WholeNumbers,
    ))
}

/// JSON as serde_json writes it, but whole `f64` values as integers (`1123`, not `1123.0`), as
/// PersonaClick's examples do: the value is the same, but a server may tell the two apart.
struct WholeNumbers;

impl serde_json::ser::Formatter for WholeNumbers {
    fn write_f64<W: std::io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every whole f64 below is exact in i64
        if value.fract() == 0.0 && value.abs() < EXACT {
            self.write_i64(w, value as i64)
        } else {
            serde_json::ser::CompactFormatter.write_f64(w, value)
        }
    }

    fn write_f32<W: std::io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        self.write_f64(w, f64::from(value))
    }
}

/// A JSON value as query text: a string without its quotes and escapes, anything else (numbers,
/// `true`, lists) as its JSON.
fn unquoted(json: &[u8]) -> serde_json::Result<Cow<'_, [u8]>> {
    match json {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => Ok(Cow::Borrowed(inner)),
        [b'"', ..] => Ok(Cow::Owned(
            serde_json::from_slice::<String>(json)?.into_bytes(),
        )),
        _ => Ok(Cow::Borrowed(json)),
    }
}

/// Percent-encodes a query component, keeping the characters that need no escaping in a
/// query value (so `email=john.doe@examplemail.com&type=bulk,chain` reads as written). Runs of
/// such characters are copied at once.
pub(crate) fn encode_into(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-._~,@:/".contains(&b);
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest.iter().position(|&b| !keep(b)).unwrap_or(rest.len());
        out.extend_from_slice(&rest[..run]);
        if let Some(&b) = rest.get(run) {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            rest = &rest[run + 1..];
        } else {
            rest = &[];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: Endpoint = Endpoint {
        id: "get",
        method: Method::Get,
        path: "/get",
        idempotent: true,
    };
    const POST: Endpoint = Endpoint {
        id: "post",
        method: Method::Post,
        path: "/post",
        idempotent: false,
    };
    const DELETE: Endpoint = Endpoint {
        id: "delete",
        method: Method::Delete,
        path: "/delete",
        idempotent: true,
    };

    fn written(call: Call) -> String {
        let (_, p) = call.finish().unwrap();
        match p.body {
            Some(body) => String::from_utf8(body.to_vec()).unwrap(),
            None => p.query,
        }
    }

    #[test]
    fn query_keeps_readable_characters_and_escapes_the_rest() {
        let mut c = Call::new(&GET);
        c.param(
            "email",
            &Some("john.doe@examplemail.com".to_string()),
            &Rule::NONE,
        );
        c.comma(
            "type",
            &Some(vec!["bulk".to_string(), "trigger".into()]),
            &Rule::NONE,
        );
        c.param("q", &Some("a&b=c d+é".to_string()), &Rule::NONE);
        c.param("quoted", &Some("say \"hi\"\\".to_string()), &Rule::NONE);
        c.param("limit", &Some(20i64), &Rule::NONE);
        c.param("bonuses", &Some(1123.0f64), &Rule::NONE);
        c.param("rate", &Some(7.62f64), &Rule::NONE);
        c.param::<i64>("unset", &None, &Rule::NONE);
        c.param("ids", &Some(vec![1i64, 2]), &Rule::NONE);
        c.constant("nan", &f64::NAN);
        c.param("yes", &Some(true), &Rule::NONE);
        assert_eq!(
            written(c),
            "email=john.doe@examplemail.com&type=bulk,trigger&q=a%26b%3Dc%20d%2B%C3%A9\
             &quoted=say%20%22hi%22%5C&limit=20&bonuses=1123&rate=7.62&ids=%5B1,2%5D\
             &nan=null&yes=true"
        );
    }

    #[test]
    fn body_is_one_json_object_in_order() {
        let mut c = Call::new(&POST);
        c.secret(
            "shop_secret",
            &Some(Secret::new("s3cret".into())),
            &Rule::NONE,
        );
        c.param("bought", &Some(vec![1.0f64, 2.5]), &Rule::NONE);
        c.alias("sid", &Some("x\"y".to_string()));
        let mut extra = BTreeMap::new();
        extra.insert("a\"b".to_string(), serde_json::json!({"n": 3.0}));
        c.additional("custom", &extra, &[]);
        c.acknowledged("sure", true, &true);
        c.constant("v", "1");
        assert_eq!(
            written(c),
            r#"{"shop_secret":"s3cret","bought":[1,2.5],"sid":"x\"y","a\"b":{"n":3},"sure":true,"v":"1"}"#
        );
        assert_eq!(written(Call::new(&POST)), "{}");
    }

    #[test]
    fn a_delete_is_written_as_a_post_is() {
        let prepared = |endpoint: &'static Endpoint| {
            let mut c = Call::new(endpoint);
            c.param("email", &Some("a@b.c".to_string()), &Rule::NONE);
            c.param("ids", &Some(vec![1i64, 2]), &Rule::NONE);
            c.constant("v", "1");
            c.finish().unwrap().1
        };
        let (post, delete) = (prepared(&POST), prepared(&DELETE));
        assert_eq!(delete.query, "", "a DELETE carries nothing in its query");
        assert_eq!(
            delete.body.as_deref(),
            Some(&br#"{"email":"a@b.c","ids":[1,2],"v":"1"}"#[..])
        );
        assert_eq!(delete.body, post.body);
        assert_eq!(written(Call::new(&DELETE)), "{}");
    }

    #[test]
    fn every_problem_is_named_and_nothing_is_prepared() {
        let mut c = Call::new(&POST);
        c.param::<String>(
            "email",
            &None,
            &Rule {
                required: true,
                ..Rule::NONE
            },
        );
        c.acknowledged("sure", false, &true);
        c.param("later", &Some(1i64), &Rule::NONE);
        let e = c.finish().err().unwrap();
        let shown = e.to_string();
        assert!(shown.contains("`email` is required"), "{shown}");
        assert!(shown.contains("`sure` is required"), "{shown}");
    }

    #[test]
    fn a_value_json_cannot_write_is_a_problem_not_a_panic() {
        let mut bad = BTreeMap::new();
        bad.insert(vec![1u8], 1);
        let mut c = Call::new(&GET);
        c.constant("m", &bad);
        let e = c.finish().err().unwrap();
        assert!(
            e.to_string().contains("`m` cannot be written as JSON"),
            "{e}"
        );
    }
}

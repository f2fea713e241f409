//! The fake's HTTP side: hyper on a loopback listener, recording, faults, and turning a
//! request into the store's answer.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use personaclick_codegen::schema::Method;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::store::Answer;
use super::validate::{Checking, Input};
use super::{FaultKind, Recorded, Shared};

/// Bodies larger than this are refused: the API's requests are small.
const MAX_BODY: usize = 1 << 20;

pub(crate) async fn serve(
    shared: Arc<Shared>,
    port: u16,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        // Connections live in this set, so aborting the task closes them all.
        let mut connections = JoinSet::new();
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            };
            let shared = Arc::clone(&shared);
            connections.spawn(async move {
                let service = service_fn(move |request| handle(Arc::clone(&shared), request));
                // A client that goes away mid-request is not the fake's problem.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
            while connections.try_join_next().is_some() {}
        }
    });
    Ok((addr, task))
}

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault injected: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(parse_query).unwrap_or_default();
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(reply(&Answer::error(
                413,
                &format!("the body is larger than {MAX_BODY} bytes"),
            )));
        }
    };
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    let fault = {
        let mut store = shared.store();
        store.record(|| Recorded {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            body: json.clone(),
        });
        store.take_fault(&path)
    };
    match fault {
        Some(FaultKind::Delay(d)) => tokio::time::sleep(d).await,
        Some(FaultKind::Respond {
            status,
            content_type,
            body,
        }) => return Ok(raw(status, content_type, body.into_bytes())),
        Some(FaultKind::Drop) => return Err(DropConnection),
        None => {}
    }
    Ok(reply(&answer(&shared, &method, &path, query, &body, json)))
}

fn answer(
    shared: &Shared,
    method: &str,
    path: &str,
    query: Vec<(String, String)>,
    body: &[u8],
    json: Option<Value>,
) -> Answer {
    let Some(endpoint) = shared.checker.endpoint(method, path) else {
        return Answer::error(404, &format!("no such method: {method} {path}"));
    };
    // Where the parameters are is the schema's word for the endpoint: a DELETE's body is read
    // and checked as a POST's is.
    let input = match endpoint.method {
        Method::Get => Input::Query(query),
        Method::Post | Method::Delete => match json {
            Some(Value::Object(map)) => Input::Body(map),
            _ if body.is_empty() => Input::Body(Default::default()),
            _ => return Answer::error(400, "the body must be a JSON object"),
        },
    };
    let raw = |name: &str| match &input {
        Input::Query(pairs) => pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()),
        Input::Body(map) => map.get(name).and_then(Value::as_str).map(str::to_string),
    };
    let (shop_id, secret) = (raw("shop_id"), raw("shop_secret"));
    let mut store = shared.store();
    if let Some(shop_id) = shop_id {
        if let Err(answer) = store.authenticate(endpoint.name.wire(), &shop_id, secret.as_deref()) {
            return answer;
        }
    }
    match shared.checker.check(endpoint, input, Checking::Arrived) {
        Ok(checked) => store.handle(&checked),
        Err(invalid) => Answer::error(400, &invalid.problems().join("; ")),
    }
}

fn reply(answer: &Answer) -> Response<Full<Bytes>> {
    raw(
        answer.status,
        "application/json",
        answer.body.to_string().into_bytes(),
    )
}

fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = content_type.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, v);
    }
    response
}

/// Decodes `a=1&b=x%20y` (and `+` as a space, as forms write it).
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::super::store::Store;
    use super::super::validate::Checker;
    use super::super::{Shared, DEFAULT_SHOP_ID, DEFAULT_SHOP_SECRET};
    use super::{answer, parse_query};

    /// One path with a GET and a DELETE: nothing the fake implements, so a request that is
    /// routed and passes its checks gets the store's 501.
    const METHODS: &str = r#"
api:
  name: Methods
  description: One path, two methods.
  base_url: https://methods.example
  docs: https://methods.example/docs
  errors: {status_field: status, error_value: error, message_fields: [message]}
parameter_sets:
  auth:
    description: The shop.
    params:
      shop_id: {type: string, required: true, description: The shop.}
      shop_secret: {type: string, sensitive: true, description: Its secret.}
endpoints:
  find:
    summary: Finds.
    description: Parameters in the query string.
    method: GET
    path: /items
    idempotent: true
    include: [auth]
    params:
      email: {type: string, required: true, description: Whose items.}
    response: {type: json, description: Anything.}
  purge:
    summary: Purges.
    description: Parameters as a JSON body.
    method: DELETE
    path: /items
    idempotent: true
    include: [auth]
    params:
      email: {type: string, required: true, description: Whose items.}
      ids: {type: list<integer>, description: Which ones.}
    response: {type: json, description: Anything.}
"#;

    #[test]
    fn a_delete_is_routed_by_the_schema_and_its_body_checked() {
        let files = [personaclick_codegen::SourceFile {
            name: "methods.yaml".into(),
            text: METHODS.into(),
        }];
        let shared = Shared {
            store: Mutex::new(Store::with_default_shop()),
            checker: Checker::from_files(&files).unwrap(),
        };
        let ask = |method: &str, query: &str, body: &str| {
            let json = serde_json::from_str(body).ok();
            let a = answer(
                &shared,
                method,
                "/items",
                parse_query(query),
                body.as_bytes(),
                json,
            );
            (
                a.status,
                a.body["message"].as_str().unwrap_or_default().to_string(),
            )
        };
        let shop = format!("shop_id={DEFAULT_SHOP_ID}");
        let body = |rest: &str| {
            format!(
                r#"{{"shop_id":"{DEFAULT_SHOP_ID}","shop_secret":"{DEFAULT_SHOP_SECRET}"{rest}}}"#
            )
        };
        let not_implemented = |op: &str| (501, format!("the fake does not implement {op}"));

        // Each method finds its own operation on the one path.
        let purged = ask("DELETE", "", &body(r#","email":"a@b.c","ids":[1,2]"#));
        assert_eq!(purged, not_implemented("purge"));
        let found = ask("GET", &format!("{shop}&email=a@b.c"), "");
        assert_eq!(found, not_implemented("find"));
        let (status, message) = ask("PATCH", "", &body(r#","email":"a@b.c""#));
        assert_eq!(
            (status, message.as_str()),
            (404, "no such method: PATCH /items")
        );

        // A DELETE's parameters are read from its body, and checked as a POST's are.
        let (status, message) = ask("DELETE", "", &body(r#","ids":["x"]"#));
        assert_eq!(status, 400);
        assert!(message.contains("`email` is required"), "{message}");
        assert!(message.contains("`ids[0]`"), "{message}");
        let (status, message) = ask("DELETE", &format!("{shop}&email=a@b.c"), "");
        assert_eq!(
            status, 400,
            "the query is not where a DELETE's parameters are"
        );
        assert!(message.contains("`shop_id` is required"), "{message}");
        let (status, message) = ask("DELETE", "", "[1]");
        assert_eq!(
            (status, message.as_str()),
            (400, "the body must be a JSON object")
        );
        let wrong =
            format!(r#"{{"shop_id":"{DEFAULT_SHOP_ID}","shop_secret":"nope","email":"a@b.c"}}"#);
        assert_eq!(
            ask("DELETE", "", &wrong).0,
            403,
            "the body's credentials are checked"
        );
    }

    #[test]
    fn decodes_queries_without_trusting_them() {
        let pairs = super::parse_query("email=john.doe@examplemail.com&q=a%26b+c%2&x=%C3%A9&&k");
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("email", "john.doe@examplemail.com"),
                ("q", "a&b c%2"),
                ("x", "é"),
                ("k", "")
            ]
        );
    }
}

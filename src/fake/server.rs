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
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::store::Answer;
use super::validate::Input;
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
        store.requests.push(Recorded {
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
    let input = if method == "GET" {
        Input::Query(query)
    } else {
        match json {
            Some(Value::Object(map)) => Input::Body(map),
            _ if body.is_empty() => Input::Body(Default::default()),
            _ => return Answer::error(400, "the body must be a JSON object"),
        }
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
    match shared.checker.check(endpoint, input) {
        Ok(checked) => store.handle(&checked),
        Err(problems) => Answer::error(400, &problems),
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

//! A tiny in-process HTTP/1.1 server for the HTTP tests.
//!
//! [`TestServer::start`] listens on `127.0.0.1:0` (a free port) and answers every request, on
//! every connection, with one canned [`Response`] (which [`TestServer::respond_with`] can
//! change between calls). It records each request it reads ([`Recorded`]: method, path, raw
//! query, headers, body) so a test can assert what the client sent, and it stops when dropped.
//!
//! It reads requests in a loop on each connection (the client pools and reuses connections) and
//! honours `Content-Length`; it does not implement chunked request bodies, which the client
//! never sends (its bodies are buffered).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with any content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type: content_type.to_string(),
            body: body.into(),
        }
    }

    /// An `application/json` response.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/json", body)
    }
}

/// One request, as the server read it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string as sent (still percent-encoded), if the target had a `?`.
    pub query: Option<String>,
    /// Header names lowercased, in the order they came.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which connection it came on: 0 for the first one accepted, 1 for the next, ...
    pub connection: usize,
}

impl Recorded {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The query decoded into name/value pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    /// The body parsed as JSON; panics if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Shared between the server task and the test.
struct State {
    response: Mutex<Response>,
    requests: Mutex<Vec<Recorded>>,
}

/// A running server; dropping it stops the server and closes its connections.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering every request with `response`.
    pub async fn start(response: Response) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            response: Mutex::new(response),
            requests: Mutex::default(),
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        TestServer { addr, state, task }
    }

    /// The base URL to give the client: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next requests with `response` instead.
    pub fn respond_with(&self, response: Response) {
        *self.state.response.lock().unwrap() = response;
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The one request read so far; panics if there were none or several.
    pub fn only_request(&self) -> Recorded {
        let mut all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
        all.remove(0)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Dropping the accept loop drops its `JoinSet`, which aborts every connection task.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    for connection in 0.. {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        while connections.try_join_next().is_some() {}
        connections.spawn(serve(stream, connection, Arc::clone(&state)));
    }
}

/// Reads requests from one connection and answers each, until the client closes it (or asks
/// to, with `Connection: close`) or sends something this server cannot read.
async fn serve(stream: TcpStream, connection: usize, state: Arc<State>) {
    let mut stream = BufReader::new(stream);
    while let Some(request) = read_request(&mut stream, connection).await {
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        state.requests.lock().unwrap().push(request);
        let response = state.response.lock().unwrap().clone();
        // One write: a head and a body written apart can wait out a delayed ACK (Nagle).
        let mut bytes = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n{}\r\n",
            response.status,
            reason(response.status),
            response.content_type,
            response.body.len(),
            if close { "connection: close\r\n" } else { "" },
        )
        .into_bytes();
        bytes.extend_from_slice(&response.body);
        let written = stream.get_mut().write_all(&bytes).await;
        if written.is_err() || close {
            return;
        }
    }
}

/// Reads one request: the request line, the headers, then `Content-Length` bytes of body.
/// `None` at the end of the stream or on anything malformed.
async fn read_request(stream: &mut BufReader<TcpStream>, connection: usize) -> Option<Recorded> {
    let mut line = String::new();
    if stream.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };
    let mut headers = Vec::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, v)) => v.parse().ok()?,
        None => 0,
    };
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.ok()?;
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
        connection,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Unknown",
    }
}

//! A raw HTTP/1.1 client over a plain TCP socket, for tests that need control a real client
//! does not give: headers and body in separate writes, several requests on one connection,
//! half-sent requests, any `Host` or `Content-Type`.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

/// Longest a test waits for the server before calling it a hang (a guard, not a measurement).
const HANG_GUARD: Duration = Duration::from_secs(10);

/// One answer read off the socket.
#[derive(Debug)]
pub struct RawReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Asserts a Nylas error envelope with this status and a non-empty `request_id`.
    #[track_caller]
    pub fn assert_envelope(&self, status: u16) -> Value {
        let body = self.json();
        assert_eq!(self.status, status, "{body:#} {self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert!(is_envelope(&body), "not a Nylas error envelope: {body:#}");
        body
    }

    /// Asserts an admin error `{"error": "..."}` with this status.
    #[track_caller]
    pub fn assert_admin_error(&self, status: u16) -> String {
        let body = self.json();
        assert_eq!(self.status, status, "{body:#}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        body["error"]
            .as_str()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| panic!("not an admin error: {body:#}"))
            .to_owned()
    }
}

/// Whether a body is `{request_id, error: {type, message}}` with a non-empty `request_id`.
pub fn is_envelope(body: &Value) -> bool {
    body["request_id"].as_str().is_some_and(|id| !id.is_empty())
        && body["error"]["type"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
        && body["error"]["message"].is_string()
}

/// One connection to the server.
pub struct Raw {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Raw {
    pub fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connects");
        stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
        stream.set_nodelay(true).unwrap();
        Self {
            stream,
            buffer: Vec::new(),
        }
    }

    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Reads one answer (its body by `Content-Length`, else to the end of the stream).
    pub fn read_reply(&mut self) -> io::Result<RawReply> {
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at;
            }
            if self.fill()? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed before an answer",
                ));
            }
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).into_owned();
        self.buffer.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("bad status line in {head:?}")))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok());
        let body = match length {
            Some(length) => {
                while self.buffer.len() < length {
                    if self.fill()? == 0 {
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "short body"));
                    }
                }
                self.buffer.drain(..length).collect()
            }
            None => {
                while self.fill()? > 0 {}
                std::mem::take(&mut self.buffer)
            }
        };
        Ok(RawReply {
            status,
            headers,
            body,
        })
    }

    /// Whether the server has closed the connection: the next read ends the stream or is
    /// reset (anything the server sent before closing is skipped). A read that waits past the
    /// hang guard is an error.
    pub fn closed_by_server(&mut self) -> io::Result<bool> {
        loop {
            match self.fill() {
                Ok(0) => return Ok(true),
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(true),
                Err(e) => return Err(e),
            }
        }
    }

    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(n)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The bytes of a request with a `Content-Length` for its body; `headers` are added as given.
pub fn request_bytes(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut text = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends one request on a fresh connection (closed after it) and reads the answer.
pub fn one_shot(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<RawReply> {
    let mut all = vec![("Connection", "close")];
    all.extend_from_slice(headers);
    let mut raw = Raw::connect(addr);
    raw.send(&request_bytes(method, path, &all, body))?;
    raw.read_reply()
}

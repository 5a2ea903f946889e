//! A loopback HTTP server that writes raw bytes, for answers no well-behaved server library
//! would produce: a header block of 100 KB, a body that never ends.
//!
//! Each connection gets one request and one answer from `respond`, on its own thread; the
//! server counts the requests it read, so a test can prove that nothing was sent.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct RawServer {
    pub base_url: String,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    /// Serves every connection with `respond`, which writes whatever it likes to the stream.
    pub fn start(respond: impl Fn(&mut TcpStream) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        let respond = Arc::new(respond);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let counter = Arc::clone(&counter);
                let respond = Arc::clone(&respond);
                std::thread::spawn(move || {
                    if read_request_head(&mut stream) {
                        counter.fetch_add(1, Ordering::SeqCst);
                        respond(&mut stream);
                    }
                });
            }
        });
        Self { base_url, requests }
    }

    /// How many requests arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads up to the end of the request head; false when the client went away first. The
/// requests of these tests are GETs, so there is no body to read.
fn read_request_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
    }
    true
}

/// Writes `head` and then chunked body data until the client hangs up.
pub fn stream_forever(stream: &mut TcpStream, head: &str) {
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "x".repeat(16 * 1024));
    while stream.write_all(chunk.as_bytes()).is_ok() {}
}

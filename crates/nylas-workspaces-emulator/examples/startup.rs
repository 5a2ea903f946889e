//! Prints how long an in-process emulator takes to start (bind a loopback port, build its
//! runtime, spawn its thread) and to answer its first request. A measurement to read, not a
//! test: `cargo run --release -p nylas-workspaces-emulator --example startup`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use nylas_workspaces_emulator::{Emulator, EmulatorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs = 20;
    let mut start_us = Vec::with_capacity(runs);
    let mut first_answer_us = Vec::with_capacity(runs);
    for _ in 0..runs {
        let began = Instant::now();
        let emulator = Emulator::start_blocking(EmulatorConfig::new())?;
        start_us.push(began.elapsed().as_micros());
        // One raw HTTP/1.1 request, so the figure does not include an HTTP client's set-up.
        let mut stream = TcpStream::connect(emulator.addr())?;
        write!(
            stream,
            "GET /v3/workspaces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            emulator.api_key()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        first_answer_us.push(began.elapsed().as_micros());
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    start_us.sort_unstable();
    first_answer_us.sort_unstable();
    println!(
        "start: median {} µs, max {} µs; start + first answer: median {} µs, max {} µs ({runs} runs)",
        start_us[runs / 2],
        start_us[runs - 1],
        first_answer_us[runs / 2],
        first_answer_us[runs - 1],
    );
    Ok(())
}

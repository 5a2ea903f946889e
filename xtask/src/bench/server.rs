//! The one loopback server every scenario talks to: the standalone emulator, seeded, in its
//! own process, stopped when the run ends (also on error, through `Drop`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;

/// The key the emulator accepts. Not a secret (nothing real is behind it), but it is still
/// passed to the programs through the environment only.
pub const API_KEY: &str = "bench-key";
/// The workspace every scenario reads and assigns into.
pub const WORKSPACE: &str = "ws-bench";
/// How many grants the seed holds (scenario 4 moves all of them).
pub const GRANTS: usize = 100_000;

/// How long the emulator may take to say it is listening before the run gives up.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Writes the seed: one workspace that accepts manual assignment and [`GRANTS`] grants named
/// `g-000000`, `g-000001`, … (the names the bulk programs send).
pub fn write_seed(path: &Path) -> Result<(), String> {
    let grants: Vec<_> = (0..GRANTS)
        .map(|i| json!({"grant_id": format!("g-{i:06}"), "email": format!("u{i}@bench.example.com")}))
        .collect();
    let seed = json!({
        "application_id": "bench-app",
        "workspaces": [{
            "workspace_id": WORKSPACE, "name": "Bench", "domain": "bench.example.com",
            "auto_group": false
        }],
        "grants": grants,
    });
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, seed.to_string()).map_err(|e| format!("{}: {e}", path.display()))
}

/// A running emulator process.
pub struct Server {
    child: Child,
    pub url: String,
    addr: SocketAddr,
}

impl Server {
    /// Starts `binary` with `seed` and waits for its `listening on URL` line.
    pub fn start(binary: &Path, seed: &Path) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .arg("--seed")
            .arg(seed)
            .env("NYLAS_EMULATOR_API_KEY", API_KEY)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the emulator did not start within 30 s".into());
            }
        };
        let Some(url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the emulator did not start: {line:?}"));
        };
        let addr: SocketAddr = url
            .trim_start_matches("http://")
            .parse()
            .map_err(|e| format!("unexpected emulator address {url:?}: {e}"))?;
        if !addr.ip().is_loopback() {
            return Err(format!("the emulator is not on loopback: {url}"));
        }
        Ok(Self {
            url: url.to_owned(),
            child,
            addr,
        })
    }

    /// Sets the latency the emulator adds before every API answer.
    pub fn set_latency_ms(&self, ms: u64) -> Result<(), String> {
        let body = json!({ "latency_ms": ms }).to_string();
        let answer = self
            .admin("PUT", "/_emulator/faults", &body)
            .map_err(|e| format!("cannot set the emulator's latency: {e}"))?;
        if answer.starts_with("HTTP/1.1 200") {
            Ok(())
        } else {
            Err(format!(
                "the emulator refused the latency: {}",
                answer.lines().next().unwrap_or("")
            ))
        }
    }

    /// One admin request over a plain socket (no HTTP client needed for two calls).
    fn admin(&self, method: &str, path: &str, body: &str) -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

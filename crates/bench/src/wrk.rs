//! The load of `pages` and `memory`: Debian's `wrk` (installed with apt-get when missing), each
//! request from a Lua table of (address, session cookie), and its output parsed.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// What one `wrk` run measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    pub requests_per_second: f64,
    pub requests: u64,
    /// Answers other than 2xx or 3xx.
    pub errors: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Makes sure `wrk` is on the path: installs the Debian package when it can, else says how.
pub fn ensure_installed() -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    let installed = Command::new("apt-get")
        .args(["install", "-y", "-q", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !installed || Command::new("wrk").arg("--version").output().is_err() {
        bail!(
            "wrk is needed for the HTTP scenarios: install it (apt-get install wrk) and run again"
        );
    }
    Ok(())
}

fn lua_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The script: thread n starts at entry n·k of `requests` and takes the next entry at each
/// request, so the connections send different families' cookies and addresses.
fn script(requests: &[(String, String)]) -> String {
    let mut lua = String::from("local entries = {\n");
    for (path, cookie) in requests {
        lua.push_str(&format!(
            "  {{ {}, {} }},\n",
            lua_string(path),
            lua_string(cookie)
        ));
    }
    lua.push_str(
        r#"}
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  i = (offset or 0) * 7
end
function request()
  i = i + 1
  local e = entries[(i % #entries) + 1]
  return wrk.format("GET", e[1], { ["Cookie"] = e[2] })
end
"#,
    );
    lua
}

/// `wrk -t2 -cCONNECTIONS -dSECONDS --latency --timeout 10s` against `base` with `requests`.
pub fn run(
    dir: &Path,
    base: &str,
    requests: &[(String, String)],
    connections: u32,
    seconds: u32,
) -> anyhow::Result<Run> {
    let script_path = dir.join("wrk.lua");
    std::fs::write(&script_path, script(requests))?;
    let output = Command::new("wrk")
        .arg("-t2")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency")
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(&script_path)
        .arg(base)
        .output()
        .context("wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&text).with_context(|| format!("wrk's output:\n{text}"))
}

/// `1.23ms`, `850.00us`, `1.02s` in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// Reads requests/s, the latency distribution and the errors from wrk's text.
pub fn parse(text: &str) -> anyhow::Result<Run> {
    let mut run = Run {
        requests_per_second: 0.0,
        requests: 0,
        errors: 0,
        p50_ms: 0.0,
        p90_ms: 0.0,
        p99_ms: 0.0,
        max_ms: 0.0,
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate] => run.requests_per_second = rate.parse()?,
            ["Latency", _avg, _stdev, max, ..] => run.max_ms = millis(max).unwrap_or(0.0),
            ["50%", v] => run.p50_ms = millis(v).context("p50")?,
            ["90%", v] => run.p90_ms = millis(v).context("p90")?,
            ["99%", v] => run.p99_ms = millis(v).context("p99")?,
            [count, "requests", "in", ..] => run.requests = count.parse()?,
            ["Non-2xx", "or", "3xx", "responses:", count] => run.errors += count.parse::<u64>()?,
            ["Socket", "errors:", rest @ ..] => {
                run.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>()
            }
            _ => {}
        }
    }
    if run.requests_per_second <= 0.0 {
        bail!("no Requests/sec line");
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wrk_output() {
        let text = "Running 8s test @ http://127.0.0.1:1234/\n  2 threads and 32 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     3.10ms    1.20ms  25.40ms   80.00%\n    Req/Sec     5.00k   300.00     6.00k    70.00%\n  Latency Distribution\n     50%    2.90ms\n     75%    3.50ms\n     90%  850.00us\n     99%    1.02s\n  80000 requests in 8.00s, 1.00GB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  10000.50\nTransfer/sec:    125.00MB\n";
        let run = parse(text).unwrap();
        assert_eq!(run.requests, 80_000);
        assert_eq!(run.errors, 3);
        assert!((run.requests_per_second - 10_000.5).abs() < 1e-9);
        assert!((run.p50_ms - 2.9).abs() < 1e-9);
        assert!((run.p90_ms - 0.85).abs() < 1e-9);
        assert!((run.p99_ms - 1020.0).abs() < 1e-9);
        assert!((run.max_ms - 25.4).abs() < 1e-9);
    }
}

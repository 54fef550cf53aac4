//! The server under measure: the real `portail serve` binary (release, built by the bench), or
//! for the smoke test the same router served in process; and its resident memory, sampled.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Where the server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `target/release/portail serve`, optionally pinned to core 0 (`taskset -c 0`).
    Binary { one_core: bool },
    /// The router on a runtime of this process (smoke test: no build, no binary).
    InProcess,
}

enum Running {
    Binary(Child),
    InProcess {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<JoinHandle<anyhow::Result<()>>>,
    },
}

pub struct Server {
    pub addr: SocketAddr,
    pub pid: u32,
    running: Running,
}

/// A free port on the loopback.
fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target")
            .components()
            .collect(),
    }
}

/// Builds `portail` in release (the `cargo` that runs the bench, else `cargo` on the path) and
/// returns its path. Built together with the bench, as `cargo build --release -p portail -p
/// bench` does, so both share one set of compiled dependencies (a second `-p portail` alone
/// would compile every shared crate again with other features).
pub fn release_binary() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "portail", "-p", "bench"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .context("cargo build --release -p portail")?;
    if !status.success() {
        bail!("cargo build --release -p portail failed");
    }
    Ok(target_dir().join("release").join("portail"))
}

impl Server {
    /// Starts a server on `db` and waits until `/sante` answers.
    pub fn start(mode: Mode, db: &Path, binary: Option<&Path>) -> anyhow::Result<Server> {
        let addr = free_addr()?;
        let server = match mode {
            Mode::Binary { one_core } => {
                let binary = binary.context("no portail binary")?;
                let dir = db.parent().context("database directory")?;
                let mut command = if one_core {
                    let mut c = Command::new("taskset");
                    c.args(["-c", "0"]).arg(binary);
                    c
                } else {
                    Command::new(binary)
                };
                let log = std::fs::File::create(dir.join("serve.log"))?;
                let child = command
                    .arg("--db")
                    .arg(db)
                    .arg("serve")
                    .arg("--addr")
                    .arg(addr.to_string())
                    .arg("--mail-dir")
                    .arg(dir.join("mail"))
                    .stdin(Stdio::null())
                    .stdout(log.try_clone()?)
                    .stderr(log)
                    .spawn()
                    .context("portail serve")?;
                Server {
                    addr,
                    pid: child.id(),
                    running: Running::Binary(child),
                }
            }
            Mode::InProcess => in_process(addr, db)?,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if let Ok(mut stream) = std::net::TcpStream::connect(self.addr) {
                use std::io::{Read, Write};
                let request = format!(
                    "GET /sante HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    self.addr
                );
                stream.write_all(request.as_bytes())?;
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!(
            "the server at {} did not answer /sante within 120 s",
            self.addr
        )
    }

    /// Stops the server (SIGINT for the binary, as an operator's Ctrl-C) and waits for it.
    pub fn stop(mut self) -> anyhow::Result<()> {
        match &mut self.running {
            Running::Binary(child) => {
                Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status()?;
                let started = Instant::now();
                while child.try_wait()?.is_none() {
                    if started.elapsed() > Duration::from_secs(30) {
                        child.kill()?;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            Running::InProcess { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    thread
                        .join()
                        .map_err(|_| anyhow::anyhow!("the server thread panicked"))??;
                }
            }
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Running::Binary(child) = &mut self.running
            && matches!(child.try_wait(), Ok(None))
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn in_process(addr: SocketAddr, db: &Path) -> anyhow::Result<Server> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let db = db.to_path_buf();
    let thread = std::thread::spawn(move || -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let app = app::App::open(&db, Arc::new(app::SystemClock))?;
        let base = format!("http://{addr}");
        let services = Arc::new(web::Services::new(
            app,
            None,
            web::WebConfig::for_base_url(&base),
        )?);
        let router = web::router(services, None);
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await?;
            anyhow::Ok(())
        })
    });
    Ok(Server {
        addr,
        pid: std::process::id(),
        running: Running::InProcess {
            stop: Some(stop),
            thread: Some(thread),
        },
    })
}

/// The resident memory of a process, sampled every 100 ms on a thread.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<(Duration, u64)>>,
}

/// `VmRSS` of `pid`, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut samples = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                if let Some(kib) = rss_kib(pid) {
                    samples.push((started.elapsed(), kib));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            samples
        });
        RssSampler { stop, thread }
    }

    /// Stops sampling; the samples (time since start, KiB).
    pub fn finish(self) -> Vec<(Duration, u64)> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

/// KiB to MiB.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

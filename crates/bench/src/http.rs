//! A scripted browser for one parent: one keep-alive HTTP/1.1 connection (reopened when the
//! server closes it), its cookies, redirects followed by hand.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, COOKIE, HOST, LOCATION, RETRY_AFTER, SET_COOKIE};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One answer: the status, where a redirect points, `Retry-After`, the body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub retry_after: Option<u64>,
    pub body: String,
}

pub struct Browser {
    addr: SocketAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
    cookies: Vec<(String, String)>,
    /// The longest a single request may take before it counts as a timeout.
    pub timeout: Duration,
}

impl Browser {
    pub fn new(addr: SocketAddr) -> Browser {
        Browser {
            addr,
            sender: None,
            cookies: Vec::new(),
            timeout: Duration::from_secs(60),
        }
    }

    /// A browser holding the cookies of a `Cookie` header (a session opened elsewhere).
    pub fn with_cookies(addr: SocketAddr, header: &str) -> Browser {
        let mut browser = Browser::new(addr);
        browser.cookies = header
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        browser
    }

    /// The `Cookie` header the browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn connection(&mut self) -> anyhow::Result<&mut SendRequest<Full<Bytes>>> {
        let open = match &self.sender {
            Some(sender) => !sender.is_closed(),
            None => false,
        };
        if !open {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            let (sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        self.sender.as_mut().context("no connection")
    }

    /// One request, no redirect followed. An error is a transport failure or a timeout.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
    ) -> anyhow::Result<Answer> {
        let timeout = self.timeout;
        tokio::time::timeout(timeout, self.send_now(method, path, form))
            .await
            .map_err(|_| anyhow::Error::new(TimedOut))?
    }

    async fn send_now(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
    ) -> anyhow::Result<Answer> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.addr.to_string())
            .header(COOKIE, self.cookie_header());
        if form.is_some() {
            request = request.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let request = request.body(Full::new(Bytes::from(form.unwrap_or_default())))?;
        let sender = self.connection().await?;
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        for value in parts.headers.get_all(SET_COOKIE) {
            let text = value.to_str()?;
            if let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) {
                self.cookies.retain(|(k, _)| k != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(LOCATION);
        let retry_after = header(RETRY_AFTER).and_then(|v| v.trim().parse().ok());
        let body = body.collect().await?.to_bytes();
        Ok(Answer {
            status: parts.status.as_u16(),
            location,
            retry_after,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Answer> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, form: String) -> anyhow::Result<Answer> {
        self.send(Method::POST, path, Some(form)).await
    }
}

/// A request that took longer than the browser's timeout.
#[derive(Debug)]
pub struct TimedOut;

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("timed out")
    }
}

impl std::error::Error for TimedOut {}

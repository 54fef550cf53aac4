//! A tiny SMTP server on loopback that accepts every message and keeps it: the mails the
//! portal really sends over SMTP, read back by the test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// A received message: envelope recipients, headers and the decoded text body.
#[derive(Clone, Debug)]
pub struct Received {
    pub recipients: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// The server; it runs until the test process ends.
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::clone(&messages);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    let _ = session(stream, &store);
                });
            }
        });
        SmtpSink { port, messages }
    }

    pub fn all(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    /// Waits (up to `wait`) for a message to `recipient` whose subject or body contains `needle`
    /// and that was not among the first `skip` messages.
    pub fn wait_for(&self, skip: usize, recipient: &str, needle: &str, wait: Duration) -> Received {
        let deadline = Instant::now() + wait;
        loop {
            let found = self.all().into_iter().skip(skip).find(|m| {
                (recipient.is_empty()
                    || m.recipients
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(recipient)))
                    && (m.subject.contains(needle) || m.body.contains(needle))
            });
            if let Some(message) = found {
                return message;
            }
            if Instant::now() > deadline {
                let seen: Vec<String> = self
                    .all()
                    .iter()
                    .map(|m| format!("{:?} « {} »", m.recipients, m.subject))
                    .collect();
                panic!("no mail to {recipient} containing « {needle} »; received: {seen:#?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }
}

fn session(stream: TcpStream, store: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 localhost ESMTP test sink\r\n")?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => writer.write_all(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" | "MAIL" | "NOOP" => writer.write_all(b"250 OK\r\n")?,
            "RSET" => {
                recipients.clear();
                writer.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                let address = command
                    .split_once(':')
                    .map(|(_, a)| a.trim().trim_start_matches('<'))
                    .and_then(|a| a.split('>').next())
                    .unwrap_or_default()
                    .to_owned();
                recipients.push(address);
                writer.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.push(unstuffed.to_owned());
                }
                store
                    .lock()
                    .unwrap()
                    .push(parse(std::mem::take(&mut recipients), &data.concat()));
                writer.write_all(b"250 OK queued\r\n")?;
            }
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n")?;
                return Ok(());
            }
            _ => writer.write_all(b"502 Command not implemented\r\n")?,
        }
    }
}

/// Headers (unfolded) and the body, decoded from quoted-printable or base64.
fn parse(recipients: Vec<String>, raw: &str) -> Received {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""));
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let header = |name: &str| {
        unfolded
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let encoding = header("Content-Transfer-Encoding").to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "quoted-printable" => {
            quoted_printable::decode(body.as_bytes(), quoted_printable::ParseMode::Robust).unwrap()
        }
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap()
        }
        _ => body.as_bytes().to_vec(),
    };
    Received {
        recipients,
        subject: decode_words(&header("Subject")),
        body: String::from_utf8_lossy(&bytes).replace("\r\n", "\n"),
    }
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=` / `=?utf-8?q?…?=`) of a header.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut previous_encoded = false;
    for word in value.split_whitespace() {
        let decoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut parts = w.splitn(3, '?');
                let (_charset, kind, text) = (parts.next()?, parts.next()?, parts.next()?);
                let bytes = match kind.to_ascii_lowercase().as_str() {
                    "b" => base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .ok()?,
                    "q" => quoted_printable::decode(
                        text.replace('_', " ").as_bytes(),
                        quoted_printable::ParseMode::Robust,
                    )
                    .ok()?,
                    _ => return None,
                };
                String::from_utf8(bytes).ok()
            });
        // Whitespace between two encoded words is not part of the text.
        let joined = previous_encoded && decoded.is_some();
        if !out.is_empty() && !joined {
            out.push(' ');
        }
        previous_encoded = decoded.is_some();
        out.push_str(decoded.as_deref().unwrap_or(word));
    }
    out
}

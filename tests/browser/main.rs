//! The seed guide walked in a real browser: the real `portail serve --demo` binary on a loopback
//! port, its mails sent over SMTP to a small server of this test, and Chromium headless driven
//! through WebDriver clicking the visible French labels (only the first address is typed; the
//! links of received mails are followed as a parent would). Every page visited is audited with
//! axe-core (WCAG 2.x A/AA) on the desktop and on a phone; screenshots of the key pages are
//! written to `target/screenshots/` (and to `docs/screenshots/` with `UPDATE_SCREENSHOTS=1`).
//!
//! Without chromium and chromedriver the test says loudly that it is skipped; with `CI=true` a
//! missing browser fails it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod journey;
mod portal;
mod smtp;
mod webdriver;

use std::path::PathBuf;

/// The browser and its driver, from the environment or Debian's paths.
fn browser_paths() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, candidates: &[&str]| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .into_iter()
            .chain(candidates.iter().map(PathBuf::from))
            .find(|p| p.is_file())
    };
    let chromium = find(
        "CHROMIUM",
        &[
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ],
    )?;
    let chromedriver = find(
        "CHROMEDRIVER",
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
    )?;
    Some((chromium, chromedriver))
}

/// Runs one section of the guide and says how long it took.
fn section(name: &str, run: impl FnOnce()) {
    let start = std::time::Instant::now();
    run();
    eprintln!(
        "browser journey: {name} ({:.1} s)",
        start.elapsed().as_secs_f32()
    );
}

#[test]
fn the_seed_guide_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser_paths() else {
        let message = "SKIPPED: browser journey — chromium/chromedriver not installed";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message} (CI=true: a missing browser is a failure)");
        }
        eprintln!("\n!!!!!!!!!!\n{message}\n!!!!!!!!!!\n");
        return;
    };
    let portal = portal::Portal::start();
    let browser = webdriver::Browser::start(
        &chromedriver,
        &chromium,
        journey::DESKTOP.0,
        journey::DESKTOP.1,
    );
    let mut j = journey::Journey::new(&browser, &portal);
    section("login_and_header", || j.login_and_header());
    section("histories", || j.histories());
    section("solde_and_payment", || j.solde_and_payment());
    section("booking", || j.booking());
    section("suivi_and_transmission", || j.suivi_and_transmission());
    section("report_mails", || j.report_mails());
    section("profile", || j.profile());
    section("recovery", || j.recovery());
    section("blocked_families", || j.blocked_families());
    section("keyboard", || j.keyboard());
    section("phone", || j.phone());
    section("desk", || j.desk());
    section("director", || j.director());
}

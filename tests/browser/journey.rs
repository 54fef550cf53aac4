//! The seed guide, section by section, as a parent does it: every step clicks a visible French
//! label. Each section is one method, so a failure names the section.

mod desk;
mod director;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::portal::Portal;
use crate::webdriver::{Browser, By, ENTER, Element, TAB};

pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (390, 844);

const AXE: &str = include_str!("vendor/axe-core/axe.min.js");
const DUPONT_MAIL: &str = "carteplus@wanadoo.fr";
/// The address dupont confirms in « Profil » (the profile leg), where later mails go.
const DUPONT_NEW_MAIL: &str = "jean-paul.dupont@example.org";
const DUPONT_NAME: &str = "M. DUPONT Jean-Paul";
const QUINSAC: &str = "Accueil de Loisirs de Quinsac";
const LATRESNE: &str = "Accueil de Loisirs de Latresne";

/// A line of « Suivi »: day, child, activity, state as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiviRow {
    pub day: String,
    pub child: String,
    pub activity: String,
    pub state: String,
}

impl SuiviRow {
    fn key(&self) -> (String, String, String) {
        (self.day.clone(), self.child.clone(), self.activity.clone())
    }
}

pub struct Journey<'a> {
    b: &'a Browser,
    portal: &'a Portal,
    password: String,
    phone: bool,
    audits: usize,
    /// « Suivi » just before the transmission: the lines « Non transmis ».
    pending_before_transmit: Vec<SuiviRow>,
    /// « Suivi » just after it.
    after_transmit: Vec<SuiviRow>,
    /// Mails received before the transmission's report.
    mails_before_report: usize,
}

/// An XPath string literal for any text (quotes of both kinds included).
fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// An amount as the pages write it (« 89.95 », « -46.05 », « 14.70 € »).
fn money(text: &str) -> Decimal {
    let cleaned: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    Decimal::from_str(&cleaned).unwrap_or_else(|e| panic!("not an amount: « {text} » ({e})"))
}

/// The first number in a text.
fn first_number(text: &str) -> u32 {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number in « {text} »"))
}

/// The first link of a text (a mail's body).
fn link_in(text: &str) -> String {
    let start = text
        .find("http://")
        .or_else(|| text.find("https://"))
        .unwrap_or_else(|| panic!("no link in the mail:\n{text}"));
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches(['.', ',', ')', '»'])
        .to_owned()
}

impl<'a> Journey<'a> {
    pub fn new(b: &'a Browser, portal: &'a Portal) -> Journey<'a> {
        Journey {
            b,
            portal,
            password: "portail-demo-dupont".to_owned(),
            phone: false,
            audits: 0,
            pending_before_transmit: Vec::new(),
            after_transmit: Vec::new(),
            mails_before_report: 0,
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    /// The visible link or button whose text is exactly `label`.
    fn control(&self, label: &str) -> Element<'a> {
        let xpath = format!(
            "//*[self::a or self::button][normalize-space(.)={}]",
            literal(label)
        );
        self.wait_visible(&xpath)
            .unwrap_or_else(|| panic!("no visible « {label} » on {}", self.where_am_i()))
    }

    /// Clicks the link or button labelled `label` in the page's content (not the header).
    fn click_in_main(&mut self, label: &str) {
        let xpath = format!(
            "//main//*[self::a or self::button][normalize-space(.)={}]",
            literal(label)
        );
        let control = self.wait_visible(&xpath).unwrap_or_else(|| {
            panic!(
                "no visible « {label} » in the page on {}",
                self.where_am_i()
            )
        });
        self.click_element(&control);
    }

    fn try_control(&self, label: &str) -> Option<Element<'a>> {
        let xpath = format!(
            "//*[self::a or self::button][normalize-space(.)={}]",
            literal(label)
        );
        self.b
            .find_all(By::XPath(&xpath))
            .into_iter()
            .find(Element::is_displayed)
    }

    fn wait_visible(&self, xpath: &str) -> Option<Element<'a>> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let found = self
                .b
                .find_all(By::XPath(xpath))
                .into_iter()
                .find(Element::is_displayed);
            if found.is_some() || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks the visible link or button labelled `label`, then audits the page it leads to.
    fn click(&mut self, label: &str) {
        let control = self.control(label);
        self.click_element(&control);
    }

    /// Clicks an element that leads to another page, waits for that page and audits it.
    fn click_element(&mut self, element: &Element<'_>) {
        self.b.execute("window.__ancienne_page = true;", vec![]);
        element.click();
        self.settle();
        self.audit();
    }

    /// Waits until a new document is loaded (the old one carried a mark).
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let loaded = self.b.execute(
                "return document.readyState === 'complete' && window.__ancienne_page === undefined;",
                vec![],
            );
            if loaded == true {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no new page after the click on {}",
                self.where_am_i()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types into the field labelled `label` (its `<label>`), after clearing it.
    fn fill(&self, label: &str, text: &str) {
        let xpath = format!(
            "//*[self::input or self::textarea][@id=//label[normalize-space(.)={}]/@for]",
            literal(label)
        );
        let field = self
            .wait_visible(&xpath)
            .unwrap_or_else(|| panic!("no field « {label} » on {}", self.where_am_i()));
        field.clear();
        field.send_keys(text);
    }

    /// Fills the field labelled `label` inside the form that has the button `button`, then
    /// clicks the button.
    fn fill_in_form(&mut self, button: &str, fields: &[(&str, &str)]) {
        let form = format!("//form[.//button[normalize-space(.)={}]]", literal(button));
        for (label, text) in fields {
            let xpath = format!(
                "{form}//input[@id={form}//label[normalize-space(.)={}]/@for]",
                literal(label)
            );
            let field = self.wait_visible(&xpath).unwrap_or_else(|| {
                panic!(
                    "no field « {label} » near « {button} » on {}",
                    self.where_am_i()
                )
            });
            field.clear();
            field.send_keys(text);
        }
        self.click(button);
    }

    fn h1(&self) -> String {
        self.b.find(By::Css("main h1")).text()
    }

    fn text(&self) -> String {
        self.b.page_text()
    }

    fn where_am_i(&self) -> String {
        format!("{} (« {} »)", self.b.current_url(), self.b.title())
    }

    fn assert_text(&self, needle: &str) {
        let text = self.text();
        assert!(
            text.contains(needle),
            "« {needle} » not on {}:\n{text}",
            self.where_am_i()
        );
    }

    /// axe-core on the current page: any WCAG 2.x A/AA violation fails the test.
    fn audit(&mut self) {
        let present = self
            .b
            .execute("return typeof window.axe === 'object';", vec![]);
        if present != true {
            self.b.execute(&format!("{AXE}\n;return true;"), vec![]);
        }
        let result = self.b.execute_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, {
               runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
               resultTypes: ['violations'],
             }).then(r => done(r.violations.map(v => ({
               id: v.id, help: v.help, impact: v.impact,
               targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
             })))).catch(e => done([{ id: 'axe-error', help: String(e), targets: [] }]));",
            vec![],
        );
        self.audits += 1;
        let violations = result.as_array().cloned().unwrap_or_default();
        if !violations.is_empty() {
            let list: Vec<String> = violations
                .iter()
                .map(|v| {
                    format!(
                        "{} ({}): {}\n    {}",
                        v["id"].as_str().unwrap_or_default(),
                        v["impact"].as_str().unwrap_or_default(),
                        v["help"].as_str().unwrap_or_default(),
                        v["targets"]
                            .as_array()
                            .map(|t| t
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join("\n    "))
                            .unwrap_or_default()
                    )
                })
                .collect();
            panic!(
                "accessibility (WCAG 2.x A/AA) on {}{}:\n{}",
                self.where_am_i(),
                if self.phone { " [phone]" } else { "" },
                list.join("\n")
            );
        }
    }

    /// A screenshot of the viewport: `target/screenshots/NAME.png`, and
    /// `docs/screenshots/NAME.png` with `UPDATE_SCREENSHOTS=1`.
    fn screenshot(&self, name: &str) {
        let png = self.b.screenshot();
        assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf();
        let mut dirs = vec![workspace.join("target").join("screenshots")];
        if std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
            dirs.push(workspace.join("docs").join("screenshots"));
        }
        for dir in dirs {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        }
    }

    /// A screenshot of the whole page (the window made as tall as the document).
    fn full_screenshot(&self, name: &str) {
        let (width, height) = if self.phone { PHONE } else { DESKTOP };
        let document = self
            .b
            .execute("return document.documentElement.scrollHeight;", vec![])
            .as_u64()
            .unwrap_or(u64::from(height));
        let tall = u32::try_from(document)
            .unwrap_or(height)
            .clamp(height, 4000);
        self.b.set_window_size(width, tall + self.chrome_height());
        self.screenshot(name);
        self.b.set_window_size(width, height);
    }

    /// The window's frame above the viewport (zero in headless mode, measured anyway).
    fn chrome_height(&self) -> u32 {
        let v = self
            .b
            .execute("return window.outerHeight - window.innerHeight;", vec![]);
        v.as_u64().and_then(|h| u32::try_from(h).ok()).unwrap_or(0)
    }

    /// The rows of the first data table's body: each cell's text.
    fn table_rows(&self) -> Vec<Vec<String>> {
        self.b
            .find_all(By::Css("table.data tbody tr"))
            .iter()
            .map(|row| {
                row.find_all(By::Css("td, th"))
                    .iter()
                    .map(Element::text)
                    .collect()
            })
            .collect()
    }

    fn suivi_rows(&self) -> Vec<SuiviRow> {
        self.table_rows()
            .into_iter()
            .filter(|cells| cells.len() >= 4)
            .map(|cells| SuiviRow {
                day: cells[0].clone(),
                child: cells[1].clone(),
                activity: cells[2].clone(),
                state: cells[3].clone(),
            })
            .collect()
    }

    /// In a one-activity calendar: the day buttons whose hidden action is `action`.
    fn day_buttons(&self, action: &str) -> Vec<Element<'a>> {
        let xpath = format!(
            "//form[@class='cell-action'][.//input[@name='action'][@value={}]]//button[contains(@class,'day-link')]",
            literal(action)
        );
        self.b.find_all(By::XPath(&xpath))
    }

    fn day_button(&self, id: &str) -> Element<'a> {
        self.b.find(By::Css(&format!("#{id}")))
    }

    fn state_of(&self, id: &str) -> String {
        self.day_button(id)
            .find(By::Css(".day"))
            .attribute("class")
            .unwrap_or_default()
    }

    /// The days of the all-activities calendar where every activity is open and nothing booked.
    fn free_days(&self) -> Vec<String> {
        self.b
            .find_all(By::Css("table.calendar a.day-link"))
            .into_iter()
            .filter(|a| {
                let boxes = a.find_all(By::Css(".day"));
                !boxes.is_empty()
                    && boxes.iter().all(|d| {
                        d.attribute("class")
                            .is_some_and(|c| c.contains("state-open"))
                    })
            })
            .filter_map(|a| a.attribute("id"))
            .collect()
    }

    fn click_next_month(&mut self) {
        let next = self
            .wait_visible("//nav[@class='month-nav']//a[contains(normalize-space(.), '→')]")
            .expect("→");
        self.click_element(&next);
    }

    /// Log out if logged in, then log in from the login page.
    fn log_in(&mut self, login: &str, password: &str) {
        if let Some(logout) = self.try_control("Se déconnecter") {
            self.click_element(&logout);
        }
        self.fill("Identifiant", login);
        self.fill("Mot de passe", password);
        self.click("Se connecter");
    }

    // ---- the guide -----------------------------------------------------------------------

    /// « Comment s'authentifier ? » and « Pour se déconnecter »: the header shows the name,
    /// the structure with « Modifier » and the last update.
    pub fn login_and_header(&mut self) {
        self.b.goto(&format!("{}/", self.portal.base));
        self.settle();
        self.audit();
        assert_eq!(self.h1(), "Connexion", "{}", self.where_am_i());
        self.screenshot("connexion");
        let password = self.password.clone();
        self.log_in("dupont", &password);
        let header = self.b.find(By::Css("header.site")).text();
        assert!(header.contains(DUPONT_NAME), "{header}");
        assert!(
            header.contains(&format!("Structure : {QUINSAC}")),
            "{header}"
        );
        assert!(header.contains("Dernière mise à jour : "), "{header}");
        let updated = self.b.find(By::Css("header .updated")).text();
        assert!(
            updated.chars().filter(char::is_ascii_digit).count() >= 12,
            "a date and a time: {updated}"
        );
        // « Modifier »: the other structure, then back.
        self.click("Modifier");
        self.click(LATRESNE);
        let header = self.b.find(By::Css("header.site")).text();
        assert!(
            header.contains(&format!("Structure : {LATRESNE}")),
            "{header}"
        );
        self.click("Modifier");
        self.click(QUINSAC);
        let header = self.b.find(By::Css("header.site")).text();
        assert!(
            header.contains(&format!("Structure : {QUINSAC}")),
            "{header}"
        );
    }

    /// « Consulter les historiques »: each month's rows add up to its TOTAL; « ← » shows the
    /// previous month.
    pub fn histories(&mut self) {
        for (menu, min_rows) in [
            ("Historique des consommations", 1),
            ("Historique des règlements", 0),
        ] {
            self.click(menu);
            assert_eq!(self.h1(), menu);
            let mut seen_rows = 0;
            for step in 0..2 {
                let month = self.b.find(By::Css("nav.month-nav strong")).text();
                let rows = self.table_rows();
                let sum: Decimal = rows
                    .iter()
                    .filter(|cells| cells.len() >= 6)
                    .map(|cells| money(cells.last().unwrap()))
                    .sum();
                seen_rows += rows.iter().filter(|cells| cells.len() >= 6).count();
                let total = money(&self.b.find(By::Css("table.data tfoot tr.total td")).text());
                assert_eq!(sum, total, "{menu}, {month}: the rows add up to TOTAL");
                if step == 0 {
                    let previous = self
                        .wait_visible(
                            "//nav[@class='month-nav']//a[starts-with(normalize-space(.), '←')]",
                        )
                        .expect("the ← link");
                    let previous_month = previous.text().trim_start_matches('←').trim().to_owned();
                    self.click_element(&previous);
                    let shown = self.b.find(By::Css("nav.month-nav strong")).text();
                    assert_eq!(shown, previous_month, "← shows the previous month");
                }
            }
            assert!(
                seen_rows >= min_rows,
                "{menu}: the demo has lines this month or the one before"
            );
        }
    }

    /// The wallet's line: balance, estimated cost, new balance.
    fn wallet_line(&self) -> (Decimal, Decimal, Decimal) {
        let rows = self.table_rows();
        let row = rows
            .iter()
            .find(|cells| cells.len() >= 4)
            .unwrap_or_else(|| panic!("no wallet line on {}", self.where_am_i()));
        (money(&row[1]), money(&row[2]), money(&row[3]))
    }

    /// « Consulter votre solde et payer »: the figures follow the ticked reservation types;
    /// a card payment on the simulator credits exactly its amount, once.
    pub fn solde_and_payment(&mut self) {
        self.click("Solde et Paiement");
        let (balance, cost, new_balance) = self.wallet_line();
        assert_eq!(
            new_balance,
            balance - cost,
            "Nouveau solde = Solde − Coût estimé"
        );
        self.screenshot("solde");
        // Untick « En attente ».
        let pending = self.b.find(By::XPath(
            "//label[contains(normalize-space(.), 'En attente')]//input[@type='checkbox']",
        ));
        assert_eq!(pending.property("checked"), true);
        pending.click();
        self.click("Actualiser");
        let (balance2, cost2, new_balance2) = self.wallet_line();
        assert_eq!(
            balance2, balance,
            "the balance does not depend on the ticks"
        );
        assert!(
            cost2 < cost,
            "without « En attente » the demo's pending requests leave the cost: {cost2} < {cost}"
        );
        assert_eq!(new_balance2, balance2 - cost2);
        let pending = self.b.find(By::XPath(
            "//label[contains(normalize-space(.), 'En attente')]//input[@type='checkbox']",
        ));
        assert_eq!(pending.property("checked"), false, "the tick is kept");
        pending.click();
        self.click("Actualiser");
        assert_eq!(self.wallet_line(), (balance, cost, new_balance));

        // « Paiement CB »: a chosen amount, paid on the simulator.
        self.click("Paiement CB");
        let amount = "12.34";
        self.fill("Montant à créditer (€)", amount);
        self.click("Paiement CB");
        // The simulator stands for the bank's page: not ours to audit.
        let pay = self.control("Payer");
        self.b.execute("window.__ancienne_page = true;", vec![]);
        pay.click();
        self.settle();
        self.audit();
        if let Some(back) = self.try_control("Retour à Solde et Paiement") {
            self.click_element(&back);
        } else {
            self.click("Solde et Paiement");
        }
        let expected = balance + Decimal::from_str(amount).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (now, _, _) = self.wallet_line();
            if now == expected {
                break;
            }
            assert!(
                now == balance && Instant::now() < deadline,
                "balance {now}, expected {expected}"
            );
            std::thread::sleep(Duration::from_millis(300));
            self.b.refresh();
            self.settle();
        }
        // Once: a reload and the late notification change nothing.
        std::thread::sleep(Duration::from_secs(1));
        self.b.refresh();
        self.settle();
        assert_eq!(self.wallet_line().0, expected, "credited once");
    }

    /// « Réserver vos activités »: one activity (three days orange, one back green, « Valider »,
    /// the récapitulatif with a forecast per line, « Retour », one more day, « Valider »,
    /// « Valider »), then all activities (a day's box, an activity, « Retour », « Abandonner »).
    pub fn booking(&mut self) {
        self.click("Réservations");
        self.click("Lilou DUPONT");
        let activity = "CDC - ALSH 6-12 Journée";
        // The first month (this one or the next ones) with three days where nothing is booked.
        let mut months = 0;
        let free = loop {
            let free = self.free_days();
            if free.len() >= 3 {
                break free;
            }
            months += 1;
            assert!(months < 4, "no month with three free days");
            self.click_next_month();
        };
        self.click(activity);
        let ids: Vec<String> = self
            .day_buttons("reserver")
            .iter()
            .filter_map(|b| b.attribute("id"))
            .filter(|id| free.contains(id))
            .take(3)
            .collect();
        assert_eq!(ids.len(), 3, "{activity} open on three free days");
        self.full_screenshot("calendrier");
        for id in &ids {
            let button = self.day_button(id);
            self.click_element(&button);
            assert!(
                self.state_of(id).contains("state-adding"),
                "{id} is orange (in the basket): {}",
                self.state_of(id)
            );
        }
        let button = self.day_button(&ids[2]);
        self.click_element(&button);
        assert!(
            self.state_of(&ids[2]).contains("state-open"),
            "{} back to green",
            ids[2]
        );
        self.assert_text("2 réservations et 0 annulation à valider");

        self.click("Valider");
        assert!(
            self.h1().to_lowercase().contains("récapitulatif"),
            "{}",
            self.h1()
        );
        let lines = self.b.find_all(By::Css("main table tbody tr"));
        assert_eq!(lines.len(), 2, "one line per request");
        for line in &lines {
            let forecast = line.find(By::Css(".forecast")).text();
            assert!(
                forecast.contains("place disponible") || forecast.contains("attente"),
                "a forecast per line: {forecast}"
            );
        }
        self.full_screenshot("recapitulatif");
        self.click("Retour");
        // Back on the child's calendar, the basket kept. One more day: a full one with a
        // waitlist (its day's box, then the activity), this month or the next.
        self.assert_text("2 réservations et 0 annulation à valider");
        // This month, else the one before, else the next ones.
        let mut moves = ["←", "→", "→", "→"].into_iter();
        let waitlist_day = loop {
            let day = self
                .b
                .find_all(By::Css("table.calendar a.day-link"))
                .into_iter()
                .find(|a| !a.find_all(By::Css(".state-waitlist")).is_empty());
            if let Some(day) = day {
                break day;
            }
            let arrow = moves.next().expect("a day with a waitlist open");
            let link = self
                .wait_visible(&format!(
                    "//nav[@class='month-nav']//a[contains(normalize-space(.), '{arrow}')]"
                ))
                .expect("the month arrows");
            self.click_element(&link);
        };
        self.click_element(&waitlist_day);
        let ask = self
            .b
            .find_all(By::XPath("//form[@class='cell-action'][.//input[@name='action'][@value='reserver']]//button[.//span[contains(@class,'state-waitlist')]]"))
            .into_iter()
            .next()
            .expect("« demander la liste d'attente »");
        self.click_element(&ask);
        self.click("Retour");
        self.assert_text("3 réservations et 0 annulation à valider");
        self.click("Valider");
        assert_eq!(self.b.find_all(By::Css("main table tbody tr")).len(), 3);
        self.click("Valider");
        // Recorded: the days are now « Non transmis » requests.
        self.assert_text("Non transmis");

        // All activities: a day's box, an activity, « Retour ».
        self.click("Réservations");
        self.click("Lilou DUPONT");
        self.click("Toutes les activités");
        let day = self
            .b
            .find_all(By::Css("table.calendar a.day-link"))
            .into_iter()
            .find(|a| !a.find_all(By::Css(".state-open")).is_empty() && a.is_displayed());
        let day = match day {
            Some(day) => day,
            None => {
                let next = self
                    .wait_visible("//nav[@class='month-nav']//a[contains(normalize-space(.), '→')]")
                    .expect("→");
                self.click_element(&next);
                self.b
                    .find_all(By::Css("table.calendar a.day-link"))
                    .into_iter()
                    .find(|a| !a.find_all(By::Css(".state-open")).is_empty())
                    .expect("a day with an open activity")
            }
        };
        let day_id = day.attribute("id").unwrap();
        self.click_element(&day);
        let choice = self
            .day_buttons("reserver")
            .into_iter()
            .next()
            .expect("an activity to choose on the day page");
        self.click_element(&choice);
        self.click("Retour");
        assert!(
            self.b.current_url().contains(&format!("#{day_id}")),
            "« Retour » comes back to the day: {}",
            self.b.current_url()
        );
        let cell = self.b.find(By::Css(&format!("#{day_id}")));
        assert_eq!(
            cell.find_all(By::Css(".state-adding")).len(),
            1,
            "the chosen activity is orange"
        );
        self.assert_text("1 réservation et 0 annulation à valider");
        self.click("Abandonner");
        self.assert_text("Aucune demande en cours");
    }

    /// « Consulter vos réservations »: new requests « Non transmis », « Retirer » one, the
    /// transmission, then the final states; a waitlisted place cancelled.
    pub fn suivi_and_transmission(&mut self) {
        self.click("Suivi");
        let rows = self.suivi_rows();
        let pending: Vec<&SuiviRow> = rows.iter().filter(|r| r.state == "Non transmis").collect();
        assert!(
            pending.len() >= 3,
            "the three new requests and the demo's: {rows:#?}"
        );
        let first = pending[pending.len() - 1].clone();
        let withdraw = self.b.find(By::XPath(&format!(
            "//table[contains(@class,'data')]//tr[td[1][normalize-space(.)={}] and td[3][normalize-space(.)={}]]//button[normalize-space(.)='Retirer']",
            literal(&first.day),
            literal(&first.activity)
        )));
        self.click_element(&withdraw);
        let rows = self.suivi_rows();
        assert!(
            !rows
                .iter()
                .any(|r| r.key() == first.key() && r.state == "Non transmis"),
            "withdrawn: {first:?}"
        );
        self.pending_before_transmit = rows
            .iter()
            .filter(|r| r.state == "Non transmis")
            .cloned()
            .collect();
        self.mails_before_report = self.portal.smtp.count();
        self.portal.transmit();
        self.b.refresh();
        self.settle();
        self.audit();
        let rows = self.suivi_rows();
        self.full_screenshot("suivi");
        let states: Vec<&str> = rows.iter().map(|r| r.state.as_str()).collect();
        assert!(states.contains(&"Acceptée"), "{states:?}");
        assert!(
            states
                .iter()
                .any(|s| s.starts_with("Liste d'attente — rang ")),
            "{states:?}"
        );
        assert!(
            states
                .iter()
                .any(|s| s.starts_with("Refusée — ") && s.len() > "Refusée — ".len() + 3),
            "{states:?}"
        );
        assert!(!states.contains(&"Non transmis"), "{states:?}");
        self.after_transmit = rows;
    }

    /// « EXEMPLES DE MAILS »: the report received over SMTP (greeting, structure, the counts of
    /// « Suivi », the contact block); the promotion mail after a place frees up.
    pub fn report_mails(&mut self) {
        self.portal.send_mails();
        let report = self.portal.smtp.wait_for(
            self.mails_before_report,
            DUPONT_MAIL,
            "Compte rendu de vos réservations",
            Duration::from_secs(30),
        );
        let body = &report.body;
        assert!(body.starts_with(DUPONT_NAME), "greeting:\n{body}");
        assert!(
            body.contains(&format!("sur la structure : {QUINSAC}")),
            "structure:\n{body}"
        );
        // The outcome of every line « Non transmis » before the transmission, as « Suivi » shows it.
        let outcome = |prefix: &str| {
            self.pending_before_transmit
                .iter()
                .filter(|before| {
                    self.after_transmit
                        .iter()
                        .any(|after| after.key() == before.key() && after.state.starts_with(prefix))
                })
                .count()
        };
        let count_in_mail = |participle: &str| {
            body.lines()
                .find(|l| {
                    l.starts_with("- ") && l.contains("réservation") && l.contains(participle)
                })
                .map_or(0, |l| first_number(l) as usize)
        };
        for (prefix, participle) in [
            ("Acceptée", "acceptée"),
            ("Liste d'attente", "liste d'attente"),
            ("Refusée", "refusée"),
        ] {
            assert_eq!(
                count_in_mail(participle),
                outcome(prefix),
                "« {participle} » in the report and in « Suivi »:\n{body}\n{:#?}\n{:#?}",
                self.pending_before_transmit,
                self.after_transmit
            );
        }
        for line in [
            "Communauté de Communes des Portes de l'Entre-deux-Mers",
            "51 Chemin du Port de l'Homme - 33360 Latresne",
            "05 56 20 83 60",
            "accueil@cdc-portesentredeuxmers.fr",
        ] {
            assert!(body.contains(line), "contact block « {line} »:\n{body}");
        }

        // A waitlisted place cancelled from « Suivi »; then a place freed: the waiting child's
        // family is told.
        self.click("Suivi");
        let waiting = self
            .b
            .find(By::XPath("//table[contains(@class,'data')]//tr[td[4][starts-with(normalize-space(.), \"Liste d'attente\")]]//button[normalize-space(.)='Annuler']"));
        self.click_element(&waiting);
        self.confirm_cancellation();
        let day = self.portal.waitlist_day();
        let accepted_cancel = self.b.find(By::XPath(&format!(
            "//table[contains(@class,'data')]//tr[td[1][normalize-space(.)={}] and td[4][normalize-space(.)='Acceptée'] and td[3][contains(., 'Matin')]]//button[normalize-space(.)='Annuler']",
            literal(&day)
        )));
        self.click_element(&accepted_cancel);
        self.confirm_cancellation();
        let before = self.portal.smtp.count();
        self.portal.transmit();
        self.portal.send_mails();
        // The waiting child's family (not dupont) is told its place is given.
        let deadline = Instant::now() + Duration::from_secs(30);
        let promotion = loop {
            let found = self.portal.smtp.all().into_iter().skip(before).find(|m| {
                !m.recipients.iter().any(|r| r == DUPONT_MAIL) && m.body.contains("acceptée")
            });
            if let Some(found) = found {
                break found;
            }
            assert!(
                Instant::now() < deadline,
                "no mail to the promoted family: {:#?}",
                self.portal.smtp.all()
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        assert!(promotion.body.contains(QUINSAC), "{}", promotion.body);
    }

    /// A cancellation asked from « Suivi », recorded.
    fn confirm_cancellation(&mut self) {
        // « Annuler » shows the récapitulatif: « Valider ».
        self.click("Valider");
        self.assert_text("1 demande enregistrée");
        self.click("Suivi");
    }

    /// « Modifier son mot de passe, renseigner son adresse Internet »: e-mail (confirmed by the
    /// link of the received mail), question, password.
    pub fn profile(&mut self) {
        self.click("Profil");
        self.click_in_main("Modifier");
        let password = self.password.clone();
        let new_mail = DUPONT_NEW_MAIL;
        let before = self.portal.smtp.count();
        self.fill_in_form(
            "Enregistrer l'adresse",
            &[
                ("Adresse mail", new_mail),
                ("Mot de passe actuel", &password),
            ],
        );
        self.portal.send_mails();
        let confirmation =
            self.portal
                .smtp
                .wait_for(before, new_mail, "Confirmation", Duration::from_secs(30));
        self.b.goto(&link_in(&confirmation.body));
        self.settle();
        self.audit();
        if let Some(confirm) = self
            .b
            .find_all(By::Css("main form button[type=submit]"))
            .into_iter()
            .find(Element::is_displayed)
        {
            self.click_element(&confirm);
        }
        self.assert_text(new_mail);
        // The confirmation page stands alone: back through the brand's link (log in again if
        // the mail's link was opened without the session).
        self.click("Portail Famille");
        if self.b.try_find(By::Css("#identifiant")).is_some() {
            let password = self.password.clone();
            self.log_in("dupont", &password);
        }

        self.click("Profil");
        self.click_in_main("Modifier");
        self.fill_in_form(
            "Enregistrer la question",
            &[
                ("Question", "Le nom du premier chat ?"),
                ("Réponse", "Minou"),
                ("Mot de passe actuel", &password),
            ],
        );
        self.assert_text("Le nom du premier chat ?");
        self.click("Profil");
        self.click_in_main("Modifier");
        let changed = "le chat dort sur la table bleue";
        self.fill_in_form(
            "Enregistrer le mot de passe",
            &[
                ("Mot de passe actuel", &password),
                ("Nouveau mot de passe", changed),
                ("Nouveau mot de passe (confirmation)", changed),
            ],
        );
        self.password = changed.to_owned();
        self.log_in("dupont", changed);
        assert!(
            self.b
                .find(By::Css("header.site"))
                .text()
                .contains(DUPONT_NAME)
        );
    }

    /// « Le retrouver » by mail: the link of the received mail, a new password, logged in.
    pub fn recovery(&mut self) {
        self.click("Se déconnecter");
        self.click("Le retrouver");
        let before = self.portal.smtp.count();
        // The page answers the same whatever the identifiant: a link by mail, or the question.
        self.fill_in_form("Envoyer le lien", &[("Identifiant", "dupont")]);
        assert!(
            self.text()
                .contains("Si un compte correspond à cet identifiant"),
            "the link route says the same for every identifiant on {}",
            self.where_am_i()
        );
        self.portal.send_mails();
        let mail = self.portal.smtp.wait_for(
            before,
            DUPONT_NEW_MAIL,
            "Réinitialisation",
            Duration::from_secs(30),
        );
        self.b.goto(&link_in(&mail.body));
        self.settle();
        self.audit();
        let renewed = "une nouvelle phrase facile a retenir";
        let fields = self.b.find_all(By::Css("main input[type=password]"));
        assert!(
            !fields.is_empty(),
            "a new password form on {}",
            self.where_am_i()
        );
        for field in &fields {
            field.clear();
            field.send_keys(renewed);
        }
        let submit = self.b.find(By::Css("main form button[type=submit]"));
        self.click_element(&submit);
        self.password = renewed.to_owned();
        if self.try_control("Se déconnecter").is_none() {
            if self.b.try_find(By::Css("#identifiant")).is_none() {
                self.click("Portail Famille");
            }
            self.log_in("dupont", renewed);
        }
        assert!(
            self.b
                .find(By::Css("header.site"))
                .text()
                .contains(DUPONT_NAME)
        );
    }

    /// « Vous ne pourrez pas accéder à la réservation si … »: martin owes 30 € or more,
    /// bernard's file is incomplete.
    pub fn blocked_families(&mut self) {
        for (login, reason) in [("martin", "30"), ("bernard", "dossier")] {
            self.click("Se déconnecter");
            self.log_in(login, &format!("portail-demo-{login}"));
            self.click("Réservations");
            let text = self.text();
            let child = self.b.find_all(By::Css("main a.choice")).into_iter().next();
            let text = match child {
                Some(child) => {
                    self.click_element(&child);
                    self.text()
                }
                None => text,
            };
            assert!(
                text.contains(reason),
                "{login}: the reason « {reason} »:\n{text}"
            );
        }
        self.click("Se déconnecter");
        let password = self.password.clone();
        self.log_in("dupont", &password);
    }

    /// Keyboard only: Tab to a day to book, Enter, and the focus is back on that day.
    pub fn keyboard(&mut self) {
        self.click("Réservations");
        self.click("Lilou DUPONT");
        self.click("CDC - ALSH 6-12 Matin");
        let mut months = 0;
        while self.day_buttons("reserver").is_empty() {
            months += 1;
            assert!(months < 4, "no day to book");
            let next = self
                .wait_visible("//nav[@class='month-nav']//a[contains(normalize-space(.), '→')]")
                .expect("→");
            self.click_element(&next);
        }
        let target = self.day_buttons("reserver")[0].attribute("id").unwrap();
        self.b.execute(
            "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);",
            vec![],
        );
        let mut presses = 0;
        loop {
            self.b.press(&[TAB]);
            presses += 1;
            let active = self.b.active_element();
            if active.attribute("id").as_deref() == Some(target.as_str()) {
                break;
            }
            assert!(presses < 400, "Tab never reached {target}");
        }
        self.b.press(&[ENTER]);
        self.settle();
        self.audit();
        assert!(
            self.state_of(&target).contains("state-adding"),
            "booked by Enter"
        );
        let active = self.b.active_element();
        assert_eq!(
            active.attribute("id").as_deref(),
            Some(target.as_str()),
            "the focus is back on the day booked (on {})",
            self.b.current_url()
        );
        self.click("Abandonner");
    }

    /// A phone (390×844): the calendar, « Suivi » and « Solde et Paiement » without overlaps
    /// and without horizontal scrolling; audited too.
    pub fn phone(&mut self) {
        self.b.set_window_size(PHONE.0, PHONE.1);
        self.phone = true;
        let width = self.b.execute("return window.innerWidth;", vec![]);
        assert!(
            width.as_u64().is_some_and(|w| w <= u64::from(PHONE.0)),
            "viewport {width}"
        );
        self.b.refresh();
        self.settle();
        self.audit();
        self.click("Réservations");
        self.click("Lilou DUPONT");
        self.click("CDC - ALSH 6-12 Matin");
        self.check_layout("calendar");
        self.screenshot("telephone-calendrier");
        self.click("Toutes les activités");
        self.check_layout("calendar, all activities");
        self.click("Suivi");
        self.check_layout("Suivi");
        self.click("Solde et Paiement");
        self.check_layout("Solde et Paiement");
        self.b.set_window_size(DESKTOP.0, DESKTOP.1);
        self.phone = false;
    }

    /// No horizontal scroll of the page; no visible element covering another's text.
    fn check_layout(&self, page: &str) {
        let report = self.b.execute(
            r#"
            const doc = document.documentElement;
            const problems = [];
            if (doc.scrollWidth > window.innerWidth + 1) {
              problems.push('horizontal scroll: ' + doc.scrollWidth + ' > ' + window.innerWidth);
            }
            const visible = el => {
              const s = getComputedStyle(el);
              if (s.visibility === 'hidden' || s.display === 'none' || s.opacity === '0') return false;
              const r = el.getBoundingClientRect();
              return r.width > 1 && r.height > 1;
            };
            // A bar pinned on purpose (the basket stuck at the bottom of a phone) passes over the
            // content as it scrolls: not an overlap of the layout.
            const pinned = el => { for (; el; el = el.parentElement) { const p = getComputedStyle(el).position; if (p === 'sticky' || p === 'fixed') return true; } return false; };
            // Text runs: every text node's box.
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const texts = [];
            while (walker.nextNode()) {
              const node = walker.currentNode;
              if (!node.textContent.trim()) continue;
              const el = node.parentElement;
              if (!el || !visible(el) || el.closest('.visually-hidden, .skip')) continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              for (const r of range.getClientRects()) {
                if (r.width > 1 && r.height > 1) texts.push({ el, r, text: node.textContent.trim(), pinned: pinned(el) });
              }
            }
            // A text covered: the element painted at its centre is neither its own element nor
            // one of its ancestors or descendants.
            for (const t of texts) {
              const x = t.r.left + t.r.width / 2, y = t.r.top + t.r.height / 2;
              if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) continue;
              const top = document.elementFromPoint(x, y);
              if (!top) continue;
              if (top === t.el || t.el.contains(top) || top.contains(t.el) || pinned(top)) continue;
              problems.push('« ' + t.text.slice(0, 40) + ' » covered by <' + top.tagName.toLowerCase() + ' class="' + top.className + '">');
            }
            // Two texts overlapping each other.
            for (let i = 0; i < texts.length; i++) {
              for (let j = i + 1; j < texts.length; j++) {
                if (texts[i].pinned !== texts[j].pinned) continue;
                const a = texts[i].r, b = texts[j].r;
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 2 && h > 2) {
                  problems.push('« ' + texts[i].text.slice(0, 30) + ' » overlaps « ' + texts[j].text.slice(0, 30) + ' »');
                }
              }
            }
            return problems.slice(0, 20);
            "#,
            vec![],
        );
        let scroll_steps = self.b.execute(
            "return Math.ceil(document.documentElement.scrollHeight / window.innerHeight);",
            vec![],
        );
        let mut problems: Vec<String> = report
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        // elementFromPoint only sees the viewport: scroll through the page.
        let steps = scroll_steps.as_u64().unwrap_or(1).min(30);
        for step in 1..steps {
            self.b.execute(
                "window.scrollTo(0, arguments[0] * window.innerHeight);",
                vec![json!(step)],
            );
            let more = self.b.execute(
                r#"
                const out = [];
                const pinned = el => { for (; el; el = el.parentElement) { const p = getComputedStyle(el).position; if (p === 'sticky' || p === 'fixed') return true; } return false; };
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                  const node = walker.currentNode;
                  if (!node.textContent.trim()) continue;
                  const el = node.parentElement;
                  if (!el || el.closest('.visually-hidden, .skip')) continue;
                  const s = getComputedStyle(el);
                  if (s.visibility === 'hidden' || s.display === 'none') continue;
                  const range = document.createRange();
                  range.selectNodeContents(node);
                  for (const r of range.getClientRects()) {
                    if (r.width <= 1 || r.height <= 1) continue;
                    const x = r.left + r.width / 2, y = r.top + r.height / 2;
                    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) continue;
                    const top = document.elementFromPoint(x, y);
                    if (!top || top === el || el.contains(top) || top.contains(el) || pinned(top)) continue;
                    out.push('« ' + node.textContent.trim().slice(0, 40) + ' » covered by <' + top.tagName.toLowerCase() + ' class="' + top.className + '">');
                  }
                }
                return out.slice(0, 20);
                "#,
                vec![],
            );
            problems.extend(
                more.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            );
        }
        self.b.execute("window.scrollTo(0, 0);", vec![]);
        assert!(
            problems.is_empty(),
            "phone layout of {page} ({}):\n{}",
            self.b.current_url(),
            problems.join("\n")
        );
    }
}

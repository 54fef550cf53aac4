//! The director's leg: a centre director logs in with a TOTP code, opens the occupancy board and
//! the day the demo points to, where Lilou DUPONT waits at rank 1; raises the capacity by one with
//! a reason; Lilou gets the place, the day's detail lists the action, and the promotion mail
//! reaches the SMTP server. Then the parent downloads the year's attestation de frais de garde
//! from « Solde et Paiement » (the printable page, and the PDF fetched with the session).

use std::time::Duration;

use chrono::{Datelike, Utc};
use serde_json::Value;

use super::{DUPONT_NEW_MAIL, Journey, literal};
use crate::webdriver::By;

impl Journey<'_> {
    pub fn director(&mut self) {
        self.click("Se déconnecter");
        self.staff_log_in("direction");
        self.assert_text("Rôles : Direction");

        self.click("Occupation");
        self.b
            .find(By::Css("#structure"))
            .send_keys("Accueil de Loisirs de Quinsac");
        self.click("Afficher");
        self.click("Mois");
        self.assert_text("Occupation — Accueil de Loisirs de Quinsac");
        assert!(
            self.b
                .find_all(By::XPath("//main//table//a[contains(@class,'board-cell')]"))
                .len()
                > 1,
            "the month's board has cells: {}",
            self.where_am_i()
        );
        self.screenshot("gestion-occupation");

        let day = self.portal.capacity_day();
        self.b.goto(&format!("{}{day}", self.portal.base));
        self.settle();
        self.audit();
        let waiting = format!(
            "//table[caption[contains(., \"liste d'attente\")]]//tr[contains(., {})]",
            literal("Lilou")
        );
        assert!(
            self.wait_visible(&waiting).is_some(),
            "Lilou waits on the day the demo names: {}\n{}",
            self.where_am_i(),
            self.text()
        );
        let capacity = |j: &Self| {
            j.b.find(By::Css("#capacite"))
                .attribute("value")
                .and_then(|v| v.parse::<u32>().ok())
                .expect("the capacity field holds a number")
        };
        self.click("Changer la capacité");
        let raised = (capacity(self) + 1).to_string();
        let mails_before = self.portal.smtp.count();
        self.fill("Nombre de places", &raised);
        self.fill("Motif (obligatoire)", "Une animatrice de plus ce jour-là");
        self.click("Changer la capacité");
        assert!(
            self.b.current_url().ends_with(&day),
            "back on the day after the change: {}",
            self.where_am_i()
        );
        let accepted = format!(
            "//table[caption[contains(., 'accepté')]]//tr[contains(., {})]",
            literal("Lilou")
        );
        assert!(
            self.wait_visible(&accepted).is_some(),
            "Lilou among the accepted children after the raise:\n{}",
            self.text()
        );
        self.assert_text("Une animatrice de plus ce jour-là");
        self.full_screenshot("gestion-journee");

        self.portal.send_mails();
        let mail = self.portal.smtp.wait_for(
            mails_before,
            DUPONT_NEW_MAIL,
            "Place attribuée sur liste d'attente",
            Duration::from_secs(30),
        );
        assert!(
            mail.body.contains("Lilou"),
            "the mail names Lilou:\n{}",
            mail.body
        );
        self.click("Se déconnecter");

        self.b.goto(&format!("{}/connexion", self.portal.base));
        self.settle();
        let password = self.password.clone();
        self.log_in("dupont", &password);
        self.click("Solde et Paiement");
        self.click("Mes documents : attestations de frais de garde, relevés de compte, reçus");
        let year = Utc::now().year();
        let on_screen = format!("//li[contains(., 'Année {year}')]//a[contains(., \"à l'écran\")]");
        let link = self
            .wait_visible(&on_screen)
            .expect("this year's attestation offered");
        self.click_element(&link);
        self.assert_text(&format!("Attestation de frais de garde — année {year}"));
        self.assert_text(&format!("N° FG-{year}-"));
        self.assert_text("DUPONT Antoine");
        self.full_screenshot("attestation-frais-de-garde");

        // The PDF, fetched by the page with the parent's session as a click would.
        let answer = self.b.execute(
            "const x = new XMLHttpRequest();
             x.open('GET', location.href.replace('format=html', 'format=pdf'), false);
             x.overrideMimeType('text/plain; charset=x-user-defined');
             x.send();
             return [x.status, x.getResponseHeader('content-type'), x.responseText.slice(0, 5)];",
            vec![],
        );
        assert_eq!(
            answer,
            Value::Array(vec![
                Value::from(200),
                Value::from("application/pdf"),
                Value::from("%PDF-"),
            ]),
            "the attestation as a PDF"
        );
    }
}

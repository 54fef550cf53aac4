//! The staff leg: a desk agent logs in with its password and a TOTP code, finds the bernard
//! family, ticks its missing file items, records its cheque with a printable receipt, takes the
//! attendance sheet the demo points to (Lilou DUPONT marked present with the keyboard), logs
//! out; bernard can then book.

use chrono::Utc;

use super::{Journey, literal};
use crate::webdriver::{By, ENTER};

impl Journey<'_> {
    /// Logs a demo staff member in on the page shown: password, then the TOTP code of now.
    pub(super) fn staff_log_in(&mut self, login: &str) {
        if !self.b.current_url().ends_with("/gestion/connexion") {
            self.b
                .goto(&format!("{}/gestion/connexion", self.portal.base));
            self.settle();
        }
        self.fill("Identifiant", login);
        self.fill("Mot de passe", &format!("portail-demo-{login}"));
        self.click("Continuer");
        let secret = app::demo::DEMO_STAFF
            .iter()
            .find(|s| s.login == login)
            .expect("a demo staff account")
            .totp_secret();
        let code = secret.code_at_step(app::staff::time_step(Utc::now()));
        self.fill(
            "Code à 6 chiffres de votre application d'authentification",
            &code,
        );
        self.click("Se connecter");
    }

    pub fn desk(&mut self) {
        self.click("Se déconnecter");
        self.b.goto(&format!("{}/gestion", self.portal.base));
        self.settle();
        self.audit();
        assert!(
            self.b.current_url().ends_with("/gestion/connexion"),
            "a visitor on /gestion gets the staff log-in page: {}",
            self.where_am_i()
        );
        self.staff_log_in("accueil");
        self.assert_text("Rôles : Accueil");
        self.screenshot("gestion-accueil");

        self.click("Familles");
        self.fill_in_form(
            "Rechercher",
            &[(
                "Nom de la famille, prénom ou nom d'un enfant, ou identifiant",
                "bernard",
            )],
        );
        let family = self
            .wait_visible("//main//table//a[contains(., 'BERNARD')]")
            .expect("bernard among the results");
        self.click_element(&family);
        self.full_screenshot("gestion-dossier-famille");
        let unticked = self.b.find_all(By::XPath(
            "//form[.//button[normalize-space(.)='Enregistrer le dossier']]//input[@type='checkbox' and not(@checked)]",
        ));
        assert!(!unticked.is_empty(), "bernard's file misses an item");
        for item in &unticked {
            item.click();
        }
        self.click("Enregistrer le dossier");
        self.assert_text("Le dossier est enregistré.");

        self.click("Enregistrer un règlement");
        self.fill("Montant (€)", "25,00");
        self.fill("Numéro (chèque, titre)", "0004711");
        self.fill("Payeur", "BERNARD Sophie");
        self.b.find(By::Css("#mode")).send_keys("CH");
        self.click("Enregistrer le règlement");
        self.assert_text("vingt-cinq euros");
        self.screenshot("gestion-recu");

        self.click("Pointage");
        self.b.goto(&format!(
            "{}{}",
            self.portal.base,
            self.portal.attendance_sheet()
        ));
        self.settle();
        self.audit();
        let present = format!(
            "//button[@aria-label={}]",
            literal("Présent : DUPONT Lilou")
        );
        assert!(
            self.wait_visible(&present).is_some(),
            "DUPONT Lilou expected on {}",
            self.where_am_i()
        );
        // The keyboard alone: the focus on the button, then Enter.
        self.b.execute(
            "document.evaluate(arguments[0], document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.focus();",
            vec![serde_json::Value::String(present.clone())],
        );
        self.b.execute("window.__ancienne_page = true;", vec![]);
        self.b.press(&[ENTER]);
        self.settle();
        self.audit();
        let pressed = self.wait_visible(&present).expect("the row after marking");
        assert_eq!(pressed.attribute("aria-pressed").as_deref(), Some("true"));
        self.screenshot("gestion-pointage");
        self.click("Se déconnecter");

        self.b.goto(&format!("{}/connexion", self.portal.base));
        self.settle();
        self.log_in("bernard", "portail-demo-bernard");
        self.click("Réservations");
        let text = self.text();
        assert!(
            !text.contains("Votre dossier n'est pas complet"),
            "bernard can book once his file is complete:\n{text}"
        );
        self.click("Se déconnecter");
        let password = self.password.clone();
        self.log_in("dupont", &password);
    }
}

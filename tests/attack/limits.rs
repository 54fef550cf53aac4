//! Body limits and bad encodings: a French page, nothing written.

use crate::support::{CSRF_FIELD, Server, held};

#[test]
fn an_oversized_body_an_invalid_utf8_field_and_a_wrong_content_type_write_nothing() {
    let _quiet = crate::support::shared();
    let server = Server::demo();
    let mut dupont = server.logged_in("dupont");
    dupont.get("/profil");
    let token = dupont.csrf.clone().unwrap();
    let head = server.last_position();
    let mut tries = 0;
    let targets = [
        "/profil/courriel",
        "/profil/question",
        "/paiement",
        "/suivi/retirer",
        "/connexion",
    ];
    for path in targets {
        // A body over 64 KiB: 413
        let big = format!(
            "question={}&reponse=x&actuel=portail-demo-dupont&{CSRF_FIELD}={token}",
            "a".repeat(70 * 1024)
        );
        let page = dupont.post_body(
            path,
            "application/x-www-form-urlencoded",
            big.as_bytes(),
            &[],
        );
        tries += 1;
        assert_eq!(page.status, 413, "{path}: {}", page.status);
        assert!(
            page.body.contains("lang=\"fr\""),
            "{path}: not a French page"
        );

        // A field that is not UTF-8 (percent-encoded or raw): 422
        for bad in [
            b"courriel=%FF%FEa%40b.fr".to_vec(),
            b"courriel=\xff\xfe@b.fr".to_vec(),
        ] {
            let mut body = bad;
            body.extend_from_slice(
                format!("&actuel=portail-demo-dupont&{CSRF_FIELD}={token}").as_bytes(),
            );
            let page = dupont.post_body(path, "application/x-www-form-urlencoded", &body, &[]);
            tries += 1;
            assert_eq!(page.status, 422, "{path}: {}", page.status);
            assert!(
                page.body.contains("lang=\"fr\""),
                "{path}: not a French page"
            );
        }

        // A JSON or multipart body instead of a form: a French refusal
        for (content_type, body) in [
            (
                "application/json",
                format!("{{\"courriel\":\"a@b.fr\",\"{CSRF_FIELD}\":\"{token}\"}}"),
            ),
            (
                "multipart/form-data; boundary=x",
                format!(
                    "--x\r\nContent-Disposition: form-data; name=\"{CSRF_FIELD}\"\r\n\r\n{token}\r\n--x--\r\n"
                ),
            ),
            (
                "text/plain",
                format!("{CSRF_FIELD}={token}&courriel=a@b.fr"),
            ),
        ] {
            let page = dupont.post_body(path, content_type, body.as_bytes(), &[]);
            tries += 1;
            assert!(
                (400..500).contains(&page.status),
                "{path} as {content_type}: {}",
                page.status
            );
            assert!(
                page.body.contains("lang=\"fr\""),
                "{path} as {content_type}: not a French page: {}",
                page.body
            );
        }
    }
    assert_eq!(
        server.last_position(),
        head,
        "a refused body recorded something"
    );
    assert_eq!(
        dupont.get("/accueil").status,
        200,
        "the service still serves"
    );
    held("body limits and bad encodings", tries);
}

//! The simulator's HTTP side: the SOAP endpoint, the test payment page and its choices.

use super::*;

/// The simulator's routes; mount them under any prefix with `Router::nest`.
pub fn router(state: SimulatorState) -> Router {
    Router::new()
        .route("/ws", post(soap_handler))
        .route(
            "/tpa/paiementws.web",
            get(page_handler).post(choice_handler),
        )
        .route("/simulateur.css", get(stylesheet_handler))
        .with_state(state)
}

pub(super) async fn soap_handler(State(state): State<SimulatorState>, body: String) -> Response {
    let (status, envelope) = state.soap(&body);
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        envelope,
    )
        .into_response()
}

#[derive(Deserialize)]
pub(super) struct PageQuery {
    idop: Option<String>,
}

pub(super) async fn page_handler(
    State(state): State<SimulatorState>,
    Query(query): Query<PageQuery>,
) -> Response {
    let operation_id = query.idop.unwrap_or_default();
    let operation = lock(&state.inner.operations).get(&operation_id).cloned();
    let Some(operation) = operation else {
        return message_page(
            StatusCode::NOT_FOUND,
            "Opération inconnue",
            "Cette opération de paiement n'existe pas (ou plus).",
        );
    };
    if let Some(outcome) = &operation.outcome {
        return message_page(
            StatusCode::CONFLICT,
            "Opération déjà traitée",
            &format!(
                "Cette opération a déjà reçu une réponse ({}).",
                choice_label(outcome.choice)
            ),
        );
    }
    if state.now() - operation.created_at >= OPERATION_VALIDITY {
        return message_page(
            StatusCode::GONE,
            "Opération expirée",
            "Le délai de 15 minutes pour payer cette opération est dépassé.",
        );
    }
    html(StatusCode::OK, &payment_page(&operation_id, &operation))
}

#[derive(Deserialize)]
pub(super) struct ChoiceForm {
    idop: Option<String>,
    choix: Option<String>,
}

pub(super) async fn choice_handler(
    State(state): State<SimulatorState>,
    Form(form): Form<ChoiceForm>,
) -> Response {
    let Some(choice) = form.choix.as_deref().and_then(Choice::from_code) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Choix invalide",
            "Choisissez Payer, Refuser ou Abandonner.",
        );
    };
    let operation_id = form.idop.unwrap_or_default();
    match state.choose(&operation_id, choice) {
        Ok(redirect) => Redirect::to(&redirect).into_response(),
        Err(error) => {
            let status = match error {
                SimulatorError::UnknownOperation => StatusCode::NOT_FOUND,
                SimulatorError::Expired => StatusCode::GONE,
                SimulatorError::AlreadyChosen | SimulatorError::NotChosen => StatusCode::CONFLICT,
            };
            message_page(status, "Choix impossible", &error.to_string())
        }
    }
}

pub(super) async fn stylesheet_handler() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub(super) const STYLESHEET: &str = "\
body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f4;color:#1e1e1e}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #ccc}
.bandeau{margin:0 0 1rem;padding:.5rem;background:#fff3cd;border:1px solid #b58900;font-weight:bold;text-align:center}
h1{font-size:1.3rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}
dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
.montant{font-size:1.4rem;font-weight:bold}
.choix{display:flex;gap:.8rem;flex-wrap:wrap;margin-top:1.5rem}
button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}
.payer{background:#1b5e20;color:#fff;border:1px solid #1b5e20}
.refuser{background:#b71c1c;color:#fff;border:1px solid #b71c1c}
.abandonner{background:#fff;color:#1e1e1e;border:1px solid #555}
";

pub(super) fn html(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(body.to_owned()),
    )
        .into_response()
}

pub(super) const TITLE: &str = "Simulateur de paiement PayFiP — aucun paiement réel";

pub(super) fn layout(content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>{TITLE}</title>\n<link rel=\"stylesheet\" href=\"../simulateur.css\">\n</head>\n\
         <body>\n<main>\n<p class=\"bandeau\">Environnement de test : aucun paiement réel</p>\n\
         <h1>{TITLE}</h1>\n{content}</main>\n</body>\n</html>\n"
    )
}

pub(super) fn payment_page(operation_id: &str, operation: &Operation) -> String {
    let objet = if operation.objet.is_empty() {
        "(sans objet)".to_owned()
    } else {
        html_escape(&operation.objet)
    };
    layout(&format!(
        "<p>Cette page imite la page de paiement de la DGFiP. Aucune carte n'est demandée \
         et aucune somme n'est prélevée.</p>\n\
         <dl>\n\
         <dt>Montant</dt><dd class=\"montant\">{montant}</dd>\n\
         <dt>Objet</dt><dd class=\"objet\">{objet}</dd>\n\
         <dt>Adresse électronique</dt><dd class=\"mel\">{mel}</dd>\n\
         <dt>Référence</dt><dd>{refdet}</dd>\n\
         <dt>Opération</dt><dd>{idop}</dd>\n\
         </dl>\n\
         <form method=\"post\" action=\"paiementws.web\" class=\"choix\">\n\
         <input type=\"hidden\" name=\"idop\" value=\"{idop}\">\n\
         <button type=\"submit\" name=\"choix\" value=\"P\" class=\"payer\">Payer</button>\n\
         <button type=\"submit\" name=\"choix\" value=\"R\" class=\"refuser\">Refuser</button>\n\
         <button type=\"submit\" name=\"choix\" value=\"A\" class=\"abandonner\">Abandonner</button>\n\
         </form>\n",
        montant = format_euros(operation.montant),
        mel = html_escape(&operation.mel),
        refdet = html_escape(&operation.refdet),
        idop = html_escape(operation_id),
    ))
}

pub(super) fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    html(
        status,
        &layout(&format!(
            "<h2>{}</h2>\n<p>{}</p>\n",
            html_escape(title),
            html_escape(message)
        )),
    )
}

pub(super) fn choice_label(choice: Choice) -> &'static str {
    match choice {
        Choice::Pay => "payée",
        Choice::Refuse => "refusée",
        Choice::Abandon => "abandonnée",
    }
}

/// Escapes text for HTML content and double-quoted attribute values.
pub(super) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `url?key=value`, or `url&key=value` when `url` already has a query (fragment kept last).
pub(super) fn append_query(url: &str, key: &str, value: &str) -> String {
    let (base, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let separator = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{base}{separator}{key}={}{fragment}", percent_encode(value))
}

pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub(super) fn authorisation_number() -> String {
    let random = uuid::Uuid::new_v4().as_u128() % 1_000_000_000_000;
    format!("{random:012}-sim")
}

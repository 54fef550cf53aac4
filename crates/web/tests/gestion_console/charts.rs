//! `/gestion/graphiques`: three inline SVG charts, each well-formed, accessible (`role="img"`,
//! its `<title>`), its words as `<text>`, and followed by its table; refused to accueil.

use axum::http::StatusCode;

use crate::common::Portal;

/// The inline `<svg>…</svg>` pieces of `body`.
fn svgs(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("a closed svg") + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// Every tag opened is closed in order (self-closing ones aside): the SVG is well-formed.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(lt) = rest.find('<') {
        let gt = rest[lt..].find('>').expect("a closed tag") + lt;
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name.trim()), "closing {name} in {svg}");
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            let name = tag.split_whitespace().next().expect("a tag name");
            open.push(name);
        }
        rest = &rest[gt + 1..];
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[tokio::test]
async fn the_charts_are_well_formed_accessible_svg_each_followed_by_its_table() {
    let portal = Portal::demo();
    let mut direction = portal.staff_logged_in("direction").await;
    let page = direction
        .get("/gestion/graphiques?du=2026-10&au=2026-12")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let pictures = svgs(&page.body);
    assert_eq!(pictures.len(), 3, "{}", page.body);
    for svg in &pictures {
        assert_well_formed(svg);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\""));
        assert!(svg.contains("<title id=\""));
        assert!(svg.contains("<text"), "the words are text: {svg}");
    }
    assert!(pictures[2].contains("Règlements"), "the legend");
    // Each picture is followed by its table, with a caption and headers.
    let after_first = &page.body[page.body.find("</svg>").unwrap() + "</svg>".len()..];
    assert!(
        after_first
            .trim_start()
            .starts_with("<div class=\"table-wrap\"><table"),
        "{}",
        &after_first[..200.min(after_first.len())]
    );
    assert!(
        page.body
            .contains("<caption>Taux d'occupation par activité")
    );
    assert!(
        page.body
            .contains("<th scope=\"col\">Consommations (€)</th>")
    );
    assert!(page.main_text().contains("Taux d'occupation"));

    let head = portal.head();
    let mut accueil = portal.staff_logged_in("accueil").await;
    assert_eq!(
        accueil.get("/gestion/graphiques").await.status,
        StatusCode::FORBIDDEN
    );
    let backwards = direction
        .get("/gestion/graphiques?du=2026-12&au=2026-10")
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text().contains("précède"));
    assert_eq!(
        direction.get("/gestion/graphiques?du=demain").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(portal.head(), head, "looking writes nothing");
}

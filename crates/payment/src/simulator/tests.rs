#![allow(clippy::unwrap_used)]
use super::http::html_escape;
use super::*;

#[test]
fn appends_the_operation_id_correctly() {
    assert_eq!(
        append_query("https://a.example/retour", "idOp", "x-1"),
        "https://a.example/retour?idOp=x-1"
    );
    assert_eq!(
        append_query("https://a.example/retour?p=1", "idOp", "x-1"),
        "https://a.example/retour?p=1&idOp=x-1"
    );
    assert_eq!(
        append_query("https://a.example/retour?", "idOp", "x 1"),
        "https://a.example/retour?idOp=x%201"
    );
    assert_eq!(
        append_query("https://a.example/retour#fin", "idOp", "x"),
        "https://a.example/retour?idOp=x#fin"
    );
}

#[test]
fn html_escapes_everything_that_matters() {
    assert_eq!(
        html_escape("<script>\"a\" & 'b'"),
        "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;"
    );
}

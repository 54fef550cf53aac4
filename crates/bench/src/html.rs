//! Just enough HTML reading for a scripted parent: the forms of a page (action and hidden
//! fields) and a `<meta http-equiv="refresh">`.

/// A `<form method="post">` of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The form's fields with `extra` added, URL-encoded.
    pub fn encode(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        pairs.extend_from_slice(extra);
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag text `tag` (`<input …>`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

/// Every tag `<name …>` of `html`, as its text.
fn tags<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{name} ");
    html.match_indices(open.clone().as_str())
        .map(|(i, _)| i)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(move |i| html[i..].find('>').map(|end| &html[i..i + end + 1]))
}

/// The POST forms of `html`, in page order, with their hidden inputs.
pub fn forms(html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form ") {
        let after = &rest[start..];
        let end = after.find("</form>").unwrap_or(after.len());
        let body = &after[..end];
        let head_end = body.find('>').unwrap_or(body.len());
        let head = &body[..head_end];
        if attribute(head, "method").is_some_and(|m| m.eq_ignore_ascii_case("post"))
            && let Some(action) = attribute(head, "action")
        {
            let fields = tags(body, "input")
                .filter(|tag| attribute(tag, "type").as_deref() == Some("hidden"))
                .filter_map(|tag| Some((attribute(tag, "name")?, attribute(tag, "value")?)))
                .collect();
            out.push(Form { action, fields });
        }
        rest = &after[end.min(after.len())..];
        if end == after.len() {
            break;
        }
        rest = &rest["</form>".len()..];
    }
    out
}

/// `<meta http-equiv="refresh" content="N; url=…">`: the seconds and the address.
pub fn meta_refresh(html: &str) -> Option<(u64, String)> {
    let tag = tags(html, "meta").find(|tag| {
        attribute(tag, "http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
    })?;
    let content = attribute(tag, "content")?;
    let (seconds, url) = content.split_once(';')?;
    let url = url.trim();
    let url = url
        .strip_prefix("url=")
        .or_else(|| url.strip_prefix("URL="))
        .unwrap_or(url);
    Some((
        seconds.trim().parse().ok()?,
        url.trim_matches('\'').to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_post_forms_and_refresh() {
        let page = r#"<html><head><meta http-equiv="refresh" content="3; url=/connexion/file/ab"></head>
<a href="/reservations/1">x</a><a class="b" href="/suivi">y</a>
<form method="get" action="/x"><input type="hidden" name="a" value="1"></form>
<form class="cell-action" method="post" action="/reservations/1/panier"><input type="hidden" name="jeton" value="t&amp;1"><input type="hidden" name="jour" value="2027-01-06"><button type="submit">go</button></form>"#;
        assert_eq!(
            meta_refresh(page),
            Some((3, "/connexion/file/ab".to_owned()))
        );
        let forms = forms(page);
        assert_eq!(forms.len(), 1);
        assert_eq!(forms[0].action, "/reservations/1/panier");
        assert_eq!(forms[0].field("jeton"), Some("t&1"));
        assert_eq!(
            forms[0].encode(&[("k", "a b")]),
            "jeton=t%261&jour=2027-01-06&k=a+b"
        );
    }
}

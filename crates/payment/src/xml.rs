//! A deliberately small XML reader and escaper for the SOAP messages of PayFiP.
//!
//! Only what SOAP 1.1 messages use is supported: elements, attributes (skipped), text,
//! character and predefined entity references, CDATA sections, comments and processing
//! instructions. A `<!DOCTYPE …>` is refused (no entity expansion, ever). Elements are
//! matched on their *local* name, so `soap:Body`, `S:Body` and `Body` are the same element:
//! PayFiP and the SOAP stacks in front of it choose their namespace prefixes freely.

use std::fmt;

/// Nesting deeper than this is refused (SOAP messages are a handful of levels deep).
const MAX_DEPTH: usize = 64;

/// One element of a parsed document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Element {
    /// Local name, without its namespace prefix.
    pub name: String,
    /// Child elements, in document order.
    pub children: Vec<Element>,
    /// The element's own text (entities resolved, CDATA included, not trimmed).
    pub text: String,
}

impl Element {
    fn new(name: &str) -> Self {
        Element {
            name: local_name(name).to_owned(),
            children: Vec::new(),
            text: String::new(),
        }
    }

    /// First element with this local name, depth-first, this element included.
    pub fn find(&self, local: &str) -> Option<&Element> {
        if self.name == local {
            return Some(self);
        }
        self.children.iter().find_map(|child| child.find(local))
    }

    /// Trimmed text of the first descendant with this local name, if any.
    pub fn find_text(&self, local: &str) -> Option<&str> {
        self.find(local).map(|element| element.text.trim())
    }
}

/// Why a message is not XML this reader accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct XmlError(String);

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn error<T>(message: impl Into<String>) -> Result<T, XmlError> {
    Err(XmlError(message.into()))
}

fn local_name(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

/// Parses a whole document and returns its root element.
pub(crate) fn parse(input: &str) -> Result<Element, XmlError> {
    let mut rest = input.strip_prefix('\u{feff}').unwrap_or(input);
    // Open elements with their qualified names (to check that end tags match).
    let mut stack: Vec<(String, Element)> = Vec::new();
    let mut root: Option<Element> = None;

    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = skip_past(after, "?>", "instruction de traitement non terminée")?;
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = skip_past(after, "-->", "commentaire non terminé")?;
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after
                .find("]]>")
                .ok_or_else(|| XmlError("section CDATA non terminée".into()))?;
            match stack.last_mut() {
                Some((_, element)) => element.text.push_str(&after[..end]),
                None => return error("texte hors de l'élément racine"),
            }
            rest = &after[end + 3..];
        } else if rest.starts_with("<!") {
            return error("déclaration <!…> refusée (DOCTYPE interdit)");
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after
                .find('>')
                .ok_or_else(|| XmlError("balise fermante non terminée".into()))?;
            let name = after[..end].trim();
            let Some((open, element)) = stack.pop() else {
                return error(format!("balise fermante </{name}> sans ouvrante"));
            };
            if open != name {
                return error(format!("</{name}> ferme <{open}>"));
            }
            attach(&mut stack, &mut root, element)?;
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let (name, self_closing, remaining) = start_tag(after)?;
            if stack.len() >= MAX_DEPTH {
                return error("imbrication trop profonde");
            }
            let element = Element::new(name);
            if self_closing {
                attach(&mut stack, &mut root, element)?;
            } else {
                stack.push((name.to_owned(), element));
            }
            rest = remaining;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            match stack.last_mut() {
                Some((_, element)) => element.text.push_str(&unescape(raw)?),
                None if raw.trim().is_empty() => {}
                None => return error("texte hors de l'élément racine"),
            }
            rest = &rest[end..];
        }
    }
    if let Some((open, _)) = stack.last() {
        return error(format!("élément <{open}> non fermé"));
    }
    root.ok_or_else(|| XmlError("document vide".into()))
}

fn skip_past<'a>(input: &'a str, end: &str, message: &str) -> Result<&'a str, XmlError> {
    match input.find(end) {
        Some(at) => Ok(&input[at + end.len()..]),
        None => error(message),
    }
}

fn attach(
    stack: &mut [(String, Element)],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some((_, parent)) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return error("plusieurs éléments racines"),
    }
    Ok(())
}

/// Reads a start tag after its `<`: name, whether it is `<…/>`, and the input after `>`.
fn start_tag(input: &str) -> Result<(&str, bool, &str), XmlError> {
    let name_end = input
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .ok_or_else(|| XmlError("balise ouvrante non terminée".into()))?;
    let name = &input[..name_end];
    if name.is_empty() || local_name(name).is_empty() {
        return error("balise sans nom");
    }
    let mut rest = &input[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return Ok((name, true, after));
        }
        if let Some(after) = rest.strip_prefix('>') {
            return Ok((name, false, after));
        }
        // An attribute: name = "value" or 'value' (values may contain '>').
        let eq = rest
            .find('=')
            .ok_or_else(|| XmlError(format!("attribut mal formé dans <{name}>")))?;
        if rest[..eq].trim().is_empty() || rest[..eq].contains(['<', '>', '/']) {
            return error(format!("attribut mal formé dans <{name}>"));
        }
        let value = rest[eq + 1..].trim_start();
        let quote = value
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or_else(|| XmlError(format!("valeur d'attribut sans guillemets dans <{name}>")))?;
        let closing = value[1..]
            .find(quote)
            .ok_or_else(|| XmlError(format!("valeur d'attribut non terminée dans <{name}>")))?;
        rest = &value[1 + closing + 1..];
    }
}

/// Resolves the five predefined entities and numeric character references.
pub(crate) fn unescape(raw: &str) -> Result<String, XmlError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find(';')
            .filter(|end| *end <= 10)
            .ok_or_else(|| XmlError("référence d'entité non terminée".into()))?;
        let entity = &after[..end];
        let resolved = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(decimal) = entity.strip_prefix('#') {
                    decimal.parse::<u32>().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| XmlError(format!("entité inconnue &{entity};")))?
            }
        };
        out.push(resolved);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes text for element content and attribute values alike.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_prefixed_soap_with_entities_cdata_and_comments() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- réponse -->
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <ns2:reponse xmlns:ns2="urn:x" attr='a > b'>
      <return><objet>A &amp; B &lt;c&gt; &#233;t&#xE9; &quot;q&quot; &apos;</objet>
      <vide/><cdata><![CDATA[<pas une balise> & rien]]></cdata></return>
    </ns2:reponse>
  </soap:Body>
</soap:Envelope>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "Envelope");
        assert_eq!(root.find_text("objet"), Some("A & B <c> été \"q\" '"));
        assert_eq!(root.find_text("vide"), Some(""));
        assert_eq!(root.find_text("cdata"), Some("<pas une balise> & rien"));
        assert!(root.find("reponse").is_some());
        assert!(root.find("absent").is_none());
    }

    #[test]
    fn refuses_doctype_mismatched_tags_and_unknown_entities() {
        assert!(parse("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>").is_err());
        assert!(parse("<a><b></a></b>").is_err());
        assert!(parse("<a>&nbsp;</a>").is_err());
        assert!(parse("<a>").is_err());
        assert!(parse("").is_err());
        assert!(parse("<a/><b/>").is_err());
        assert!(parse("texte<a/>").is_err());
    }

    #[test]
    fn escape_round_trips() {
        let text = "Séjour <été> & \"neige\" 'ski'";
        let doc = format!("<a>{}</a>", escape(text));
        assert_eq!(parse(&doc).unwrap().text, text);
    }
}

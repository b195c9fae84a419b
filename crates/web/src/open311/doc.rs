//! One response tree rendered as GeoReport XML or as its JSON mapping (spec §3): the
//! XML root is dropped, a container of one repeated child is always an array, an empty
//! leaf is `null`. Building both from one tree keeps the two formats in step.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone)]
pub enum Node {
    /// A text leaf; `None` renders as an empty element and JSON `null`.
    Text(Option<String>),
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Named children, in order.
    Object(Vec<(&'static str, Node)>),
    /// Repeated children of one name.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub fn text(value: impl Into<String>) -> Node {
        Node::Text(Some(value.into()))
    }

    /// Empty text is absent (`null`).
    pub fn opt(value: impl Into<String>) -> Node {
        let v = value.into();
        Node::Text((!v.is_empty()).then_some(v))
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Text(None) => Value::Null,
            Node::Text(Some(s)) => Value::String(s.clone()),
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Node::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
            Node::List(_, items) => Value::Array(items.iter().map(Node::to_json).collect()),
        }
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        out.push('<');
        out.push_str(name);
        out.push('>');
        match self {
            Node::Text(None) => {}
            Node::Text(Some(s)) => escape_into(s, out),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Int(i) => out.push_str(&i.to_string()),
            Node::Float(f) => out.push_str(&f.to_string()),
            Node::Object(fields) => {
                for (k, v) in fields {
                    v.write_xml(k, out);
                }
            }
            Node::List(child, items) => {
                for item in items {
                    item.write_xml(child, out);
                }
            }
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }

    /// The XML document with `root` as its root element.
    pub fn to_xml(&self, root: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        self.write_xml(root, &mut out);
        out
    }
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry are dropped rather than breaking the document.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// Splits `requests.json` into (`requests`, Json); unknown suffixes are `None`.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "xml" => Format::Xml,
            "json" => Format::Json,
            _ => return None,
        };
        Some((stem, format))
    }
}

/// A response in the asked format.
pub fn respond(status: StatusCode, format: Format, root: &str, node: &Node) -> Response {
    match format {
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            node.to_xml(root),
        )
            .into_response(),
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            node.to_json().to_string(),
        )
            .into_response(),
    }
}

/// The spec's error list (§12); the first error's status is the response's.
pub fn errors(format: Format, list: &[(StatusCode, String)]) -> Response {
    let status = list.first().map(|e| e.0).unwrap_or(StatusCode::BAD_REQUEST);
    let node = Node::List(
        "error",
        list.iter()
            .map(|(s, d)| {
                Node::Object(vec![
                    ("code", Node::Int(i64::from(s.as_u16()))),
                    ("description", Node::text(d.clone())),
                ])
            })
            .collect(),
    );
    respond(status, format, "errors", &node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tree_gives_both_formats() {
        let node = Node::List(
            "service",
            vec![Node::Object(vec![
                ("service_code", Node::text("VSMT-01")),
                ("metadata", Node::Bool(true)),
                ("group", Node::opt("")),
                ("name", Node::text("Rác <thải> & \"xà bần\"")),
            ])],
        );
        assert_eq!(
            node.to_xml("services"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>VSMT-01</service_code>\
             <metadata>true</metadata><group></group><name>Rác &lt;thải&gt; &amp; &quot;xà bần&quot;</name></service></services>"
        );
        assert_eq!(
            node.to_json(),
            serde_json::json!([{"service_code": "VSMT-01", "metadata": true, "group": null, "name": "Rác <thải> & \"xà bần\""}])
        );
        assert_eq!(Node::List("x", vec![]).to_json(), serde_json::json!([]));
    }

    #[test]
    fn formats_come_from_the_suffix() {
        assert_eq!(
            Format::split("requests.json"),
            Some(("requests", Format::Json))
        );
        assert_eq!(
            Format::split("PA-2026-000001.xml"),
            Some(("PA-2026-000001", Format::Xml))
        );
        assert_eq!(Format::split("requests.html"), None);
        assert_eq!(Format::split("requests"), None);
    }
}

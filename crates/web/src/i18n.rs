//! Interface languages. Vietnamese first, English available; every user-facing string
//! comes from `locales/<lang>.toml`, never from code.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn tr(self) -> Tr {
        Tr(&catalogues()[match self {
            Lang::Vi => 0,
            Lang::En => 1,
        }])
    }
}

type Catalogue = HashMap<String, String>;

fn parse_catalogue(text: &str) -> Catalogue {
    fn flatten(prefix: &str, value: &toml::Value, out: &mut Catalogue) {
        match value {
            toml::Value::Table(table) => {
                for (k, v) in table {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out);
                }
            }
            toml::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    let value: toml::Value = text
        .parse()
        .expect("translation files are checked by tests");
    let mut out = Catalogue::new();
    flatten("", &value, &mut out);
    out
}

pub(crate) const SOURCES: [(&str, &str); 2] = [
    ("vi", include_str!("../locales/vi.toml")),
    ("en", include_str!("../locales/en.toml")),
];

fn catalogues() -> &'static [Catalogue; 2] {
    static CATALOGUES: OnceLock<[Catalogue; 2]> = OnceLock::new();
    CATALOGUES.get_or_init(|| [parse_catalogue(SOURCES[0].1), parse_catalogue(SOURCES[1].1)])
}

/// A handle on one language's strings, passed to templates.
#[derive(Clone, Copy)]
pub struct Tr(&'static Catalogue);

impl Tr {
    /// The string for `key`; the key itself if missing (tests forbid missing keys).
    pub fn get<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.0.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The string for `key` with `{name}` placeholders filled in.
    pub fn fill<'v>(&self, key: &str, args: impl AsRef<[(&'v str, &'v str)]>) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args.as_ref() {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let vi: BTreeSet<_> = catalogues()[0].keys().collect();
        let en: BTreeSet<_> = catalogues()[1].keys().collect();
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "vi only: {only_vi:?}; en only: {only_en:?}"
        );
    }

    /// Every key a template or the code asks for exists.
    #[test]
    fn every_key_used_exists() {
        let mut sources = String::new();
        for dir in ["templates", "src", "src/pages", "src/api", "src/security"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(path).unwrap() {
                let p = entry.unwrap().path();
                if p.is_file() {
                    sources.push_str(&std::fs::read_to_string(p).unwrap());
                }
            }
        }
        let mut missing = Vec::new();
        for pattern in ["get(\"", "fill(\""] {
            for part in sources.split(pattern).skip(1) {
                let key = part.split('"').next().unwrap();
                if key.contains('.') && !catalogues()[0].contains_key(key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "missing translation keys: {missing:?}");
    }
}

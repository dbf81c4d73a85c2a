//! Where a field is in the scenario file: the exact line and column of its value, from the
//! spans the TOML parser records for every key and value.
//!
//! Errors found after deserialisation name a dotted field (`medium.rho_g_cm3`,
//! `moments.magnetic_mu_b.e_mu`, `arrival.earth.weights[2]`, `scan."medium.ye"` written as
//! `scan.medium.ye`); [`locate`] finds that field in the parsed document, or the nearest
//! enclosing key or table that is written when the field itself is missing. The document is
//! parsed only when an error is reported, so valid files pay nothing.

use std::ops::Range;

use toml_edit::{ImDocument, Item, TableLike, Value};

/// A place in the file: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The position of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// The position of dotted `field` in scenario `text`: its value when it is written, else the
/// nearest enclosing key or table that is; `None` for an empty field, a file that does not
/// parse, or a field none of whose tables is written.
pub fn locate(text: &str, field: &str) -> Option<Position> {
    if field.is_empty() {
        return None;
    }
    let doc = ImDocument::parse(text).ok()?;
    let mut node = Node::Item(doc.as_item());
    let mut rest = field;
    let mut found: Option<Range<usize>> = None;
    while !rest.is_empty() {
        let Some((child, span, after)) = node.child(rest) else {
            break;
        };
        found = child.span().or(span).or(found);
        node = child;
        rest = after;
    }
    found.map(|span| position(text, span.start))
}

/// A value of the parsed document, whichever of toml_edit's types holds it.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Value(&'a Value),
    Table(&'a toml_edit::Table),
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Value(v) => v.span(),
            Node::Table(t) => t.span(),
        }
    }

    fn table(self) -> Option<&'a dyn TableLike> {
        match self {
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => Some(t),
                _ => None,
            },
            Node::Item(i) => i.as_table_like(),
            Node::Table(t) => Some(t),
        }
    }

    fn element(self, n: usize) -> Option<Node<'a>> {
        match self {
            Node::Item(Item::ArrayOfTables(a)) => a.get(n).map(Node::Table),
            Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a)) => {
                a.get(n).map(Node::Value)
            }
            _ => None,
        }
    }

    /// The child that `path` starts with (`[n]` or the longest key followed by `.`, `[` or
    /// the end, so quoted keys holding dots are found), the span of its key, and the rest of
    /// the path.
    fn child<'p>(self, path: &'p str) -> Option<(Node<'a>, Option<Range<usize>>, &'p str)> {
        let path = path.strip_prefix('.').unwrap_or(path);
        if let Some(index) = path.strip_prefix('[') {
            let (n, after) = index.split_once(']')?;
            let child = self.element(n.trim().parse().ok()?)?;
            return Some((child, None, after));
        }
        let table = self.table()?;
        let key = table
            .iter()
            .map(|(k, _)| k)
            .filter(|k| {
                path.strip_prefix(*k)
                    .is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
            })
            .max_by_key(|k| k.len())?;
        let (k, item) = table.get_key_value(key)?;
        Some((Node::Item(item), k.span(), &path[key.len()..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n\n[medium]\nkind = \"constant\"\nrho_g_cm3 =  -3\n\n[moments]\nmagnetic_mu_b = { e_mu = 1e-12 }\n\n[arrival]\nearth = { cos_zenith = [-0.5, -0.1], weights = [1, 2] }\n\n[scan]\n\"medium.ye\" = [0.4, 0.5]\n";

    fn at(field: &str) -> Option<(usize, usize)> {
        locate(TEXT, field).map(|p| (p.line, p.column))
    }

    #[test]
    fn fields_are_found_at_their_value() {
        assert_eq!(at("name"), Some((1, 8)));
        assert_eq!(at("medium.rho_g_cm3"), Some((5, 14)));
        assert_eq!(at("moments.magnetic_mu_b.e_mu"), Some((8, 26)));
        assert_eq!(at("arrival.earth.cos_zenith[1]"), Some((11, 31)));
        assert_eq!(at("scan.medium.ye"), Some((14, 15)));
    }

    #[test]
    fn a_missing_field_falls_back_to_its_table() {
        assert_eq!(at("medium.ye"), Some((3, 1)));
        assert_eq!(at("track.end_km"), None);
        assert_eq!(at(""), None);
        assert_eq!(locate("a = = 1", "a"), None);
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(position("é = 1\nab", 7), Position { line: 2, column: 1 });
        assert_eq!(position("é = 1", 5), Position { line: 1, column: 5 });
    }
}

//! Avro's schema resolution: whether data written with one schema (the writer's) can be read
//! with another (the reader's), and if not, the first field that stops it.
//!
//! - A field the reader has and the writer lacks takes the reader's default, or the data
//!   cannot be read. A field the writer has and the reader lacks is skipped.
//! - Fields match by name, or by one of the reader field's aliases (a rename the reader
//!   knows about); records and enums match the same way by their names.
//! - The promotions: int to long, float or double; long to float or double; float to double;
//!   string to bytes and bytes to string. Nothing narrows.
//! - A union the writer wrote: each of its branches must be readable. A reader's union takes
//!   the writer's type if one of its branches does.
//! - An enum symbol the reader lacks is read as the reader's default symbol, or not at all.
//!
//! Brokerlab carries no field values, so it decides for a pair of schemas, as a registry's
//! checker does: a union branch the reader cannot take makes the pair unreadable, though in a
//! real system only the messages that used that branch would fail.

use crate::schema::avro::{with_article, Record, Type};

/// Why a reader cannot read a writer's data: the field (a dotted path, `address.city`; empty
/// for the event itself) and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Clash {
    pub field: String,
    pub kind: ClashKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClashKind {
    /// The reader has the field, the writer does not, and the reader gives no default.
    NoDefault,
    /// The field's types differ and Avro does not promote the one to the other.
    Types { writer: String, reader: String },
    /// The writer's enum may hold a symbol the reader's lacks, and the reader has no default.
    Symbol(String),
    /// Records or enums with different names (and no alias that joins them).
    Name { writer: String, reader: String },
}

impl Clash {
    /// The clash in words, with the two schemas named as the caller calls them ("version 2",
    /// "billing's version 1"): `field "coupon" is not in version 2, and version 1 gives it no
    /// default`.
    pub fn words(&self, writer: &str, reader: &str) -> String {
        let field = if self.field.is_empty() { "the event".to_string() } else { format!("field \"{}\"", self.field) };
        match &self.kind {
            ClashKind::NoDefault => format!("{field} is not in {writer}, and {reader} gives it no default"),
            ClashKind::Types { writer: w, reader: r } => {
                format!("{field} is {} in {writer} but {} in {reader}, which Avro does not read as one another", with_article(w), with_article(r))
            }
            ClashKind::Symbol(s) => format!("{field} may hold \"{s}\" in {writer}, a symbol {reader} lacks, with no default symbol"),
            ClashKind::Name { writer: w, reader: r } => format!(
                "{field} is a type named {w} in {writer} but {r} in {reader} (a rename needs the old name among the new one's aliases)"
            ),
        }
    }
}

/// Whether a reader with schema `reader` can read what `writer` wrote; the first clash if not.
pub fn resolve(writer: &Record, reader: &Record) -> Result<(), Clash> {
    records(writer, reader, "")
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn named_alike(writer: &str, reader: &str, reader_aliases: &[String]) -> bool {
    let short = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    short(writer) == short(reader) || reader_aliases.iter().any(|a| short(a) == short(writer))
}

fn records(w: &Record, r: &Record, path: &str) -> Result<(), Clash> {
    for rf in &r.fields {
        let here = join(path, &rf.name);
        let found = w
            .fields
            .iter()
            .find(|wf| wf.name == rf.name)
            .or_else(|| w.fields.iter().find(|wf| rf.aliases.contains(&wf.name)));
        match found {
            Some(wf) => types(&wf.ty, &rf.ty, &here)?,
            None if rf.default.is_some() => {}
            None => return Err(Clash { field: here, kind: ClashKind::NoDefault }),
        }
    }
    Ok(())
}

fn promotes(w: &Type, r: &Type) -> bool {
    use Type::*;
    matches!(
        (w, r),
        (Int, Long | Float | Double) | (Long, Float | Double) | (Float, Double) | (String, Bytes) | (Bytes, String)
    )
}

fn types(w: &Type, r: &Type, path: &str) -> Result<(), Clash> {
    let mismatch =
        || Clash { field: path.to_string(), kind: ClashKind::Types { writer: w.words(), reader: r.words() } };
    match (w, r) {
        (Type::Union(ws), _) => ws.iter().try_for_each(|b| types(b, r, path)),
        (_, Type::Union(rs)) => {
            // The first branch that takes the writer's type; failing that, the clash inside
            // a branch of the same kind and name, which says more than "the types differ".
            let mut inner = None;
            for b in rs {
                match types(w, b, path) {
                    Ok(()) => return Ok(()),
                    Err(c) if same_kind(w, b) && inner.is_none() => inner = Some(c),
                    Err(_) => {}
                }
            }
            Err(inner.unwrap_or_else(mismatch))
        }
        (Type::Record(wr), Type::Record(rr)) => {
            if !named_alike(&wr.name, &rr.name, &rr.aliases) {
                return Err(Clash {
                    field: path.to_string(),
                    kind: ClashKind::Name { writer: wr.name.clone(), reader: rr.name.clone() },
                });
            }
            records(wr, rr, path)
        }
        (Type::Enum(we), Type::Enum(re)) => {
            if !named_alike(&we.name, &re.name, &re.aliases) {
                return Err(Clash {
                    field: path.to_string(),
                    kind: ClashKind::Name { writer: we.name.clone(), reader: re.name.clone() },
                });
            }
            match we.symbols.iter().find(|s| !re.symbols.contains(s)) {
                Some(s) if re.default.is_none() => {
                    Err(Clash { field: path.to_string(), kind: ClashKind::Symbol(s.clone()) })
                }
                _ => Ok(()),
            }
        }
        (Type::Array(wi), Type::Array(ri)) => types(wi, ri, &format!("{path}[]")),
        (Type::Map(wv), Type::Map(rv)) => types(wv, rv, &format!("{path}{{}}")),
        _ if w == r || promotes(w, r) => Ok(()),
        _ => Err(mismatch()),
    }
}

fn same_kind(a: &Type, b: &Type) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.name() == b.name()
}

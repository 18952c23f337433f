//! Avro's types, as far as an event's contract needs them: the primitives, records, enums,
//! arrays, maps and unions, with fields that may carry a default and aliases. A version of an
//! event is a record, written in Avro's own JSON (`{"type": "record", "name": ..., "fields":
//! [...]}`, or just its `fields`), so a course can paste a schema from its code.
//!
//! Reading checks what Avro's parser checks and what the resolution needs: known type names, a
//! named type defined before it is used (so no type contains itself), unique field and symbol
//! names, and a default that fits its field (for a union, its first branch). Written by hand
//! rather than with an Avro crate: the app compiles this, and all it needs is the schema, never
//! the binary encoding.

use serde_json::Value;

/// How deep types may nest (a record in a record ...): far beyond a real event, and keeps a
/// hostile file from exhausting the stack.
pub const MAX_DEPTH: usize = 16;
/// Fields in one record, symbols in one enum, branches in one union.
pub const MAX_MEMBERS: usize = 200;
/// Type nodes (fields, union branches, items, values) in all of a scenario's schemas
/// together: it keeps the resolution of every pair of versions quick.
pub const MAX_TYPE_NODES: usize = 20_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record(Box<Record>),
    Enum(Box<Enum>),
    Array(Box<Type>),
    Map(Box<Type>),
    Union(Vec<Type>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub name: String,
    pub aliases: Vec<String>,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub ty: Type,
    /// Present when the field has a default (which may be `null`).
    pub default: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub name: String,
    pub aliases: Vec<String>,
    pub symbols: Vec<String>,
    /// The symbol a reader uses for a symbol it does not know.
    pub default: Option<String>,
}

const PRIMITIVES: [(&str, Type); 8] = [
    ("null", Type::Null),
    ("boolean", Type::Boolean),
    ("int", Type::Int),
    ("long", Type::Long),
    ("float", Type::Float),
    ("double", Type::Double),
    ("bytes", Type::Bytes),
    ("string", Type::String),
];

impl Type {
    /// The type in a few words, for a message: "string", "record Address", "union [null, int]".
    pub fn words(&self) -> String {
        match self {
            Type::Record(r) => format!("record {}", r.name),
            Type::Enum(e) => format!("enum {}", e.name),
            Type::Array(t) => format!("array of {}", t.words()),
            Type::Map(t) => format!("map of {}", t.words()),
            Type::Union(ts) => format!("union [{}]", ts.iter().map(Type::words).collect::<Vec<_>>().join(", ")),
            primitive => PRIMITIVES.iter().find(|(_, t)| t == primitive).map_or("?", |(n, _)| n).to_string(),
        }
    }

    /// The name of a record or an enum.
    pub fn name(&self) -> Option<&str> {
        match self {
            Type::Record(r) => Some(&r.name),
            Type::Enum(e) => Some(&e.name),
            _ => None,
        }
    }

    /// Whether `v` is a value of this type, as Avro's JSON writes it (a union's value is its
    /// first branch's, as a default must be).
    pub fn fits(&self, v: &Value) -> bool {
        match self {
            Type::Null => v.is_null(),
            Type::Boolean => v.is_boolean(),
            Type::Int => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Type::Long => v.is_i64(),
            Type::Float | Type::Double => v.is_number(),
            Type::Bytes | Type::String => v.is_string(),
            Type::Enum(e) => v.as_str().is_some_and(|s| e.symbols.iter().any(|x| x == s)),
            Type::Array(t) => v.as_array().is_some_and(|items| items.iter().all(|i| t.fits(i))),
            Type::Map(t) => v.as_object().is_some_and(|m| m.values().all(|i| t.fits(i))),
            Type::Union(ts) => ts.first().is_some_and(|t| t.fits(v)),
            Type::Record(r) => v.as_object().is_some_and(|m| {
                r.fields.iter().all(|f| match m.get(&f.name) {
                    Some(x) => f.ty.fits(x),
                    None => f.default.is_some(),
                })
            }),
        }
    }
}

/// A problem in a schema: where (a path under the version, like `.fields[2].type`) and what.
pub type Problem = (String, String);

/// The problem at `at` followed by `rest`, saying `message`. One function rather than a
/// `format!` of the path at each of the reader's thirty refusals: each was its own copy of the
/// formatting code in the app's wasm.
#[inline(never)]
fn problem(at: &str, rest: &str, message: impl Into<String>) -> Problem {
    let mut path = String::with_capacity(at.len() + rest.len());
    path.push_str(at);
    path.push_str(rest);
    (path, message.into())
}

impl Record {
    /// Reads one version of the event type `event_type`: a record in Avro's JSON, or an object
    /// with just its `fields` (the record is then named after the event type).
    pub fn read(v: &Value, event_type: &str) -> Result<Record, Problem> {
        Record::read_within(v, event_type, &mut MAX_TYPE_NODES.clone())
    }

    /// The same, spending the types it makes from `left`: a scenario's versions share one
    /// allowance (a named type used again counts each time, as it is copied).
    pub fn read_within(v: &Value, event_type: &str, left: &mut usize) -> Result<Record, Problem> {
        let mut named = Named { types: Vec::new(), left: *left };
        let Some(obj) = v.as_object() else {
            return Err(problem(
                "",
                "",
                "must be a record like {\"fields\": [{\"name\": \"order_id\", \"type\": \"string\"}]}",
            ));
        };
        let read = if !obj.contains_key("type") {
            let mut with_type = obj.clone();
            with_type.insert("type".into(), Value::from("record"));
            with_type.entry("name").or_insert_with(|| Value::from(event_type));
            read_type(&Value::Object(with_type), "", 0, &mut named)?
        } else {
            read_type(v, "", 0, &mut named)?
        };
        *left = named.left;
        match read {
            Type::Record(r) => Ok(*r),
            other => Err(problem("", ".type", format!("a version of an event is a record, not {}", other.words()))),
        }
    }
}

/// The named types (records and enums) a version has defined so far, and how many more type
/// nodes it may make.
pub struct Named {
    types: Vec<Type>,
    left: usize,
}

impl Named {
    /// Spends `n` type nodes, or refuses: a record of records used again and again would
    /// otherwise expand without end from a few lines.
    fn spend(&mut self, n: usize, at: &str) -> Result<(), Problem> {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(problem(at, "", format!("the schemas' types come to more than {MAX_TYPE_NODES} fields, branches and items (a named type used again counts each time)"))),
        }
    }
}

/// How many type nodes `t` is.
fn size(t: &Type) -> usize {
    1 + match t {
        Type::Record(r) => r.fields.iter().map(|f| size(&f.ty)).sum(),
        Type::Array(t) | Type::Map(t) => size(t),
        Type::Union(ts) => ts.iter().map(size).sum(),
        _ => 0,
    }
}

fn known_keys(obj: &serde_json::Map<String, Value>, at: &str, keys: &[&str]) -> Result<(), Problem> {
    match obj.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err((
            at.to_string(),
            format!(
                "unknown field `{k}`, expected one of {}",
                keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        )),
        None => Ok(()),
    }
}

fn name_at(obj: &serde_json::Map<String, Value>, at: &str, what: &str) -> Result<String, Problem> {
    match obj.get("name").and_then(Value::as_str) {
        Some(n) if valid_name(n) => Ok(n.to_string()),
        Some(n) => Err((
            format!("{at}.name"),
            format!("\"{n}\" is not an Avro name: start with a letter or _, then letters, digits or _"),
        )),
        None => Err(problem(at, ".name", format!("a {what} needs a name"))),
    }
}

/// Avro's names: `[A-Za-z_][A-Za-z0-9_]*`, dotted for a namespace.
fn valid_name(n: &str) -> bool {
    n.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

fn aliases(obj: &serde_json::Map<String, Value>, at: &str) -> Result<Vec<String>, Problem> {
    match obj.get("aliases") {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) if items.iter().all(|a| a.as_str().is_some_and(valid_name)) => {
            Ok(items.iter().filter_map(|a| a.as_str().map(str::to_string)).collect())
        }
        Some(_) => Err(problem(at, ".aliases", "must be a list of names, e.g. [\"total\"]")),
    }
}

/// "an int", "a string": a type's words with their article.
pub(crate) fn with_article(words: &str) -> String {
    let a = if words.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{a} {words}")
}

/// A JSON value in a few words, for a message: `"one"` for a short string, else its kind.
fn json_kind(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() <= 24 => format!("\"{s}\""),
        Value::String(_) => "a string".into(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn read_type(v: &Value, at: &str, depth: usize, named: &mut Named) -> Result<Type, Problem> {
    if depth > MAX_DEPTH {
        return Err(problem(at, "", format!("types nest more than {MAX_DEPTH} deep")));
    }
    named.spend(1, at)?;
    match v {
        Value::String(s) => {
            if let Some((_, t)) = PRIMITIVES.iter().find(|(n, _)| n == s) {
                return Ok(t.clone());
            }
            match named.types.iter().find(|t| t.name() == Some(s)) {
                Some(t) => {
                    let t = t.clone();
                    named.spend(size(&t), at)?;
                    Ok(t)
                }
                None => Err((
                    at.to_string(),
                    format!("unknown type \"{s}\": a primitive (null, boolean, int, long, float, double, bytes, string) or a record or enum named earlier in this version"),
                )),
            }
        }
        Value::Array(branches) => {
            if branches.is_empty() || branches.len() > MAX_MEMBERS {
                return Err(problem(at, "", format!("a union has 1 to {MAX_MEMBERS} branches")));
            }
            let mut ts: Vec<Type> = Vec::with_capacity(branches.len());
            for (i, b) in branches.iter().enumerate() {
                let here = format!("{at}[{i}]");
                let t = read_type(b, &here, depth + 1, named)?;
                if matches!(t, Type::Union(_)) {
                    return Err(problem(&here, "", "a union may not hold a union directly"));
                }
                let same = |u: &Type| match (u.name(), t.name()) {
                    (Some(a), Some(b)) => a == b,
                    (None, None) => std::mem::discriminant(u) == std::mem::discriminant(&t),
                    _ => false,
                };
                if ts.iter().any(same) {
                    return Err(problem(&here, "", format!("the union has {} twice", t.words())));
                }
                ts.push(t);
            }
            Ok(Type::Union(ts))
        }
        Value::Object(obj) => {
            let kind = obj.get("type").ok_or_else(|| problem(at, ".type", "missing field `type`"))?;
            match kind.as_str() {
                Some("record") => read_record(obj, at, depth, named),
                Some("enum") => read_enum(obj, at, named),
                // An array's items and a map's values: one type inside.
                Some(container @ ("array" | "map")) => {
                    let inner = if container == "array" { "items" } else { "values" };
                    known_keys(obj, at, &["type", inner, "default", "doc", "logicalType"])?;
                    let here = format!("{at}.{inner}");
                    let Some(v) = obj.get(inner) else {
                        return Err((
                            here,
                            format!("{} {container} needs its `{inner}` type", with_article(container)),
                        ));
                    };
                    let t = Box::new(read_type(v, &here, depth + 1, named)?);
                    Ok(if container == "array" { Type::Array(t) } else { Type::Map(t) })
                }
                Some("fixed") => Err(problem(at, ".type", "fixed is not supported: use bytes")),
                // {"type": "string", "logicalType": ...} is its underlying type.
                _ => {
                    known_keys(obj, at, &["type", "logicalType", "doc", "precision", "scale"])?;
                    read_type(kind, &format!("{at}.type"), depth + 1, named)
                }
            }
        }
        other => {
            Err(problem(at, "", format!("a type is a name, a list (a union) or an object, not {}", json_kind(other))))
        }
    }
}

fn read_record(
    obj: &serde_json::Map<String, Value>,
    at: &str,
    depth: usize,
    named: &mut Named,
) -> Result<Type, Problem> {
    known_keys(obj, at, &["type", "name", "namespace", "aliases", "doc", "fields"])?;
    let name = name_at(obj, at, "record")?;
    if named.types.iter().any(|t| t.name() == Some(&name)) {
        return Err(problem(at, ".name", format!("\"{name}\" is defined twice in this version")));
    }
    let record_aliases = aliases(obj, at)?;
    let Some(Value::Array(list)) = obj.get("fields") else {
        return Err((
            format!("{at}.fields"),
            "a record needs `fields`, a list like [{\"name\": \"order_id\", \"type\": \"string\"}]".into(),
        ));
    };
    if list.len() > MAX_MEMBERS {
        return Err(problem(at, ".fields", format!("a record has at most {MAX_MEMBERS} fields")));
    }
    let mut fields: Vec<Field> = Vec::with_capacity(list.len());
    for (i, f) in list.iter().enumerate() {
        let fat = format!("{at}.fields[{i}]");
        let Some(fobj) = f.as_object() else {
            return Err((fat, "a field is an object like {\"name\": \"amount\", \"type\": \"double\"}".into()));
        };
        known_keys(fobj, &fat, &["name", "type", "default", "aliases", "doc", "order"])?;
        let fname = name_at(fobj, &fat, "field")?;
        if fields.iter().any(|x| x.name == fname) {
            return Err(problem(&fat, ".name", format!("the record has two fields named \"{fname}\"")));
        }
        let ty_value = fobj.get("type").ok_or_else(|| problem(&fat, ".type", "missing field `type`"))?;
        let ty = read_type(ty_value, &format!("{fat}.type"), depth + 1, named)?;
        let default = fobj.get("default").cloned();
        if let Some(d) = &default {
            if !ty.fits(d) {
                let first = match &ty {
                    Type::Union(ts) => format!(" (a union's default is of its first branch, {})", ts[0].words()),
                    _ => String::new(),
                };
                return Err((
                    format!("{fat}.default"),
                    format!("{} is not {}{first}", json_kind(d), with_article(&ty.words())),
                ));
            }
        }
        fields.push(Field { name: fname, aliases: aliases(fobj, &fat)?, ty, default });
    }
    let t = Type::Record(Box::new(Record { name, aliases: record_aliases, fields }));
    named.types.push(t.clone());
    Ok(t)
}

fn read_enum(obj: &serde_json::Map<String, Value>, at: &str, named: &mut Named) -> Result<Type, Problem> {
    known_keys(obj, at, &["type", "name", "namespace", "aliases", "doc", "symbols", "default"])?;
    let name = name_at(obj, at, "enum")?;
    if named.types.iter().any(|t| t.name() == Some(&name)) {
        return Err(problem(at, ".name", format!("\"{name}\" is defined twice in this version")));
    }
    let symbols: Vec<String> = match obj.get("symbols") {
        Some(Value::Array(s))
            if !s.is_empty() && s.len() <= MAX_MEMBERS && s.iter().all(|x| x.as_str().is_some_and(valid_name)) =>
        {
            s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()
        }
        _ => {
            return Err((
                format!("{at}.symbols"),
                format!("an enum needs 1 to {MAX_MEMBERS} symbols, each a name like \"PAID\""),
            ))
        }
    };
    if let Some(dup) = symbols.iter().enumerate().find(|(i, s)| symbols[..*i].contains(s)) {
        return Err(problem(at, ".symbols", format!("\"{}\" is there twice", dup.1)));
    }
    let default = match obj.get("default") {
        None => None,
        Some(Value::String(d)) if symbols.contains(d) => Some(d.clone()),
        Some(d) => return Err(problem(at, ".default", format!("must be one of the symbols, not {}", json_kind(d)))),
    };
    let t = Type::Enum(Box::new(Enum { name, aliases: aliases(obj, at)?, symbols, default }));
    named.types.push(t.clone());
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_version_may_be_its_fields_alone_or_a_whole_avro_record() {
        let short = Record::read(&json!({"fields": [{"name": "id", "type": "string"}]}), "OrderPlaced").unwrap();
        let long = Record::read(
            &json!({"type": "record", "name": "OrderPlaced", "fields": [{"name": "id", "type": "string"}]}),
            "OrderPlaced",
        )
        .unwrap();
        assert_eq!(short, long);
        assert_eq!(short.fields[0].ty, Type::String);
    }

    #[test]
    fn named_types_are_used_after_they_are_defined_and_never_inside_themselves() {
        let v = json!({"fields": [
            {"name": "billing", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}]}},
            {"name": "shipping", "type": "Address"}]});
        let r = Record::read(&v, "E").unwrap();
        assert_eq!(r.fields[1].ty.name(), Some("Address"));
        let looped = json!({"fields": [{"name": "next", "type": {"type": "record", "name": "Node",
            "fields": [{"name": "next", "type": ["null", "Node"]}]}}]});
        let (at, why) = Record::read(&looped, "E").unwrap_err();
        assert_eq!(at, ".fields[0].type.fields[0].type[1]");
        assert!(why.contains("unknown type \"Node\""), "{why}");
    }

    #[test]
    fn a_default_must_fit_its_field_and_a_union_default_its_first_branch() {
        let bad = |field: Value| Record::read(&json!({"fields": [field]}), "E").unwrap_err();
        assert_eq!(bad(json!({"name": "n", "type": "int", "default": "one"})).0, ".fields[0].default");
        let (_, why) = bad(json!({"name": "n", "type": ["null", "string"], "default": "x"}));
        assert!(why.contains("first branch, null"), "{why}");
        assert!(
            Record::read(&json!({"fields": [{"name": "n", "type": ["null", "string"], "default": null}]}), "E").is_ok()
        );
        assert_eq!(
            bad(json!({"name": "n", "type": "int", "default": 3_000_000_000_i64})).1,
            "3000000000 is not an int"
        );
    }

    #[test]
    fn a_named_type_used_again_and_again_cannot_expand_without_end() {
        // A record of 50 fields of the record before it, eight times over: 50^8 fields if
        // copied out, from a few kilobytes.
        let mut fields = vec![json!({"name": "r0", "type": {"type": "record", "name": "T0",
            "fields": (0..50).map(|i| json!({"name": format!("f{i}"), "type": "int"})).collect::<Vec<_>>()}})];
        for level in 1..8 {
            let inner: Vec<Value> =
                (0..50).map(|i| json!({"name": format!("f{i}"), "type": format!("T{}", level - 1)})).collect();
            fields.push(json!({"name": format!("r{level}"), "type": {"type": "record", "name": format!("T{level}"), "fields": inner}}));
        }
        let (_, why) = Record::read(&json!({ "fields": fields }), "E").unwrap_err();
        assert!(why.contains("more than 20000 fields, branches and items"), "{why}");
        // A scenario's versions share the allowance.
        let mut left = 30;
        let v = json!({"fields": (0..20).map(|i| json!({"name": format!("f{i}"), "type": "int"})).collect::<Vec<_>>()});
        assert!(Record::read_within(&v, "E", &mut left).is_ok());
        assert_eq!(left, 9);
        assert!(Record::read_within(&v, "E", &mut left).is_err());
    }

    #[test]
    fn hostile_schemas_get_a_message_not_a_crash() {
        let mut deep = json!("string");
        for i in 0..40 {
            deep = json!({"type": "record", "name": format!("R{i}"), "fields": [{"name": "f", "type": deep}]});
        }
        assert!(Record::read(&deep, "E").unwrap_err().1.contains("nest more than"));
        for (v, part) in [
            (json!(7), "must be a record"),
            (json!({"fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}), "two fields named"),
            (json!({"fields": [{"name": "1a", "type": "int"}]}), "not an Avro name"),
            (json!({"fields": [{"name": "a", "type": ["int", "int"]}]}), "twice"),
            (
                json!({"fields": [{"name": "a", "type": {"type": "enum", "name": "S", "symbols": []}}]}),
                "1 to 200 symbols",
            ),
            (json!({"fields": [{"name": "a", "type": "int", "defualt": 1}]}), "unknown field `defualt`"),
            (json!({"type": "enum", "name": "S", "symbols": ["A"]}), "is a record, not enum S"),
        ] {
            let (_, why) = Record::read(&v, "E").unwrap_err();
            assert!(why.contains(part), "{v}: {why}");
        }
    }
}

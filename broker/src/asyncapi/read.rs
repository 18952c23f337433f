//! An AsyncAPI document read into one shape for both versions: its channels (with their
//! bindings and the protocols of their servers), its operations (which channel, sending or
//! receiving, which messages) and its messages (the event type each names, and the version
//! its key says). In 3.0 operations are top-level with `action: send|receive`; in 2.6 they sit
//! in the channel, and `subscribe` is what the application sends while `publish` is what it
//! receives (the spec's words: "the messages produced by the application and sent to the
//! channel" and "consumed by the application from the channel"). Local `$ref`s are followed
//! wherever a document may use one; a reference outside the document is reported, not
//! fetched.

use serde_json::{Map, Value};

use super::import::Unmapped;
use crate::scenario::quoted::key_path;

/// Which AsyncAPI a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spec {
    V2_6,
    V3_0,
}

pub(crate) struct Doc<'a> {
    pub root: &'a Value,
    pub channels: Vec<Channel<'a>>,
    pub operations: Vec<Operation<'a>>,
    pub messages: Vec<Message<'a>>,
    pub unmapped: Vec<Unmapped>,
}

pub(crate) struct Channel<'a> {
    pub key: String,
    /// Its path for a person (`channels.orders`).
    pub path: String,
    /// The JSON pointer of its object, where its `x-brokerlab-node` is.
    pub pointer: String,
    pub value: &'a Value,
    /// The address (3.0) or the channel's name (2.6); `None` when it is dynamic (null).
    pub address: Option<String>,
    /// The protocols of the servers it is on (all the document's, when it names none).
    pub protocols: Vec<String>,
    /// Its messages, as indexes into `Doc::messages`.
    pub messages: Vec<usize>,
}

pub(crate) struct Operation<'a> {
    /// The node id it suggests: the 3.0 operation's key or the 2.6 `operationId`, without a
    /// `.send` or `.receive` ending; or `channel.send` / `channel.receive` when 2.6 gives no id.
    pub id: String,
    pub path: String,
    pub pointer: String,
    pub value: &'a Value,
    pub send: bool,
    pub channel: usize,
    /// Its messages; empty: every message of its channel.
    pub messages: Vec<usize>,
}

pub(crate) struct Message<'a> {
    /// Where the message object is: what makes two references the same message.
    pub pointer: String,
    pub path: String,
    pub value: &'a Value,
    pub event_type: String,
    /// The version its key names (`OrderPlaced.v2`), if it names one.
    pub version: Option<u16>,
}

/// Follows `v`'s `$ref`s (local ones, `#/...`) to the value they point at, with that value's
/// pointer. `at` is `v`'s own pointer, if it has one.
pub(crate) fn deref<'a>(
    root: &'a Value,
    v: &'a Value,
    at: Option<String>,
) -> Result<(&'a Value, Option<String>), String> {
    let (mut v, mut at) = (v, at);
    for _ in 0..32 {
        let Some(r) = v.get("$ref") else { return Ok((v, at)) };
        let Some(r) = r.as_str() else { return Err("a $ref that is not text".into()) };
        let Some(fragment) = r.strip_prefix('#') else {
            return Err(format!("the reference {} is outside this document: it is not followed", shown(r)));
        };
        let p = percent_decoded(fragment);
        v = root.pointer(&p).ok_or_else(|| format!("the reference {} points at nothing", shown(r)))?;
        at = Some(p);
    }
    Err("its references go round in a circle".into())
}

/// A URI fragment's `%XX` escapes decoded (JSON pointers in `$ref`s may be percent-encoded).
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Text from a document, quoted and with its control characters escaped, for a line that
/// says what was not mapped.
pub(crate) fn shown(text: &str) -> String {
    format!("\"{}\"", crate::scenario::quoted::escape_controls(text))
}

/// A JSON pointer as a path for a person: `/channels/a.b/messages/X` is `channels["a.b"].messages.X`.
pub(crate) fn path_of(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !out.is_empty() && !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            out = key_path(&out, &token);
        }
    }
    out
}

/// The last token of a JSON pointer, unescaped.
fn last_token(p: &str) -> String {
    p.rsplit('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~")
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_string)
}

/// `OrderPlaced.v2` names version 2 of `OrderPlaced` (or of the event type whose key that is).
fn named_version(key: &str, event_type: &str) -> Option<u16> {
    let (base, n) = key.rsplit_once(".v")?;
    if base != event_type && base != super::key(event_type) {
        return None;
    }
    let n: u16 =
        n.parse().ok().filter(|n: &u16| (1..=crate::scenario::limits::MAX_SCHEMA_VERSIONS as u16).contains(n))?;
    (n.to_string() == key.rsplit_once(".v")?.1).then_some(n)
}

impl<'a> Doc<'a> {
    /// Reads a document; `Err` when it is not an AsyncAPI 3.0 or 2.6 document at all.
    pub fn read(root: &'a Value) -> Result<Doc<'a>, String> {
        let Some(top) = root.as_object() else {
            return Err("an AsyncAPI document is an object (a map) at the top".into());
        };
        let spec = match top.get("asyncapi") {
            None => return Err("no \"asyncapi\" field: this is not an AsyncAPI document".into()),
            Some(Value::String(v)) if v.starts_with("3.0.") => Spec::V3_0,
            Some(Value::String(v)) if v.starts_with("2.6.") => Spec::V2_6,
            Some(Value::String(v)) => {
                return Err(format!(
                    "AsyncAPI {} is not read: this import reads AsyncAPI 3.0 and 2.6 (AsyncAPI's own converter moves older documents to 2.6 or 3.0)",
                    shown(v)
                ))
            }
            Some(_) => return Err("\"asyncapi\" must be the version as text, like \"3.0.0\"".into()),
        };
        let mut doc =
            Doc { root, channels: Vec::new(), operations: Vec::new(), messages: Vec::new(), unmapped: Vec::new() };
        let servers = doc.servers();
        match spec {
            Spec::V3_0 => doc.read_3_0(top, &servers),
            Spec::V2_6 => doc.read_2_6(top, &servers),
        }
        // Every message the components hold: their payloads are the event types' versions,
        // whether or not a channel uses them.
        if let Some(Value::Object(ms)) = top.get("components").and_then(|c| c.get("messages")) {
            for (k, m) in ms {
                let at = super::pointer(&["components", "messages", k]);
                doc.message(m, Some(at), &key_path("components.messages", k));
            }
        }
        Ok(doc)
    }

    fn note(&mut self, path: impl Into<String>, why: impl Into<String>) {
        self.unmapped.push(Unmapped { path: path.into(), why: why.into() });
    }

    /// Each server's name and protocol.
    fn servers(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(Value::Object(servers)) = self.root.get("servers") {
            for (name, s) in servers {
                let s = deref(self.root, s, None).map(|(v, _)| v).unwrap_or(s);
                let protocol = s.get("protocol").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
                if !matches!(protocol.as_str(), "amqp" | "amqps" | "kafka" | "kafka-secure" | "") {
                    self.note(
                        key_path("servers", name),
                        format!(
                            "its protocol {} is not simulated (Brokerlab simulates AMQP and Kafka)",
                            shown(&protocol)
                        ),
                    );
                }
                out.push((name.clone(), protocol));
            }
        }
        out
    }

    /// A message met at `path`: its index, read once however many times it is referenced.
    fn message(&mut self, v: &'a Value, at: Option<String>, path: &str) -> Option<usize> {
        let (m, at) = match deref(self.root, v, at) {
            Ok(x) => x,
            Err(why) => {
                self.note(path, why);
                return None;
            }
        };
        let pointer = at.unwrap_or_else(|| format!("{path}#inline"));
        if let Some(i) = self.messages.iter().position(|x| x.pointer == pointer) {
            return Some(i);
        }
        if !m.is_object() {
            self.note(path, "a message must be an object");
            return None;
        }
        let key = last_token(&pointer);
        let parent_is_messages = pointer.rsplit('/').nth(1) == Some("messages");
        let event_type = text(m.get("name"))
            .or_else(|| text(m.get("messageId")))
            .or_else(|| {
                if parent_is_messages {
                    Some(match key.rsplit_once(".v") {
                        Some((base, n)) if n.parse::<u16>().is_ok() => base.to_string(),
                        _ => key.clone(),
                    })
                } else {
                    None
                }
            })
            .or_else(|| text(m.get("title")))
            .unwrap_or_else(|| "Event".to_string());
        let version = if parent_is_messages { named_version(&key, &event_type) } else { None };
        // Said where it is defined, when that is a place of its own.
        let path = if pointer.starts_with('/') { path_of(&pointer) } else { path.to_string() };
        self.messages.push(Message { pointer, path, value: m, event_type, version });
        Some(self.messages.len() - 1)
    }

    fn protocols_of(&self, names: &[String], servers: &[(String, String)]) -> Vec<String> {
        servers
            .iter()
            .filter(|(n, _)| names.is_empty() || names.contains(n))
            .map(|(_, p)| p.clone())
            .filter(|p| !p.is_empty())
            .collect()
    }

    fn read_3_0(&mut self, top: &'a Map<String, Value>, servers: &[(String, String)]) {
        if let Some(Value::Object(channels)) = top.get("channels") {
            for (k, c) in channels {
                let path = key_path("channels", k);
                let (c, at) = match deref(self.root, c, Some(super::pointer(&["channels", k]))) {
                    Ok(x) => x,
                    Err(why) => {
                        self.note(path, why);
                        continue;
                    }
                };
                let address = match c.get("address") {
                    Some(Value::String(a)) => Some(a.clone()),
                    Some(Value::Null) => None,
                    _ => Some(k.clone()),
                };
                // Its servers are references to the top's servers.
                let names: Vec<String> = c
                    .get("servers")
                    .and_then(Value::as_array)
                    .map(|refs| {
                        refs.iter()
                            .filter_map(|r| r.get("$ref").and_then(Value::as_str))
                            .filter_map(|r| r.strip_prefix("#/servers/"))
                            .map(|n| n.replace("~1", "/").replace("~0", "~"))
                            .collect()
                    })
                    .unwrap_or_default();
                let protocols = self.protocols_of(&names, servers);
                let mut messages = Vec::new();
                if let Some(Value::Object(ms)) = c.get("messages") {
                    let at = at.clone().unwrap_or_default();
                    for (mk, m) in ms {
                        let m_at = format!("{at}{}", super::pointer(&["messages", mk]));
                        if let Some(i) = self.message(m, Some(m_at), &key_path(&format!("{path}.messages"), mk)) {
                            messages.push(i);
                        }
                    }
                }
                if c.get("parameters").is_some() {
                    self.note(
                        format!("{path}.parameters"),
                        "channel parameters are not simulated: the address is used as it is written",
                    );
                }
                self.channels.push(Channel {
                    key: k.clone(),
                    path,
                    pointer: at.unwrap_or_else(|| super::pointer(&["channels", k])),
                    value: c,
                    address,
                    protocols,
                    messages,
                });
            }
        }
        if let Some(Value::Object(ops)) = top.get("operations") {
            for (k, op) in ops {
                let path = key_path("operations", k);
                let (op, at) = match deref(self.root, op, Some(super::pointer(&["operations", k]))) {
                    Ok(x) => x,
                    Err(why) => {
                        self.note(path, why);
                        continue;
                    }
                };
                let send = match op.get("action").and_then(Value::as_str) {
                    Some("send") => true,
                    Some("receive") => false,
                    _ => {
                        self.note(
                            format!("{path}.action"),
                            "must be \"send\" or \"receive\": the operation is left out",
                        );
                        continue;
                    }
                };
                let channel = op
                    .get("channel")
                    .and_then(|c| c.get("$ref"))
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                    .map(percent_decoded)
                    .and_then(|p| self.channels.iter().position(|c| c.pointer == p));
                let Some(channel) = channel else {
                    self.note(
                        format!("{path}.channel"),
                        "does not refer to one of the document's channels: the operation is left out",
                    );
                    continue;
                };
                let mut messages = Vec::new();
                for (i, m) in op.get("messages").and_then(Value::as_array).into_iter().flatten().enumerate() {
                    if let Some(i) = self.message(m, None, &format!("{path}.messages[{i}]")) {
                        messages.push(i);
                    }
                }
                let id = k.strip_suffix(if send { ".send" } else { ".receive" }).filter(|s| !s.is_empty()).unwrap_or(k);
                for part in ["reply", "traits"] {
                    if op.get(part).is_some() {
                        self.note(format!("{path}.{part}"), not_mapped(part));
                    }
                }
                self.operations.push(Operation {
                    id: id.to_string(),
                    path,
                    pointer: at.unwrap_or_else(|| super::pointer(&["operations", k])),
                    value: op,
                    send,
                    channel,
                    messages,
                });
            }
        }
    }

    fn read_2_6(&mut self, top: &'a Map<String, Value>, servers: &[(String, String)]) {
        let Some(Value::Object(channels)) = top.get("channels") else { return };
        for (k, c) in channels {
            let path = key_path("channels", k);
            let (c, at) = match deref(self.root, c, Some(super::pointer(&["channels", k]))) {
                Ok(x) => x,
                Err(why) => {
                    self.note(path, why);
                    continue;
                }
            };
            let names: Vec<String> = c
                .get("servers")
                .and_then(Value::as_array)
                .map(|n| n.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            let protocols = self.protocols_of(&names, servers);
            if c.get("parameters").is_some() {
                self.note(
                    format!("{path}.parameters"),
                    "channel parameters are not simulated: the channel's name is used as it is written",
                );
            }
            let pointer = at.unwrap_or_else(|| super::pointer(&["channels", k]));
            let index = self.channels.len();
            self.channels.push(Channel {
                key: k.clone(),
                path: path.clone(),
                pointer: pointer.clone(),
                value: c,
                address: Some(k.clone()),
                protocols,
                messages: Vec::new(),
            });
            // `subscribe`: the application sends; `publish`: it receives.
            for (field, send) in [("subscribe", true), ("publish", false)] {
                let Some(op) = c.get(field) else { continue };
                let op_path = format!("{path}.{field}");
                let (op, op_at) = match deref(self.root, op, Some(format!("{pointer}/{field}"))) {
                    Ok(x) => x,
                    Err(why) => {
                        self.note(op_path, why);
                        continue;
                    }
                };
                let mut messages = Vec::new();
                if let Some(m) = op.get("message") {
                    let m_at = op_at.as_ref().map(|p| format!("{p}/message"));
                    match deref(self.root, m, m_at.clone()) {
                        Ok((mv, mp)) => match mv.get("oneOf").and_then(Value::as_array) {
                            Some(list) => {
                                for (i, one) in list.iter().enumerate() {
                                    let one_at = mp.as_ref().map(|p| format!("{p}/oneOf/{i}"));
                                    if let Some(x) = self.message(one, one_at, &format!("{op_path}.message.oneOf[{i}]"))
                                    {
                                        messages.push(x);
                                    }
                                }
                            }
                            None => messages.extend(self.message(m, m_at, &format!("{op_path}.message"))),
                        },
                        Err(why) => self.note(format!("{op_path}.message"), why),
                    }
                }
                for m in &messages {
                    if !self.channels[index].messages.contains(m) {
                        self.channels[index].messages.push(*m);
                    }
                }
                let id = match text(op.get("operationId")) {
                    Some(id) => id
                        .strip_suffix(if send { ".send" } else { ".receive" })
                        .filter(|s| !s.is_empty())
                        .map_or(id.clone(), str::to_string),
                    None => format!("{k}.{}", if send { "send" } else { "receive" }),
                };
                if op.get("traits").is_some() {
                    self.note(format!("{op_path}.traits"), not_mapped("traits"));
                }
                self.operations.push(Operation {
                    id,
                    path: op_path,
                    pointer: op_at.unwrap_or_else(|| format!("{pointer}/{field}")),
                    value: op,
                    send,
                    channel: index,
                    messages,
                });
            }
        }
    }
}

fn not_mapped(part: &str) -> &'static str {
    match part {
        "reply" => "AsyncAPI's request-reply is not mapped: a requester in Brokerlab is a consumer with `requests` (add it to the scenario)",
        _ => "traits are not applied: write their bindings into the operation or the message itself",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_followed_within_the_document_only() {
        let root = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c%20d"}, "c d": 7, "loop": {"$ref": "#/loop"},
                          "far": {"$ref": "other.yaml#/x"}});
        assert_eq!(deref(&root, &root["a"], None).unwrap(), (&json!(7), Some("/c d".to_string())));
        assert!(deref(&root, &root["loop"], None).unwrap_err().contains("circle"));
        assert!(deref(&root, &root["far"], None).unwrap_err().contains("outside this document"));
    }

    #[test]
    fn a_pointer_reads_as_a_path() {
        assert_eq!(path_of("/channels/a.b/messages/X"), "channels[\"a.b\"].messages.X");
        assert_eq!(
            path_of("/channels/user~1signedup/publish/message/oneOf/1"),
            "channels[\"user/signedup\"].publish.message.oneOf[1]"
        );
    }

    #[test]
    fn a_version_is_named_by_the_key_of_its_message() {
        assert_eq!(named_version("OrderPlaced.v2", "OrderPlaced"), Some(2));
        assert_eq!(named_version("order_placed.v3", "order placed"), Some(3));
        assert_eq!(named_version("OrderPlaced.v02", "OrderPlaced"), None);
        assert_eq!(named_version("OrderPlaced.v21", "OrderPlaced"), None);
        assert_eq!(named_version("Other.v2", "OrderPlaced"), None);
    }

    #[test]
    fn in_2_6_subscribe_is_what_the_application_sends() {
        let root = json!({"asyncapi": "2.6.0", "info": {"title": "t", "version": "1"}, "channels": {
            "orders": {"subscribe": {"message": {"name": "OrderPlaced"}}, "publish": {"operationId": "onOrder",
                       "message": {"oneOf": [{"name": "A"}, {"$ref": "#/components/messages/B"}]}}}},
            "components": {"messages": {"B": {"payload": {"type": "object"}}}}});
        let doc = Doc::read(&root).unwrap();
        let ops: Vec<(&str, bool)> = doc.operations.iter().map(|o| (o.id.as_str(), o.send)).collect();
        assert_eq!(ops, [("orders.send", true), ("onOrder", false)]);
        let names: Vec<&str> =
            doc.operations[1].messages.iter().map(|&m| doc.messages[m].event_type.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(doc.messages.len(), 3, "the component B is read once");
    }

    #[test]
    fn only_3_0_and_2_6_are_read() {
        assert!(Doc::read(&json!({"asyncapi": "3.0.0"})).is_ok());
        assert!(Doc::read(&json!({"asyncapi": "2.6.0"})).is_ok());
        assert!(Doc::read(&json!({"asyncapi": "2.5.0"})).err().unwrap().contains("3.0 and 2.6"));
        assert!(Doc::read(&json!({"openapi": "3.1.0"})).err().unwrap().contains("not an AsyncAPI document"));
        assert!(Doc::read(&json!([1])).is_err());
    }
}

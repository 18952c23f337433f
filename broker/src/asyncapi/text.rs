//! AsyncAPI as text, both ways, for the command line and the page's AsyncAPI worker: a
//! scenario file's text out as a document (JSON or YAML), and a document's text (JSON, or YAML
//! with the `yaml` feature) in as a checked scenario file with what could not be mapped.

use serde_json::Value;

use super::{export, import, yaml, Unmapped};

/// A document read from its text: JSON by its name or its first character, YAML otherwise.
pub fn read_document(text: &str, name: &str) -> Result<Value, String> {
    let json = name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with(['{', '[']);
    if json {
        return crate::scenario::json::read(text).map_err(|e| format!("not valid JSON: {e}"));
    }
    #[cfg(feature = "yaml")]
    return yaml::read(text).map_err(|e| format!("not valid YAML: {e}"));
    #[cfg(not(feature = "yaml"))]
    Err("not JSON, and this build reads no YAML".to_string())
}

/// A scenario made from a document: its file's text, what could not be mapped, and the
/// problems it has if it would not run (a document whose `x-brokerlab` extensions were edited).
pub struct FromDocument {
    pub text: String,
    pub unmapped: Vec<Unmapped>,
    pub problems: Vec<crate::scenario::problem::Problem>,
    pub nodes: usize,
    pub wires: usize,
}

/// Reads a document's text into a scenario.
pub fn import_text(text: &str, name: &str) -> Result<FromDocument, String> {
    let doc = read_document(text, name)?;
    let imported = import(&doc)?;
    let text = imported.text();
    let problems = match crate::scenario::Scenario::from_json(&text) {
        Ok(s) => crate::compile::validate(&s).err().unwrap_or_default(),
        Err(p) => p,
    };
    let count = |key: &str| imported.scenario[key].as_array().map_or(0, Vec::len);
    let (nodes, wires) = (count("nodes"), count("wires"));
    Ok(FromDocument { text, unmapped: imported.unmapped, problems, nodes, wires })
}

/// A scenario file's text as an AsyncAPI 3.0 document, in YAML or in indented JSON; the
/// scenario's problems when it does not check.
pub fn export_text(scenario: &str, as_yaml: bool) -> Result<String, Vec<crate::scenario::problem::Problem>> {
    let s = crate::scenario::Scenario::from_json(scenario)?;
    let model = crate::compile::validate(&s)?;
    let doc = export(&s, &model);
    Ok(if as_yaml { yaml::write(&doc) } else { crate::scenario::link::write_json(&doc, true) + "\n" })
}

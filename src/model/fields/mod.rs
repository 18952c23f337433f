//! The inspector's field catalogue and how it meets the document: for every node kind and
//! for a wire, every setting the core reads (see docs/scenario-format.md), with the label,
//! unit, input kind, help line and section the inspector shows (`catalogue`); `read` and
//! `write` to get and set a setting on the node's (or wire's) JSON object as text, and
//! `template` for a new node (`json`); and `field_for_problem` to put a validator problem
//! next to the field it is about (`problems`). Type checks happen here; range and
//! combination checks are the core's (`broker::validate`), whose messages the app shows.

mod catalogue;
mod json;
mod problems;
#[cfg(test)]
mod tests;

pub use catalogue::{fields_for, kind_of, Field, Input};
pub use json::{json_text, parse_number, read, template, visible, write};
pub use problems::{field_for_problem, Target};

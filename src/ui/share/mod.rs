//! Sharing and opening scenarios from the page: the share tools (links, embed code, export
//! and import) and the address bar, embed mode for course pages, and the lesson gallery.

pub mod embed;
pub mod gallery;
pub mod tools;

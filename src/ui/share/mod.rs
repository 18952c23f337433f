//! Sharing and opening scenarios from the page: the share tools (links, embed code, export
//! and import, links compressed by the browser) and the address bar, embed mode for course pages, the lesson gallery, and
//! fetching the lesson files.

pub mod asyncapi;
pub mod embed;
pub mod gallery;
pub mod lesson_files;
pub mod tools;
pub mod zlib;

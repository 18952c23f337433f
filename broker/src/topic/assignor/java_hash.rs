//! Java's hash-table iteration order, for the two places where Kafka's sticky assignor's
//! result depends on it (which over-quota owner keeps an extra partition, and which moved
//! partition a `HashSet` yields first). The group's numbering (`group.rs`) applies them.

pub(super) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// The table size of a `java.util.HashMap` created with the default capacity after `len`
/// insertions: 16, doubled whenever the size passes three quarters of it. Tables never shrink.
pub(super) fn java_table_size(len: usize) -> u32 {
    let mut size = 16u32;
    while len as u64 > u64::from(size) * 3 / 4 {
        size *= 2;
    }
    size
}

pub(super) fn java_bucket(hash: i32, table_size: u32) -> u32 {
    let h = hash as u32;
    (h ^ (h >> 16)) & (table_size - 1)
}

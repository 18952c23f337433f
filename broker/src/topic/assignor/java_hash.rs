//! Java's hash-table iteration order, for the two places where Kafka's sticky assignor's
//! result depends on it (which over-quota owner keeps an extra partition, and which moved
//! partition a `HashSet` yields first).

use super::TopicPartition;

pub(super) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

pub(super) fn java_topic_partition_hash(tp: &TopicPartition) -> i32 {
    let partition = tp.partition as i32;
    31i32.wrapping_add(partition).wrapping_mul(31).wrapping_add(java_string_hash(&tp.topic))
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

/// Member ids in the order a `HashMap<String, _>` holding them iterates.
pub(super) fn java_hash_map_order<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut ids: Vec<&String> = ids.collect();
    let size = java_table_size(ids.len());
    crate::sort::sort_by_key(&mut ids, |id| (java_bucket(java_string_hash(id), size), *id));
    ids
}

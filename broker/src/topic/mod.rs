//! Topics in Kafka's style: the partitioned log, its replicas on the brokers, log compaction,
//! transactions, the partitioner that picks a record's partition, consumer groups with their
//! committed offsets, and the assignors that share a topic's partitions among a group's members.

pub mod assignor;
pub mod compaction;
pub mod consumer_group;
pub mod log;
pub mod partitioner;
pub mod replica;
pub mod transaction;

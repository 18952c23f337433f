//! Kafka's default partitioner for keyed records: which partition a key lands on.
//!
//! ```text
//!   key bytes ──murmur2──▶ i32 ──to_positive──▶ 0..2³¹ ──% partitions──▶ partition
//! ```
//!
//! A lesson about ordering per key or a hot partition only teaches the right thing if its
//! keys land where a real Kafka producer would put them, so this follows the Java client
//! bit for bit: `Utils.murmur2(byte[])` and `Utils.toPositive(int)` in
//! `clients/src/main/java/org/apache/kafka/common/utils/Utils.java`, and
//! `BuiltInPartitioner.partitionForKey(byte[], int)` in
//! `clients/.../producer/internals/BuiltInPartitioner.java`, which is what the producer uses
//! for a keyed record since Apache Kafka 3.3 (KIP-794; `DefaultPartitioner.partition` did the
//! same arithmetic before it). Followed from the apache/kafka sources of the 3.x clients
//! (`Utils.java` and `UtilsTest.java` at commit f55581d, `BuiltInPartitioner.java` at
//! 00b6317); the tests hold Kafka's own vectors from `UtilsTest.testMurmur2`.
//!
//! Kafka hashes the serialized key, so a string key is hashed as its UTF-8 bytes (what
//! `StringSerializer` writes), not as Java's UTF-16 `char`s.
//!
//! Unkeyed records go round-robin in Brokerlab. Recent Kafka producers stick to one partition
//! per batch instead (KIP-480, then KIP-794's adaptive variant); that is a batching
//! optimisation, and a simulation that moves one message at a time has no batches to fill.

/// Kafka's seed for murmur2. Java writes it as an `int` literal, so it is negative there.
const SEED: u32 = 0x9747_b28c;
/// MurmurHash2's multiplier and shift, as Austin Appleby chose them.
const M: u32 = 0x5bd1_e995;
const R: u32 = 24;

/// 32-bit MurmurHash2 exactly as Kafka's `Utils.murmur2(byte[])` computes it.
///
/// The arithmetic is done on `u32` with wrapping, which is bit for bit what Java's `int`
/// does: Java's `>>>` is a logical shift, and the sign only matters at the end, where the
/// bits are read back as an `i32`. The length enters the seed as Java's `int` would; a Java
/// array stops short of 2³¹ bytes, so `as u32` loses nothing for any key Kafka could send.
pub fn murmur2(data: &[u8]) -> i32 {
    let mut h = SEED ^ data.len() as u32;

    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        // Little-endian, as Kafka assembles `k` from bytes 0..3 with shifts of 0, 8, 16, 24.
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // Kafka's `switch` falls through from case 3 to 2 to 1: every tail byte is folded in,
    // and the multiply happens once, only when there was a tail.
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate().rev() {
            h ^= u32::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit. Unlike `abs`, it cannot overflow on
/// `i32::MIN` and maps every hash onto 0..2³¹ evenly.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition Kafka's default partitioner picks for a record with this serialized key,
/// out of `partitions` (`BuiltInPartitioner.partitionForKey`).
///
/// # Panics
///
/// If `partitions` is 0: a topic always has at least one partition, and the CLI and the
/// scenario checks refuse 0 before they get here.
pub fn partition_for_key(key: &[u8], partitions: u32) -> u32 {
    assert!(partitions > 0, "a topic has at least one partition");
    // `to_positive` leaves a value in 0..2³¹, so the cast is lossless; Java's `%` on that
    // non-negative `int` and `u32`'s `%` agree because Kafka's partition count is an
    // `int` too, at most i32::MAX.
    to_positive(murmur2(key)) as u32 % partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kafka's own vectors: `UtilsTest.testMurmur2` in
    /// `clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java` (apache/kafka).
    /// Between them they cover whole blocks only (24 bytes, 48 bytes), a 2-byte tail
    /// ("21", "foobar", 26 bytes) and a 3-byte tail ("abc").
    #[test]
    fn matches_kafkas_utils_test() {
        let cases: [(&str, i32); 6] = [
            ("21", -973_932_308),
            ("foobar", -790_332_482),
            ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            ("abc", 479_470_107),
        ];
        for (key, want) in cases {
            assert_eq!(murmur2(key.as_bytes()), want, "murmur2({key:?})");
        }
    }

    /// Every tail length, 0 to 3 bytes after 0 or 1 whole blocks. Kafka's test has no 1-byte
    /// tail; these are the values Akka's `Murmur2Spec` takes from Kafka's `Utils.murmur2`,
    /// and Kafka's algorithm run on the JVM gives the same.
    #[test]
    fn every_tail_length() {
        let cases: [(&str, i32); 5] = [
            ("1", -1_993_445_489),
            ("12", 126_087_238),
            ("123", -267_702_483),
            ("1234", -1_614_185_708),
            ("12345", -1_188_365_604),
        ];
        for (key, want) in cases {
            assert_eq!(murmur2(key.as_bytes()), want, "murmur2({key:?})");
        }
    }

    #[test]
    fn empty_key() {
        // No blocks and no tail: only the seed (xor a length of 0) goes through the final mix.
        assert_eq!(murmur2(b""), 275_646_681);
        assert_eq!(partition_for_key(b"", 3), 0);
        assert_eq!(partition_for_key(b"", 12), 9);
    }

    /// A string key is hashed as its UTF-8 bytes, as Kafka's `StringSerializer` writes them.
    /// Values checked against Kafka's algorithm run on the JVM over `getBytes(UTF_8)`.
    #[test]
    fn non_ascii_keys_hash_their_utf8_bytes() {
        // "é" is 2 bytes (a 2-byte tail), "€" is 3, "日本" is 6 (a block and a 2-byte tail)
        // and "🦀" is 4 (one block): the bytes above 0x7f are where a signed Java byte would
        // go wrong without Kafka's `& 0xff`.
        assert_eq!("é".len(), 2);
        assert_eq!(murmur2("é".as_bytes()), 186_971_271);
        assert_eq!(murmur2("€".as_bytes()), -1_352_192_002);
        assert_eq!(murmur2("日本".as_bytes()), -700_811_021);
        assert_eq!(murmur2("🦀".as_bytes()), 1_309_741_855);
        assert_eq!(murmur2("commande-été".as_bytes()), 2_108_962_094);
        assert_eq!(partition_for_key("commande-été".as_bytes(), 6), 2);
    }

    #[test]
    fn order_keys_land_where_kafka_puts_them() {
        // Values from Kafka's algorithm run on the JVM. "order-2" has a negative hash, so it
        // also checks that the sign bit is cleared before the modulo.
        assert_eq!(murmur2(b"order-1"), 1_221_710_326);
        assert_eq!(murmur2(b"order-2"), -1_055_499_005);
        assert_eq!(to_positive(murmur2(b"order-2")), 1_091_984_643);
        let want: [(&str, [u32; 3]); 4] =
            [("order-1", [1, 4, 10]), ("order-2", [0, 3, 3]), ("order-3", [0, 3, 3]), ("order-42", [0, 0, 0])];
        for (key, parts) in want {
            for (n, p) in [3, 6, 12].into_iter().zip(parts) {
                assert_eq!(partition_for_key(key.as_bytes(), n), p, "{key} over {n} partitions");
            }
        }
    }

    #[test]
    fn to_positive_clears_only_the_sign_bit() {
        assert_eq!(to_positive(0), 0);
        assert_eq!(to_positive(5), 5);
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(i32::MAX), i32::MAX);
    }

    #[test]
    fn one_partition_takes_every_key() {
        for key in ["", "a", "order-1", "日本"] {
            assert_eq!(partition_for_key(key.as_bytes(), 1), 0);
        }
    }
}

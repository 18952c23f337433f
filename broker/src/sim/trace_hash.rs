//! The trace hash's arithmetic: 64-bit FNV-1a (xor a byte in, multiply by the FNV prime),
//! exactly as the `fnv` crate computes it, but fed whole little-endian words whose high bytes
//! are zero without a multiplication per zero byte. A zero byte leaves the xor a no-op, so a
//! run of `k` of them is one multiplication by the prime's `k`th power. Most of a trace entry's
//! 57 bytes are the high bytes of small numbers, and FNV-1a's one-byte-at-a-time chain was a
//! quarter of a run's time. Written here because no crate computes FNV-1a this way; the tests
//! check it against the crate byte for byte.

/// FNV-1a's 64-bit offset basis: the hash of nothing.
pub const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// `PRIME.pow(k)` for k = 0..=8, wrapping.
const POWERS: [u64; 9] = {
    let mut p = [1u64; 9];
    let mut k = 1;
    while k < 9 {
        p[k] = p[k - 1].wrapping_mul(PRIME);
        k += 1;
    }
    p
};

/// The bytes that close every trace entry, and what they add to the hash (see
/// [`Fnv1a::end_marker`]).
const END_MARKER: [u8; 4] = [0xb1, 0x0c, 0x1a, 0xb5];

/// FNV-1a over a fixed run of bytes needs only the state's low byte to go step by step: xoring
/// a byte into `h` adds `d = (low ^ b) - low` (a small signed number), so after the run
/// `h' = h·P⁴ + Σ dᵢ·P^(5-i)`, where every `dᵢ` follows from the low byte alone. This table
/// holds that sum for each low byte; one multiplication and one lookup replace four dependent
/// multiplications.
const END_MARKER_SUMS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut low = 0;
    while low < 256 {
        let mut h = low as u64;
        let mut k = 0;
        while k < 4 {
            h = (h ^ END_MARKER[k] as u64).wrapping_mul(PRIME);
            k += 1;
        }
        // `h` is the marker hashed from the state `low`; take away what `low` itself became.
        table[low] = h.wrapping_sub((low as u64).wrapping_mul(POWERS[4]));
        low += 1;
    }
    table
};

/// A running FNV-1a hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a(pub u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(BASIS)
    }
}

impl Fnv1a {
    pub fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(PRIME);
    }

    /// The `n` low bytes of `v`, little-endian (n ≤ 8).
    fn word(&mut self, v: u64, n: u32) {
        // Bytes past the highest non-zero one are zeros: one multiplication for all of them.
        let significant = n.min(8 - v.leading_zeros() / 8);
        let mut h = self.0;
        let mut rest = v;
        for _ in 0..significant {
            h = (h ^ (rest & 0xff)).wrapping_mul(PRIME);
            rest >>= 8;
        }
        self.0 = h.wrapping_mul(POWERS[(n - significant) as usize]);
    }

    pub fn u64(&mut self, v: u64) {
        self.word(v, 8);
    }

    pub fn u32(&mut self, v: u32) {
        self.word(u64::from(v), 4);
    }

    /// The bytes `b1 0c 1a b5` that end a trace entry, as [`Fnv1a::bytes`] would hash them.
    pub fn end_marker(&mut self) {
        let h = self.0;
        self.0 = h.wrapping_mul(POWERS[4]).wrapping_add(END_MARKER_SUMS[(h & 0xff) as usize]);
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hasher;

    #[test]
    fn words_hash_as_their_bytes_do_in_the_fnv_crate() {
        // A spread of values: zero, small, every byte length, all ones, zero bytes inside.
        let mut values = vec![0u64, 1, 0xff, 0x100, 0x1_0000_0000, u64::MAX, 0x00ff_0000_00ff_0000, 1 << 63];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for (i, &v) in values.iter().enumerate() {
            let mut ours = Fnv1a(v.rotate_left(i as u32));
            let mut theirs = fnv::FnvHasher::with_key(v.rotate_left(i as u32));
            ours.u64(v);
            theirs.write(&v.to_le_bytes());
            ours.u32(v as u32);
            theirs.write(&(v as u32).to_le_bytes());
            ours.bytes(&[0, 7, 0]);
            theirs.write(&[0, 7, 0]);
            assert_eq!(ours.0, theirs.finish(), "{v:#x}");
        }
        assert_eq!(Fnv1a::default().0, fnv::FnvHasher::default().finish());
    }

    #[test]
    fn the_end_marker_hashes_as_its_bytes_do() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for low in 0..1024u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let start = (x & !0xff) | (low & 0xff);
            let (mut ours, mut theirs) = (Fnv1a(start), Fnv1a(start));
            ours.end_marker();
            theirs.bytes(&END_MARKER);
            assert_eq!(ours, theirs, "{start:#x}");
        }
    }
}

// Shared by `build.rs` and `xtask` (included with `#[path]`), so the stale-code guard and the
// generator always agree on what "the spec's hash" means. Dependency-free on purpose: it runs
// in every user's build.

/// The marker line in a generated file that carries its spec's hash.
pub const HASH_MARKER: &str = "// spec-hash: ";

/// FNV-1a (64-bit) of the spec text with line endings normalised, so a Windows checkout
/// (CRLF) hashes like a Unix one. A staleness check, not a security boundary.
pub fn spec_hash(spec_text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in spec_text.replace("\r\n", "\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

/// The hash recorded in a generated file's header, if any.
pub fn recorded_hash(generated_text: &str) -> Option<&str> {
    generated_text
        .lines()
        .take(20)
        .find_map(|line| line.strip_prefix(HASH_MARKER))
        .map(str::trim)
}

//! The tamper-evident audit trail: canonical encoding, hashing and chain verification.
//!
//! Each unit has its own chain (so the trail shards with the unit, like every other
//! table): entry `seq` of unit `u` stores the hash of entry `seq - 1` of the same unit,
//! and its own hash is SHA-256 over a length-prefixed canonical encoding of its fields.
//! Editing, deleting or reordering any entry breaks the chain at that entry.

use sha2::{Digest, Sha256};

/// The hash that the first entry of every chain points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const DOMAIN: &[u8] = b"dieuhanh-audit-v1";

/// The fields of one audit entry that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields {
    pub unit_id: i64,
    pub seq: i64,
    pub at_us: i64,
    pub actor_id: Option<i64>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// Before/after summary, as JSON text.
    pub summary: String,
    pub prev_hash: String,
}

/// A stored entry: its fields and the hash recorded with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub fields: AuditFields,
    pub hash: String,
}

impl AuditFields {
    /// SHA-256 over the canonical encoding, as lowercase hex.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(DOMAIN);
        field(&self.unit_id.to_be_bytes());
        field(&self.seq.to_be_bytes());
        field(&self.at_us.to_be_bytes());
        match self.actor_id {
            Some(id) => field(&id.to_be_bytes()),
            None => field(b""),
        }
        field(self.entity.as_bytes());
        field(self.entity_id.as_bytes());
        field(self.action.as_bytes());
        field(self.summary.as_bytes());
        field(self.prev_hash.as_bytes());
        hex::encode(h.finalize())
    }
}

/// Where and why a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain of unit {unit_id} is broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    pub unit_id: i64,
    pub seq: i64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakReason {
    #[error("the entry's content does not match its hash (edited)")]
    HashMismatch,
    #[error(
        "the entry does not point to the previous entry's hash (deleted or reordered before it)"
    )]
    LinkMismatch,
    #[error("expected sequence number {expected} (an entry is missing or out of order)")]
    SequenceGap { expected: i64 },
    #[error("the chain ends before its recorded head {head_seq} (entries removed at the end)")]
    Truncated { head_seq: i64 },
    #[error("the chain's last hash differs from its recorded head")]
    HeadMismatch,
}

/// Incremental verifier for one unit's chain; feed entries in stored `seq` order.
pub struct ChainVerifier {
    unit_id: i64,
    expected_seq: i64,
    prev_hash: String,
}

impl ChainVerifier {
    pub fn new(unit_id: i64) -> Self {
        ChainVerifier {
            unit_id,
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
        }
    }

    pub fn push(&mut self, entry: &StoredEntry) -> Result<(), ChainBreak> {
        let f = &entry.fields;
        let brk = |reason| ChainBreak {
            unit_id: self.unit_id,
            seq: f.seq,
            reason,
        };
        if f.unit_id != self.unit_id || f.seq != self.expected_seq {
            return Err(brk(BreakReason::SequenceGap {
                expected: self.expected_seq,
            }));
        }
        if f.prev_hash != self.prev_hash {
            return Err(brk(BreakReason::LinkMismatch));
        }
        if f.hash() != entry.hash {
            return Err(brk(BreakReason::HashMismatch));
        }
        self.prev_hash = entry.hash.clone();
        self.expected_seq += 1;
        Ok(())
    }

    /// Checks the end of the chain against the head recorded beside it.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.expected_seq - 1;
        if last < head_seq {
            return Err(ChainBreak {
                unit_id: self.unit_id,
                seq: last + 1,
                reason: BreakReason::Truncated { head_seq },
            });
        }
        if last != head_seq || self.prev_hash != head_hash {
            return Err(ChainBreak {
                unit_id: self.unit_id,
                seq: last,
                reason: BreakReason::HeadMismatch,
            });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let fields = AuditFields {
                    unit_id: 5,
                    seq,
                    at_us: 1_700_000_000_000_000 + seq,
                    actor_id: Some(seq % 3),
                    entity: "user".into(),
                    entity_id: seq.to_string(),
                    action: "update".into(),
                    summary: format!("{{\"n\":{seq}}}"),
                    prev_hash: prev.clone(),
                };
                let hash = fields.hash();
                prev = hash.clone();
                StoredEntry { fields, hash }
            })
            .collect()
    }

    fn verify(entries: &[StoredEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::new(5);
        for e in entries {
            v.push(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn an_edit_is_found_at_the_edited_entry() {
        let mut c = chain(5);
        c[2].fields.summary = "{\"n\":999}".into();
        let head = c[4].hash.clone();
        let e = verify(&c, (5, &head)).unwrap_err();
        assert_eq!((e.seq, e.reason), (3, BreakReason::HashMismatch));
    }

    #[test]
    fn deletion_reordering_and_truncation_are_found() {
        let c = chain(5);
        let head = c[4].hash.clone();
        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(verify(&deleted, (5, &head)).unwrap_err().seq, 3);

        let mut swapped = c.clone();
        swapped.swap(1, 2);
        assert_eq!(verify(&swapped, (5, &head)).unwrap_err().seq, 3);

        let truncated = &c[..4];
        assert_eq!(
            verify(truncated, (5, &head)).unwrap_err().reason,
            BreakReason::Truncated { head_seq: 5 }
        );
    }

    proptest! {
        #[test]
        fn any_single_field_edit_breaks_the_chain(n in 1i64..12, pick in 0usize..12, field in 0u8..5) {
            let mut c = chain(n);
            let i = pick % c.len();
            let head = c.last().unwrap().hash.clone();
            let f = &mut c[i].fields;
            match field {
                0 => f.at_us += 1,
                1 => f.actor_id = None,
                2 => f.action.push('x'),
                3 => f.entity_id.push('1'),
                _ => f.summary.push(' '),
            }
            let e = verify(&c, (n, &head)).unwrap_err();
            prop_assert_eq!(e.seq, i as i64 + 1);
        }
    }
}

/// The heads of every chain at one moment, authenticated with a key kept outside the
/// database. A hash chain alone cannot reveal a complete rewrite by someone who can
/// write both the log and its heads; an anchor kept elsewhere (a file, a report) can.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// RFC 3339 instant the anchor was taken.
    pub taken_at: String,
    pub heads: Vec<AnchorHead>,
    /// HMAC-SHA256 over the canonical encoding, hex.
    pub mac: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnchorHead {
    pub unit: String,
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    fn canonical(taken_at: &str, heads: &[AnchorHead]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(b"dieuhanh-anchor-v1");
        field(taken_at.as_bytes());
        for h in heads {
            field(h.unit.as_bytes());
            field(&h.seq.to_be_bytes());
            field(h.hash.as_bytes());
        }
        out
    }

    fn mac_of(key: &[u8], taken_at: &str, heads: &[AnchorHead]) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(&Self::canonical(taken_at, heads));
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn new(key: &[u8], taken_at: String, mut heads: Vec<AnchorHead>) -> Anchor {
        heads.sort_by(|a, b| a.unit.cmp(&b.unit));
        let mac = Self::mac_of(key, &taken_at, &heads);
        Anchor {
            taken_at,
            heads,
            mac,
        }
    }

    /// Whether the anchor was made with `key` and not altered since.
    pub fn is_authentic(&self, key: &[u8]) -> bool {
        let expected = Self::mac_of(key, &self.taken_at, &self.heads);
        expected.len() == self.mac.len()
            && expected
                .bytes()
                .zip(self.mac.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

#[cfg(test)]
mod anchor_tests {
    use super::*;

    #[test]
    fn anchors_detect_alteration_and_the_wrong_key() {
        let heads = vec![AnchorHead {
            unit: "26743".into(),
            seq: 4,
            hash: "ab".repeat(32),
        }];
        let anchor = Anchor::new(b"key", "2026-11-27T10:00:00+07:00".into(), heads);
        assert!(anchor.is_authentic(b"key"));
        assert!(!anchor.is_authentic(b"other key"));
        let mut altered = anchor.clone();
        altered.heads[0].seq = 3;
        assert!(!altered.is_authentic(b"key"));
    }
}

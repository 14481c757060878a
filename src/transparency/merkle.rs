//! Merkle trees exactly as RFC 9162 §2.1 defines them: the hashing, the
//! inclusion and consistency proofs, and their verification. Pure: the
//! hashes of complete subtrees come from a [`Nodes`] source, which the
//! database layer backs with stored hashes and tests with a vector.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(leaf);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: the hash of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two smaller than `n`, where a tree of `n >= 2`
/// leaves splits.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Where the hashes of complete subtrees come from.
pub trait Nodes {
    /// The hash of the complete subtree of `2^level` leaves that starts at
    /// leaf `index << level`. Level 0 is the leaf hashes.
    fn perfect(&mut self, level: u32, index: u64) -> anyhow::Result<Hash>;
}

/// MTH(D[start:end]), for the ranges the RFC's recursion produces, whose
/// complete parts are aligned: O(log n) lookups.
pub fn subtree<N: Nodes + ?Sized>(nodes: &mut N, start: u64, end: u64) -> anyhow::Result<Hash> {
    let n = end - start;
    if n.is_power_of_two() && start.is_multiple_of(n) {
        return nodes.perfect(n.trailing_zeros(), start >> n.trailing_zeros());
    }
    let k = split(n);
    Ok(node_hash(
        &subtree(nodes, start, start + k)?,
        &subtree(nodes, start + k, end)?,
    ))
}

/// The root of the first `size` leaves.
pub fn root<N: Nodes + ?Sized>(nodes: &mut N, size: u64) -> anyhow::Result<Hash> {
    if size == 0 {
        return Ok(empty_root());
    }
    subtree(nodes, 0, size)
}

/// PATH(index, D[0:size]) (RFC 9162 §2.1.3.1): the inclusion proof of leaf
/// `index` in the tree of the first `size` leaves, deepest sibling first.
pub fn inclusion_path<N: Nodes + ?Sized>(
    nodes: &mut N,
    index: u64,
    size: u64,
) -> anyhow::Result<Vec<Hash>> {
    anyhow::ensure!(index < size, "leaf {index} is not in a tree of {size}");
    let mut path = Vec::new();
    let (mut start, mut end) = (0, size);
    // Walk down from the root, then reverse: the proof lists the deepest
    // sibling first.
    while end - start > 1 {
        let k = split(end - start);
        if index < start + k {
            path.push(subtree(nodes, start + k, end)?);
            end = start + k;
        } else {
            path.push(subtree(nodes, start, start + k)?);
            start += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1): shows that the tree of
/// `second` leaves extends the tree of the first `first`.
pub fn consistency_path<N: Nodes + ?Sized>(
    nodes: &mut N,
    first: u64,
    second: u64,
) -> anyhow::Result<Vec<Hash>> {
    anyhow::ensure!(
        0 < first && first <= second,
        "no consistency proof from {first} to {second}"
    );
    let mut path = Vec::new();
    let (mut start, mut end) = (0, second);
    let mut whole = true;
    loop {
        let n = end - start;
        if first - start == n {
            if !whole {
                path.push(subtree(nodes, start, end)?);
            }
            break;
        }
        let k = split(n);
        if first - start <= k {
            path.push(subtree(nodes, start + k, end)?);
            end = start + k;
        } else {
            path.push(subtree(nodes, start, start + k)?);
            start += k;
            whole = false;
        }
    }
    path.reverse();
    Ok(path)
}

/// RFC 9162 §2.1.3.2: whether `path` proves leaf `index`, hashing to
/// `leaf`, is in the tree of `size` leaves with root `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// RFC 9162 §2.1.4.2: whether `path` proves that the tree of `second`
/// leaves with root `second_root` extends the tree of `first` leaves with
/// root `first_root`.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    path: &[Hash],
) -> bool {
    if first > second {
        return false;
    }
    if first == second {
        return path.is_empty() && first_root == second_root;
    }
    if first == 0 {
        return path.is_empty();
    }
    if path.is_empty() {
        return false;
    }
    let mut path = path.to_vec();
    if first.is_power_of_two() {
        path.insert(0, *first_root);
    }
    let (mut fnode, mut snode) = (first - 1, second - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && fr == *first_root && sr == *second_root
}

/// MTH of leaf hashes held in memory: O(n) hashing, for a checker that
/// downloaded every leaf.
pub fn root_of(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root_of(&leaves[..k]), &root_of(&leaves[k..]))
        }
    }
}

/// Complete subtrees over leaf hashes in memory.
impl Nodes for [Hash] {
    fn perfect(&mut self, level: u32, index: u64) -> anyhow::Result<Hash> {
        let start = (index << level) as usize;
        let end = start + (1usize << level);
        anyhow::ensure!(end <= self.len(), "subtree beyond the leaves");
        Ok(root_of(&self[start..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Independent vectors: transparency-dev/merkle's testonly data and
    // proof tests (RFC 6962 hashing, which RFC 9162 keeps).
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    // (leaf index, tree size, path)
    const INCLUSION: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    // (first, second, path)
    const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];

    fn h(hex_str: &str) -> Hash {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    fn leaf_hashes() -> Vec<Hash> {
        LEAVES
            .iter()
            .map(|l| leaf_hash(&hex::decode(l).unwrap()))
            .collect()
    }

    #[test]
    fn roots_match_the_published_vectors() {
        let mut leaves = leaf_hashes();
        for (size, expected) in ROOTS.iter().enumerate() {
            assert_eq!(root(&mut leaves[..], size as u64).unwrap(), h(expected));
            assert_eq!(root_of(&leaves[..size]), h(expected));
        }
    }

    #[test]
    fn inclusion_proofs_match_the_published_vectors_and_verify() {
        let mut leaves = leaf_hashes();
        for (index, size, expected) in INCLUSION {
            let path = inclusion_path(&mut leaves[..], index, size).unwrap();
            let expected: Vec<Hash> = expected.iter().map(|e| h(e)).collect();
            assert_eq!(path, expected, "leaf {index} of {size}");
            let root = h(ROOTS[size as usize]);
            let leaf = leaves[index as usize];
            assert!(verify_inclusion(index, size, &leaf, &path, &root));
            // Any change breaks it.
            assert!(!verify_inclusion(index + 1, size, &leaf, &path, &root));
            assert!(!verify_inclusion(index, size * 2, &leaf, &path, &root));
            assert!(!verify_inclusion(index, size, &empty_root(), &path, &root));
            let mut longer = path.clone();
            longer.push(root);
            assert!(!verify_inclusion(index, size, &leaf, &longer, &root));
            for i in 0..path.len() {
                let mut flipped = path.clone();
                flipped[i][0] ^= 8;
                assert!(!verify_inclusion(index, size, &leaf, &flipped, &root));
            }
        }
    }

    #[test]
    fn consistency_proofs_match_the_published_vectors_and_verify() {
        let mut leaves = leaf_hashes();
        for (first, second, expected) in CONSISTENCY {
            let path = consistency_path(&mut leaves[..], first, second).unwrap();
            let expected: Vec<Hash> = expected.iter().map(|e| h(e)).collect();
            assert_eq!(path, expected, "{first} to {second}");
            let (r1, r2) = (h(ROOTS[first as usize]), h(ROOTS[second as usize]));
            assert!(verify_consistency(first, second, &r1, &r2, &path));
            if !path.is_empty() {
                assert!(!verify_consistency(first, second, &r2, &r1, &path));
                assert!(!verify_consistency(first, second, &r1, &r2, &path[1..]));
                assert!(!verify_consistency(first + 1, second, &r1, &r2, &path));
                for i in 0..path.len() {
                    let mut flipped = path.clone();
                    flipped[i][0] ^= 16;
                    assert!(!verify_consistency(first, second, &r1, &r2, &flipped));
                }
            }
        }
    }

    #[test]
    fn every_proof_in_larger_trees_verifies() {
        let mut leaves: Vec<Hash> = (0..70u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for size in 1..=70u64 {
            let root_n = root_of(&leaves[..size as usize]);
            assert_eq!(root(&mut leaves[..], size).unwrap(), root_n);
            for index in 0..size {
                let path = inclusion_path(&mut leaves[..], index, size).unwrap();
                assert!(verify_inclusion(
                    index,
                    size,
                    &leaves[index as usize],
                    &path,
                    &root_n
                ));
            }
            for first in 1..=size {
                let path = consistency_path(&mut leaves[..], first, size).unwrap();
                let root_m = root_of(&leaves[..first as usize]);
                assert!(verify_consistency(first, size, &root_m, &root_n, &path));
            }
        }
    }
}

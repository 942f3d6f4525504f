"""Near-duplicate text for stories: shingles, MinHash signatures, the match decision. Pure.

Syndicated copies of one press release differ in title, byline and lead, drop or move a
paragraph, add a closing line, or keep only the first half as a brief. They are compared on
the *body key* (storage.normalize.body_key: NFC, case-folded, glosses, spacing and punctuation
removed), cut into overlapping 5-character shingles; spacing, punctuation and line breaks
therefore never matter, and moving a paragraph changes only the few shingles at its edges.

datasketch's MinHash (128 permutations) finds candidates through the LSH bands kept in the
archive (storage.stories); candidates whose stored signature is far from the rule are dropped
without reading their text (``estimate``, ``promising``); the decision itself is exact, on the
two shingle sets:

* **Jaccard** |A∩B| / |A∪B| ≥ ``JACCARD`` for copies of about the same length, or
* **containment** |A∩B| / min(|A|, |B|) ≥ ``CONTAINMENT`` when the shorter text is at least
  ``MIN_RATIO`` of the longer one: a brief made of the first 60 % of a release is contained in
  it, while a follow-up that only repeats the original as background is mostly new text;
* and, always, at least ``MIN_SHARED`` shingles in common, from texts of at least
  ``MIN_CHARS`` characters each (about three sentences). A one-line brief never joins a
  story, whatever it shares by coincidence: it starts its own.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from storage.normalize import body_key
from storage.sketch import MinHash

SHINGLE = 5  # characters: Korean syllables carry ~2.5 Latin letters each
NUM_PERM = 128
BANDS, ROWS = 42, 3  # LSH bands × rows (126 of the 128 values): Jaccard 0.4 collides with p = 0.94
SEED = 20261201  # fixed: band keys are stored, so every process must hash the same way
MIN_CHARS = 200  # shortest body key (characters without spaces) that takes part at all
MIN_SHARED = 150  # shingles two texts must share to match (about 150 characters of text)
JACCARD = 0.45
CONTAINMENT = 0.75
MIN_RATIO = 0.3

# The permutations are drawn once: MinHash(...) would draw them again for every article.
# CRC-32 hashes a shingle about ten times faster than datasketch's default SHA-1 (a shingle
# is 15 bytes: every distinct one hashes apart in practice), and the affine32 scheme mixes
# it with MurmurHash3's finalizer before permuting. It is stable across processes and
# Python versions, as the stored bands require.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=zlib.crc32)


@dataclass(frozen=True)
class Similarity:
    """How two texts compare: shared shingles, Jaccard and containment of the shorter."""

    shared: int
    jaccard: float
    containment: float
    ratio: float  # size of the shorter shingle set over the longer

    @property
    def same_story(self) -> bool:
        """Tell whether the two texts are copies of one story (see the module docstring)."""
        if self.shared < MIN_SHARED:
            return False
        return self.jaccard >= JACCARD or (
            self.containment >= CONTAINMENT and self.ratio >= MIN_RATIO)

    @property
    def score(self) -> float:
        """Orders candidates: the closest copy first."""
        return max(self.jaccard, self.containment * min(1.0, self.ratio / MIN_RATIO) * 0.99)


def shingles(body: str) -> frozenset[str]:
    """Return the 5-character shingles of a body's key, or nothing when it is too short."""
    key = body_key(body)
    if len(key) < MIN_CHARS:
        return frozenset()
    return frozenset({key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1)})


def signature(grams: frozenset[str]) -> MinHash:
    """Return the MinHash of a shingle set (the fixed permutations of this module)."""
    minhash = _TEMPLATE.copy()
    minhash.update_batch([gram.encode("utf-8") for gram in grams])
    return minhash


def signature_bytes(minhash: MinHash) -> bytes:
    """A signature's 128 hash values as bytes (uint32, little-endian), for the archive."""
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def estimate(minhash: MinHash, size: int, stored: bytes, stored_size: int) -> Similarity:
    """Estimate how two texts compare from their signatures and shingle counts (no text).

    MinHash estimates Jaccard (±0.04 at 0.3 with 128 values); the shared count follows from
    it and the two sizes: |A∩B| = J·(|A| + |B|) / (1 + J).
    """
    values = np.frombuffer(stored, dtype="<u4")
    jaccard = float(np.count_nonzero(values == minhash.hashvalues)) / len(values)
    shared = round(jaccard * (size + stored_size) / (1 + jaccard))
    small, large = sorted((size, stored_size))
    return Similarity(shared=shared, jaccard=jaccard, containment=min(shared / small, 1.0),
                      ratio=small / large)


def promising(estimated: Similarity) -> bool:
    """Tell whether an estimate is close enough to the rule to check the texts exactly.

    Looser than same_story by about two standard errors of the estimate (0.044 for a Jaccard
    of 0.45 with 128 values), so that a copy is not lost to estimation noise; text that merely
    shares vocabulary or phrasing is not read at all.
    """
    return estimated.jaccard >= JACCARD - 0.1 or (
        estimated.containment >= CONTAINMENT - 0.1 and estimated.ratio >= MIN_RATIO - 0.05)


def compare(a: frozenset[str], b: frozenset[str]) -> Similarity:
    """Compare two shingle sets exactly."""
    if not a or not b:
        return Similarity(0, 0.0, 0.0, 0.0)
    shared = len(a & b) if len(a) <= len(b) else len(b & a)
    small, large = sorted((len(a), len(b)))
    return Similarity(shared=shared, jaccard=shared / (len(a) + len(b) - shared),
                      containment=shared / small, ratio=small / large)

"""dedup: near-duplicate, repeated-passage and boilerplate detection for text collections.

The public contract::

    dedup.find_duplicates(texts, *, threshold=0.7, **options) -> list[dedup.Cluster]
    dedup.signatures(texts, *, num_perm=128, ngram=5, seed=1, scheme="affine32") -> np.ndarray
    dedup.hash_shingle(shingle) -> int
"""

from .cluster import Cluster, connected_components
from .duplicates import DuplicateOptions, find_duplicates
from .errors import DedupError, InvalidOptionError, InvalidTextError
from .lsh import LSHParams, optimal_params, s_curve
from .minhash import signatures, to_lean_minhash
from .normalize import MatchingView, NormalizeOptions, normalize
from .shingle import hash_shingle

__version__ = "0.1.0"

__all__ = [
    "Cluster",
    "DedupError",
    "DuplicateOptions",
    "InvalidOptionError",
    "InvalidTextError",
    "LSHParams",
    "MatchingView",
    "NormalizeOptions",
    "connected_components",
    "find_duplicates",
    "hash_shingle",
    "normalize",
    "optimal_params",
    "s_curve",
    "signatures",
    "to_lean_minhash",
    "__version__",
]

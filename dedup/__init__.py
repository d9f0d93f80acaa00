"""dedup: near-duplicate, repeated-passage and boilerplate detection for text collections.

The public contract::

    dedup.find_duplicates(texts, *, threshold=..., **options) -> list[dedup.Cluster]
    dedup.find_repeated_passages(texts, **options) -> list[dedup.PassageCluster]
    dedup.find_boilerplate(texts, **options) -> list[dedup.Boilerplate]
    dedup.clean(texts, **options) -> list[dedup.Cleaned]
    dedup.restore(cleaned) -> str
    dedup.signatures(texts, *, num_perm=128, ngram=5, seed=1, scheme="affine32") -> np.ndarray
    dedup.hash_shingle(shingle) -> int
    dedup.Index.create(path) / dedup.Index.open(path) -> dedup.Index   (add, save, query, clusters, remove, merge)
"""

from .boilerplate import Boilerplate, BoilerplateOptions, find_boilerplate
from .clean import CleanOptions, CleanReport, clean, clean_report
from .cluster import Cluster, connected_components
from .duplicates import DuplicateOptions, find_duplicates
from .errors import DedupError, InvalidOptionError, InvalidTextError
from .index import Index, IndexFileError, Match
from .lsh import LSHParams, optimal_params, s_curve
from .minhash import signatures, to_lean_minhash
from .normalize import MatchingView, NormalizeOptions, normalize
from .passages import PassageCluster, PassageOptions, find_repeated_passages
from .removals import Cleaned, Removal, restore
from .segment import segment
from .shingle import hash_shingle
from .spans import Span

__version__ = "0.1.0"

__all__ = [
    "Boilerplate",
    "BoilerplateOptions",
    "CleanOptions",
    "CleanReport",
    "Cleaned",
    "Cluster",
    "DedupError",
    "DuplicateOptions",
    "Index",
    "IndexFileError",
    "InvalidOptionError",
    "InvalidTextError",
    "LSHParams",
    "Match",
    "MatchingView",
    "NormalizeOptions",
    "PassageCluster",
    "PassageOptions",
    "Removal",
    "Span",
    "clean",
    "clean_report",
    "find_boilerplate",
    "find_repeated_passages",
    "restore",
    "segment",
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

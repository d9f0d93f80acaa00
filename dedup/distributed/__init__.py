"""The same pipeline on a Ray cluster (``pip install 'dedup[ray]'``).

Everything here returns what the single-machine functions return, for the same input,
options and seed: the Ray engine only decides *where* the work runs. Ray is imported when
it is first needed, so ``import dedup`` never needs it.

A :class:`RayClusterEngine` clusters matching views (the contract of
:func:`dedup.near.cluster_views`) in phases, each a small pure function over numpy
arrays that Ray Data runs on partitions of the data:

    blocks     the views go into the object store, in blocks of consecutive documents   (driver)
    sketch     map_batches: signatures → band keys → one (part, band, key, doc) row per band (workers)
    band       groupby(part).map_groups: every (band, key) bucket of a hash partition
               → candidate pairs with ``candidate_pairs``' semantics (star above max_bucket)  (workers)
    verify     groupby(block pair).map_groups: duplicates of a pair meet in one group and are
               dropped; exact Jaccard / containment on the shingle sets of the two view blocks (workers)
    cluster    centres (the default) or connected components of the verified edges: on the driver
               when they number at most ``edge_limit``, else rounds on Ray — centres by
               :mod:`dedup.centres`, components by large-star / small-star                 (driver | workers)
    represent  above the limit, each member's Jaccard to its representative in workers,
               grouped by block pair as in verify; the driver holds the labels           (driver + workers)

:func:`find_duplicates`, :func:`clean_report` and :func:`clean` take a ``ray.data.Dataset``
(a text column, ``"text"`` by default) or in-memory texts. A dataset is read and cut into
blocks on the workers (:mod:`.io`); in-memory texts feed :class:`RayFinder` and
:class:`RayCleaner` batch by batch through the driver (as ``dedup find|clean --engine ray`` do
with the files they read). Workers tabulate each block (:func:`dedup.clean.tabulate_batch` in
Ray tasks), the plan is made on the driver with every document clustering on the engine, and
one ``map_batches`` cleans the blocks with it — handing them back, or with ``out=`` writing
them from the workers with a manifest (:func:`read_cleaned`). What stays on the driver, and
its memory, is listed under Notes of :func:`clean_report`.

Where things live: ``driver`` (joining Ray, blocks, collecting), ``io`` (a dataset's blocks cut
on the workers, cleaned blocks written by them), ``steps`` (what runs in workers: pure array
steps and Ray Data batch functions), ``engine`` (``RayClusterEngine``), ``api`` (finders and
clean over a dataset); the large-star/small-star rounds are pure numpy in :mod:`dedup.stars`, beside
:func:`dedup.cluster.connected_components`, and the centre rounds in :mod:`dedup.centres`, beside
:func:`dedup.cluster.center_labels`.
"""

from ..stars import labels_of_stars, large_star, small_star, star_components
from .api import (
    RayCleaner,
    RayEngine,
    RayFinder,
    clean,
    clean_report,
    find_duplicates,
    line_table_on_ray,
)
from .driver import (
    INSTALL_HINT,
    RayRunError,
    RayUnavailableError,
    cluster_cpus,
    connect,
    require_ray,
)
from .engine import RayClusterEngine
from .io import read_cleaned
from .steps import band_rows, bucket_pairs, partition_of

__all__ = [
    "INSTALL_HINT",
    "RayClusterEngine",
    "RayRunError",
    "RayCleaner",
    "RayEngine",
    "RayFinder",
    "RayUnavailableError",
    "band_rows",
    "bucket_pairs",
    "clean",
    "clean_report",
    "cluster_cpus",
    "connect",
    "find_duplicates",
    "labels_of_stars",
    "large_star",
    "line_table_on_ray",
    "partition_of",
    "read_cleaned",
    "require_ray",
    "small_star",
    "star_components",
]

"""Speed benchmarks for ``dedup``, side by side with datasketch and rensa.

Run them by naming the folder (the repository's ``testpaths`` only covers ``tests/``)::

    python -m pytest benchmarks/test_bench_signatures.py --benchmark-json=run.json
    python -m benchmarks.report run.json

``benchmarks.data`` obtains the real text they run on (People's Daily, January 1998).
"""

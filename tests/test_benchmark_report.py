"""The README's performance tables come from benchmark runs by benchmarks/report.py: exact output on small runs."""

from __future__ import annotations

from benchmarks.report import render


def bench(group: str, name: str, median: float, **info: object) -> dict[str, object]:
    return {"group": group, "name": name, "stats": {"median": median, "rounds": 3}, "extra_info": info}


def test_ratio_table_and_sentence() -> None:
    run = {
        "benchmarks": [
            bench("signatures", "test_peer", 2.0, impl="peer", label="peer", docs=100, total_bytes=4_000_000),
            bench("signatures", "test_ours", 0.5, impl="dedup", label="ours", docs=100, total_bytes=4_000_000),
        ]
    }
    text = render(run)
    assert "| ours | dedup | 0.5 | 3 | 200 | 8 | 1× |" in text
    assert "| peer | peer | 2 | 3 | 50 | 2 | 4× |" in text
    assert "- ours = 4× peer" in text


def test_ari_column_when_recorded() -> None:
    run = {
        "benchmarks": [
            bench("e2e", "a", 1.0, impl="dedup", label="ours", ari=0.99951),
            bench("e2e", "b", 3.0, impl="peer", label="peer", ari=0.618),
        ]
    }
    text = render(run)
    assert "| ours | dedup | 1 | 3 | 1.000 | 1× |" in text
    assert "| peer | peer | 3 | 3 | 0.618 | 3× |" in text


def test_scaling_table_growth_and_memory_budget() -> None:
    run = {
        "benchmarks": [
            bench(
                "scaling: clean",
                "t16",
                20.0,
                impl="dedup",
                scale=16,
                docs=1600,
                total_bytes=10_000_000,
                peak_rss_bytes=250_000_000,
            ),
            bench(
                "scaling: clean",
                "t1",
                1.0,
                impl="dedup",
                scale=1,
                docs=100,
                total_bytes=625_000,
                peak_rss_bytes=120_000_000,
            ),
            bench(
                "scaling: clean",
                "t4",
                4.0,
                impl="dedup",
                scale=4,
                docs=400,
                total_bytes=2_500_000,
                peak_rss_bytes=150_000_000,
            ),
        ]
    }
    lines = render(run).splitlines()
    rows = [line for line in lines if line.startswith("| ") and "×" in line.split("|")[1]]
    assert rows == [
        "| 1× | 100 | 0.62 | 1 | 0.625 |  | 120 |  | 302 |",
        "| 4× | 400 | 2.50 | 4 | 0.625 | 1.00× linear | 150 | 16.0 | 308 |",  # 30 MB more for 1.875 MB more text
        "| 16× | 1600 | 10.00 | 20 | 0.5 | 1.25× linear | 250 | 13.3 | 330 |",
    ]

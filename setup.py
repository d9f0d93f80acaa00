"""Build the optional compiled kernel; everything else is declared in pyproject.toml.

The extension is optional: without a C compiler the package installs and runs on
its pure-numpy reference path (same results, slower MinHash).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "dedup._kernels",
            sources=["dedup/_kernels.c"],
            depends=["dedup/xxhash.h"],  # xxHash 0.8.4, BSD 2-Clause (dedup/xxhash-LICENSE)
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)

"""Benchmarks (never timed unit tests): ``python -m derive.bench [NAME…]`` runs each named benchmark
module in this package (all when none is named) and prints ratios against a baseline measured in the same
process. Each module defines ``main(argv) -> int``."""

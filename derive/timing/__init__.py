"""The timing appendix: the A6.4 layers (self-attention, 1-D convolution, RNN, LSTM, and a 1×1
convolution against the equivalent matmul) timed with torch, and the page made from the results.

- ``plan``: the grids (``--quick``, the CPU run, the GPU run) and the list of cases they expand to.
- ``counts``: operation counts from ``derive.generated.costs`` (the A6.4 cost formulas), FLOP/s,
  fraction of peak, the crossovers the formulas predict.
- ``measure``: the torch side (needs torch): backend settings, layers, clocks, the matmul peak.
- ``command``: ``derive timing [--device auto|cuda|cpu] [--quick] [--out FILE]``.
- ``schema.json`` / ``schema``: the documented JSON Schema of a result file and its validator.
- ``page``: ``docs/timing.md`` and ``docs/assets/plots/timing-*.svg`` from ``docs/timing/*.json``.

Only ``measure`` imports torch, and only ``command`` imports ``measure``; the page is built from the
committed JSON files alone, so ``derive build`` needs neither torch nor a GPU.
"""

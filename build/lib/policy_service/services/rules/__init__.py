"""Rule sets: published versions, the draft lifecycle, backtests and diffs."""

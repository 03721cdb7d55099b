// Filled in by the benchmark work (issue 7).
print("benchmarks: not written yet")

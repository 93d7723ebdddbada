"""Benchmarks (`defence-dashboard bench`): medians and p95s, never timed tests."""
